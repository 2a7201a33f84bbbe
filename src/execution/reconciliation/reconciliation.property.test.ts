import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  dec,
  type EpochMs,
  type MarketSymbol,
  type Money,
  type PositionStatus,
  type Price,
  type Qty,
} from '../../domain/index.js';
import type { AlgoOrder, ExchangeOrder, ExchangePosition, RegularOrder } from '../../exchange/index.js';
import {
  type ExchangeReports,
  type LocalOrder,
  type LocalPosition,
  type LocalState,
  type ReconcileAction,
  reconcile,
} from './index.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT'];
const NOW = 1_800_000_000_000;
const BOUND = 10_000;

function exPosition(symbol: string, side: 'LONG' | 'SHORT', qty: string, updatedAt = NOW): ExchangePosition {
  const q = dec(qty);
  return {
    symbol: symbol as MarketSymbol,
    side,
    qty: q as Qty,
    entryPrice: dec(100) as Price,
    breakEvenPrice: dec(100) as Price,
    markPrice: dec(100) as Price,
    unrealizedPnl: dec(0) as Money,
    notional: q.mul(100) as Money,
    leverage: 10,
    marginMode: 'ISOLATED',
    isolatedWallet: q.mul(10) as Money,
    maintMargin: dec(0) as Money,
    liquidationPrice: null,
    updatedAt: updatedAt as EpochMs,
  };
}

function exOrder(
  symbol: string,
  o: { clientOrderId: string; family: 'REGULAR' | 'ALGO'; status: string; filled?: string },
): ExchangeOrder {
  const common = {
    symbol: symbol as MarketSymbol,
    id: `${o.clientOrderId}-id`,
    clientOrderId: o.clientOrderId as ClientOrderId,
    side: 'SELL' as const,
    timeInForce: 'GTC',
    qty: null,
    price: null,
    triggerPrice: dec(90) as Price,
    workingType: 'CONTRACT_PRICE' as const,
    reduceOnly: false,
    closePosition: true,
    createdAt: NOW as EpochMs,
    updatedAt: NOW as EpochMs,
  };
  if (o.family === 'ALGO') {
    return {
      ...common,
      family: 'algo',
      type: 'STOP_MARKET',
      status: o.status as AlgoOrder['status'],
      triggeredOrderId: null,
      triggeredAt: null,
      rejectReason: null,
    };
  }
  return {
    ...common,
    family: 'regular',
    type: 'MARKET',
    status: o.status as RegularOrder['status'],
    filledQty: dec(o.filled ?? '0') as Qty,
    avgFillPrice: o.filled && o.filled !== '0' ? (dec(100) as Price) : null,
  };
}

interface World {
  local: LocalState;
  reports: ExchangeReports;
}

const statusArb = fc.constantFrom<PositionStatus>('PENDING_ENTRY', 'OPEN', 'UNPROTECTED', 'CLOSING');
const algoStatus = fc.constantFrom('NEW', 'TRIGGERED', 'FINISHED', 'CANCELED', 'EXPIRED');
const entryStatus = fc.constantFrom(
  'INTENT',
  'UNKNOWN',
  'NEW',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'REJECTED',
);

const slotArb = fc.record({
  local: fc.option(
    fc.record({
      status: statusArb,
      direction: fc.constantFrom<'LONG' | 'SHORT'>('LONG', 'SHORT'),
      qty: fc.constantFrom('1', '2'),
      hasTakeProfit: fc.boolean(),
      unprotectedFor: fc.option(fc.integer({ min: 0, max: 2 * BOUND }), { nil: null }),
      entry: fc.option(
        fc.record({
          local: entryStatus,
          reported: fc.option(entryStatus, { nil: null }),
          missing: fc.boolean(),
        }),
        { nil: null },
      ),
      stops: fc.array(
        fc.record({
          local: algoStatus,
          reported: fc.option(algoStatus, { nil: null }),
          missing: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
      targets: fc.array(
        fc.record({
          local: algoStatus,
          reported: fc.option(algoStatus, { nil: null }),
          missing: fc.boolean(),
        }),
        { maxLength: 2 },
      ),
    }),
    { nil: null },
  ),
  exchange: fc.option(
    fc.record({
      side: fc.constantFrom<'LONG' | 'SHORT'>('LONG', 'SHORT'),
      qty: fc.constantFrom('1', '2', '3'),
    }),
    { nil: null },
  ),
  strays: fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 5 }), ours: fc.boolean(), algo: fc.boolean() }),
    { maxLength: 2 },
  ),
});

