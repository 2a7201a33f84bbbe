/**
 * The exchange side of the fault suite: one Simulator behind one SimExchangeServer (the real
 * Binance protocol the ccxt adapter speaks), one fresh account per scenario, faults aimed at that
 * account's key only, and the count of faults that fired.
 */
import { createManualClock, type ManualClock } from '../../../src/domain/index.js';
import { BTC_BRACKETS, noSlippage, Simulator, simSymbol } from '../../../src/exchange/index.js';
import { type ArmedFault, type FaultSpec, SimExchangeServer } from '../../../src/exchange/server/index.js';

export const SYMBOL = 'BTCUSDT';
export const PRICE = 60_000;
export const STOP = 58_800;
export const TARGET = 62_400;
/** 100 USDT x 10 at 60 000, floored to the 0.001 step. */
export const ENTRY_QTY = 0.016;

export const STEPS = ['leverage', 'entry', 'stop', 'take-profit', 'exit', 'cancel'] as const;
export type Step = (typeof STEPS)[number];
export const FAULTS = ['reject', 'lost', '5xx', '429', '418', 'ws-drop', 'sigkill'] as const;
export type FaultKind = (typeof FAULTS)[number];

/** The Binance code each step is really refused with. */
export const REJECT_CODE: Record<Step, { code: number; msg?: string }> = {
  leverage: { code: -4028, msg: 'Leverage 10 is not valid' },
  entry: { code: -2019 },
  // The incident: closePosition sent with reduceOnly.
  stop: { code: -1106, msg: "Parameter 'reduceOnly' sent when not required." },
  'take-profit': { code: -2021 },
  exit: { code: -2022 },
  cancel: { code: -2011 },
};

const MATCH: Record<Step, Pick<FaultSpec, 'method' | 'path' | 'side' | 'type'>> = {
  leverage: { method: 'POST', path: '/fapi/v1/leverage' },
  entry: { method: 'POST', path: '/fapi/v1/order', side: 'BUY', type: 'MARKET' },
  stop: { method: 'POST', path: '/fapi/v1/algoOrder', type: 'STOP_MARKET' },
  'take-profit': { method: 'POST', path: '/fapi/v1/algoOrder', type: 'TAKE_PROFIT_MARKET' },
  exit: { method: 'POST', path: '/fapi/v1/order', side: 'SELL', type: 'MARKET' },
  // Panic's cancel of every conditional order (the stops), before it closes the position.
  cancel: { method: 'DELETE', path: '/fapi/v1/algoOpenOrders' },
};

export interface Armed {
  fault: ArmedFault;
  fired(): boolean;
  disarm(): void;
}

export class FaultWorld {
  private accounts = 0;

  private constructor(
    readonly clock: ManualClock,
    readonly sim: Simulator,
    readonly server: SimExchangeServer,
  ) {}

  static async start(): Promise<FaultWorld> {
    const clock = createManualClock(Date.UTC(2026, 0, 5));
    const sim = new Simulator({
      clock,
      slippage: noSlippage,
      symbols: [
        simSymbol({
          symbol: SYMBOL,
          tickSize: '0.1',
          stepSize: '0.001',
          minNotional: 100,
          brackets: BTC_BRACKETS,
        }),
      ],
    });
    const server = new SimExchangeServer({ simulator: sim });
    await server.start();
    const world = new FaultWorld(clock, sim, server);
    world.setPrice(PRICE);
    return world;
  }

  newAccount(): { apiKey: string; secret: string; accountId: string } {
    const n = ++this.accounts;
    const apiKey = `fault-key-${n}`;
    const secret = `fault-secret-${n}`;
    this.server.addAccount({ apiKey, secret, deposit: 10_000 });
    return { apiKey, secret, accountId: apiKey };
  }

  setPrice(last: number): void {
    this.clock.advance(1_000);
    this.server.setPrice(SYMBOL, { last, time: this.clock.now() });
  }

  /** Faults that fired so far (latency is the vehicle of a WebSocket drop, not a fault). */
  injected(): number {
    const fired = this.server.faults.report().fired;
    return Object.entries(fired).reduce((n, [kind, count]) => (kind === 'latency' ? n : n + (count ?? 0)), 0);
  }

  /**
   * Arm `fault` on `step` for one key. ws-drop: the request is delayed and the user streams are
   * cut while it is in flight. sigkill: the request executes and its answer never comes;
   * `onFire` (the kill) runs the moment it arrives.
   */
  arm(step: Step, fault: FaultKind, apiKey: string, onFire?: () => void): Armed {
    const match = { ...MATCH[step], apiKey };
    const spec: FaultSpec = (() => {
      switch (fault) {
        case 'reject':
          return { ...match, kind: 'reject', ...REJECT_CODE[step] };
        case 'lost':
          return { ...match, kind: 'drop', execute: true };
        case '5xx':
          return { ...match, kind: 'http', status: 503, execute: true };
        case '429':
          return { ...match, kind: 'rateLimit', status: 429, retryAfterSec: 1 };
        case '418':
          return { ...match, kind: 'rateLimit', status: 418, retryAfterSec: 1 };
        case 'ws-drop':
          return { ...match, kind: 'latency', ms: 250 };
        case 'sigkill':
          return { ...match, kind: 'drop', execute: true, mode: 'hang' };
      }
    })();
    const armed = this.server.faults.arm(spec);
    let acted = false;
    const poll = setInterval(() => {
      if (armed.fired === 0 || acted) return;
      acted = true;
      clearInterval(poll);
      if (fault === 'ws-drop') this.server.dropWebSockets('user', apiKey);
      onFire?.();
    }, 2);
    return {
      fault: armed,
      fired: () => armed.fired > 0,
      disarm: () => {
        clearInterval(poll);
        this.server.faults.disarm(armed.id);
      },
    };
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

export async function waitFor(
  predicate: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return predicate();
}
