/**
 * The user-stream consumer of one account. Order updates and fills are recorded as they come, in
 * order, on the account's recorder queue (not its lane: a close waiting for its fills must not
 * wait behind itself); what they mean for a position is then decided in the lane (./reactions.ts).
 * Balance updates go straight to the in-memory cache (the figure the dashboard reads), then are
 * stored, then published: event -> cache is measured (target < 50 ms). A lost stream triggers a
 * REST reconciliation; the adapter's own catch-up replays what it can when it is back.
 */
import { performance } from 'node:perf_hooks';
import type { Decimal } from 'decimal.js';
import { describeError, ErrorCode, exitSide, isDomainError, type TradingMode } from '../domain/index.js';
import type { Fill, UserStreamEvent, UserStreamListener } from '../exchange/index.js';
import { type Account, type ExecutionContext, publish, toDate } from './context.js';
import { echoesAnswer, holdEcho, knownIdentity, type OrderIdentity } from './known-orders.js';
import { answerFrom } from './send.js';

export interface StreamHooks {
  /** Activity on a symbol: let the lane look at that position. */
  onSymbol(symbol: string): void;
  /**
   * A fill of one of the position's orders is recorded: let the lane look at the symbol, and at
   * this position too if it is no longer the symbol's live one (booked closed: refresh its figures).
   */
  onFill(positionId: string, symbol: string): void;
  onStreamLost(): void;
  onStreamBack(): void;
}

export interface BalanceLatency {
  /** Event received -> cache updated, ms. */
  toCacheMs: number;
  /** Event received -> stored and published on the live feed, ms. */
  toFeedMs: number;
}

export interface StreamStats {
  balanceUpdates: number;
  latencies: BalanceLatency[];
}

const MAX_SAMPLES = 1_000;