const worldArb: fc.Arbitrary<World> = fc
  .array(slotArb, { minLength: SYMBOLS.length, maxLength: SYMBOLS.length })
  .map((slots) => {
    const positions: LocalPosition[] = [];
    const exPositions: ExchangePosition[] = [];
    const orders: ExchangeOrder[] = [];
    const missing: string[] = [];
    slots.forEach((slot, i) => {
      const symbol = SYMBOLS[i]!;
      if (slot.exchange) exPositions.push(exPosition(symbol, slot.exchange.side, slot.exchange.qty));
      for (const s of slot.strays) {
        const cid = `${s.ours ? 'nt-' : 'web_'}${symbol}-stray${s.id}`;
        orders.push(
          exOrder(symbol, { clientOrderId: cid, family: s.algo ? 'ALGO' : 'REGULAR', status: 'NEW' }),
        );
      }
      const l = slot.local;
      if (!l) return;
      const id = `pos-${symbol}`;
      const localOrders: LocalOrder[] = [];
      const add = (
        leg: string,
        family: 'REGULAR' | 'ALGO',
        o: { local: string; reported: string | null; missing: boolean },
      ) => {
        const cid = `nt-${symbol}-${leg}`;
        localOrders.push({ clientOrderId: cid, leg, family, status: o.local, filledQty: dec(0) });
        if (o.reported) {
          const filled = o.reported === 'FILLED' || o.reported === 'PARTIALLY_FILLED' ? '1' : '0';
          orders.push(exOrder(symbol, { clientOrderId: cid, family, status: o.reported, filled }));
        } else if (o.missing) missing.push(cid);
      };
      if (l.entry) add('entry', 'REGULAR', l.entry);
      for (const [k, s] of l.stops.entries()) add(k === 0 ? 'sl' : `sl${k}`, 'ALGO', s);
      for (const [k, t] of l.targets.entries()) add(k === 0 ? 'tp' : `tp${k}`, 'ALGO', t);
      positions.push({
        id,
        symbol,
        direction: l.direction,
        status: l.status,
        filledQty: dec(l.qty),
        takeProfit: l.hasTakeProfit ? dec(120) : null,
        unprotectedSince: l.unprotectedFor === null ? null : NOW - l.unprotectedFor,
        orders: localOrders,
      });
    });
    return {
      local: { positions, now: NOW, protectionBoundMs: BOUND },
      reports: { positions: exPositions, orders, missing },
    };
  });

