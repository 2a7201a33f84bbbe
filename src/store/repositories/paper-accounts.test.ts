import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createTestSimulator } from '../../exchange/simulator/index.js';
import { users } from '../schema/index.js';
import { createPaperAccountsRepository } from './paper-accounts.js';
import { createUsersRepository } from './users.js';

/** A real simulator account with a position, a stop and fills: what paper trading saves. */
function snapshot() {
  const { sim } = createTestSimulator({ accountId: 'paper:u', deposit: 10_000 });
  sim.deposit('paper:u', '0.123456789012');
  sim.placeOrder('paper:u', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: dec('0.003') });
  sim.placeAlgoOrder('paper:u', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'STOP_MARKET',
    triggerPrice: dec('99000.1'),
    closePosition: true,
    clientAlgoId: 'nt-sl',
  });
  return sim.exportAccount('paper:u');
}

forEachStore('paper accounts repository', ({ store }) => {
  const repo = () => createPaperAccountsRepository(store().db);
  const newUser = (email: string) =>
    createUsersRepository(store().db)
      .create({ email, passwordHash: 'x' })
      .then((u) => u.id);

  it('saves a simulator account and reads it back exactly', async () => {
    const userId = await newUser('paper-a@example.com');
    expect(await repo().load(userId)).toBeUndefined();
    const state = snapshot();
    await repo().save(userId, state);
    const back = (await repo().load(userId))!;
    expect(back.userId).toBe(userId);
    expect(back.state).toEqual(state);
    expect(back.updatedAt).toBeInstanceOf(Date);
    expect((back.state as typeof state).wallet).toBe(state.wallet);
  });

  it('replaces the saved account on every save and lists them all', async () => {
    const a = await newUser('paper-b@example.com');
    const b = await newUser('paper-c@example.com');
    await repo().save(a, { version: 1, n: 1 });
    const first = (await repo().load(a))!.updatedAt;
    await repo().save(b, { version: 1, n: 2 });
    await Promise.all([repo().save(a, { version: 1, n: 3 }), repo().save(a, { version: 1, n: 4 })]);
    const saved = (await repo().load(a))!;
    expect([3, 4]).toContain((saved.state as { n: number }).n);
    expect(saved.updatedAt.getTime()).toBeGreaterThanOrEqual(first.getTime());
    const all = await repo().loadAll();
    expect(all.filter((r) => r.userId === a)).toHaveLength(1);
    expect(all.map((r) => r.userId)).toEqual(expect.arrayContaining([a, b]));
  });

  it('belongs to a user: refused for an unknown one, deleted with its user', async () => {
    await expect(repo().save('00000000-0000-4000-8000-000000000000', { version: 1 })).rejects.toThrow();
    const userId = await newUser('paper-d@example.com');
    await repo().save(userId, { version: 1 });
    await store().db.delete(users).where(eq(users.id, userId));
    expect(await repo().load(userId)).toBeUndefined();
  });
});