export function createStreamConsumer(
  ctx: ExecutionContext,
  acct: Account,
  mode: () => TradingMode,
  hooks: StreamHooks,
  stats: StreamStats,
): UserStreamListener {
  let balanceChain: Promise<void> = Promise.resolve();

  /** Whose order it is: known from the intent this engine wrote, else read. */
  const ownOrder = async (clientOrderId: string): Promise<OrderIdentity | undefined> => {
    if (!clientOrderId) return undefined;
    const rec =
      knownIdentity(acct, clientOrderId) ?? (await ctx.repos.orders.findByClientOrderId(clientOrderId));
    return rec && rec.userId === acct.userId ? rec : undefined;
  };

  /**
   * The conditional order of ours that a regular order was triggered from, when the order carries
   * an id of the exchange's making (not its parent's): no row of ours has that id (every row is
   * keyed by an id we derived, or an `ext:` one), so reading the books for it would only miss.
   * Algo ids are another numbering, so only regular orders are looked up here.
   */
  const triggeredParent = (symbol: string, orderId: string, clientOrderId: string) => {
    const parent = acct.triggeredChildren.get(`${symbol}|${orderId}`);
    return parent !== undefined && parent !== clientOrderId ? parent : undefined;
  };

  async function recordOrder(event: Extract<UserStreamEvent, { type: 'order' }>): Promise<void> {
    const o = event.order;
    if (o.family === 'algo' && o.triggeredOrderId) {
      acct.triggeredChildren.set(`${o.symbol}|${o.triggeredOrderId}`, o.clientOrderId);
    }
    if (o.family === 'regular' && triggeredParent(o.symbol, o.id, o.clientOrderId) !== undefined) {
      // What the child does is the parent's business: its own updates and its fills say it.
      hooks.onSymbol(o.symbol);
      return;
    }
    const rec = await ownOrder(o.clientOrderId);
    if (rec) {
      // While its send is out the update waits for the answer (the send writes what it adds); an
      // echo of the recorded answer is in the books already; anything else is written (forward
      // only). The lane looks at the symbol either way.
      if (!holdEcho(acct, o) && !echoesAnswer(acct, o)) {
        await ctx.repos.executionQueries.advanceOrder(
          rec.clientOrderId,
          answerFrom(o, 'UPDATE', toDate(ctx)),
        );
      }
      publish(
        ctx,
        acct.userId,
        'order',
        { clientOrderId: rec.clientOrderId, leg: rec.leg, status: o.status },
        o.symbol,
      );
      hooks.onSymbol(o.symbol);
    } else if (acct.triggeredChildren.has(`${o.symbol}|${o.id}`)) {
      hooks.onSymbol(o.symbol);
    }
  }

  /** A fill of an order we did not send (liquidation, a manual order): booked on the live position. */
  async function externalOrder(fill: Fill): Promise<OrderIdentity | undefined> {
    const live = await ctx.repos.positions.findLive(acct.userId, fill.symbol);
    if (!live || fill.side !== exitSide(live.direction)) return undefined;
    const clientOrderId = `ext:${acct.userId}:${fill.symbol}:${fill.orderId}`;
    try {
      await ctx.repos.orders.insertIntent({
        userId: acct.userId,
        positionId: live.id,
        clientOrderId,
        family: 'REGULAR',
        leg: 'external',
        symbol: fill.symbol,
        side: fill.side,
        type: fill.liquidation ? 'LIQUIDATION' : 'EXTERNAL',
      });
      await ctx.repos.orders.recordAnswer(clientOrderId, {
        at: toDate(ctx).toISOString(),
        outcome: 'UPDATE',
        status: 'FILLED',
        exchangeOrderId: fill.orderId,
        raw: { exchangeClientOrderId: fill.clientOrderId },
      });
    } catch (err) {
      if (!isDomainError(err, ErrorCode.DUPLICATE_CLIENT_ORDER_ID)) throw err;
    }
    return ctx.repos.orders.findByClientOrderId(clientOrderId);
  }

  async function recordFill(fill: Fill): Promise<void> {
    // A triggered child's fill is booked on its parent (our stop or target).
    const parent = triggeredParent(fill.symbol, fill.orderId, fill.clientOrderId);
    let rec = await ownOrder(parent ?? fill.clientOrderId);
    rec ??= await externalOrder(fill);
    if (!rec) {
      ctx.logger?.warn({ userId: acct.userId, fill: fill.tradeId }, 'a fill that belongs to no position');
      return;
    }
    const inserted = await ctx.repos.fills.insert({
      orderId: rec.id,
      userId: acct.userId,
      tradeId: fill.tradeId,
      price: fill.price,
      qty: fill.qty,
      fee: fill.fee,
      feeAsset: fill.feeAsset,
      realizedPnl: fill.realizedPnl,
      tradeTime: new Date(fill.time),
    });
    if (!inserted) return;
    publish(
      ctx,
      acct.userId,
      'order',
      {
        clientOrderId: rec.clientOrderId,
        leg: rec.leg,
        fill: { qty: fill.qty.toFixed(), price: fill.price.toFixed() },
      },
      fill.symbol,
    );
    // Whether the position is still live is for the lane to read (after whatever it is doing to it).
    if (rec.positionId) hooks.onFill(rec.positionId, fill.symbol);
    else hooks.onSymbol(fill.symbol);
  }

  function onBalance(event: Extract<UserStreamEvent, { type: 'balance' }>, receivedAt: number): void {
    if (event.asset !== 'USDT') return;
    const at = toDate(ctx);
    acct.balance = {
      asset: event.asset,
      wallet: event.walletBalance,
      available: null,
      at,
      source: 'user-stream',
    };
    const toCacheMs = performance.now() - receivedAt;
    const wallet: Decimal = event.walletBalance;
    balanceChain = balanceChain.then(async () => {
      try {
        await ctx.repos.balanceSnapshots.insert({
          userId: acct.userId,
          mode: mode(),
          wallet,
          available: null,
          equity: null,
          source: 'user-stream',
          takenAt: at,
        });
        if (mode() === 'REAL') await ctx.repos.users.setRealBalance(acct.userId, wallet, at);
      } catch (err) {
        ctx.logger?.warn({ err }, 'balance snapshot not stored');
      }
      publish(ctx, acct.userId, 'balance', {
        wallet: wallet.toFixed(),
        asOf: at.toISOString(),
        source: 'user-stream',
      });
      stats.balanceUpdates++;
      stats.latencies.push({ toCacheMs, toFeedMs: performance.now() - receivedAt });
      if (stats.latencies.length > MAX_SAMPLES) stats.latencies.shift();
    });
  }

  return (event) => {
    const receivedAt = performance.now();
    if (acct.stopped) return;
    switch (event.type) {
      case 'balance':
        onBalance(event, receivedAt);
        return;
      case 'stream':
        if (event.state === 'lost') {
          acct.streamLost = true;
          acct.missedEvents = true;
          hooks.onStreamLost();
        } else if (acct.streamLost) {
          acct.streamLost = false;
          hooks.onStreamBack();
        }
        return;
      case 'position':
        if (event.positionAmt.isZero()) acct.reportedFlat.add(event.symbol);
        else acct.reportedFlat.delete(event.symbol);
        hooks.onSymbol(event.symbol);
        return;
      case 'leverage':
        return;
      case 'order':
      case 'fill':
        acct.recorder
          .run(() => (event.type === 'order' ? recordOrder(event) : recordFill(event.fill)))
          .catch((err: unknown) => {
            ctx.logger?.error({ err: describeError(err), userId: acct.userId }, 'stream event not recorded');
            hooks.onStreamLost();
          });
    }
  };
}
