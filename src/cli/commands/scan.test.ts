import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../../test/support/market-data.js';
import { CLI, REPO_ROOT } from '../../../test/support/process.js';
import { UsageError } from '../output.js';
import { renderTable, runScan, toScanRow } from './scan.js';

const run = promisify(execFile);
const dir = marketDataDir();

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('neurotrade scan: arguments', () => {
  it.each([
    [{ data: '/x', synthetic: '1' }, 'use --data or --synthetic, not both'],
    [{ synthetic: '1', symbols: 'BTCUSDT', top: '3' }, 'use --symbols or --top, not both'],
    [{ at: '2026-01-01T00:00:00Z' }, '--at needs --data or --synthetic (a live market is scanned now)'],
    [{ synthetic: '1', at: 'yesterday' }, '--at "yesterday" is not an ISO-8601 time'],
    [{ synthetic: '1', top: '0' }, '--top must be a whole number >= 1 (got "0")'],
    [{ synthetic: 'x' }, '--synthetic must be a whole number >= 0 (got "x")'],
    [{ synthetic: '1', symbols: 'BTC-USDT' }, 'symbol "BTC-USDT" is not a Binance futures symbol'],
  ])('refuses %j', async (args, message) => {
    const err = await runScan(args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(message);
  });

  it('says so when the data folder cannot be read', async () => {
    const err = await runScan({ data: '/nonexistent/market' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^cannot read market data in \/nonexistent\/market/);
  });
});

describe.skipIf(!dir)(`neurotrade scan --data${dir ? '' : ` (${MARKET_DATA_MISSING})`}`, () => {
  it('scans recorded candles at a time and reports symbols it cannot screen', async () => {
    const report = await runScan({
      data: dir,
      at: '2026-01-15T12:00:00Z',
      symbols: 'BTCUSDT,ETHUSDT,AAVEUSDT,FOOUSDT',
    });
    const rows = report.results.map(toScanRow);
    expect(rows.map((r) => `${r.symbol} ${r.direction}`)).toEqual([
      'ETHUSDT LONG',
      'BTCUSDT LONG',
      'FOOUSDT SKIPPED',
      'AAVEUSDT SKIPPED',
    ]);
    expect(rows[2]).toMatchObject({
      reason: `no recorded candles for FOOUSDT in ${dir}`,
      score: 0,
      metrics: null,
    });
    expect(rows[3]!.reason).toBe('recorded only at 1h, coarser than 15m');
    expect(rows[0]).toMatchObject({
      score: 53,
      qualityPenalty: 10,
      fakePenalty: 0,
      candleTime: '2026-01-15T11:45:00.000Z',
    });
    expect(rows[0]!.metrics).toMatchObject({ price: 3348.63 });
    const table = renderTable(report);
    expect(table).toContain('scan at 2026-01-15T12:00:00.000Z');
    expect(table).toMatch(/1 {2}ETHUSDT {3}LONG {7}53/);
    expect(table).toContain('ETHUSDT LONG:\n  - LONG from rsi-trend');
  });
});

describe('neurotrade scan as a process', () => {
  it('prints one JSON array with the interface scripts rely on, exit 0', async () => {
    const { code, stdout } = await cli(['scan', '--synthetic', '7', '--json'], { SYNTHETIC_SYMBOLS: '3' });
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toEqual(
        expect.objectContaining({
          symbol: expect.any(String),
          direction: expect.stringMatching(/^(LONG|SHORT|NEUTRAL|SKIPPED)$/),
          score: expect.any(Number),
          qualityPenalty: expect.any(Number),
          fakePenalty: expect.any(Number),
          reasons: expect.any(Array),
        }),
      );
      if (row['direction'] !== 'SKIPPED') {
        expect(row['metrics']).toEqual(
          expect.objectContaining({
            price: expect.any(Number),
            atr: expect.any(Number),
            rsi: expect.any(Number),
          }),
        );
      }
    }
  }, 120_000);

  it('with --analyst rule adds a validated signal, or null with the reason, to every row', async () => {
    const { code, stdout } = await cli(['scan', '--synthetic', '7', '--analyst', 'rule', '--json'], {
      SYNTHETIC_SYMBOLS: '20',
    });
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    const withSignal = rows.filter((r) => r['signal']);
    // Seed 7 has one symbol above the default minimum confidence of 75 (checked by hand: LTCUSDT SHORT).
    expect(withSignal.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toHaveProperty('signal');
      if (!row['signal']) expect(row['signalReason']).toEqual(expect.any(String));
    }
    for (const row of withSignal) {
      const signal = row['signal'] as Record<string, string | number | string[]>;
      expect(signal).toEqual(
        expect.objectContaining({
          direction: row['direction'],
          combinedConfidence: expect.any(Number),
          entryType: expect.stringMatching(/^(MARKET|LIMIT)$/),
          analyst: 'rule',
          fixes: expect.any(Array),
          vetoes: [],
        }),
      );
      const entry = Number(signal['entry']);
      const stop = Number(signal['stopLoss']);
      const target = Number(signal['takeProfit']);
      const risk = Math.abs(entry - stop) / entry;
      expect(risk).toBeGreaterThanOrEqual(0.005 - 1e-9);
      expect(risk).toBeLessThanOrEqual(0.025 + 1e-9);
      expect(Math.abs(target - entry) / Math.abs(entry - stop)).toBeGreaterThanOrEqual(1.3 - 1e-9);
      if (row['direction'] === 'LONG') expect(stop).toBeLessThan(entry);
      else expect(stop).toBeGreaterThan(entry);
    }
  }, 120_000);

  it('refuses an unknown analyst', async () => {
    const { code, stderr } = await cli(['scan', '--synthetic', '1', '--analyst', 'oracle', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('--analyst must be rule or llm (got "oracle")');
  }, 120_000);

  it('exits non-zero with a message on stderr for bad arguments', async () => {
    const { code, stdout, stderr } = await cli(['scan', '--top', 'many', '--synthetic', '1']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('neurotrade: --top must be a whole number >= 1 (got "many")\n');
  }, 120_000);
});
