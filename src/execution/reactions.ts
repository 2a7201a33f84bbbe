/**
 * What the engine does when the exchange reports activity on a symbol (a fill, an order update, a
 * position gone flat): run in the account's lane, it brings the books in line. An entry fill opens
 * and protects the position; exit fills that cover it (a stop or a target filled) close it; a flat
 * report with fills still missing is confirmed over REST before the position is booked closed.
 */
import { exitSide, isLivePosition, ZERO } from '../domain/index.js';
import type { PositionBook } from '../store/index.js';
import { type Account, asSymbol, type ExecutionContext, publishPosition, toDate } from './context.js';
import { syncEntryFill } from './entry.js';
import { finalizeClose, isFinalOrder } from './exits.js';
import { withRetries } from './send.js';

/** Returns the id of the live position it looked at (none: undefined). */
export async function checkSymbol(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
): Promise<string | undefined> {
  // The position, its orders and its fills as one read (one snapshot).
  const book = await ctx.repos.positionBooks.findLive(acct.userId, symbol);
  if (!book) {
    acct.reportedFlat.delete(symbol);
    return undefined;
  }
  await reactTo(ctx, acct, symbol, book);
  return book.position.id;
}

async function reactTo(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
  book: PositionBook,
): Promise<void> {
  const { position, orders } = book;
  const entry = orders.find((o) => o.leg === 'entry');
  if (position.status === 'PENDING_ENTRY') {
    if (entry?.filledQty.gt(0)) {
      await syncEntryFill(ctx, acct, position, entry);
    } else if (entry && isFinalOrder(entry) && entry.status !== 'REJECTED') {
      // A LIMIT entry cancelled or expired on the exchange without a fill.
      const cancelled = await ctx.repos.positions.update(position.id, {
        status: 'CANCELLED',
        closeReason: `ENTRY_${entry.status}`,
        closedAt: toDate(ctx),
      });
      publishPosition(ctx, cancelled);
    }
    return;
  }
  // Read again only when the sync changed it: otherwise the book read above, a moment ago, will do
  // (a fill recorded since asks for another check; finalizeClose reads again before booking).
  const synced = entry?.filledQty.gt(position.filledQty) === true;
  if (synced) await syncEntryFill(ctx, acct, position, entry!);
  const now = synced ? await ctx.repos.positionBooks.findById(position.id) : book;
  if (!now) return;
  const { position: fresh, fills } = now;
  if (!isLivePosition(fresh.status) || fresh.filledQty.lte(0)) return;
  const out = exitSide(fresh.direction);
  const exited = fills.filter((f) => f.side === out).reduce((sum, f) => sum.add(f.qty), ZERO);
  if (exited.gte(fresh.filledQty)) {
    acct.reportedFlat.delete(symbol);
    await finalizeClose(ctx, acct, fresh.id);
    return;
  }
  if (!acct.reportedFlat.has(symbol)) return;
  acct.reportedFlat.delete(symbol);
  try {
    const held = await withRetries(ctx, () => acct.exchange.positions(asSymbol(symbol)));
    if (!held.some((p) => p.symbol === symbol && p.qty.gt(0))) await finalizeClose(ctx, acct, fresh.id);
  } catch (err) {
    ctx.logger?.warn({ err, symbol }, 'could not confirm a flat report; reconciliation will');
  }
}
