import type { Decimal } from 'decimal.js';
import { eq, sql } from 'drizzle-orm';
import { DomainError, ErrorCode, type RiskState, type TradingMode } from '../../domain/index.js';
import type { Db } from '../database.js';
import { isUniqueViolation } from '../pg-errors.js';
import { LIVE_POSITION_SQL, positions, users } from '../schema/index.js';
import { toDec } from './convert.js';
import { createFindById } from './find-by-id.js';

export interface User {
  id: string;
  email: string;
  passwordHash: string;
  mode: TradingMode;
  fixedMargin: Decimal;
  leverage: number;
  autoTrade: boolean;
  minConfidence: number;
  scanProfile: 'aggressive' | 'normal' | 'slow';
  riskState: RiskState;
  realBalance: Decimal | null;
  realBalanceAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type UserSettings = Partial<
  Pick<User, 'mode' | 'fixedMargin' | 'leverage' | 'autoTrade' | 'minConfidence' | 'scanProfile'>
>;

type Row = typeof users.$inferSelect;

export function toUser(row: Row): User {
  return {
    ...row,
    fixedMargin: toDec(row.fixedMargin)!,
    realBalance: toDec(row.realBalance),
  };
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function createUsersRepository(db: Db) {
  // Read on every execution, and by every scale-out account job (a fan-out's all at once).
  const findGrouped = createFindById(db, users, toUser);
  return {
    /** Throws CONFLICT when the email is taken (case-insensitively). */
    async create(input: { email: string; passwordHash: string; id?: string }): Promise<User> {
      try {
        const [row] = await db
          .insert(users)
          .values({ id: input.id, email: normalizeEmail(input.email), passwordHash: input.passwordHash })
          .returning();
        return toUser(row!);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new DomainError(ErrorCode.CONFLICT, 'this email is already registered');
        throw err;
      }
    },

    findById: (id: string): Promise<User | undefined> => findGrouped(id),

    async findByEmail(email: string): Promise<User | undefined> {
      const [row] = await db
        .select()
        .from(users)
        .where(eq(users.email, normalizeEmail(email)));
      return row ? toUser(row) : undefined;
    },

    async updateSettings(id: string, settings: UserSettings): Promise<User> {
      const { fixedMargin, ...rest } = settings;
      const [row] = await db
        .update(users)
        .set({
          ...rest,
          ...(fixedMargin ? { fixedMargin: fixedMargin.toFixed() } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(users.id, id))
        .returning();
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `user ${id} not found`);
      return toUser(row);
    },

    async setRiskState(id: string, riskState: RiskState): Promise<void> {
      await db.update(users).set({ riskState, updatedAt: sql`now()` }).where(eq(users.id, id));
    },

    async setRealBalance(id: string, balance: Decimal, at: Date): Promise<void> {
      await db
        .update(users)
        .set({ realBalance: balance.toFixed(), realBalanceAt: at })
        .where(eq(users.id, id));
    },

    /** Users whose auto-trading is on and whose account is ACTIVE: the scan fans out to these. */
    async listAutoTrading(): Promise<User[]> {
      const rows = await db
        .select()
        .from(users)
        .where(sql`${users.autoTrade} and ${users.riskState} = 'ACTIVE'`);
      return rows.map(toUser);
    },

    /**
     * Users the execution engine must watch: auto-trading on (any risk state: a REDUCING account
     * still has exits to manage), or any position still live (its stop and target fills must be
     * booked even when auto-trading is off).
     */
    async listToWatch(): Promise<User[]> {
      const rows = await db
        .select()
        .from(users)
        .where(
          sql`${users.autoTrade} or exists (select 1 from ${positions} where ${positions.userId} = ${users.id} and ${LIVE_POSITION_SQL})`,
        );
      return rows.map(toUser);
    },

    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
