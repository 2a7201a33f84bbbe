/**
 * `neurotrade download` (its function, runDownload) against the local fake Binance: a fresh
 * download, a resume, a file cut short by an interrupted run, the progress output, bad arguments.
 */
import { mkdtempSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDownload } from '../cli/commands/download.js';
import { UsageError } from '../cli/output.js';
import { createManualClock, type ManualClock, marketSymbol } from '../domain/index.js';
import { createReplayFeed } from './replay/replay-feed.js';
import { type FakeBinance, startFakeBinance } from './testing/fake-binance.js';
import { columnsToCandles } from './timeframes.js';

const NOW = Date.UTC(2026, 0, 10, 12, 3, 20);
let clock: ManualClock;
let fake: FakeBinance;

beforeAll(async () => {
  clock = createManualClock(NOW);
  fake = await startFakeBinance({ now: () => clock.now() });
});
afterAll(() => fake.close());

function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (d) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

const run = (args: Partial<Parameters<typeof runDownload>[0]>, progress = capture().stream) =>
  runDownload(
    { symbols: 'BTCUSDT,ETHUSDT', timeframe: '5m', days: '2', out: '', baseUrl: fake.url, ...args },
    { clock, progress },
  );

describe('neurotrade download', () => {
  const out = mkdtempSync(join(tmpdir(), 'download-'));

  it('writes gzip CSV in the replay format, with rules.json, that the replay feed reads back', async () => {
    const progress = capture();
    const files = await run({ out }, progress.stream);
    expect(files.map((f) => [f.symbol, f.existing, f.added])).toEqual([
      ['BTCUSDT', 0, 575],
      ['ETHUSDT', 0, 575],
    ]);
    expect(progress.text()).toBe('BTCUSDT 5m: 575 new candles\nETHUSDT 5m: 575 new candles\n');
    const replay = await createReplayFeed({ dir: out, pace: 'manual', start: NOW });
    const btc = marketSymbol('BTCUSDT');
    const got = await replay.candles(btc, '5m', { from: 0 });
    const server = columnsToCandles(fake.candles('BTCUSDT', '5m')).filter(
      (c) => c.openTime >= got[0]!.openTime && c.openTime + 300_000 <= NOW,
    );
    expect(got).toEqual(server);
    expect(got[0]!.openTime).toBe(Math.ceil((NOW - 2 * 86_400_000) / 300_000) * 300_000);
    const [rules] = await replay.universe();
    expect([rules!.tickSize.toString(), rules!.minNotional.toString()]).toEqual(['0.1', '100']);
    expect(replay.report.symbols.map((s) => s.rules)).toEqual(['rules.json', 'rules.json']);
  });

  it('resumes from the last row: a second run an hour later fetches only the new hour', async () => {
    clock.advance(3_600_000);
    const before = fake.requests.length;
    const files = await run({ out });
    expect(files.map((f) => [f.existing, f.added])).toEqual([
      [575, 12],
      [575, 12],
    ]);
    const klines = fake.requests.slice(before).filter((r) => r.path === '/fapi/v1/klines');
    expect(klines.map((r) => Number(r.params.limit))).toEqual([12, 12]);
    const text = gunzipSync(readFileSync(join(out, '5m', 'BTCUSDT.csv.gz'))).toString();
    expect(text.split('\n').filter((l) => l.startsWith('open_time'))).toHaveLength(1);
    expect(text.trim().split('\n')).toHaveLength(1 + 587);
  });

  it('survives a file cut short by an interrupted run: keeps whole rows, fetches the rest', async () => {
    const path = join(out, '5m', 'ETHUSDT.csv.gz');
    truncateSync(path, statSync(path).size - 40);
    const [file] = await run({ out, symbols: 'ETHUSDT' });
    expect(file!.existing).toBeLessThan(587);
    expect(file!.existing + file!.added).toBe(587);
    const replay = await createReplayFeed({
      dir: out,
      symbols: ['ETHUSDT'],
      pace: 'manual',
      start: clock.now(),
    });
    expect(replay.report.symbols[0]!.gaps).toEqual([]);
    expect(replay.report.symbols[0]!.rows).toBe(587);
  });

  it('draws a progress bar when stderr is a terminal', async () => {
    const tty = capture(true);
    await run({ out: mkdtempSync(join(tmpdir(), 'download-')), symbols: 'DOGEUSDT', days: '1' }, tty.stream);
    expect(tty.text()).toContain('\rDOGEUSDT 5m [..............................]   0% 0/287');
    expect(tty.text()).toContain('\rDOGEUSDT 5m [##############################] 100% 287/287\n');
  });

  it('refuses bad arguments and unknown symbols with a usage error', async () => {
    await expect(run({ out, timeframe: '7m' })).rejects.toThrow(UsageError);
    await expect(run({ out, days: '-1' })).rejects.toThrow(/--days must be a positive number/);
    await expect(run({ out, symbols: 'btc usdt' })).rejects.toThrow(UsageError);
    await expect(run({ out, symbols: 'NOSUCHUSDT' })).rejects.toThrow(
      /NOSUCHUSDT: not a trading USDT-margined perpetual/,
    );
  });
});
