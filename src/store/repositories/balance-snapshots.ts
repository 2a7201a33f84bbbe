import type { Decimal } from 'decimal.js';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { TradingMode } from '../../domain/index.js';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { balanceSnapshots } from '../schema/index.js';
import { unnestRows } from '../unnest.js';
import { fromDec, once, toDec } from './convert.js';

export interface BalanceSnapshot {
  userId: string;
  mode: TradingMode;
  wallet: Decimal;
  available: Decimal | null;
  equity: Decimal | null;
  source: string;
  takenAt: Date;
}

export function createBalanceSnapshotsRepository(db: Db) {
  const P = sql.placeholder;
  // A snapshot per balance update of every account: prepared (see orders.ts).
  const snapshotInsert = once(() =>
    db
      .insert(balanceSnapshots)
      .values({
        userId: P('userId'),
        mode: P('mode'),
        wallet: P('wallet'),
        available: P('available'),
        equity: P('equity'),
        source: P('source'),
        takenAt: P('takenAt'),
      })
      .prepare('balance_snapshots_insert'),
  );
  const row = (snapshot: BalanceSnapshot) => ({
    userId: snapshot.userId,
    mode: snapshot.mode,
    wallet: snapshot.wallet.toFixed(),
    available: fromDec(snapshot.available),
    equity: fromDec(snapshot.equity),
    source: snapshot.source,
    takenAt: snapshot.takenAt,
  });
  // The same statement whatever the batch's size (../unnest.ts).
  const newRows = unnestRows(balanceSnapshots, [
    'userId',
    'mode',
    'wallet',
    'available',
    'equity',
    'source',
    'takenAt',
  ] as const satisfies ReadonlyArray<keyof ReturnType<typeof row>>);
  const snapshotsInsert = once(() =>
    db.insert(balanceSnapshots).select(newRows.select).prepare('balance_snapshots_insert_many'),
  );
  // Every account's wallet moves when a signal is fanned out: their snapshots share a statement.
  // History rows, nothing unique: no two ever conflict (each call its own key).
  let calls = 0;
  const insertGrouped = createGrouped({
    one: async (snapshot: BalanceSnapshot) => {
      await snapshotInsert().execute(row(snapshot));
    },
    many: async (snapshots) => {
      await snapshotsInsert().execute(newRows.params(snapshots.map(row)));
      return snapshots.map(() => undefined);
    },
    key: () => String(calls++),
  });
  return {
    insert: (snapshot: BalanceSnapshot): Promise<void> => insertGrouped(snapshot),

    /** The user's most recent balance in a mode, if any was ever recorded. */
    async latest(userId: string, mode: TradingMode): Promise<BalanceSnapshot | undefined> {
      const [row] = await db
        .select()
        .from(balanceSnapshots)
        .where(and(eq(balanceSnapshots.userId, userId), eq(balanceSnapshots.mode, mode)))
        .orderBy(desc(balanceSnapshots.takenAt))
        .limit(1);
      if (!row) return undefined;
      return {
        userId: row.userId,
        mode: row.mode,
        wallet: toDec(row.wallet)!,
        available: toDec(row.available),
        equity: toDec(row.equity),
        source: row.source,
        takenAt: row.takenAt,
      };
    },
  };
}

export type BalanceSnapshotsRepository = ReturnType<typeof createBalanceSnapshotsRepository>;
