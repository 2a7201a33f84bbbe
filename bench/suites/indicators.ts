/**
 * Indicator kernels against the JS libraries users would otherwise pick, on the same data in the
 * same process: 1,000,000 candles through EMA(200), RSI(14), ATR(14), Bollinger(20, 2), then
 * 500 symbols x 500 candles; and the parse path (Binance kline JSON) beside the maths.
 *
 * Each library gets its own native input, prepared outside the timer: Float64Array for us, number[]
 * for @ixjb94/indicators and technicalindicators, one value or {high, low, close} object per
 * update for trading-signals (a streaming library). Figures are median CPU ms with the minimum in
 * parentheses; ratio = peer median / our median with a fresh output. TA-Lib's own C speed on the
 * same machine comes from src/indicators/fixtures/talib-timing.c (it needs TA-Lib built, so it is
 * not run here).
 *
 * Two "plain loop" columns time the yardstick (bench/suites/plain-loops.ts) the same two
 * ways; their ratio is ours / loop, so 1.50x is the limit. Ours, the loops and @ixjb94
 * take turns run by run (timeInterleavedMs), so that their ratios survive a noisy VM; the two slow
 * peers are timed one after the other.
 *
 * Two columns for us: "ours (fresh output)" returns a new Float64Array per call, as the peers
 * return new arrays: the fair comparison, and what the ratios use. "ours (reused output)" passes
 * the optional `out` buffers, allocated once outside the timer: the kernel alone, what a screener
 * or a backtest sweep that reuses its buffers pays. trading-signals keeps only the latest value
 * (no output series at all), so it never pays for an output.
 *
 * Reading the spread: on this VM a page fault costs ~8 µs, so a run whose fresh 8 MB output is
 * not yet recycled by the allocator pays up to ~16 ms of kernel time on top of a ~3-7 ms kernel;
 * V8's heap (the peers' JS arrays) keeps its pages. The reused-output column is the kernel
 * without that toll.
 */

import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IndicatorsSync } from '@ixjb94/indicators';
import { ATR as TiAtr, BollingerBands as TiBollinger, EMA as TiEma, RSI as TiRsi } from 'technicalindicators';
import { ATR as TsAtr, BollingerBands as TsBollinger, EMA as TsEma, RSI as TsRsi } from 'trading-signals';
import { syntheticCandles } from '../../src/indicators/fixtures/synthetic-candles.js';
import {
  atr,
  type BollingerBands,
  bollinger,
  createAtrState,
  createBollingerState,
  createEmaState,
  createRsiState,
  ema,
  rsi,
} from '../../src/indicators/index.js';
import { fmt, median, table } from '../stats.js';
import { plainAtr, plainBollinger, plainEma, plainRsi } from './plain-loops.js';

interface Series {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  highList: number[];
  lowList: number[];
  closeList: number[];
  candles: Array<{ high: number; low: number; close: number }>;
  /**
   * Output buffers for the "reused output" column: allocated before that measurement, outside the
   * timer, and dropped after it, so that they do not change the heap the other columns run in.
   */
  out?: BollingerBands;
}

function makeSeries(seed: number, length: number): Series {
  const c = syntheticCandles({ seed, length, startPrice: 104_000, tick: 0.1, volatility: 0.002 });
  return {
    high: Float64Array.from(c.high),
    low: Float64Array.from(c.low),
    close: Float64Array.from(c.close),
    highList: c.high,
    lowList: c.low,
    closeList: c.close,
    candles: c.close.map((close, i) => ({ high: c.high[i]!, low: c.low[i]!, close })),
  };
}

/** Keeps results alive so the JIT cannot drop the work. */
let sink = 0;
const keep = (x: number | undefined | null): void => {
  sink += typeof x === 'number' && Number.isFinite(x) ? x * 1e-12 : 1;
};

type Library =
  | 'ours (fresh output)'
  | 'ours (reused output)'
  | 'plain loop (fresh output)'
  | 'plain loop (reused output)'
  | '@ixjb94/indicators'
  | 'trading-signals'
  | 'technicalindicators';
