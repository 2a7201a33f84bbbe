import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candle, CandleColumns } from '../domain/index.js';
import { resolveScreenerConfig } from './config.js';
import { columnsFromRows, randomWalkColumns, rowsFromCloses, universeFixture } from './fixtures.js';
import { createSymbolScreener } from './incremental.js';
import { toPlainOutcome } from './result.js';
import { screenSymbol } from './screen.js';
import { isSkip, type ScreenOutcome, type ScreenResult } from './types.js';

const config = resolveScreenerConfig();
const END = 1_767_225_600_000;
const H = 3_600_000;

function row(c: CandleColumns, i: number): Candle {
  return {
    openTime: c.openTime[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  };
}

function expectSameResult(a: ScreenOutcome, b: ScreenOutcome): void {
  expect(b.direction).toBe(a.direction);
  if (isSkip(a) || isSkip(b)) {
    expect(b.reasons).toEqual(a.reasons);
    return;
  }
  const pick = (r: ScreenResult) => ({
    score: r.score,
    rawScore: r.rawScore,
    source: r.source,
    qualityPenalty: r.qualityPenalty,
    fakePenalty: r.fakePenalty,
    points: r.contributions.map((c) => `${c.filter}:${c.points}`),
    reasons: r.reasons,
    candleTime: r.candleTime,
  });
  expect(pick(b)).toEqual(pick(a));
  for (const [key, value] of Object.entries(a.metrics)) {
    const other = (b.metrics as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number' && typeof other === 'number') {
      expect(Math.abs(other - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
    } else {
      expect(other).toEqual(value);
    }
  }
}

describe('screenSymbol (batch)', () => {
  it('skips a symbol with too short a primary history, with the reason', () => {
    const r = screenSymbol({ symbol: 'NEWUSDT', primary: randomWalkColumns(59, 1, '15m', END) }, config);
    expect(r).toEqual({
      symbol: 'NEWUSDT',
      direction: 'SKIPPED',
      reason: '59 valid 15m candles, 60 needed',
      reasons: ['59 valid 15m candles, 60 needed'],
    });
  });

  it('uses only the candles after the newest invalid row', () => {
    const primary = randomWalkColumns(300, 2, '15m', END);
    primary.close[250] = Number.NaN;
    const r = screenSymbol({ symbol: 'XUSDT', primary }, config);
    expect(r.direction).toBe('SKIPPED');
    expect(r.reasons[0]).toBe('49 valid 15m candles, 60 needed (251 before an invalid row ignored)');
    primary.close[250] = primary.open[251]!;
    primary.high[200] = primary.low[200]! / 2; // high below low: bad row
    const ok = screenSymbol({ symbol: 'XUSDT', primary }, config);
    expect(ok.direction).not.toBe('SKIPPED');
    expect(ok.reasons).toContain('15m: 201 candle(s) before an invalid row ignored');
  });

  it('scores without a missing or stale higher timeframe, and says so', () => {
    const primary = randomWalkColumns(300, 3, '15m', END - 900_000);
    const staleConfirm = randomWalkColumns(100, 4, '1h', END - 3 * H);
    const r = screenSymbol({ symbol: 'XUSDT', primary, confirm: staleConfirm }, config);
    expect(r.reasons).toContain('confirmation timeframe 1h: last candle is stale');
    expect(r.reasons).toContain('trend timeframe 4h: no valid candles');
    const fresh = screenSymbol(
      { symbol: 'XUSDT', primary, confirm: randomWalkColumns(100, 4, '1h', END - H) },
      config,
    );
    expect(fresh.reasons.join('\n')).not.toMatch(/confirmation timeframe/);
  });

  it('notes missing candles (time gaps) and still scores', () => {
    const primary = randomWalkColumns(300, 5, '15m', END);
    primary.openTime.copyWithin(0, 0); // keep
    for (let i = 0; i < 280; i++) primary.openTime[i] = primary.openTime[i]! - 3 * 900_000;
    const r = screenSymbol({ symbol: 'XUSDT', primary }, config);
    expect(r.direction).not.toBe('SKIPPED');
    expect(r.reasons).toContain('15m: 3 missing candle(s) in the recent window');
  });

  it('is deterministic', () => {
    const [s] = universeFixture(1, 500);
    expect(toPlainOutcome(screenSymbol(s!, config))).toEqual(toPlainOutcome(screenSymbol(s!, config)));
  });

  it('scores a flat, dead market NEUTRAL without NaN anywhere', () => {
    const primary = columnsFromRows(rowsFromCloses(Array(200).fill(5), 0, 0));
    const r = screenSymbol({ symbol: 'DEADUSDT', primary }, config);
    expect(r.direction).toBe('NEUTRAL');
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    if (!isSkip(r))
      expect(r.metrics).toMatchObject({ rsi: null, volumeRatio: null, bollingerPosition: null });
  });
});

describe('createSymbolScreener (incremental) agrees with the batch path', () => {
  it('on a whole universe loaded from history', () => {
    for (const s of universeFixture(8, 300)) {
      const inc = createSymbolScreener(s.symbol, config);
      for (const role of ['trend', 'confirm', 'primary'] as const) {
        for (let i = 0; i < s[role].close.length; i++) inc.push(role, row(s[role], i));
      }
      expectSameResult(screenSymbol(s, config), inc.screen());
    }
  });

  it('candle by candle, across buffer wrap-arounds and a bad candle', () => {
    const primary = randomWalkColumns(360, 11, '15m', END - 900_000);
    const confirm = randomWalkColumns(90, 12, '1h', END - H);
    primary.volume[150] = Number.NaN;
    const inc = createSymbolScreener('STEPUSDT', config);
    let c = 0;
    for (let i = 0; i < 360; i++) {
      const close = primary.openTime[i]! + 900_000;
      while (c < 90 && confirm.openTime[c]! + H <= close) inc.push('confirm', row(confirm, c++));
      inc.push('primary', row(primary, i));
      if (i % 7 !== 0 && i < 340) continue;
      const cut = (x: CandleColumns, n: number): CandleColumns => ({
        openTime: x.openTime.subarray(0, n),
        open: x.open.subarray(0, n),
        high: x.high.subarray(0, n),
        low: x.low.subarray(0, n),
        close: x.close.subarray(0, n),
        volume: x.volume.subarray(0, n),
      });
      const batch = screenSymbol(
        { symbol: 'STEPUSDT', primary: cut(primary, i + 1), confirm: cut(confirm, c) },
        config,
      );
      expectSameResult(batch, inc.screen());
    }
  });

  it('ignores a re-sent candle', () => {
    const [s] = universeFixture(1, 200);
    const inc = createSymbolScreener(s!.symbol, config);
    for (let i = 0; i < 200; i++) inc.push('primary', row(s!.primary, i));
    const before = inc.screen();
    inc.push('primary', { ...row(s!.primary, 199), close: 1 });
    expect(toPlainOutcome(inc.screen())).toEqual(toPlainOutcome(before));
  });
});

/** Series generators for the property test: random, flat, zero volume, short, gaps, garbage. */
const seriesArb = (tfMs: number) =>
  fc
    .record({
      n: fc.integer({ min: 0, max: 260 }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      mode: fc.constantFrom('walk', 'flat', 'zeroVolume', 'tiny', 'huge', 'spiky'),
      bad: fc.array(
        fc.record({ at: fc.nat(), kind: fc.constantFrom('nan', 'inf', 'negative', 'inverted', 'zero') }),
        {
          maxLength: 3,
        },
      ),
      gapAt: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ n, seed, mode, bad, gapAt }) => {
      const scale = mode === 'tiny' ? 1e-8 : mode === 'huge' ? 1e9 : 1;
      const c = randomWalkColumns(n, seed, '15m', END - tfMs, 100 * scale);
      for (let i = 0; i < n; i++) {
        c.openTime[i] = END - tfMs - (n - 1 - i) * tfMs;
        if (mode === 'flat') c.open[i] = c.high[i] = c.low[i] = c.close[i] = 42;
        if (mode === 'zeroVolume' || mode === 'flat') c.volume[i] = 0;
        if (mode === 'spiky' && i % 17 === 0) {
          c.high[i] = c.high[i]! * 3;
          c.volume[i] = c.volume[i]! * 1000;
        }
      }
      if (gapAt !== undefined && n > 0)
        for (let i = 0; i < gapAt % n; i++) c.openTime[i] = c.openTime[i]! - 5 * tfMs;
      for (const b of bad) {
        if (n === 0) break;
        const i = b.at % n;
        if (b.kind === 'nan') c.close[i] = Number.NaN;
        if (b.kind === 'inf') c.high[i] = Number.POSITIVE_INFINITY;
        if (b.kind === 'negative') c.volume[i] = -1;
        if (b.kind === 'inverted') c.low[i] = c.high[i]! * 2;
        if (b.kind === 'zero') c.low[i] = 0;
      }
      return c;
    });

function assertClean(r: ScreenOutcome): void {
  if (isSkip(r)) {
    expect(r.reason.length).toBeGreaterThan(0);
    return;
  }
  for (const x of [r.score, r.rawScore, r.qualityPenalty, r.fakePenalty])
    expect(Number.isFinite(x)).toBe(true);
  expect(Number.isInteger(r.score) && r.score >= 0 && r.score <= 100).toBe(true);
  if (r.direction === 'NEUTRAL') expect(r.score).toBe(0);
  for (const c of r.contributions) expect(Number.isInteger(c.points)).toBe(true);
  for (const v of Object.values(r.metrics)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  expect(Number.isFinite(r.metrics.price)).toBe(true);
  for (const reason of r.reasons) expect(reason).not.toMatch(/NaN|Infinity|undefined/);
}

describe('no NaN or Infinity ever reaches a score (property)', () => {
  it('holds over random and degenerate series, with or without higher timeframes and whales', () => {
    fc.assert(
      fc.property(
        seriesArb(900_000),
        fc.option(seriesArb(H), { nil: undefined }),
        fc.option(seriesArb(4 * H), { nil: undefined }),
        fc.option(
          fc.record({
            direction: fc.constantFrom('PUMP' as const, 'DUMP' as const),
            confidence: fc.oneof(fc.double({ min: -50, max: 200 }), fc.constant(Number.NaN)),
          }),
          { nil: undefined },
        ),
        (primary, confirm, trend, whale) => {
          const batch = screenSymbol({ symbol: 'PROPUSDT', primary, confirm, trend, whale }, config);
          assertClean(batch);
          const inc = createSymbolScreener('PROPUSDT', config);
          for (const [role, cols] of [
            ['trend', trend],
            ['confirm', confirm],
            ['primary', primary],
          ] as const) {
            if (cols) for (let i = 0; i < cols.close.length; i++) inc.push(role, row(cols, i));
          }
          assertClean(inc.screen(whale));
        },
      ),
      { numRuns: 300, seed: 20260101 },
    );
  });
});
