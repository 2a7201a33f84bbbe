/**
 * The Backtests screen in a real Chromium against a real `neurotrade start`: a backtest is run
 * first with the real command (`neurotrade backtest`, the execution engine, a split) into the
 * server's data directory, where it is stored; then a trader opens the Backtests tab, sees the
 * run listed with its headline numbers, and opens the report: the metrics beside both baselines,
 * in-sample and out-of-sample, the equity and drawdown chart, the per-symbol table, the trades,
 * and the notes. Screenshots in test-artifacts/browser/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import {
  type Browser,
  buildDashboard,
  CHROMIUM_MISSING,
  chromiumPresent,
  openBrowser,
  type Server,
  startServer,
} from './harness.js';

const hasChromium = chromiumPresent();
const EMAIL = `backtester-${process.pid}@example.com`;
const PASSWORD = 'a long enough password';

interface Summary {
  id: string;
  trades: number;
  winRate: number | null;
  executor: string;
  symbols: string[];
  baselines: { buyAndHold: { trades: number }; randomEntry: { trades: number } };
  split: { inSample: { trades: number }; outOfSample: { trades: number } };
}

describe.skipIf(!hasChromium)(
  hasChromium ? 'backtests in Chromium' : `backtests in Chromium (${CHROMIUM_MISSING})`,
  () => {
    let server: Server;
    let b: Browser;
    let summary: Summary;
    const dataDir = mkdtempSync(join(tmpdir(), 'nt-browser-backtests-'));
    const page = () => b.page;

    beforeAll(async () => {
      const built = buildDashboard();
      // The real command, storing its report where the server will read it (the embedded store
      // is one process's at a time, so the backtest runs before the server starts).
      const run = spawnCli(
        [
          'backtest',
          '--synthetic',
          '7',
          '--synthetic-symbols',
          '3',
          '--from',
          '2026-01-05T00:00:00Z',
          '--to',
          '2026-01-07T00:00:00Z',
          '--min-confidence',
          '55',
          '--split',
          '0.5',
          '--funding-rate',
          '0.01',
          '--json',
        ],
        { DATA_DIR: dataDir },
      );
      const code = await run.exited;
      if (code !== 0) throw new Error(`neurotrade backtest failed (${code}):\n${run.output()}`);
      const out = run.output();
      summary = JSON.parse(out.slice(out.indexOf('{'))) as Summary;
      await built;
      server = await startServer({ DATA_DIR: dataDir, SCHEDULER: 'false' });
      b = await openBrowser();
    }, 300_000);

    afterAll(async () => {
      await b?.close();
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('lists the stored run with its headline numbers', async () => {
      expect(summary.executor).toBe('engine');
      expect(summary.trades).toBeGreaterThan(0);
      const p = page();
      await p.goto(`${server.url}/register`);
      await p.getByLabel('Email').fill(EMAIL);
      await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.waitForURL(`${server.url}/`);
      await p.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Backtests' }).click();
      await p.waitForURL(/\/backtests$/);
      await expect.poll(() => p.title()).toBe('Backtests · NeuroTrade');
      const table = p.getByRole('table', { name: 'Stored backtests' });
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      const cells = await table.locator('tbody tr td').allTextContents();
      expect(cells[1]).toBe('2026-01-05 00:00 → 2026-01-07 00:00');
      expect(cells[2]).toBe('synthetic, 3 symbols');
      expect(cells[3]).toBe('rule');
      // The defaults: margin 100 USDT at 5x, on the live execution engine.
      expect(cells[4]).toBe('engine, $100.00 × 5');
      expect(cells[5]).toBe(String(summary.trades));
      await b.shot('backtests-01-list');
    });

    it('opens the report: metrics beside both baselines, split, equity and drawdown, symbols, trades', async () => {
      const p = page();
      await p.getByRole('table', { name: 'Stored backtests' }).getByRole('link').first().click();
      await p.waitForURL(new RegExp(`/backtests\\?id=${summary.id}$`));
      await expect.poll(() => p.getByTestId('backtest-report').isVisible()).toBe(true);
      await expect.poll(() => p.title()).toBe('Backtest 2026-01-05 00:00 → 2026-01-07 00:00 · NeuroTrade');

      const results = p.getByRole('table', { name: 'Results over the whole period' });
      expect(await results.locator('thead th').allTextContents()).toEqual([
        'Metric',
        'Strategy',
        'Buy and hold',
        'Random entries',
      ]);
      const trades = await results
        .getByRole('row', { name: /^Trades/ })
        .locator('td')
        .allTextContents();
      expect(trades).toEqual([
        String(summary.trades),
        String(summary.baselines.buyAndHold.trades),
        String(summary.baselines.randomEntry.trades),
      ]);
      const winRate = await results
        .getByRole('row', { name: /^Win rate/ })
        .locator('td')
        .first()
        .textContent();
      expect(winRate).toBe(summary.winRate === null ? '—' : `${(summary.winRate * 100).toFixed(1)}%`);
      for (const [name, part] of [
        ['In-sample results', summary.split.inSample],
        ['Out-of-sample results', summary.split.outOfSample],
      ] as const) {
        const row = p.getByRole('table', { name }).getByRole('row', { name: /^Trades/ });
        expect(await row.locator('td').first().textContent()).toBe(String(part.trades));
      }

      // The chart library draws on canvases inside the chart's box.
      const chart = p.getByTestId('equity-chart');
      await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
      expect(await chart.getAttribute('aria-label')).toMatch(/drawdown \(largest \d+\.\d\d%\)/);

      const perSymbol = p.getByRole('table', { name: 'Per symbol' });
      const symbols = await perSymbol.locator('tbody th').allTextContents();
      expect(symbols.length).toBeGreaterThan(0);
      for (const s of symbols) expect(summary.symbols).toContain(s);
      const rows = p.getByRole('table', { name: 'Trades' }).locator('tbody tr');
      expect(await rows.count()).toBe(Math.min(summary.trades, 500));
      expect(await rows.first().locator('td').nth(7).textContent()).toMatch(/^(stop|target|end|protection)/);
      const notes = await p.getByRole('list', { name: 'Notes' }).textContent();
      expect(notes).toContain('the live execution engine');
      // Funding at the assumed rate: buy and hold, long across every funding time, paid some.
      expect(notes).toContain('Funding charged at an assumed constant 0.01 % per 8 hours');
      const funding = await results
        .getByRole('row', { name: /^Funding/ })
        .locator('td')
        .allTextContents();
      expect(funding[1]).toMatch(/^\$[1-9]\d*\.\d\d$/);
      await b.shot('backtests-02-report');

      await p.getByRole('link', { name: '← All backtests' }).click();
      await p.waitForURL(/\/backtests$/);
      expect(await p.getByRole('table', { name: 'Stored backtests' }).isVisible()).toBe(true);
    });

    it('left no console errors', () => {
      expect(b.unexpectedErrors()).toEqual([]);
    });
  },
);
