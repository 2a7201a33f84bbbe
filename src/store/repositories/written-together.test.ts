import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createRepositories, queryRows } from '../index.js';
import type { OrderAnswer, OrderRecord } from './orders.js';
import type { Position, PositionPatch } from './positions.js';

/**
 * Many accounts writing at once (a signal fanned out): order intents and answers, fills, audit
 * entries, balance snapshots and PAPER saves arriving together are written as multi-row
 * statements (../grouped.ts). Each caller must get exactly what writing alone would have
 * given it, on both stores.
 */
forEachStore('writes arriving together', ({ store }) => {
  // One set of repositories, as the engine holds: calls are grouped per repository.
  let shared: ReturnType<typeof createRepositories> | undefined;
  const repos = () => {
    shared ??= createRepositories(store().db);
    return shared;
  };
  const newUser = (email: string) => repos().users.create({ email, passwordHash: 'x' });
  const intent = (userId: string, clientOrderId: string, n: number) => ({
    userId,
    positionId: null,
    clientOrderId,
    family: (n % 2 ? 'ALGO' : 'REGULAR') as 'ALGO' | 'REGULAR',
    leg: n % 2 ? 'stop' : 'entry',
    symbol: n % 3 ? 'BTCUSDT' : 'ETHUSDT',
    side: (n % 2 ? 'SELL' : 'BUY') as 'SELL' | 'BUY',
    type: n % 2 ? 'STOP_MARKET' : 'MARKET',
    qty: n % 4 ? dec(`0.00${n + 1}`) : null,
    price: n % 5 ? null : dec(`6000${n}.1`),
    triggerPrice: n % 2 ? dec(`5900${n}.25`) : null,
    reduceOnly: n % 2 === 1,
    closePosition: n % 4 === 1,
  });
  /** A different kind of answer for each order: every field the statement can keep or change. */
  const answer = (n: number): OrderAnswer => {
    switch (n % 5) {
      case 0:
        return {
          at: `t${n}`,
          outcome: 'ACCEPTED',
          status: 'FILLED',
          exchangeOrderId: `x${n}`,
          filledQty: dec(`0.00${n + 1}`),
          avgFillPrice: dec(`6000${n}.123456789`),
          raw: { n, nested: { list: [1, 'two', null] } },
        };
      case 1:
        return {
          at: `t${n}`,
          outcome: 'REJECTED',
          errorCode: 'INSUFFICIENT_MARGIN',
          error: `refused "${n}"`,
        };
      case 2:
        return { at: `t${n}`, outcome: 'AMBIGUOUS', errorCode: 'AMBIGUOUS', error: 'timeout' };
      case 3:
        return { at: `t${n}`, outcome: 'UPDATE' };
      default:
        return { at: `t${n}`, outcome: 'LOOKUP', status: 'NEW', exchangeOrderId: `x${n}` };
    }
  };
  /** What must be equal whichever way the row was written. */
  const comparable = (o: OrderRecord) => ({
    ...o,
    id: undefined,
    userId: undefined,
    clientOrderId: undefined,
    createdAt: undefined,
    updatedAt: undefined,
    qty: o.qty?.toFixed() ?? null,
    price: o.price?.toFixed() ?? null,
    triggerPrice: o.triggerPrice?.toFixed() ?? null,
    filledQty: o.filledQty.toFixed(),
    avgFillPrice: o.avgFillPrice?.toFixed() ?? null,
  });
  const N = 24;
  /**
   * The transactions that wrote these rows (xmin): one when a burst was written by one statement.
   * Without it, a multi-row statement that always failed would go unnoticed (each row is then
   * written again alone, with the same results, only slower).
   */
  const writers = async (table: string, column: string, values: string[]) => {
    const rows = await queryRows<{ x: string }>(
      store().db,
      sql`select xmin::text as x from ${sql.identifier(table)} where ${sql.identifier(column)}::text in ${values}`,
    );
    expect(rows).toHaveLength(values.length);
    return new Set(rows.map((r) => r.x)).size;
  };

  it('gives every caller of a burst the same rows and errors as writing one at a time', async () => {
    const alone = await newUser('alone@example.com');
    const together = await newUser('together@example.com');
    const ids = (prefix: string) => Array.from({ length: N }, (_, n) => `${prefix}-${n}`);

    const soloRows: OrderRecord[] = [];
    for (const [n, id] of ids('solo').entries())
      soloRows.push(await repos().orders.insertIntent(intent(alone.id, id, n)));
    const burstRows = await Promise.all(
      ids('burst').map((id, n) => repos().orders.insertIntent(intent(together.id, id, n))),
    );
    expect(burstRows.map((o) => o.clientOrderId)).toEqual(ids('burst'));
    // The first was written alone at once, the rest by one statement.
    expect(await writers('orders', 'client_order_id', ids('burst').slice(1))).toBe(1);
    expect(burstRows.map(comparable)).toEqual(soloRows.map(comparable));

    const soloAnswers: OrderRecord[] = [];
    for (const [n, id] of ids('solo').entries())
      soloAnswers.push(await repos().orders.recordAnswer(id, answer(n)));
    const burstAnswers = await Promise.all(
      ids('burst').map((id, n) => repos().orders.recordAnswer(id, answer(n))),
    );
    expect(burstAnswers.map((o) => o.clientOrderId)).toEqual(ids('burst'));
    expect(await writers('orders', 'client_order_id', ids('burst').slice(1))).toBe(1);
    expect(burstAnswers.map(comparable)).toEqual(soloAnswers.map(comparable));
    // And what was committed is what the callers were told.
    for (const [n, id] of ids('burst').entries()) {
      const stored = (await repos().orders.findByClientOrderId(id))!;
      expect(comparable(stored)).toEqual(comparable(soloAnswers[n]!));
    }
  });

  it('refuses only the duplicate of a burst, and only the missing order’s answer', async () => {
    const user = await newUser('dupes@example.com');
    await repos().orders.insertIntent(intent(user.id, 'dup-taken', 0));
    const ids = ['dup-a', 'dup-b', 'dup-taken', 'dup-c', 'dup-d'];
    const outcomes = await Promise.allSettled(
      ids.map((id, n) => repos().orders.insertIntent(intent(user.id, id, n))),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
      code: 'DUPLICATE_CLIENT_ORDER_ID',
    });
    for (const id of ['dup-a', 'dup-b', 'dup-c', 'dup-d']) {
      expect((await repos().orders.findByClientOrderId(id))?.status).toBe('INTENT');
    }

    const answers = await Promise.allSettled(
      ['dup-a', 'dup-b', 'dup-missing', 'dup-c'].map((id, n) =>
        repos().orders.recordAnswer(id, answer(5 * n)),
      ),
    );
    expect(answers.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((answers[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOT_FOUND' });
    expect((await repos().orders.findByClientOrderId('dup-c'))?.status).toBe('FILLED');
  });

  it('keeps every answer to one order, in the order they came, when they arrive together', async () => {
    const user = await newUser('same-order@example.com');
    await repos().orders.insertIntent(intent(user.id, 'same-1', 0));
    await repos().orders.insertIntent(intent(user.id, 'same-2', 0));
    const results = await Promise.all([
      repos().orders.recordAnswer('same-2', answer(3)),
      repos().orders.recordAnswer('same-1', answer(2)),
      repos().orders.recordAnswer('same-1', answer(0)),
      repos().orders.recordAnswer('same-1', answer(3)),
    ]);
    // None lost, and one repository writes one order's answers in the order they were given.
    const final = results[3]!;
    expect(final.answers.map((a) => (a as { at: string }).at)).toEqual(['t2', 't0', 't3']);
    expect(final).toMatchObject({ status: 'FILLED', exchangeOrderId: 'x0', lastErrorCode: 'AMBIGUOUS' });
    expect(comparable((await repos().orders.findByClientOrderId('same-1'))!)).toEqual(comparable(final));
  });

  it('records each fill once: a trade already stored, or twice in a burst, is not new', async () => {
    const user = await newUser('fills@example.com');
    const order = await repos().orders.insertIntent(intent(user.id, 'fills-entry', 0));
    const fill = (tradeId: string, n: number) => ({
      orderId: order.id,
      userId: user.id,
      tradeId,
      price: dec(`6000${n}.5`),
      qty: dec(`0.00${n + 1}`),
      fee: dec('0.012345'),
      feeAsset: 'USDT',
      realizedPnl: dec(n % 2 ? '-1.5' : '0'),
      tradeTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    });
    await repos().fills.insert(fill('t-old', 0));
    const fresh = await Promise.all(
      ['t-a', 't-old', 't-b', 't-a', 't-c'].map((id, n) => repos().fills.insert(fill(id, n))),
    );
    expect(fresh).toEqual([true, false, true, false, true]);
    const stored = await repos().fills.listByOrder(order.id);
    expect(stored.map((f) => f.tradeId).sort()).toEqual(['t-a', 't-b', 't-c', 't-old']);
    expect(await writers('fills', 'trade_id', ['t-b', 't-c'])).toBe(1);
    const b = stored.find((f) => f.tradeId === 't-b')!;
    expect([b.price.toFixed(), b.qty.toFixed(), b.fee.toFixed(), b.realizedPnl.toFixed()]).toEqual([
      '60002.5',
      '0.003',
      '0.012345',
      '0',
    ]);
    expect(b.tradeTime.toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });

  it('answers each audit append with its own entry, its data and its time (now() when none)', async () => {
    const user = await newUser('audit-burst@example.com');
    const at = new Date('2026-01-02T03:04:05.678Z');
    const before = Date.now();
    const entries = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        repos().audit.append({
          userId: n === 5 ? null : user.id,
          kind: n % 2 ? 'entry_filled' : 'entry_rejected',
          message: `entry ${n}`,
          data: n % 3 ? { n, text: `quote " and \\ ${n}` } : undefined,
          at: n % 2 ? at : undefined,
        }),
      ),
    );
    expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 6 }, (_, n) => `entry ${n}`));
    expect(new Set(entries.map((e) => e.id)).size).toBe(6);
    for (const [n, e] of entries.entries()) {
      expect(e.userId).toBe(n === 5 ? null : user.id);
      expect(e.data).toEqual(n % 3 ? { n, text: `quote " and \\ ${n}` } : null);
      if (n % 2) expect(e.at.toISOString()).toBe(at.toISOString());
      else expect(e.at.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    }
    expect(
      await writers(
        'audit_log',
        'id',
        entries.slice(1).map((e) => String(e.id)),
      ),
    ).toBe(1);
    const listed = await repos().audit.listByUser(user.id);
    expect(listed.map((e) => e.message).sort()).toEqual([
      'entry 0',
      'entry 1',
      'entry 2',
      'entry 3',
      'entry 4',
    ]);
  });

  it('keeps every balance snapshot of a burst, and the last of an account is its latest', async () => {
    const a = await newUser('balance-a@example.com');
    const b = await newUser('balance-b@example.com');
    const snap = (userId: string, wallet: string, second: number) => ({
      userId,
      mode: 'PAPER' as const,
      wallet: dec(wallet),
      available: second % 2 ? dec('1.5') : null,
      equity: null,
      source: 'user-stream',
      takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
    });
    await Promise.all([
      repos().balanceSnapshots.insert(snap(a.id, '10000', 1)),
      repos().balanceSnapshots.insert(snap(a.id, '9999.25', 2)),
      repos().balanceSnapshots.insert(snap(b.id, '500.123456789', 3)),
      repos().balanceSnapshots.insert(snap(a.id, '9998.5', 4)),
    ]);
    expect((await repos().balanceSnapshots.latest(a.id, 'PAPER'))?.wallet.toFixed()).toBe('9998.5');
    expect(await writers('balance_snapshots', 'wallet', ['9999.25', '500.123456789', '9998.5'])).toBe(1);
    const latestB = (await repos().balanceSnapshots.latest(b.id, 'PAPER'))!;
    expect([latestB.wallet.toFixed(), latestB.available?.toFixed()]).toEqual(['500.123456789', '1.5']);
  });

  it('saves PAPER accounts of a burst, an account saved twice keeping its later save', async () => {
    const a = await newUser('paper-burst-a@example.com');
    const b = await newUser('paper-burst-b@example.com');
    const c = await newUser('paper-burst-c@example.com');
    await Promise.all([
      repos().paperAccounts.save(a.id, { version: 1, n: 1 }),
      repos().paperAccounts.save(b.id, { version: 1, n: 2, text: 'é " \\' }),
      repos().paperAccounts.save(a.id, { version: 1, n: 3 }),
      repos().paperAccounts.save(c.id, { version: 1, n: 4 }),
    ]);
    expect((await repos().paperAccounts.load(a.id))?.state).toEqual({ version: 1, n: 3 });
    expect((await repos().paperAccounts.load(b.id))?.state).toEqual({ version: 1, n: 2, text: 'é " \\' });
    expect((await repos().paperAccounts.load(c.id))?.state).toEqual({ version: 1, n: 4 });
    expect(await writers('paper_accounts', 'user_id', [b.id, c.id])).toBe(1);
    // A save for an account that does not exist fails alone; the others of its burst are kept.
    const outcomes = await Promise.allSettled([
      repos().paperAccounts.save(a.id, { version: 1, n: 5 }),
      repos().paperAccounts.save(b.id, { version: 1, n: 6 }),
      repos().paperAccounts.save('00000000-0000-4000-8000-000000000000', { version: 1 }),
      repos().paperAccounts.save(c.id, { version: 1, n: 7 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await repos().paperAccounts.load(c.id))?.state).toEqual({ version: 1, n: 7 });
  });

  it('reads a saved PAPER wallet alone, as the document holds it', async () => {
    const user = await newUser('paper-wallet@example.com');
    expect(await repos().paperAccounts.loadWallet(user.id)).toBeUndefined();
    await repos().paperAccounts.save(user.id, { version: 1, n: 1 });
    expect((await repos().paperAccounts.loadWallet(user.id))?.wallet).toBeNull();
    // Many digits, kept as the text it was saved as.
    await repos().paperAccounts.save(user.id, {
      version: 1,
      wallet: '10000.123456789012345678',
      positions: [],
    });
    const saved = await repos().paperAccounts.loadWallet(user.id);
    expect(saved?.wallet).toBe('10000.123456789012345678');
    expect(saved?.updatedAt.getTime()).toBe((await repos().paperAccounts.load(user.id))?.updatedAt.getTime());
  });

  it('patches each position of a burst as patching it alone would', async () => {
    const alone = await newUser('patch-alone@example.com');
    const together = await newUser('patch-together@example.com');
    const at = new Date('2026-03-04T05:06:07.089Z');
    /** Every kind of patch: set, set to NULL, a decimal given as undefined (NULL), a date given as undefined (kept). */
    const patches: PositionPatch[] = [
      {
        status: 'OPEN',
        filledQty: dec('0.010'),
        entryPrice: dec('60000.123456789'),
        openedAt: at,
        unprotectedSince: at,
      },
      { unprotectedSince: null, stopLoss: dec('59000.5') },
      {
        status: 'CLOSED_WIN',
        exitPrice: dec('61000'),
        fees: dec('0.0123'),
        pnl: dec('10.5'),
        pnlPercent: dec('52.5'),
        closeReason: 'TAKE_PROFIT',
        closedAt: at,
      },
      { takeProfit: undefined, openedAt: undefined, closeReason: null },
      { qty: dec('0.02'), status: 'CANCELLED' },
      {},
    ];
    const symbols = patches.map((_, n) => `SYM${n}USDT`);
    const open = async (userId: string) => {
      const ids: string[] = [];
      for (const symbol of symbols) {
        const p = await repos().positions.insert({
          userId,
          symbol,
          direction: 'LONG',
          mode: 'PAPER',
          qty: dec('0.010'),
          stopLoss: dec('58000'),
          takeProfit: dec('62000'),
          margin: dec('10'),
          leverage: 5,
        });
        await repos().positions.update(p.id, { openedAt: at, entryPrice: dec('1') });
        ids.push(p.id);
      }
      return ids;
    };
    const comparablePosition = (p: Position) =>
      JSON.stringify({ ...p, id: undefined, userId: undefined, createdAt: undefined, updatedAt: undefined });
    const soloIds = await open(alone.id);
    const solo: Position[] = [];
    for (const [n, id] of soloIds.entries()) solo.push(await repos().positions.update(id, patches[n]!));
    const burstIds = await open(together.id);
    const burst = await Promise.all(burstIds.map((id, n) => repos().positions.update(id, patches[n]!)));
    expect(burst.map((p) => p.id)).toEqual(burstIds);
    expect(burst.map(comparablePosition)).toEqual(solo.map(comparablePosition));
    expect(await writers('positions', 'id', burstIds.slice(1))).toBe(1);
    // The same position twice in a burst: both applied, in order; an unknown one refused alone.
    const outcomes = await Promise.allSettled([
      repos().positions.update(burstIds[0]!, { closeReason: 'first' }),
      repos().positions.update(burstIds[1]!, { closeReason: 'other' }),
      repos().positions.update(burstIds[0]!, { fees: dec('1.25') }),
      repos().positions.update('00000000-0000-4000-8000-000000000000', { fees: dec('1') }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOT_FOUND' });
    const first = (await repos().positions.findById(burstIds[0]!))!;
    expect([first.closeReason, first.fees.toFixed()]).toEqual(['first', '1.25']);
  });

  it('opens the positions of a burst, refusing only a second live one for a user and symbol', async () => {
    const user = await newUser('open-burst@example.com');
    const input = (symbol: string, n: number) => ({
      userId: user.id,
      symbol,
      direction: (n % 2 ? 'SHORT' : 'LONG') as 'SHORT' | 'LONG',
      mode: 'PAPER' as const,
      qty: dec(`0.0${n + 1}`),
      entryPrice: n % 2 ? dec('100.5') : null,
      stopLoss: dec('90.25'),
      takeProfit: dec('120'),
      margin: dec('10'),
      leverage: 5 + n,
    });
    await repos().positions.insert(input('HELDUSDT', 0));
    const symbols = ['AUSDT', 'HELDUSDT', 'BUSDT', 'AUSDT', 'CUSDT'];
    const outcomes = await Promise.allSettled(
      symbols.map((symbol, n) => repos().positions.insert(input(symbol, n))),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    for (const i of [1, 3]) {
      expect((outcomes[i] as PromiseRejectedResult).reason).toMatchObject({ code: 'POSITION_ALREADY_OPEN' });
    }
    const b = (outcomes[2] as PromiseFulfilledResult<Position>).value;
    expect(b).toMatchObject({
      symbol: 'BUSDT',
      direction: 'LONG',
      status: 'PENDING_ENTRY',
      leverage: 7,
      entryPrice: null,
    });
    expect(b.qty.toFixed()).toBe('0.03');
    expect(await repos().positions.findById(b.id)).toEqual(b);
    const clean = await Promise.all(
      ['DUSDT', 'EUSDT', 'FUSDT'].map((symbol, n) => repos().positions.insert(input(symbol, n))),
    );
    expect(clean.map((p) => p.symbol)).toEqual(['DUSDT', 'EUSDT', 'FUSDT']);
    expect(
      await writers(
        'positions',
        'id',
        clean.slice(1).map((p) => p.id),
      ),
    ).toBe(1);
    const live = await repos().positions.listLive(user.id);
    expect(live.map((p) => p.symbol).sort()).toEqual([
      'AUSDT',
      'BUSDT',
      'CUSDT',
      'DUSDT',
      'EUSDT',
      'FUSDT',
      'HELDUSDT',
    ]);
  });

  it('answers reads asked together as each read alone would', async () => {
    const user = await newUser('reads@example.com');
    const other = await newUser('reads-other@example.com');
    const opened: Position[] = [];
    for (const [n, symbol] of ['AUSDT', 'BUSDT', 'CUSDT'].entries()) {
      const p = await repos().positions.insert({
        userId: user.id,
        symbol,
        direction: 'LONG',
        mode: 'PAPER',
        qty: dec('1'),
        margin: dec('10'),
        leverage: 5,
      });
      opened.push(p);
      for (const leg of ['entry', 'stop', 'tp'].slice(0, n + 1)) {
        const o = await repos().orders.insertIntent({
          ...intent(user.id, `${symbol}-${leg}`, n),
          positionId: p.id,
          leg,
        });
        await repos().fills.insert({
          orderId: o.id,
          userId: user.id,
          tradeId: `${symbol}-${leg}-1`,
          price: dec('100.5'),
          qty: dec('0.5'),
          fee: dec('0.01'),
          feeAsset: 'USDT',
          realizedPnl: dec('0'),
          tradeTime: new Date(Date.UTC(2026, 0, 1, n, leg.length)),
        });
      }
    }
    await repos().positions.update(opened[2]!.id, { status: 'CANCELLED', closedAt: new Date() });
    const missing = '00000000-0000-4000-8000-000000000000';
    const ids = [...opened.map((p) => p.id), missing];
    const lives: Array<[string, string]> = [
      [user.id, 'AUSDT'],
      [user.id, 'CUSDT'],
      [other.id, 'AUSDT'],
      [user.id, 'BUSDT'],
    ];
    const ask = () =>
      Promise.all([
        Promise.all(ids.map((id) => repos().positions.findById(id))),
        Promise.all(lives.map(([u, s]) => repos().positions.findLive(u, s))),
        Promise.all(ids.map((id) => repos().orders.listByPosition(id))),
        Promise.all(ids.map((id) => repos().fills.listByPosition(id))),
      ]);
    const users = await Promise.all([user.id, missing, other.id].map((id) => repos().users.findById(id)));
    expect(users).toEqual([
      await repos().users.findById(user.id),
      undefined,
      await repos().users.findById(other.id),
    ]);
    expect(users.map((u) => u?.email)).toEqual(['reads@example.com', undefined, 'reads-other@example.com']);
    const alone = [];
    for (const id of ids) alone.push(await repos().positions.findById(id));
    const together = await ask();
    expect(together[0]).toEqual(alone);
    expect(together[0][3]).toBeUndefined();
    // The same key asked several times at once: each caller gets its own copy of the row.
    const same = await Promise.all([0, 0, 1, 3, 0].map((i) => repos().positions.findById(ids[i]!)));
    expect(same).toEqual([alone[0], alone[0], alone[1], undefined, alone[0]]);
    expect(same[0]).not.toBe(same[1]);
    const now = new Date();
    const [stored] = await repos().signals.insertBatch(
      [
        {
          symbol: 'AUSDT',
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: dec('100.5'),
          stopLoss: dec('98.25'),
          takeProfit: dec('104'),
          analyst: 'rule',
          expiresAt: new Date(now.getTime() + 3_600_000),
        },
      ],
      { now, windowMs: 0 },
    );
    if (!stored?.inserted) throw new Error('the signal was not stored');
    const signalId = stored.signal.id;
    const signalAlone = await repos().signals.findById(signalId);
    expect(signalAlone?.id).toBe(signalId);
    const signalsTogether = await Promise.all(
      [signalId, signalId, missing, signalId].map((id) => repos().signals.findById(id)),
    );
    expect(signalsTogether).toEqual([signalAlone, signalAlone, undefined, signalAlone]);
    const liveAlone = [];
    for (const [u, s] of lives) liveAlone.push(await repos().positions.findLive(u, s));
    expect(together[1]).toEqual(liveAlone);
    expect(together[1].map((p) => p?.symbol)).toEqual(['AUSDT', undefined, undefined, 'BUSDT']);
    const ordersAlone = [];
    for (const id of ids) ordersAlone.push(await repos().orders.listByPosition(id));
    expect(together[2]).toEqual(ordersAlone);
    expect(together[2].map((list) => list.map((o) => o.leg))).toEqual([
      ['entry'],
      ['entry', 'stop'],
      ['entry', 'stop', 'tp'],
      [],
    ]);
    const fillsAlone = [];
    for (const id of ids) fillsAlone.push(await repos().fills.listByPosition(id));
    expect(together[3]).toEqual(fillsAlone);
    expect(together[3].map((list) => list.map((f) => f.tradeId))).toEqual([
      ['AUSDT-entry-1'],
      // Oldest trade first: tp at minute 2, stop at 4, entry at 5.
      ['BUSDT-stop-1', 'BUSDT-entry-1'],
      ['CUSDT-tp-1', 'CUSDT-stop-1', 'CUSDT-entry-1'],
      [],
    ]);
  });
});