/** A deterministic shuffle driven by fast-check's seed. */
const shuffled = <T>(list: readonly T[], keys: readonly number[]): T[] =>
  list
    .map((x, i) => ({ x, k: keys[i % Math.max(1, keys.length)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((e) => e.x);

const keysArb = fc.array(fc.integer(), { minLength: 1, maxLength: 40 });
const canonical = (actions: ReconcileAction[]) => JSON.stringify(actions);

const STRUCTURAL = new Set([
  'entry_filled',
  'cancel_pending',
  'confirm_vanished',
  'resume_close',
  'close_unprotected',
  'protect',
]);

function currentProtection(world: World, p: LocalPosition, re: RegExp): number {
  // The newest leg of this kind reported guarding (NEW / TRIGGERING / TRIGGERED).
  const reported = new Map<string, string>(world.reports.orders.map((o) => [o.clientOrderId, o.status]));
  const idx = (leg: string) => Number(/\d+$/.exec(leg)?.[0] ?? 0);
  return Math.max(
    -1,
    ...p.orders
      .filter(
        (o) =>
          re.test(o.leg) && ['NEW', 'TRIGGERING', 'TRIGGERED'].includes(reported.get(o.clientOrderId) ?? ''),
      )
      .map((o) => idx(o.leg)),
  );
}

function checkSafety(world: World, actions: ReconcileAction[]) {
  const live = new Map(world.local.positions.map((p) => [p.symbol, p]));
  const perPosition = new Map<string, number>();
  for (const a of actions) {
    if (STRUCTURAL.has(a.kind) && 'positionId' in a)
      perPosition.set(a.positionId, (perPosition.get(a.positionId) ?? 0) + 1);
    if (a.kind === 'adopt') {
      const p = live.get(a.symbol);
      expect(p === undefined || p.direction !== a.position.side).toBe(true);
      expect(world.reports.positions.some((x) => x.symbol === a.symbol)).toBe(true);
    }
    if (a.kind === 'cancel_order') {
      const reportedOpen = world.reports.orders.some(
        (o) =>
          o.clientOrderId === a.clientOrderId && ['NEW', 'PARTIALLY_FILLED', 'TRIGGERING'].includes(o.status),
      );
      expect(reportedOpen).toBe(true);
      const owner = world.local.positions.find((p) =>
        p.orders.some((o) => o.clientOrderId === a.clientOrderId),
      );
      if (owner) {
        expect(a.reason).toBe('superseded');
        const leg = owner.orders.find((o) => o.clientOrderId === a.clientOrderId)!.leg;
        const kind = /^sl/.test(leg) ? /^sl\d*$/ : /^tp\d*$/;
        const idx = Number(/\d+$/.exec(leg)?.[0] ?? 0);
        expect(currentProtection(world, owner, kind)).toBeGreaterThan(idx);
      } else {
        expect(a.reason).toBe('orphan');
      }
    }
    if (a.kind === 'cancel_pending') {
      const p = world.local.positions.find((x) => x.id === a.positionId)!;
      const entry = p.orders.find((o) => o.leg === 'entry');
      const report = entry && world.reports.orders.find((o) => o.clientOrderId === entry.clientOrderId);
      const evidence =
        !entry ||
        (report !== undefined && ['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'].includes(report.status)) ||
        (report === undefined && world.reports.missing.includes(entry.clientOrderId));
      expect(evidence).toBe(true);
      expect(world.reports.positions.some((x) => x.symbol === p.symbol && x.side === p.direction)).toBe(
        false,
      );
    }
    if (a.kind === 'confirm_vanished') {
      const p = world.local.positions.find((x) => x.id === a.positionId)!;
      expect(world.reports.positions.some((x) => x.symbol === p.symbol && x.side === p.direction)).toBe(
        false,
      );
    }
  }
  for (const n of perPosition.values()) expect(n).toBeLessThanOrEqual(1);
}

describe('reconciliation (pure)', () => {
  it('gives the same actions whatever order the reports (and local positions) come in', () => {
    fc.assert(
      fc.property(worldArb, keysArb, keysArb, keysArb, (w, k1, k2, k3) => {
        const base = canonical(reconcile(w.local, w.reports));
        const again = reconcile(
          { ...w.local, positions: shuffled(w.local.positions, k3) },
          {
            positions: shuffled(w.reports.positions, k1),
            orders: shuffled(w.reports.orders, k2),
            missing: shuffled(w.reports.missing, k1),
          },
        );
        expect(canonical(again)).toBe(base);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same actions when reports are repeated', () => {
    fc.assert(
      fc.property(worldArb, fc.array(fc.nat(), { maxLength: 10 }), (w, picks) => {
        const dup = <T>(list: readonly T[]) => [
          ...list,
          ...picks.filter((i) => i < list.length).map((i) => list[i]!),
        ];
        const again = reconcile(w.local, {
          positions: dup(w.reports.positions),
          orders: dup(w.reports.orders),
          missing: dup(w.reports.missing),
        });
        expect(canonical(again)).toBe(canonical(reconcile(w.local, w.reports)));
      }),
      { numRuns: 300 },
    );
  });

  it('matches or adopts every reported position exactly once', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const actions = reconcile(w.local, w.reports);
        for (const ex of w.reports.positions) {
          const local = w.local.positions.find((p) => p.symbol === ex.symbol && p.direction === ex.side);
          const adopted = actions.filter((a) => a.kind === 'adopt' && a.symbol === ex.symbol).length;
          expect(adopted).toBe(local ? 0 : 1);
        }
        checkSafety(w, actions);
      }),
      { numRuns: 300 },
    );
  });

  it('stays safe when reports are dropped: no wrong adoption, no cancelled protection, no cancel without evidence', () => {
    fc.assert(
      fc.property(worldArb, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (w, keep) => {
        let i = 0;
        const sub = <T>(list: readonly T[]) => list.filter(() => keep[i++ % keep.length]);
        const dropped: World = {
          local: w.local,
          reports: {
            positions: sub(w.reports.positions),
            orders: sub(w.reports.orders),
            missing: sub(w.reports.missing),
          },
        };
        checkSafety(dropped, reconcile(dropped.local, dropped.reports));
      }),
      { numRuns: 300 },
    );
  });

  it('examples: re-places a missing stop, closes one unprotected past the bound, cancels an orphan', () => {
    const order = (leg: string, status: string): LocalOrder => ({
      clientOrderId: `nt-x-${leg}`,
      leg,
      family: leg === 'entry' ? 'REGULAR' : 'ALGO',
      status,
      filledQty: dec(leg === 'entry' ? 1 : 0),
    });
    const position = (symbol: string, unprotectedSince: number | null): LocalPosition => ({
      id: `p-${symbol}`,
      symbol,
      direction: 'LONG',
      status: 'OPEN',
      filledQty: dec(1),
      takeProfit: null,
      unprotectedSince,
      orders: [order('entry', 'FILLED'), order('sl', 'NEW')].map((o) => ({
        ...o,
        clientOrderId: `${o.clientOrderId}-${symbol}`,
      })),
    });
    const actions = reconcile(
      {
        positions: [position('BTCUSDT', null), position('ETHUSDT', NOW - BOUND)],
        now: NOW,
        protectionBoundMs: BOUND,
      },
      {
        positions: [exPosition('BTCUSDT', 'LONG', '1'), exPosition('ETHUSDT', 'LONG', '1')],
        orders: [exOrder('SOLUSDT', { clientOrderId: 'nt-old-sl', family: 'ALGO', status: 'NEW' })],
        missing: [],
      },
    );
    expect(actions.map((a) => [a.kind, a.symbol])).toEqual([
      ['protect', 'BTCUSDT'],
      ['close_unprotected', 'ETHUSDT'],
      ['cancel_order', 'SOLUSDT'],
    ]);
  });
});
