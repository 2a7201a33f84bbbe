/**
 * Panic: stop everything for one account, fast, even when the database is slow and some calls
 * fail. In order: the in-memory flags (no entry leaves after this line), then in parallel the
 * books (auto-trading off, risk state REDUCING) and the exchange: for every symbol the exchange
 * or the books know, cancel all open orders of both families and close the position with
 * reduce-only market orders, each symbol on its own with its own retries. Then, in the lane
 * (after whatever was running), the books are settled and anything still open is closed again.
 * Idempotent: a second panic finds nothing to do and says so.
 *
 * Panic exits are reduce-only, so they cannot add exposure: their intents are written ahead like
 * every order, but when the database does not answer within a second the exit goes out anyway and
 * its answer is recorded when the database is back (reconciliation books the close regardless).
 */
import type { Decimal } from 'decimal.js';
import {
  type Direction,
  deriveClientOrderId,
  describeError,
  exitSide,
  type Qty,
  type RiskState,
} from '../domain/index.js';
import { isOpenOrder } from '../exchange/index.js';
import { nextRiskState } from '../risk/index.js';
import type { Position } from '../store/index.js';
import { backoffMs } from './backoff.js';
import { type Account, asSymbol, audit, type ExecutionContext, publish, toDate } from './context.js';
import { closeAtMarket } from './exits.js';
import { answerFrom, withRetries } from './send.js';

export interface PanicResult {
  positionId: string;
  symbol: string;
  mode: 'PAPER' | 'REAL';
  outcome: 'CLOSED' | 'CLOSING' | 'NOT_CLOSED';
  message: string;
}

export interface PanicOutcome {
  executor: 'engine';
  autoTrade: false;
  riskState: RiskState;
  results: PanicResult[];
}

const timeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);

export async function panic(
  ctx: ExecutionContext,
  acct: Account,
  mode: 'PAPER' | 'REAL',
): Promise<PanicOutcome> {
  acct.reducing = true;
  acct.panicking = true;
  const userId = acct.userId;
  const books = (async (): Promise<RiskState> => {
    const user = await withRetries(
      ctx,
      () => ctx.repos.users.findById(userId),
      5,
      () => true,
    );
    const t = nextRiskState(user?.riskState ?? 'ACTIVE', { type: 'PANIC' });
    await withRetries(
      ctx,
      () => ctx.repos.users.updateSettings(userId, { autoTrade: false }),
      5,
      () => true,
    );
    await withRetries(
      ctx,
      () => ctx.repos.users.setRiskState(userId, t.to),
      5,
      () => true,
    );
    await audit(ctx, userId, 'panic', `panic: auto-trading off, ${t.from} -> ${t.to}`, { ...t });
    publish(ctx, userId, 'account', { autoTrade: false, riskState: t.to });
    publish(ctx, userId, 'risk', { riskState: t.to, from: t.from, reason: t.reason });
    return t.to;
  })();
  books.catch(() => undefined);
  try {
    const dbLive =
      (await timeout(ctx.repos.positions.listLive(userId), ctx.options.panicBooksTimeoutMs).catch(
        () => undefined,
      )) ?? [];
    let exSymbols: string[] = [];
    try {
      const [held, open] = await Promise.all([
        withRetries(ctx, () => acct.exchange.positions(), 5),
        withRetries(ctx, () => acct.exchange.openOrders(), 5),
      ]);
      exSymbols = [
        ...held.map((p) => p.symbol as string),
        ...open.filter(isOpenOrder).map((o) => o.symbol as string),
      ];
    } catch (err) {
      ctx.logger?.error({ err: describeError(err) }, 'panic: could not list the exchange; using the books');
    }
    const symbols = [...new Set([...dbLive.map((p) => p.symbol), ...exSymbols])].sort();
    const results = await Promise.all(
      symbols.map((symbol) =>
        flattenSymbol(
          ctx,
          acct,
          symbol,
          dbLive.find((p) => p.symbol === symbol),
          mode,
        ),
      ),
    );
    // Books, in the lane: after any entry that was in flight, settle what is flat, close what is not.
    const settled = acct.lane.run(async () => {
      for (const p of await ctx.repos.positions.listLive(userId)) {
        const r = await closeAtMarket(ctx, acct, p, 'PANIC');
        const i = results.findIndex((x) => x.symbol === p.symbol);
        const entry: PanicResult = {
          positionId: p.id,
          symbol: p.symbol,
          mode: p.mode,
          outcome: r.state,
          message: r.state === 'CLOSED' ? 'closed at market and booked' : r.message,
        };
        if (i >= 0) results[i] = entry;
        else results.push(entry);
      }
    });
    await timeout(
      settled.catch((err: unknown) => ctx.logger?.error({ err }, 'panic: books not settled')),
      ctx.options.panicBooksTimeoutMs,
    );
    const riskState =
      (await timeout(
        books.catch(() => undefined),
        ctx.options.panicBooksTimeoutMs,
      )) ?? 'REDUCING';
    return { executor: 'engine', autoTrade: false, riskState, results: results.filter((r) => r.symbol) };
  } finally {
    acct.panicking = false;
  }
}