const LIBRARIES: Library[] = [
  'ours (fresh output)',
  'ours (reused output)',
  'plain loop (fresh output)',
  'plain loop (reused output)',
  '@ixjb94/indicators',
  'trading-signals',
  'technicalindicators',
];
const OURS: Library = 'ours (fresh output)';
/** The columns fast enough to measure taking turns (see timeInterleavedMs); the others one by one. */
const INTERLEAVED: Library[] = [
  'ours (fresh output)',
  'ours (reused output)',
  'plain loop (fresh output)',
  'plain loop (reused output)',
  '@ixjb94/indicators',
];
type Indicator = 'EMA(200)' | 'RSI(14)' | 'ATR(14)' | 'Bollinger(20, 2)';
const INDICATORS: Indicator[] = ['EMA(200)', 'RSI(14)', 'ATR(14)', 'Bollinger(20, 2)'];

const ixjb = new IndicatorsSync();

/** One indicator over one series; returns its last value (kept, so the work cannot be dropped). */
function compute(library: Library, indicator: Indicator, s: Series): number | null | undefined {
  switch (`${library} ${indicator}`) {
    case 'ours (fresh output) EMA(200)':
      return ema(s.close, 200).at(-1);
    case 'ours (fresh output) RSI(14)':
      return rsi(s.close, 14).at(-1);
    case 'ours (fresh output) ATR(14)':
      return atr(s.high, s.low, s.close, 14).at(-1);
    case 'ours (fresh output) Bollinger(20, 2)':
      return bollinger(s.close, 20, 2).upper.at(-1);
    case 'ours (reused output) EMA(200)':
      return ema(s.close, 200, s.out!.upper).at(-1);
    case 'ours (reused output) RSI(14)':
      return rsi(s.close, 14, s.out!.upper).at(-1);
    case 'ours (reused output) ATR(14)':
      return atr(s.high, s.low, s.close, 14, s.out!.upper).at(-1);
    case 'ours (reused output) Bollinger(20, 2)':
      return bollinger(s.close, 20, 2, s.out!).upper.at(-1);
    case 'plain loop (fresh output) EMA(200)':
      return plainEma(s.close, 200, new Float64Array(s.close.length)).at(-1);
    case 'plain loop (fresh output) RSI(14)':
      return plainRsi(s.close, 14, new Float64Array(s.close.length)).at(-1);
    case 'plain loop (fresh output) ATR(14)':
      return plainAtr(s.high, s.low, s.close, 14, new Float64Array(s.close.length)).at(-1);
    case 'plain loop (fresh output) Bollinger(20, 2)': {
      const n = s.close.length;
      return plainBollinger(s.close, 20, 2, new Float64Array(n), new Float64Array(n), new Float64Array(n)).at(
        -1,
      );
    }
    case 'plain loop (reused output) EMA(200)':
      return plainEma(s.close, 200, s.out!.upper).at(-1);
    case 'plain loop (reused output) RSI(14)':
      return plainRsi(s.close, 14, s.out!.upper).at(-1);
    case 'plain loop (reused output) ATR(14)':
      return plainAtr(s.high, s.low, s.close, 14, s.out!.upper).at(-1);
    case 'plain loop (reused output) Bollinger(20, 2)':
      return plainBollinger(s.close, 20, 2, s.out!.upper, s.out!.middle, s.out!.lower).at(-1);
    case '@ixjb94/indicators EMA(200)':
      return ixjb.ema(s.closeList, 200).at(-1);
    case '@ixjb94/indicators RSI(14)':
      return ixjb.rsi(s.closeList, 14).at(-1);
    case '@ixjb94/indicators ATR(14)':
      return ixjb.atr(s.highList, s.lowList, s.closeList, 14).at(-1);
    case '@ixjb94/indicators Bollinger(20, 2)':
      return ixjb.bbands(s.closeList, 20, 2)[0]?.at(-1);
    case 'trading-signals EMA(200)': {
      const x = new TsEma(200);
      for (const v of s.closeList) x.add(v);
      return x.getResult();
    }
    case 'trading-signals RSI(14)': {
      const x = new TsRsi(14);
      for (const v of s.closeList) x.add(v);
      return x.getResult();
    }
    case 'trading-signals ATR(14)': {
      const x = new TsAtr(14);
      for (const c of s.candles) x.add(c);
      return x.getResult();
    }
    case 'trading-signals Bollinger(20, 2)': {
      const x = new TsBollinger(20, 2);
      for (const v of s.closeList) x.add(v);
      return x.getResult()?.upper;
    }
    case 'technicalindicators EMA(200)':
      return TiEma.calculate({ period: 200, values: s.closeList }).at(-1);
    case 'technicalindicators RSI(14)':
      return TiRsi.calculate({ period: 14, values: s.closeList }).at(-1);
    case 'technicalindicators ATR(14)':
      return TiAtr.calculate({ period: 14, high: s.highList, low: s.lowList, close: s.closeList }).at(-1);
    case 'technicalindicators Bollinger(20, 2)':
      return TiBollinger.calculate({ period: 20, stdDev: 2, values: s.closeList }).at(-1)?.upper;
  }
  throw new Error(`no benchmark for ${library} ${indicator}`);
}

