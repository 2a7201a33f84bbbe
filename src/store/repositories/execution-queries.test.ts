import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createRepositories, type OrderAnswer } from '../index.js';

forEachStore('entry facts', ({ store }) => {
  const repos = () => createRepositories(store().db);

  it('answers the user, the duplicate check and the risk gate’s facts in one read', async () => {
    const r = repos();
    const user = await r.users.create({ email: 'facts@example.com', passwordHash: 'x' });
    const other = await r.users.create({ email: 'facts-other@example.com', passwordHash: 'x' });
    const dayStart = new Date('2026-05-01T00:00:00.000Z');
    const open = (userId: string, symbol: string) =>
      r.positions.insert({
        userId,
        symbol,
        direction: 'LONG',
        mode: 'PAPER',
        qty: dec('1'),
        margin: dec('10'),
        leverage: 5,
      });
    const close = async (userId: string, symbol: string, reason: string, pnl: string, closedAt: string) => {
      const p = await open(userId, symbol);
      await r.positions.update(p.id, {
        status: dec(pnl).gte(0) ? 'CLOSED_WIN' : 'CLOSED_LOSS',
        pnl: dec(pnl),
        closeReason: reason,
        closedAt: new Date(closedAt),
      });
      return p;
    };
    // Nothing yet: no entry, nothing live, no stop-out, no PnL.
    const empty = await r.executionQueries.entryFacts(user.id, 'BTCUSDT', 'nt-entry-1', dayStart);
    expect(empty).toMatchObject({ entry: undefined, hasLivePosition: false, lastStopOutAt: null });
    expect(empty.user).toEqual(await r.users.findById(user.id));
    expect(empty.realisedPnlSince.toFixed()).toBe('0');

    await close(user.id, 'BTCUSDT', 'STOP_LOSS', '-12.5', '2026-04-30T23:00:00.000Z'); // before the day
    await close(user.id, 'BTCUSDT', 'STOP_LOSS', '-3.25', '2026-05-01T02:00:00.000Z');
    await close(user.id, 'BTCUSDT', 'TAKE_PROFIT', '7.125', '2026-05-01T03:00:00.000Z'); // not a stop-out
    await close(user.id, 'ETHUSDT', 'STOP_LOSS', '-1', '2026-05-01T04:00:00.000Z'); // another symbol
    await close(other.id, 'BTCUSDT', 'STOP_LOSS', '-100', '2026-05-01T05:00:00.000Z'); // another user
    const live = await open(user.id, 'BTCUSDT');
    await r.orders.insertIntent({
      userId: user.id,
      positionId: live.id,
      clientOrderId: 'nt-entry-1',
      family: 'REGULAR',
      leg: 'entry',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
    });

    const facts = await r.executionQueries.entryFacts(user.id, 'BTCUSDT', 'nt-entry-1', dayStart);
    expect(facts.user?.id).toBe(user.id);
    expect(facts.entry).toEqual({ positionId: live.id });
    expect(facts.hasLivePosition).toBe(true);
    expect(facts.lastStopOutAt?.toISOString()).toBe('2026-05-01T02:00:00.000Z');
    expect(facts.realisedPnlSince.toFixed()).toBe(dec('-3.25').add('7.125').add('-1').toFixed());

    const elsewhere = await r.executionQueries.entryFacts(user.id, 'SOLUSDT', 'nt-entry-2', dayStart);
    expect(elsewhere).toMatchObject({ entry: undefined, hasLivePosition: false, lastStopOutAt: null });
    expect(elsewhere.realisedPnlSince.toFixed()).toBe(facts.realisedPnlSince.toFixed());
    // The daily limit's own read after a close answers the same sum.
    expect((await r.executionQueries.realisedPnlSince(user.id, dayStart)).toFixed()).toBe(
      facts.realisedPnlSince.toFixed(),
    );
    expect((await r.executionQueries.realisedPnlSince(other.id, dayStart)).toFixed()).toBe('-100');

    const nobody = await r.executionQueries.entryFacts(
      '00000000-0000-4000-8000-000000000000',
      'BTCUSDT',
      'x',
      dayStart,
    );
    expect(nobody.user).toBeUndefined();
  });

  it('answers facts asked together by many accounts as each asked alone', async () => {
    const r = repos();
    const a = await r.users.create({ email: 'facts-burst-a@example.com', passwordHash: 'x' });
    const b = await r.users.create({ email: 'facts-burst-b@example.com', passwordHash: 'x' });
    const dayStart = new Date('2026-05-01T00:00:00.000Z');
    for (const [userId, pnl, reason, at] of [
      [a.id, '-2.5', 'STOP_LOSS', '2026-05-01T01:00:00.000Z'],
      [a.id, '4', 'TAKE_PROFIT', '2026-04-30T01:00:00.000Z'],
      [b.id, '1.75', 'TAKE_PROFIT', '2026-05-01T06:00:00.000Z'],
    ] as const) {
      const p = await r.positions.insert({
        userId,
        symbol: 'BTCUSDT',
        direction: 'LONG',
        mode: 'PAPER',
        qty: dec('1'),
        margin: dec('10'),
        leverage: 5,
      });
      await r.positions.update(p.id, {
        status: dec(pnl).gte(0) ? 'CLOSED_WIN' : 'CLOSED_LOSS',
        pnl: dec(pnl),
        closeReason: reason,
        closedAt: new Date(at),
      });
    }
    const live = await r.positions.insert({
      userId: b.id,
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      mode: 'PAPER',
      qty: dec('1'),
      margin: dec('10'),
      leverage: 5,
    });
    await r.orders.insertIntent({
      userId: b.id,
      positionId: live.id,
      clientOrderId: 'burst-entry-b',
      family: 'REGULAR',
      leg: 'entry',
      symbol: 'ETHUSDT',
      side: 'SELL',
      type: 'MARKET',
    });
    const questions: Array<[string, string, string, Date]> = [
      [a.id, 'BTCUSDT', 'burst-entry-a', dayStart],
      [b.id, 'ETHUSDT', 'burst-entry-b', dayStart],
      [b.id, 'BTCUSDT', 'burst-entry-c', new Date('2026-05-01T07:00:00.000Z')],
      ['00000000-0000-4000-8000-000000000000', 'BTCUSDT', 'burst-entry-d', dayStart],
      [a.id, 'ETHUSDT', 'burst-entry-b', new Date('2026-04-01T00:00:00.000Z')],
    ];
    const alone = [];
    for (const q of questions) alone.push(await r.executionQueries.entryFacts(...q));
    const together = await Promise.all(questions.map((q) => r.executionQueries.entryFacts(...q)));
    expect(together).toEqual(alone);
    expect(
      together.map((f) => [
        f.user?.email,
        f.entry?.positionId,
        f.hasLivePosition,
        f.lastStopOutAt?.toISOString(),
        f.realisedPnlSince.toFixed(),
      ]),
    ).toEqual([
      ['facts-burst-a@example.com', undefined, false, '2026-05-01T01:00:00.000Z', '-2.5'],
      ['facts-burst-b@example.com', live.id, true, undefined, '1.75'],
      ['facts-burst-b@example.com', undefined, false, undefined, '0'],
      [undefined, undefined, false, undefined, '0'],
      ['facts-burst-a@example.com', live.id, false, undefined, '1.5'],
    ]);
  });
});

