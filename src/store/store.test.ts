import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { dec } from '../domain/index.js';
import { createRepositories, listMigrations, queryRows } from './index.js';

const latestTag = () => listMigrations().at(-1)!.tag;

forEachStore(
  'migrations',
  ({ store }) => {
    it('apply cleanly to an empty database and report the version', async () => {
      expect(await store().migrationStatus()).toEqual({ applied: 0, latest: null });
      const status = await store().migrate();
      expect(status).toEqual({ applied: listMigrations().length, latest: latestTag() });
      const tables = await queryRows<{ table_name: string }>(
        store().db,
        sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'users',
          'exchange_credentials',
          'signals',
          'analyses',
          'positions',
          'orders',
          'fills',
          'balance_snapshots',
          'whale_events',
          'audit_log',
        ]),
      );
    });

    it('are idempotent on a second start', async () => {
      const again = await store().migrate();
      expect(again).toEqual({ applied: listMigrations().length, latest: latestTag() });
    });
  },
  { migrate: false },
);

forEachStore('positions and orders', ({ store, kind, openAnother }) => {
  const newUser = async (email: string) =>
    createRepositories(store().db).users.create({ email, passwordHash: 'x' });
  const position = (userId: string, symbol = 'BTCUSDT') => ({
    userId,
    symbol,
    direction: 'LONG' as const,
    mode: 'PAPER' as const,
    qty: dec('0.010'),
    margin: dec('10'),
    leverage: 5,
  });

  it('refuses a second live position for the same user and symbol', async () => {
    const repos = createRepositories(store().db);
    const user = await newUser('one@example.com');
    const first = await repos.positions.insert(position(user.id));
    await expect(repos.positions.insert(position(user.id))).rejects.toMatchObject({
      code: 'POSITION_ALREADY_OPEN',
    });
    // transitional states count as live too
    await repos.positions.update(first.id, { status: 'UNPROTECTED' });
    await expect(repos.positions.insert(position(user.id))).rejects.toMatchObject({
      code: 'POSITION_ALREADY_OPEN',
    });
    // another symbol, or another user, is fine
    await expect(repos.positions.insert(position(user.id, 'ETHUSDT'))).resolves.toMatchObject({
      symbol: 'ETHUSDT',
    });
    const other = await newUser('two@example.com');
    await expect(repos.positions.insert(position(other.id))).resolves.toMatchObject({ userId: other.id });
    // once closed, a new one may open
    await repos.positions.update(first.id, {
      status: 'CLOSED_LOSS',
      pnl: dec('-1.13'),
      closedAt: new Date(),
    });
    await expect(repos.positions.insert(position(user.id))).resolves.toMatchObject({
      status: 'PENDING_ENTRY',
    });
  });

  it('keeps money exact through NUMERIC columns', async () => {
    const repos = createRepositories(store().db);
    const user = await newUser('exact@example.com');
    const p = await repos.positions.insert({
      ...position(user.id, 'XRPUSDT'),
      qty: dec('123456789.123456789'),
      margin: dec('0.1').plus('0.2'),
    });
    const back = await repos.positions.findById(p.id);
    expect(back!.qty.toFixed()).toBe('123456789.123456789');
    expect(back!.margin.toFixed()).toBe('0.3');
  });

  it('refuses a duplicate client order id and records every answer', async () => {
    const repos = createRepositories(store().db);
    const user = await newUser('orders@example.com');
    const intent = {
      userId: user.id,
      positionId: null,
      clientOrderId: 'nt-abc-entry',
      family: 'REGULAR' as const,
      leg: 'entry',
      symbol: 'BTCUSDT',
      side: 'BUY' as const,
      type: 'MARKET',
      qty: dec('0.01'),
    };
    await repos.orders.insertIntent(intent);
    await expect(repos.orders.insertIntent(intent)).rejects.toMatchObject({
      code: 'DUPLICATE_CLIENT_ORDER_ID',
    });
    await repos.orders.recordAnswer('nt-abc-entry', {
      at: 't1',
      outcome: 'AMBIGUOUS',
      errorCode: 'AMBIGUOUS',
      error: 'timeout',
    });
    const filled = await repos.orders.recordAnswer('nt-abc-entry', {
      at: 't2',
      outcome: 'LOOKUP',
      status: 'FILLED',
      exchangeOrderId: '42',
      filledQty: dec('0.01'),
      avgFillPrice: dec('60000.1'),
    });
    expect(filled.status).toBe('FILLED');
    expect(filled.answers).toHaveLength(2);
    expect(filled.lastErrorCode).toBe('AMBIGUOUS');
    expect(filled.avgFillPrice!.toFixed()).toBe('60000.1');
    // An answer that carries less keeps what the order had; only a rejection touches the error.
    const echo = await repos.orders.recordAnswer('nt-abc-entry', { at: 't3', outcome: 'UPDATE' });
    expect(echo).toMatchObject({ status: 'FILLED', exchangeOrderId: '42', lastErrorCode: 'AMBIGUOUS' });
    expect(echo.filledQty.toFixed()).toBe('0.01');
    expect(echo.answers).toHaveLength(3);
    const rejected = await repos.orders.recordAnswer('nt-abc-entry', { at: 't4', outcome: 'REJECTED' });
    expect(rejected).toMatchObject({ status: 'FILLED', lastErrorCode: null, lastError: null });
    await expect(repos.orders.recordAnswer('nt-missing', { at: 't5', outcome: 'UPDATE' })).rejects.toThrow(
      /not found/,
    );
  });

  it('appends audit entries with SQL NULL for no data and now() for no time', async () => {
    const repos = createRepositories(store().db);
    const user = await newUser('audit@example.com');
    const at = new Date('2026-01-02T03:04:05.678Z');
    const plain = await repos.audit.append({ userId: user.id, kind: 'k', message: 'no data' });
    const dated = await repos.audit.append({
      userId: user.id,
      kind: 'k',
      message: 'dated',
      data: { a: 1 },
      at,
    });
    expect(plain.data).toBeNull();
    expect(Math.abs(plain.at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(dated).toMatchObject({ data: { a: 1 }, at });
    const [row] = await queryRows<{ isNull: boolean }>(
      store().db,
      sql`select data is null as "isNull" from audit_log where id = ${plain.id}`,
    );
    expect(row?.isNull).toBe(true);
  });

  it.runIf(kind === 'postgres')('holds under concurrent inserts from two connections', async () => {
    const a = createRepositories(store().db);
    const otherStore = await openAnother();
    const b = createRepositories(otherStore.db);
    const user = await newUser('race@example.com');
    for (let round = 0; round < 10; round++) {
      const symbol = `RACE${round}USDT`;
      const results = await Promise.allSettled([
        a.positions.insert(position(user.id, symbol)),
        b.positions.insert(position(user.id, symbol)),
        a.positions.insert(position(user.id, symbol)),
        b.positions.insert(position(user.id, symbol)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'POSITION_ALREADY_OPEN' });
      }
    }
  });

  it('lets only one holder take a named lock at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    const work = () =>
      store().tryWithLock('scan', async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 30));
        inside--;
        return 'done';
      });
    const results = await Promise.all([work(), work(), work()]);
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    expect(maxInside).toBe(1);
    if (kind === 'postgres') {
      const other = await openAnother();
      const held = store().tryWithLock('scan', async () => other.tryWithLock('scan', async () => 'second'));
      await expect(held).resolves.toEqual({ acquired: true, value: { acquired: false } });
    }
  });
});