// Before each measurement (not each run): a full GC, then a pause for V8's background sweeper, so
// a measurement does not pay for the garbage of the setup or of the library measured before it.
// Not before each run: V8 then returns the freed pages to the OS and every run of every library
// page-faults its fresh 8 MB output back in, which on this VM costs more than the maths.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settle = async (): Promise<void> => {
  collectGarbage();
  await pause(100);
  // A second GC first finishes the sweeping of the first, which would otherwise run on V8's
  // background threads during the next measurement and be counted in its CPU time.
  collectGarbage();
  await pause(100);
};

/** CPU milliseconds (user + system) this process spent in `fn`: other load on the machine does not count. */
function cpuMs(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Median CPU ms of `runs` runs, after a warm-up long enough for V8 to optimise the hot loop (10
 * runs or 3 s: a kernel measured on its first call runs in the interpreter, up to 10x slower).
 * CPU time rather than wall time because this machine is shared: with a load average of 10 on 2
 * cores, wall-clock medians measured the neighbours, not the code. Slow peers stop early: at least
 * 3 measured runs, or 15 s.
 */
async function timeMedianMs(fn: () => unknown, runs = 15): Promise<Timing> {
  await settle();
  const warmupEnd = performance.now() + 3000;
  for (let i = 0; i < 10 && (i < 2 || performance.now() < warmupEnd); i++) fn();
  const times: number[] = [];
  const end = performance.now() + 15_000;
  while (times.length < runs && (times.length < 3 || performance.now() < end)) times.push(cpuMs(fn));
  return { median: median(times), min: Math.min(...times) };
}

/**
 * The same for several functions at once, their runs taking turns (a, b, c, a, b, c, ...): a
 * neighbour's burst or the VM's clock drift then lands on all of them alike, so their ratios hold
 * even when the medians move. For the fast columns (ours, the plain loops, @ixjb94), 21 rounds.
 */
async function timeInterleavedMs(fns: Array<() => unknown>, rounds = 21): Promise<Timing[]> {
  await settle();
  for (const fn of fns) for (let i = 0; i < 10; i++) fn();
  const times = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < fns.length; k++) times[k]!.push(cpuMs(fns[k]!));
  }
  return times.map((t) => ({ median: median(t), min: Math.min(...t) }));
}

interface Timing {
  median: number;
  /** The least disturbed run: a second opinion when the machine is busy (GC and neighbours only add). */
  min: number;
}

const newBands = (n: number): BollingerBands => ({
  upper: new Float64Array(n),
  middle: new Float64Array(n),
  lower: new Float64Array(n),
});

