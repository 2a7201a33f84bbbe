/**
 * The market feed: loading a recorded market (the real 5m files when ../shared/data/market is
 * present), the CSV parser beside the obvious split/Number parse, the validated Binance kline
 * parse path (REST page and WebSocket event), stepping a replay as a backtest does, aggregation,
 * and the synthetic market's generation speed. Figures are medians of several runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MINUTE_MS } from '../../src/domain/index.js';
import { parseKlineEvent, parseKlines } from '../../src/market/binance/parse.js';
import { createCandleChecker } from '../../src/market/candle-check.js';
import {
  aggregateCandles,
  createReplayFeed,
  createSyntheticFeed,
  formatCandleCsv,
  parseCandleCsv,
} from '../../src/market/index.js';
import { marketDataDir } from '../../test/support/market-data.js';
import { fmt, table, timeMedianMs, timeMedianMsAsync } from '../stats.js';

let sink = 0;

/** The parse most code would write: split lines, split fields, Number(). */
function naiveParse(text: string): number {
  const lines = text.split('\n');
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(',').map(Number);
    if (f.length === 6) {
      sink += f[4]!;
      n++;
    }
  }
  return n;
}

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const dataDir = marketDataDir();

  // A synthetic market written out as a recording, so the suite runs without the real files.
  const synthetic = createSyntheticFeed({ seed: 1, symbols: 20, historyDays: 120, pace: 'manual' });
  const universe = await synthetic.universe();
  const files: { name: string; bytes: Buffer }[] = [];
  for (const r of universe) {
    const cols = await synthetic.candleColumns(r.symbol, '5m', { from: 0 });
    files.push({ name: r.symbol, bytes: Buffer.from(formatCandleCsv(cols)) });
  }
  const realDir = dataDir ? join(dataDir, '5m') : undefined;
  const real = realDir
    ? readdirSync(realDir).map((f) => ({
        name: f.split('.')[0]!,
        bytes: gunzipSync(readFileSync(join(realDir, f))),
      }))
    : [];
  const corpus = real.length > 0 ? real : files;
  const corpusRows = corpus.reduce((s, f) => s + f.bytes.toString('latin1').split('\n').length - 2, 0);
  const label = real.length > 0 ? `${real.length} real 5m files` : `${files.length} synthetic 5m files`;

  const ours = timeMedianMs(
    () => {
      for (const f of corpus)
        sink += parseCandleCsv(f.bytes, { file: f.name, symbol: f.name, timeframe: '5m' }).columns.close[0]!;
    },
    5,
    1,
  );
  const texts = corpus.map((f) => f.bytes.toString('latin1'));
  const naive = timeMedianMs(
    () => {
      for (const t of texts) sink += naiveParse(t);
    },
    5,
    1,
  );
  rows.push([
    `CSV parse + checks, ${label} (${corpusRows.toLocaleString('en-US')} rows)`,
    `${fmt(ours, 1)} ms`,
    `${fmt(corpusRows / ours / 1000, 2)} M rows/s`,
    `naive split/Number, no checks: ${fmt(naive, 1)} ms (${fmt(naive / ours, 1)}x)`,
  ]);

  if (dataDir) {
    const symbols = readdirSync(join(dataDir, '5m'))
      .map((f) => f.split('.')[0]!)
      .slice(0, 20);
    const load = await timeMedianMsAsync(
      () => createReplayFeed({ dir: dataDir, symbols, baseTimeframe: '5m' }),
      5,
      1,
    );
    rows.push([
      `replay load: ${symbols.length} real 5m symbols (read, gunzip, parse, index)`,
      `${fmt(load, 0)} ms`,
      '',
      '',
    ]);
  }

  // Stepping a replay as a backtest does: every symbol's candle events, synchronous drain.
  const dir = dataDir;
  if (dir) {
    const feed = await createReplayFeed({
      dir,
      baseTimeframe: '5m',
      symbols: readdirSync(join(dir, '5m')).map((f) => f.split('.')[0]!),
    });
    const all = (await feed.universe()).map((r) => r.symbol);
    const sub = feed.watchCandles(all, '5m');
    const t0 = performance.now();
    let updates = 0;
    while (feed.step()) updates += sub.drain().length;
    const ms = performance.now() - t0;
    rows.push([
      `replay step + drain, ${all.length} symbols x 5m (${updates.toLocaleString('en-US')} candle events)`,
      `${fmt(ms, 0)} ms`,
      `${fmt(updates / ms / 1000, 2)} M events/s`,
      '',
    ]);
  }
  if (dir) {
    const feed = await createReplayFeed({
      dir,
      baseTimeframe: '5m',
      symbols: readdirSync(join(dir, '5m')).map((f) => f.split('.')[0]!),
    });
    const all = (await feed.universe()).map((r) => r.symbol);
    const t0 = performance.now();
    let n = 0;
    for await (const u of feed.watchCandles(all, '15m')) {
      sink += u.candle.close;
      n++;
    }
    const ms = performance.now() - t0;
    rows.push([
      `replay 'pull' pace, \`for await\` over ${all.length} symbols, 5m -> 15m updates (${n.toLocaleString('en-US')})`,
      `${fmt(ms, 0)} ms`,
      `${fmt(n / ms / 1000, 2)} M events/s`,
      '',
    ]);
  }

  const genMs = timeMedianMs(
    () => createSyntheticFeed({ seed: 3, symbols: 20, historyDays: 30, pace: 'manual' }),
    3,
    1,
  );
  const minuteSteps = 20 * 31 * 1440;
  rows.push([
    'synthetic market: 20 symbols x 31 days at 1-minute resolution',
    `${fmt(genMs, 0)} ms`,
    `${fmt(minuteSteps / genMs / 1000, 2)} M symbol-minutes/s`,
    '',
  ]);

  const base = await synthetic.candleColumns(universe[0]!.symbol, '5m', { from: 0 });
  const agg = timeMedianMs(() => {
    sink += aggregateCandles(base, '5m', '1h', { volumeDecimals: 3 }).candles.close[0]!;
  });
  rows.push([
    `aggregate 5m -> 1h (${base.openTime.length.toLocaleString('en-US')} candles)`,
    `${fmt(agg, 2)} ms`,
    `${fmt(base.openTime.length / agg / 1000, 1)} M candles/s`,
    '',
  ]);

  // The live parse path with checks: a REST page of 499 klines, one WebSocket kline event.
  const t = Math.floor(Date.UTC(2026, 0, 1) / MINUTE_MS) * MINUTE_MS;
  const page = JSON.stringify(
    Array.from({ length: 499 }, (_, i) => [
      t + i * 300_000,
      '104000.10',
      '104100.00',
      '103900.00',
      '104050.50',
      '123.456',
      t + i * 300_000 + 299_999,
      '12845678.12',
      1000,
      '60.1',
      '6254321.1',
      '0',
    ]),
  );
  const restMs = timeMedianMs(() => {
    for (let k = 0; k < 100; k++) {
      const checker = createCandleChecker({
        source: 'bench',
        symbol: 'BTCUSDT',
        timeframe: '5m',
        onBadRow: 'error',
      });
      sink += parseKlines(JSON.parse(page), { checker, lastClosedOpen: Number.POSITIVE_INFINITY }).close[0]!;
    }
  });
  rows.push([
    'REST kline page (499): JSON.parse + checks + columns',
    `${fmt((restMs / 100 / 499) * 1e6, 0)} ns/candle`,
    `${fmt(restMs / 100, 3)} ms/page`,
    '',
  ]);
  const event = JSON.stringify({
    e: 'kline',
    E: t,
    s: 'BTCUSDT',
    k: {
      t,
      T: t + 299_999,
      s: 'BTCUSDT',
      i: '5m',
      f: 1,
      L: 2,
      o: '104000.10',
      c: '104050.50',
      h: '104100.00',
      l: '103900.00',
      v: '123.456',
      n: 10,
      x: false,
      q: '1',
      V: '0',
      Q: '0',
      B: '0',
    },
  });
  const wsMs = timeMedianMs(() => {
    for (let k = 0; k < 100_000; k++) sink += parseKlineEvent(JSON.parse(event), '5m')!.candle.close;
  });
  rows.push([
    'WebSocket kline event: JSON.parse + checks',
    `${fmt((wsMs / 100_000) * 1e6, 0)} ns/event`,
    '',
    '',
  ]);

  console.log(table(['what', 'median', 'throughput', 'beside'], rows));
  if (sink === 42) console.log('');
}
