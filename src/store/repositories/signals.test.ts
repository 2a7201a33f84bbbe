import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec, MINUTE_MS } from '../../domain/index.js';
import { createAnalysesRepository } from './analyses.js';
import { createSignalQueries } from './signal-queries.js';
import { createSignalsRepository, type NewSignal } from './signals.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const WINDOW = 120 * MINUTE_MS;
const at = (ms: number) => ({ now: new Date(ms), windowMs: WINDOW });

const signal = (symbol: string, overrides: Partial<NewSignal> = {}): NewSignal => ({
  symbol,
  direction: 'LONG',
  combinedConfidence: 80,
  entryType: 'LIMIT',
  entry: dec('100.5'),
  stopLoss: dec('99.5'),
  takeProfit: dec('102.5'),
  analyst: 'rule',
  fixes: ['entry 0 replaced by price'],
  reasons: ['LONG from momentum'],
  features: { ai_agreement: null, screen_score: 80 },
  proposals: [{ analyst: 'rule', direction: 'LONG' }],
  screen: { score: 80, metrics: { price: 100.5 } },
  expiresAt: new Date(T0 + 60 * MINUTE_MS),
  ...overrides,
});

forEachStore('signals and analyses repositories', ({ store, kind, openAnother }) => {
  const repo = () => createSignalsRepository(store().db);
  const createSignalQueriesFor = () => createSignalQueries(store().db);

  it('stores a signal with everything that produced it, decimals exact', async () => {
    const result = await repo().insert(signal('AAAUSDT', { entry: dec('0.000012345678') }), at(T0));
    expect(result.inserted).toBe(true);
    if (!result.inserted) return;
    const stored = (await repo().findById(result.signal.id))!;
    expect(stored.status).toBe('PENDING');
    expect(stored.entry.toFixed()).toBe('0.000012345678');
    expect(stored.fixes).toEqual(['entry 0 replaced by price']);
    expect(stored.features).toEqual({ ai_agreement: null, screen_score: 80 });
    expect(stored.screen).toEqual({ score: 80, metrics: { price: 100.5 } });
    expect(stored.createdAt.getTime()).toBe(T0);
  });

  it('blocks a second live signal for the same symbol and direction inside the window', async () => {
    const first = await repo().insert(signal('BBBUSDT'), at(T0));
    const again = await repo().insert(
      signal('BBBUSDT', { combinedConfidence: 95 }),
      at(T0 + 119 * MINUTE_MS),
    );
    expect(first.inserted).toBe(true);
    expect(again.inserted).toBe(false);
    if (first.inserted && !again.inserted) expect(again.duplicateOf.id).toBe(first.signal.id);
    // The other direction is another opportunity.
    expect((await repo().insert(signal('BBBUSDT', { direction: 'SHORT' }), at(T0))).inserted).toBe(true);
    // After the window, a new one is allowed.
    expect((await repo().insert(signal('BBBUSDT'), at(T0 + WINDOW + 1))).inserted).toBe(true);
  });

  it('an EXECUTED signal blocks too; EXPIRED and REJECTED ones do not', async () => {
    const first = await repo().insert(signal('CCCUSDT'), at(T0));
    if (!first.inserted) throw new Error('expected an insert');
    await repo().markExecuted(first.signal.id);
    expect((await repo().insert(signal('CCCUSDT'), at(T0 + MINUTE_MS))).inserted).toBe(false);

    const d1 = await repo().insert(signal('DDDUSDT'), at(T0));
    if (!d1.inserted) throw new Error('expected an insert');
    const rejected = await repo().reject(d1.signal.id, 'user vetoed');
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.reasons).toContain('rejected: user vetoed');
    expect((await repo().insert(signal('DDDUSDT'), at(T0 + MINUTE_MS))).inserted).toBe(true);
  });

  it('follows the lifecycle PENDING -> EXECUTED / EXPIRED / REJECTED and refuses the rest', async () => {
    const a = await repo().insert(signal('EEEUSDT', { expiresAt: new Date(T0 + 10 * MINUTE_MS) }), at(T0));
    const b = await repo().insert(signal('FFFUSDT', { expiresAt: new Date(T0 + 10 * MINUTE_MS) }), at(T0));
    if (!a.inserted || !b.inserted) throw new Error('expected inserts');
    expect((await repo().markExecuted(a.signal.id)).status).toBe('EXECUTED');
    // A second user executing the same signal: still EXECUTED, no error.
    expect((await repo().markExecuted(a.signal.id)).status).toBe('EXECUTED');
    await expect(repo().reject(a.signal.id, 'late')).rejects.toMatchObject({ code: 'CONFLICT' });

    expect(await repo().expireDue(new Date(T0 + 9 * MINUTE_MS))).toBe(0);
    expect(await repo().expireDue(new Date(T0 + 10 * MINUTE_MS))).toBeGreaterThanOrEqual(1);
    expect((await repo().findById(b.signal.id))!.status).toBe('EXPIRED');
    expect((await repo().findById(a.signal.id))!.status).toBe('EXECUTED');
    await expect(repo().markExecuted(b.signal.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(repo().markExecuted('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('stores a REJECTED signal as an explanation without blocking', async () => {
    const r = await repo().insert(
      signal('GGGUSDT', { status: 'REJECTED', vetoes: ['fake penalty 45 >= 40'] }),
      at(T0),
    );
    expect(r.inserted).toBe(true);
    if (r.inserted) expect(r.signal.vetoes).toEqual(['fake penalty 45 >= 40']);
    expect((await repo().insert(signal('GGGUSDT'), at(T0))).inserted).toBe(true);
  });

  it('keeps one REJECTED explanation per symbol, direction and candle, not one per scan', async () => {
    const candle = T0 - 15 * MINUTE_MS;
    const rejected = (o: Partial<NewSignal> = {}) =>
      signal('HHHUSDT', { status: 'REJECTED', candleCloseTime: candle, vetoes: ['rr 1.1 < 1.3'], ...o });
    const first = await repo().insert(rejected(), at(T0));
    expect(first.inserted).toBe(true);
    // The next scans, same candle: the same rejection again.
    const again = await repo().insertBatch([rejected(), rejected({ direction: 'SHORT' })], at(T0 + 30_000));
    expect(again[0]).toMatchObject({ inserted: false });
    if (first.inserted && again[0] && !again[0].inserted)
      expect(again[0].duplicateOf.id).toBe(first.signal.id);
    expect(again[1]?.inserted).toBe(true);
    // A new candle is a new explanation.
    expect((await repo().insert(rejected({ candleCloseTime: T0 }), at(T0 + 60_000))).inserted).toBe(true);
    const listed = await createSignalQueriesFor().list({ symbol: 'HHHUSDT', limit: 10 });
    expect(listed.items).toHaveLength(3);
  });

  it('collapses duplicates inside one batch to the most confident one', async () => {
    const results = await repo().insertBatch(
      [
        signal('HHHUSDT', { combinedConfidence: 78 }),
        signal('IIIUSDT'),
        signal('HHHUSDT', { combinedConfidence: 91 }),
        signal('HHHUSDT', { combinedConfidence: 91 }),
      ],
      at(T0),
    );
    expect(results.map((r) => r.inserted)).toEqual([false, true, true, false]);
    const kept = results[2]!;
    if (!kept.inserted) throw new Error('expected the 91 to be kept');
    expect(kept.signal.combinedConfidence).toBe(91);
    for (const i of [0, 3]) {
      const r = results[i]!;
      expect(!r.inserted && r.duplicateOf.id).toBe(kept.signal.id);
    }
  });

  it('two concurrent scans produce exactly one signal per symbol and direction', async () => {
    // Two "processes": on PostgreSQL two stores (two pools) on one database. PGlite is embedded in
    // one process (it cannot be opened twice), so there the scans race inside one store.
    const second = kind === 'postgres' ? await openAnother() : store();
    const repos = [repo(), createSignalsRepository(second.db)];
    const symbols = ['JJJUSDT', 'KKKUSDT', 'LLLUSDT', 'MMMUSDT', 'NNNUSDT', 'OOOUSDT'];
    const scan = (r: ReturnType<typeof createSignalsRepository>, n: number) =>
      Promise.all(symbols.map((s) => r.insert(signal(s, { combinedConfidence: 70 + n }), at(T0))));
    // Twelve scans at once, alternating between the two: without the lock PostgreSQL lets several
    // check-then-insert steps interleave and more than one signal per symbol gets in.
    const rounds = await Promise.all(Array.from({ length: 12 }, (_, n) => scan(repos[n % 2]!, n)));
    for (const s of symbols) {
      const results = rounds.map((round) => round[symbols.indexOf(s)]!);
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      const live = await repo().findLive(s, 'LONG', at(T0));
      expect(results.every((r) => (r.inserted ? r.signal.id : r.duplicateOf.id) === live!.id)).toBe(true);
    }
  });

  // The analyses cache shares the suite (one database per store kind keeps the file fast).
  const key = {
    symbol: 'BTCUSDT',
    timeframe: '15m',
    candleCloseTime: T0,
    promptVersion: 'v1',
    analyst: 'llm:deepseek-chat',
  };

  it('caches one answer per key; the first answer wins', async () => {
    const repo = createAnalysesRepository(store().db);
    expect(await repo.find(key)).toBeUndefined();
    const first = await repo.save({
      ...key,
      response: { text: 'a' },
      tokensIn: 100,
      tokensOut: 20,
      createdAt: new Date(T0),
    });
    const second = await repo.save({
      ...key,
      response: { text: 'b' },
      tokensIn: 1,
      tokensOut: 1,
      createdAt: new Date(T0),
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.record.id).toBe(first.record.id);
    expect((await repo.find(key))!.response).toEqual({ text: 'a' });
    // Another prompt version or analyst is another key.
    expect(await repo.find({ ...key, promptVersion: 'v2' })).toBeUndefined();
  });

  it('sums the tokens spent since a time', async () => {
    const repo = createAnalysesRepository(store().db);
    await repo.save({
      ...key,
      candleCloseTime: T0 + 1,
      tokensIn: 10,
      tokensOut: 5,
      createdAt: new Date(T0 + 1000),
    });
    await repo.save({
      ...key,
      candleCloseTime: T0 - 1,
      tokensIn: 1000,
      tokensOut: 1000,
      createdAt: new Date(T0 - 1000),
    });
    expect(await repo.tokensSpentSince(new Date(T0))).toBe(100 + 20 + 10 + 5);
  });
});
