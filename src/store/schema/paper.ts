import { jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { users } from './users.js';

/**
 * PAPER wallets: each user's account on the in-process exchange simulator, as the simulator exports
 * it (a versioned JSON snapshot, decimals as strings), rewritten after every change so the wallet,
 * positions and resting orders survive a restart. Deleted with the user.
 */
export const paperAccounts = pgTable('paper_accounts', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  state: jsonb('state').notNull(),
  updatedAt: updatedAt(),
});
