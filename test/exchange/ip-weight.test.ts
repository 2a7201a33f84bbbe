/**
 * Binance's request weight is counted per IP, and every REAL user's client of one process shares
 * that IP: their reads draw on one budget (src/exchange/ccxt/ip-weight.ts). Real ccxt clients
 * against the served simulator, which counts weight per IP and minute and answers 429 -1003 over
 * its limit, as Binance does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  DomainError,
  ErrorCode,
  marketSymbol,
  price,
  qty,
  systemClock,
} from '../../src/domain/index.js';
import type { CcxtExchange } from '../../src/exchange/ccxt/index.js';
import { createWeightBudget, type WeightBudget } from '../../src/market/index.js';
import { type Harness, startHarness } from './harness.js';

const BTC = marketSymbol('BTCUSDT');
const USERS = ['alice', 'bob', 'carol'].map((name) => ({
  apiKey: `${name}-key`,
  secret: `${name}-secret`,
  deposit: 10_000,
}));
/**
 * The server's weight limit per minute in these tests (Binance: 2,400): the three clients' rules
 * (exchangeInfo 1 + leverageBracket 1 each) and six balance reads (5 each) fill it exactly.
 */
const LIMIT = 36;

/** Settled within `ms`? (A read waiting for the budget is not.) */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

/**
 * The server counts per calendar minute, and a new minute forgives everything: start each test
 * early in a minute so that its requests all fall in one.
 */
async function earlyInTheMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
}

describe('the IP weight budget shared by REAL clients', () => {
  let h: Harness | undefined;
  const waiting: Promise<unknown>[] = [];
  let testOver = new AbortController();
  /** The budget's waits, cut short when the test ends (they would last until the next minute). */
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (testOver.signal.aborted) return reject(new Error('the test is over'));
      const timer = setTimeout(resolve, ms);
      testOver.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('the test is over'));
      });
    });
  const budgetOf = (limitPerMinute: number, orderReserve = 0) =>
    createWeightBudget({ clock: systemClock, sleep, limitPerMinute, orderReserve });
  afterEach(async () => {
    testOver.abort();
    await Promise.allSettled(waiting.splice(0));
    testOver = new AbortController();
    await h?.close();
    h = undefined;
  });

  async function clients(budget: WeightBudget | undefined): Promise<CcxtExchange[]> {
    h = await startHarness(USERS, {}, { weightLimitPerMinute: LIMIT });
    const out: CcxtExchange[] = [];
    for (const u of USERS) out.push(await h.connect(u.apiKey, u.secret, { weightBudget: budget }));
    // As the engine does when it attaches an account: the symbols' rules first.
    for (const ex of out) await ex.markets();
    return out;
  }

  /** Balance reads (GET /fapi/v3/account, weight 5) by each client in turn, up to the first refusal. */
  async function readBalances(exchanges: CcxtExchange[], reads: number): Promise<unknown[]> {
    const outcomes: unknown[] = [];
    for (let i = 0; i < reads; i++) {
      const outcome = await exchanges[i % exchanges.length]!.balance().catch((err: unknown) => err);
      outcomes.push(outcome);
      if (outcome instanceof Error) break;
    }
    return outcomes;
  }

  it('without a shared budget, three users reading their balances draw 429s (the control)', async () => {
    await earlyInTheMinute();
    const exchanges = await clients(undefined);
    const outcomes = await readBalances(exchanges, 12);
    const last = outcomes.at(-1);
    expect(last instanceof DomainError && last.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('with one budget, the weight never goes over the limit: the read past it waits, nothing is refused', async () => {
    await earlyInTheMinute();
    const budget = budgetOf(LIMIT);
    const exchanges = await clients(budget);
    // Fill the budget exactly, all reads at once (the server's count cannot correct ours in
    // flight): our weights must match the server's, or it would refuse one.
    const room = () => LIMIT - budget.used();
    const reads = room() / 5;
    expect(reads).toBe(6);
    const all = Array.from({ length: reads + 1 }, (_, i) => exchanges[i % exchanges.length]!.balance());
    waiting.push(...all);
    await Promise.all(all.slice(0, reads));
    expect(room()).toBe(0);
    const next = all[reads]!;
    expect(await settlesWithin(next, 300)).toBe(false);

    // Placing an order costs no IP weight: it is not held behind the reads.
    const order = await exchanges[2]!.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'MARKET',
      clientOrderId: 'w-entry' as ClientOrderId,
      qty: qty('0.01'),
    });
    expect(order.status).toBe('FILLED');
    expect(await settlesWithin(next, 50)).toBe(false);
  });

  it('cancels spend the order reserve that reads leave: they go through while a read waits, and the server refuses none', async () => {
    await earlyInTheMinute();
    const reserve = 5;
    const budget = budgetOf(LIMIT, reserve);
    const exchanges = await clients(budget);
    const bob = exchanges[1]!;
    // Five resting limits to cancel later (placing costs no weight).
    for (let i = 0; i < reserve; i++) {
      await bob.createOrder({
        symbol: BTC,
        side: 'BUY',
        type: 'LIMIT',
        clientOrderId: `w-rest-${i}` as ClientOrderId,
        qty: qty('0.002'),
        price: price('59000'),
      });
    }
    // Reads up to their ceiling, LIMIT - reserve: the one after waits.
    const reads = (LIMIT - reserve - budget.used()) / 5;
    expect(reads).toBe(5);
    const all = Array.from({ length: reads + 1 }, (_, i) => exchanges[i % exchanges.length]!.balance());
    waiting.push(...all);
    await Promise.all(all.slice(0, reads));
    const nextRead = all[reads]!;
    expect(await settlesWithin(nextRead, 200)).toBe(false);

    // A panic's cancels meanwhile: at once, the whole reserve, each counted 1 as the server counts it.
    const cancels = await Promise.all(
      Array.from({ length: reserve }, (_, i) =>
        bob.cancelOrder({ symbol: BTC, clientOrderId: `w-rest-${i}` as ClientOrderId, family: 'regular' }),
      ),
    );
    expect(cancels.map((o) => o.status)).toEqual(Array(reserve).fill('CANCELED'));
    expect(budget.used()).toBe(LIMIT);
    expect(await settlesWithin(nextRead, 50)).toBe(false);
  });

  it('the server’s count, which sees other processes on the IP, raises ours', async () => {
    await earlyInTheMinute();
    const budget = budgetOf(10 * LIMIT);
    const [ours] = await clients(budget);
    const before = budget.used();
    // Another process on the same IP: a client outside our budget spends 20.
    const elsewhere = await h!.connect('carol-key', 'carol-secret');
    expect(await readBalances([elsewhere], 4)).toHaveLength(4);
    expect(budget.used()).toBe(before);
    await ours!.balance();
    // 5 of ours, and the 20 the server counted for the other one.
    expect(budget.used()).toBe(before + 5 + 20);
  });

  it('a 429 the server gives one client pauses the other clients’ reads', async () => {
    await earlyInTheMinute();
    // Our budget thinks there is room for far more: another process on the IP spent it (the
    // server's count is the truth).
    const budget = budgetOf(10 * LIMIT);
    const exchanges = await clients(budget);
    const outcomes = await readBalances([exchanges[0]!], Math.ceil(LIMIT / 5) + 1);
    const last = outcomes.at(-1);
    expect(last instanceof DomainError && last.code).toBe(ErrorCode.RATE_LIMITED);
    expect(budget.pausedUntil).toBeGreaterThan(Date.now());

    const other = exchanges[1]!.balance();
    waiting.push(other);
    expect(await settlesWithin(other, 300)).toBe(false);
  });
});