/** Cancel everything on the symbol and close its position at market; retried on its own. */
async function flattenSymbol(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
  position: Position | undefined,
  mode: 'PAPER' | 'REAL',
): Promise<PanicResult> {
  const base = { positionId: position?.id ?? '', symbol, mode: position?.mode ?? mode };
  const deadline = ctx.clock.now() + ctx.options.exitBoundMs;
  let lastError = '';
  for (let attempt = 0; ; attempt++) {
    try {
      await acct.exchange.cancelAllOrders(asSymbol(symbol));
      const held = (await acct.exchange.positions(asSymbol(symbol))).find(
        (p) => p.symbol === symbol && p.qty.gt(0),
      );
      if (!held) {
        return {
          ...base,
          outcome: 'CLOSED',
          message: position ? 'flat on the exchange' : 'open orders cancelled',
        };
      }
      await sendPanicExit(ctx, acct, symbol, held.side, held.qty, position, attempt);
    } catch (err) {
      lastError = describeError(err);
    }
    if (ctx.clock.now() >= deadline) {
      return { ...base, outcome: 'NOT_CLOSED', message: `could not close: ${lastError || 'still open'}` };
    }
    await ctx.sleep(backoffMs(ctx.options.exitBackoff, attempt));
  }
}

async function sendPanicExit(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
  side: Direction,
  qty: Decimal,
  position: Position | undefined,
  attempt: number,
): Promise<void> {
  // Reduce-only, so a repeat cannot add exposure; the time keeps a second panic's ids fresh.
  const seed = `panic:${position?.id ?? symbol}:${ctx.clock.now()}`;
  const leg = `exit${attempt}` as const;
  const clientOrderId = deriveClientOrderId(acct.userId, seed, leg);
  const request = {
    symbol: asSymbol(symbol),
    side: exitSide(side),
    type: 'MARKET' as const,
    clientOrderId,
    qty: qty as Qty,
    reduceOnly: true,
  };
  if (position && attempt === 0 && position.status !== 'CLOSING') {
    // CLOSING with the reason first, so whichever path books the fill (the stream's reaction or
    // the clean-up below) says PANIC, not MANUAL. Bounded: panic never waits on a slow database.
    await timeout(
      ctx.repos.positions.markClosing(position.id, 'PANIC').catch(() => undefined),
      1_000,
    );
  }
  const intent = ctx.repos.orders
    .insertIntent({
      userId: acct.userId,
      positionId: position?.id ?? null,
      clientOrderId,
      family: 'REGULAR',
      leg,
      symbol,
      side: request.side,
      type: 'MARKET',
      qty,
      reduceOnly: true,
    })
    .then(
      () => true,
      () => false,
    );
  await timeout(intent, 1_000);
  try {
    const order = await acct.exchange.createOrder(request);
    void intent.then((ok) =>
      ok
        ? ctx.repos.orders
            .recordAnswer(clientOrderId, answerFrom(order, 'ACCEPTED', toDate(ctx)))
            .catch(() => undefined)
        : undefined,
    );
  } catch (err) {
    void intent.then((ok) =>
      ok
        ? ctx.repos.orders
            .recordAnswer(clientOrderId, {
              at: toDate(ctx).toISOString(),
              outcome: 'REJECTED',
              errorCode: 'PANIC_EXIT_FAILED',
              error: describeError(err),
            })
            .catch(() => undefined)
        : undefined,
    );
    throw err;
  }
}