const cell = (t: Timing): string => `${fmt(t.median)} (${fmt(t.min)})`;

async function comparisonTable(
  title: string,
  seriesList: Series[],
): Promise<{ table: string; ours: Record<Indicator, number> }> {
  const ours = {} as Record<Indicator, number>;
  const rows: string[][] = [];
  const run = (library: Library, indicator: Indicator) => () => {
    for (const s of seriesList) keep(compute(library, indicator, s));
  };
  for (const indicator of INDICATORS) {
    // The output buffers of the "reused" columns, allocated outside the timers.
    for (const s of seriesList) s.out = newBands(s.close.length);
    const fast = await timeInterleavedMs(INTERLEAVED.map((library) => run(library, indicator)));
    for (const s of seriesList) s.out = undefined;
    const timing = new Map<Library, Timing>(INTERLEAVED.map((library, k) => [library, fast[k]!]));
    for (const library of LIBRARIES) {
      if (!timing.has(library)) timing.set(library, await timeMedianMs(run(library, indicator)));
    }
    const time = (library: Library) => timing.get(library)!;
    ours[indicator] = time(OURS).median;
    const cells = LIBRARIES.map((library) => {
      const t = time(library);
      if (library.startsWith('ours')) return cell(t);
      if (library.startsWith('plain loop')) {
        // The yardstick: ours' time over the plain loop's, the output handled alike.
        const mine = time(library.endsWith('(reused output)') ? 'ours (reused output)' : OURS);
        return `${cell(t)} · ours ${fmt(mine.median / t.median, 2)}x`;
      }
      return `${cell(t)} · ${fmt(t.median / ours[indicator], 1)}x`;
    });
    rows.push([indicator, ...cells]);
  }
  return { table: `${title}\n\n${table(['indicator', ...LIBRARIES], rows)}`, ours };
}

/** A Binance REST kline row: [openTime, "o", "h", "l", "c", "v", closeTime, "q", trades, "V", "Q", "0"]. */
function klineJson(s: Series, from: number, to: number): string {
  const rows: string[] = [];
  for (let i = from; i < to; i++) {
    const t = 1_760_918_400_000 + i * 300_000;
    const o = i > 0 ? s.close[i - 1]! : s.close[i]!;
    rows.push(
      `[${t},"${o.toFixed(1)}","${s.high[i]!.toFixed(1)}","${s.low[i]!.toFixed(1)}","${s.close[i]!.toFixed(1)}","${(500 + (i % 97)).toFixed(3)}",${t + 299_999},"${(5.2e7 + i).toFixed(5)}",${1000 + (i % 500)},"250.117","2.6e7","0"]`,
    );
  }
  return `[${rows.join(',')}]`;
}

/** A Binance kline WebSocket event (one per candle update on the live path). */
function klineEvent(s: Series, i: number): string {
  const t = 1_760_918_400_000 + i * 300_000;
  return `{"e":"kline","E":${t + 1234},"s":"BTCUSDT","k":{"t":${t},"T":${t + 299_999},"s":"BTCUSDT","i":"5m","f":100,"L":200,"o":"${s.close[Math.max(0, i - 1)]!.toFixed(1)}","c":"${s.close[i]!.toFixed(1)}","h":"${s.high[i]!.toFixed(1)}","l":"${s.low[i]!.toFixed(1)}","v":"512.301","n":101,"x":true,"q":"53341234.12345","V":"250.117","Q":"26041234.5","B":"0"}}`;
}

/** JSON.parse of a REST page and conversion to the columns the kernels take. */
function parseKlines(json: string): Float64Array {
  const rows = JSON.parse(json) as Array<[number, string, string, string, string, string]>;
  const n = rows.length;
  const columns = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    columns[i] = r[0];
    columns[n + i] = Number(r[1]);
    columns[2 * n + i] = Number(r[2]);
    columns[3 * n + i] = Number(r[3]);
    columns[4 * n + i] = Number(r[4]);
    columns[5 * n + i] = Number(r[5]);
  }
  return columns;
}

