import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../../test/support/market-data.js';
import { CLI, REPO_ROOT } from '../../../test/support/process.js';
import { forEachStore } from '../../../test/support/stores.js';
import { runBacktest } from '../../backtest/index.js';
import { createRepositories } from '../../store/index.js';
import { UsageError } from '../output.js';
import { parseBacktestArgs, renderSummary, runBacktestCommand, toStored } from './backtest.js';

const run = promisify(execFile);
const dir = marketDataDir();
const scratch = mkdtempSync(join(tmpdir(), 'nt-backtest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: scratch },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const METRICS = [
  'trades',
  'winRate',
  'profitFactor',
  'totalReturnPct',
  'maxDrawdownPct',
  'sharpe',
  'avgTradeMinutes',
] as const;

function expectInterface(json: Record<string, unknown>) {
  for (const key of [...METRICS, 'candles', 'candlesPerSecond']) expect(json).toHaveProperty(key);
  expect(typeof json.trades).toBe('number');
  expect(json.candles as number).toBeGreaterThan(0);
  expect(json.candlesPerSecond as number).toBeGreaterThan(0);
  // Per core: the process's CPU over the pass (every thread), and the speed is candles over it.
  const cpuSeconds = json.cpuSeconds as number;
  expect(cpuSeconds).toBeGreaterThan(0);
  // cpuSeconds is printed to the millisecond: the speed was worked out from the unrounded time.
  const exact = (json.candles as number) / cpuSeconds;
  const slack = (json.candles as number) / Math.max(cpuSeconds - 0.0005, 1e-9) - exact + 1;
  expect(Math.abs((json.candlesPerCpuSecond as number) - exact)).toBeLessThanOrEqual(slack);
  const baselines = json.baselines as Record<string, Record<string, unknown>>;
  for (const name of ['buyAndHold', 'randomEntry']) {
    for (const key of METRICS) expect(baselines[name]).toHaveProperty(key);
  }
  expect(baselines.randomEntry!.trades).toBe(json.trades);
}

describe('neurotrade backtest: arguments', () => {
  it.each([
    [{}, 'give the market: --data DIR or --synthetic SEED (one of them)'],
    [{ data: '/x', synthetic: '1' }, 'give the market: --data DIR or --synthetic SEED (one of them)'],
    [{ synthetic: '1', symbols: 'BTCUSDT', top: '3' }, 'use --symbols or --top, not both'],
    [{ synthetic: '1', analyst: 'llm' }, '--analyst must be rule or llm-cache (got "llm")'],
    [{ synthetic: '1', split: '1.5' }, '--split must be a number from 0.01 to 0.99 (got "1.5")'],
    [{ synthetic: '1', fees: '0.02' }, '--fees takes MAKER,TAKER in percent'],
    [{ synthetic: '1', fundingRate: '3.5' }, '--funding-rate must be a number from -3 to 3 (got "3.5")'],
    [{ synthetic: '1', fundingRate: 'high' }, '--funding-rate must be a number from -3 to 3 (got "high")'],
    [{ synthetic: '1', leverage: '2.5' }, '--leverage must be a whole number >= 1 (got "2.5")'],
    [{ synthetic: '1', from: 'yesterday' }, '--from "yesterday" is not an ISO-8601 time'],
    [{ synthetic: '1', from: '2026-01-02', to: '2026-01-01' }, '--to must be after --from'],
    [{ synthetic: '1', base: '7m' }, '--base must be a timeframe such as 1m or 5m (got "7m")'],
    [{ synthetic: '1', executor: 'fast' }, '--executor must be engine or direct (got "fast")'],
  ])('refuses %j', (args, message) => {
    let err: unknown;
    try {
      parseBacktestArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(message);
  });

  it('takes --executor engine or direct (the command runs the engine when it is absent)', () => {
    expect(parseBacktestArgs({ synthetic: '1' }).executor).toBeUndefined();
    expect(parseBacktestArgs({ synthetic: '1', executor: 'direct' }).executor).toBe('direct');
    expect(parseBacktestArgs({ synthetic: '1', executor: 'engine' }).executor).toBe('engine');
  });

  it('reads fees and the funding rate in percent, slippage in basis points', () => {
    expect(
      parseBacktestArgs({ synthetic: '3', fees: '0.018,0.045', slippage: '2.5', fundingRate: '-0.01' }),
    ).toMatchObject({
      market: { kind: 'synthetic', seed: 3 },
      makerFeePct: 0.018,
      takerFeePct: 0.045,
      slippage: { bps: 2.5 },
      fundingRatePct: -0.01,
    });
    expect(parseBacktestArgs({ synthetic: '3' }).fundingRatePct).toBeUndefined();
  });
});

describe.skipIf(!existsSync('/usr/bin/script'))('neurotrade backtest on a terminal', () => {
  it('draws a progress bar on a terminal (stderr) and the table after it', async () => {
    // util-linux `script` runs the command on a pseudo-terminal, as a person at a shell would.
    const command = [
      process.execPath,
      CLI,
      'backtest',
      '--synthetic',
      '3',
      '--synthetic-symbols',
      '2',
      '--to',
      '2026-01-06T00:00:00Z',
      '--executor',
      'direct',
      '--no-store',
    ].join(' ');
    const { stdout } = await run('/usr/bin/script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: scratch },
    });
    expect(stdout).toMatch(/\[#+\.*\] +\d+% strategy/);
    expect(stdout).toContain('executor direct');
    expect(stdout).toContain('buy and hold');
  });
});

describe('neurotrade backtest --json', () => {
  it('prints one JSON object with the interface scripts rely on (synthetic market)', async () => {
    const html = join(scratch, 'synthetic.html');
    const { code, stdout, stderr } = await cli([
      'backtest',
      '--synthetic',
      '3',
      '--synthetic-symbols',
      '3',
      '--to',
      '2026-01-07T00:00:00Z',
      '--split',
      '0.5',
      '--json',
      '--no-store',
      '--out',
      html,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expectInterface(json);
    expect(json).toMatchObject({
      id: null,
      from: '2026-01-05T00:00:00.000Z',
      to: '2026-01-07T00:00:00.000Z',
      executor: 'engine',
    });
    expect(json.split.inSample.trades + json.split.outOfSample.trades).toBe(json.trades);
    expect(json.tradeList).toHaveLength(json.trades);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('In-sample and out-of-sample');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // A whole backtest in a child process: 16 s under CI's load on a slow VM.
  }, 90_000);

  describe.skipIf(!dir)(`on recorded candles${dir ? '' : ` (${MARKET_DATA_MISSING})`}`, () => {
    it('backtests two symbols over three days of real Binance 5m candles', async () => {
      const written: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      try {
        await runBacktestCommand({
          data: dir,
          symbols: 'BTCUSDT,ETHUSDT',
          from: '2026-01-10T00:00:00Z',
          to: '2026-01-13T00:00:00Z',
          json: true,
          store: false,
        });
      } finally {
        spy.mockRestore();
      }
      const json = JSON.parse(written.join(''));
      expectInterface(json);
      expect(json.symbols).toEqual(['BTCUSDT', 'ETHUSDT']);
      expect(json.executor).toBe('engine');
      // 3 days x 288 five-minute candles x 2 symbols
      expect(json.candles).toBe(1728);
      expect(json.baselines.buyAndHold.trades).toBe(2);
    });

    it('leaves out a symbol recorded only after the period, says so, and runs both baselines', async () => {
      // SPACEUSDT's recording starts on 2026-01-23: the random-entry pass used to stop at it.
      const { code, stdout, stderr } = await cli([
        'backtest',
        '--data',
        dir!,
        '--symbols',
        'BTCUSDT,SPACEUSDT',
        '--from',
        '2025-12-10T00:00:00Z',
        '--to',
        '2025-12-12T00:00:00Z',
        '--executor',
        'direct',
        '--no-store',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('1 symbols');
      expect(stdout).toContain(
        'left out: SPACEUSDT: no candles from 2025-12-10T00:00:00.000Z to 2025-12-12T00:00:00.000Z ' +
          '(recorded from 2026-01-23T11:45:00.000Z',
      );
      expect(stdout).toMatch(/^random entries +\d+/m);
    });

    it('says which symbol has no candles', async () => {
      const err = await runBacktestCommand({ data: dir, symbols: 'BTCUSDT,FOOUSDT', json: true }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain(`no candle file for FOOUSDT in ${dir}`);
    });
  });
});

forEachStore('neurotrade backtest: stored reports', ({ store }) => {
  it('stores the report where the dashboard reads it', async () => {
    const report = await runBacktest({
      market: { kind: 'synthetic', seed: 5, symbols: 2 },
      to: Date.UTC(2026, 0, 6),
      randomBaseline: false,
      wallClock: { now: () => Date.UTC(2026, 6, 1) as never },
    });
    const repos = createRepositories(store().db);
    const { id } = await repos.backtests.insert(toStored(report));
    const [listed] = await repos.backtests.list({ limit: 5 });
    expect(listed).toMatchObject({
      id,
      source: 'synthetic',
      analyst: 'rule',
      trades: report.trades.length,
      symbols: report.market.symbols,
      createdAt: new Date(Date.UTC(2026, 6, 1)),
    });
    const stored = await repos.backtests.findById(id);
    expect((stored!.summary as { candles: number }).candles).toBe(report.performance.candles);
    expect((stored!.report as { trades: unknown[] }).trades).toHaveLength(report.trades.length);
    expect(renderSummary(report)).toContain('buy and hold');
  });
});