forEachStore('advancing an order', ({ store }) => {
  const repos = () => createRepositories(store().db);

  it('appends every answer, moves the status and the filled quantity only forward, keeps what an answer omits', async () => {
    const r = repos();
    const user = await r.users.create({ email: 'advance@example.com', passwordHash: 'x' });
    await r.orders.insertIntent({
      userId: user.id,
      positionId: null,
      clientOrderId: 'nt-advance-1',
      family: 'REGULAR',
      leg: 'entry',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
    });
    const at = '2026-05-01T00:00:00.000Z';
    const advance = (answer: Omit<OrderAnswer, 'at' | 'outcome'>) =>
      r.executionQueries.advanceOrder('nt-advance-1', { at, outcome: 'UPDATE', ...answer });

    const partly = await advance({
      status: 'PARTIALLY_FILLED',
      exchangeOrderId: '77',
      filledQty: dec('0.5'),
      avgFillPrice: dec('100.25'),
    });
    expect(partly).toMatchObject({ status: 'PARTIALLY_FILLED', exchangeOrderId: '77' });
    expect([partly!.filledQty.toFixed(), partly!.avgFillPrice!.toFixed()]).toEqual(['0.5', '100.25']);

    // An older report (less filled, an earlier status) changes nothing but the history.
    const older = await advance({ status: 'NEW', filledQty: dec('0.25') });
    expect(older).toMatchObject({ status: 'PARTIALLY_FILLED', exchangeOrderId: '77' });
    expect([older!.filledQty.toFixed(), older!.avgFillPrice!.toFixed()]).toEqual(['0.5', '100.25']);

    // An answer with no status, id or figures keeps them all.
    const bare = await advance({});
    expect(bare).toMatchObject({ status: 'PARTIALLY_FILLED', exchangeOrderId: '77' });
    expect(bare!.filledQty.toFixed()).toBe('0.5');

    const filled = await advance({ status: 'FILLED', filledQty: dec('1'), avgFillPrice: dec('100.5') });
    expect(filled).toMatchObject({ status: 'FILLED', exchangeOrderId: '77' });
    expect([filled!.filledQty.toFixed(), filled!.avgFillPrice!.toFixed()]).toEqual(['1', '100.5']);

    expect(filled!.answers).toHaveLength(4);
    expect(filled!.answers[0]).toEqual({
      at,
      outcome: 'UPDATE',
      status: 'PARTIALLY_FILLED',
      exchangeOrderId: '77',
      filledQty: '0.5',
      avgFillPrice: '100.25',
    });
    expect(await r.orders.findByClientOrderId('nt-advance-1')).toEqual(filled);
    expect(
      await r.executionQueries.advanceOrder('nt-advance-none', { at, outcome: 'UPDATE' }),
    ).toBeUndefined();
  });
});