async function parseTable(
  big: Series,
  maths1M: number,
  symbols: Series[],
  maths500: number,
): Promise<string> {
  // 1M candles as Binance serves history: pages of 499 (weight 2 each).
  const pages: string[] = [];
  for (let from = 0; from < big.close.length; from += 499) {
    pages.push(klineJson(big, from, Math.min(from + 499, big.close.length)));
  }
  const restParse = await timeMedianMs(() => {
    for (const p of pages) keep((JSON.parse(p) as unknown[]).length);
  }, 3);
  const restColumns = await timeMedianMs(() => {
    for (const p of pages) keep(parseKlines(p)[0]);
  }, 3);
  const events = Array.from({ length: big.close.length }, (_, i) => klineEvent(big, i));
  const wsParse = await timeMedianMs(() => {
    for (const e of events) keep(Number((JSON.parse(e) as { k: { c: string } }).k.c));
  }, 3);
  const states = () => ({
    ema: createEmaState(200),
    rsi: createRsiState(14),
    atr: createAtrState(14),
    bands: createBollingerState(20, 2),
  });
  const streaming = await timeMedianMs(() => {
    const s = states();
    for (let i = 0; i < big.close.length; i++) {
      const c = big.close[i]!;
      keep(
        s.ema.update(c) +
          s.rsi.update(c) +
          s.atr.update(big.high[i]!, big.low[i]!, c) +
          s.bands.update(c).upper,
      );
    }
  }, 5);
  const symbolPages = symbols.map((s) => klineJson(s, 0, s.close.length));
  const symbolsParse = await timeMedianMs(() => {
    for (const p of symbolPages) keep(parseKlines(p)[0]);
  }, 9);
  const x = (t: Timing, maths: number) => `${fmt(t.median / maths, 1)}x`;
  return table(
    ['path (1,000,000 candles unless noted)', 'median CPU ms (min)', 'vs batch maths'],
    [
      ['maths: EMA(200) + RSI(14) + ATR(14) + Bollinger(20, 2), batch', fmt(maths1M), '1.0x'],
      ['maths: the same four, streaming `update` per candle', cell(streaming), x(streaming, maths1M)],
      [
        `REST history: JSON.parse of ${pages.length} kline pages of 499`,
        cell(restParse),
        x(restParse, maths1M),
      ],
      [
        'REST history: JSON.parse + strings to Float64Array columns',
        cell(restColumns),
        x(restColumns, maths1M),
      ],
      ['live: JSON.parse of one kline WebSocket event per candle', cell(wsParse), x(wsParse, maths1M)],
      ['500 symbols x 500 candles: the four indicators, batch', fmt(maths500), '1.0x'],
      [
        '500 symbols x 500 candles: JSON.parse + columns, one page each',
        cell(symbolsParse),
        x(symbolsParse, maths500),
      ],
    ],
  );
}

export async function run(): Promise<void> {
  // Other work on the machine inflates medians; say how busy it was.
  console.log(
    `Load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}\n`,
  );
  const big = makeSeries(1, 1_000_000);
  const symbols = Array.from({ length: 500 }, (_, i) => makeSeries(1000 + i, 500));
  const million = await comparisonTable(
    '### 1,000,000 candles: median CPU ms (min), ratio = peer median / ours (fresh output)',
    [big],
  );
  console.log(`${million.table}\n`);
  const many = await comparisonTable(
    '### 500 symbols x 500 candles: median CPU ms for all 500 (min), ratio = peer median / ours (fresh output)',
    symbols,
  );
  console.log(`${many.table}\n`);
  const sum = (r: Record<Indicator, number>) => INDICATORS.reduce((a, k) => a + r[k], 0);
  console.log('### Parse path vs maths\n');
  console.log(await parseTable(big, sum(million.ours), symbols, sum(many.ours)));
  console.log(
    `\nLoad average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
  if (sink === -1) console.log(sink);
}
