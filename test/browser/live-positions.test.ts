/**
 * The dashboard's live parts against the real API, store and event stream, before the engine
 * exists: this test does what the execution engine will do (store a signal and PAPER positions,
 * publish prices and position changes on the event bus) and checks what a trader sees: the live
 * mark and PnL moving, money formatted as traders write it, stale figures greyed when the stream
 * drops, a position event moving a row from open to closed, the chart with the trade's levels, and
 * panic's per-symbol result. GET /api/candles is not served yet, so a stand-in route gives the
 * chart candles (only when the app has none of its own).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { dec } from '../../src/domain/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { createRepositories, type Repositories } from '../../src/store/index.js';
import { type Browser, buildDashboard, CHROMIUM_MISSING, chromiumPresent, openBrowser } from './harness.js';

const hasChromium = chromiumPresent();
const EMAIL = `live-${process.pid}@example.com`;
const PASSWORD = 'a long enough password';
const TF_MS = 15 * 60_000;

/** A deterministic random walk ending at the current 15 m slot: something real-looking to draw. */
function candles(end: number, count: number, last: number) {
  const rows = [];
  let price = last;
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const slot = end - (end % TF_MS);
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = open * (1 + (rand() - 0.5) * 0.01);
    rows.unshift({
      openTime: slot - i * TF_MS,
      open: close,
      high: Math.max(open, close) * (1 + rand() * 0.002),
      low: Math.min(open, close) * (1 - rand() * 0.002),
      close: open,
      volume: 50 + rand() * 100,
    });
    price = close;
  }
  return rows;
}

describe.skipIf(!hasChromium)(
  hasChromium ? 'dashboard live positions in Chromium' : `dashboard live positions (${CHROMIUM_MISSING})`,
  () => {
    let runtime: Runtime;
    let repos: Repositories;
    let b: Browser;
    let base: string;
    let userId: string;
    let btcId: string;
    const price = (symbol: string, markPrice: string) =>
      runtime.events.publish(null, { type: 'price', at: Date.now(), symbol, data: { symbol, markPrice } });

    beforeAll(async () => {
      await buildDashboard();
      const dataDir = mkdtempSync(join(tmpdir(), 'nt-browser-live-'));
      const config = loadConfig(
        { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SCHEDULER: 'false' },
        { envFile: join(dataDir, 'none.env') },
      );
      runtime = await createRuntime(config);
      repos = createRepositories(runtime.store.db);
      if (!runtime.app.hasRoute({ method: 'GET', url: '/api/candles' })) {
        runtime.app.get('/api/candles', async () => ({ candles: candles(Date.now(), 300, 50_000) }));
      }
      base = await runtime.listen();

      const res = await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      userId = ((await res.json()) as { user: { id: string } }).user.id;

      const now = new Date();
      const [signal] = await repos.signals.insertBatch(
        [
          {
            symbol: 'BTCUSDT',
            direction: 'LONG',
            combinedConfidence: 82,
            entryType: 'MARKET',
            entry: dec('50000'),
            stopLoss: dec('49500'),
            takeProfit: dec('50800'),
            analyst: 'rule',
            winProbability: 0.61,
            reasons: ['EMA 9 crossed above EMA 21 on 15m', 'volume 2.1x its 20-candle average'],
            vetoes: [],
            expiresAt: new Date(now.getTime() + 3_600_000),
          },
          {
            symbol: 'SOLUSDT',
            direction: 'SHORT',
            status: 'REJECTED',
            combinedConfidence: 58,
            entryType: 'MARKET',
            entry: dec('140.25'),
            stopLoss: dec('142.1'),
            takeProfit: dec('137'),
            analyst: 'rule',
            reasons: ['bearish engulfing on 1h'],
            vetoes: ['reward-to-risk 1.1 is below 1.3'],
            expiresAt: new Date(now.getTime() + 3_600_000),
          },
        ],
        { now, windowMs: 120 * 60_000 },
      );
      const signalId = signal?.inserted ? signal.signal.id : null;

      const open = async (
        symbol: string,
        entry: string,
        qty: string,
        sl: string,
        tp: string,
        sid: string | null,
      ) => {
        const p = await repos.positions.insert({
          userId,
          signalId: sid,
          symbol,
          direction: 'LONG',
          mode: 'PAPER',
          status: 'OPEN',
          qty: dec(qty),
          entryPrice: dec(entry),
          stopLoss: dec(sl),
          takeProfit: dec(tp),
          margin: dec('25'),
          leverage: 20,
        });
        await repos.positions.update(p.id, {
          filledQty: dec(qty),
          openedAt: new Date(now.getTime() - 2 * TF_MS),
        });
        return p.id;
      };
      btcId = await open('BTCUSDT', '50000', '0.01', '49500', '50800', signalId);
      await open('ETHUSDT', '3000', '0.1', '2950', '3100', null);

      const lost = await repos.positions.insert({
        userId,
        symbol: 'XRPUSDT',
        direction: 'SHORT',
        mode: 'PAPER',
        status: 'OPEN',
        qty: dec('100'),
        entryPrice: dec('0.5'),
        margin: dec('25'),
        leverage: 2,
      });
      await repos.positions.update(lost.id, {
        status: 'CLOSED_LOSS',
        filledQty: dec('100'),
        exitPrice: dec('0.5113'),
        pnl: dec('-1.13'),
        pnlPercent: dec('-4.52'),
        fees: dec('0.02'),
        closeReason: 'STOP_LOSS',
        openedAt: new Date(now.getTime() - 3_600_000),
        closedAt: new Date(now.getTime() - 1_800_000),
      });

      b = await openBrowser();
      const p = b.page;
      await p.goto(`${base}/login`);
      await p.getByLabel('Email').fill(EMAIL);
      await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.waitForURL(`${base}/`);
    }, 300_000);

    afterAll(async () => {
      await b?.close();
      await runtime?.stop();
    }, 60_000);

    const row = (symbol: string) =>
      b.page.locator('table[aria-label="Open positions"] tbody tr', { hasText: symbol });

    it('moves the mark price and PnL with the live feed', async () => {
      const p = b.page;
      await row('BTCUSDT').waitFor();
      await expect.poll(() => p.locator('.conn').textContent()).toContain('Live');
      // No price yet: nothing may look live.
      expect(await row('BTCUSDT').getByTestId('pnl').textContent()).toBe('—');

      // The stream asks for the symbols on screen; keep publishing until it has reconnected with them.
      await expect
        .poll(
          async () => {
            price('BTCUSDT', '50100');
            return row('BTCUSDT').getByTestId('pnl').textContent();
          },
          { timeout: 20_000 },
        )
        .toBe('+$1.00 (+4.00%)');
      expect(await row('BTCUSDT').getByTestId('mark').textContent()).toBe('50,100.00');
      expect(await row('BTCUSDT').locator('.pnl').getAttribute('class')).toContain('up');
      await b.shot('30-live-pnl-up');

      price('BTCUSDT', '49886.5');
      price('ETHUSDT', '3012.34');
      await expect.poll(() => row('BTCUSDT').getByTestId('pnl').textContent()).toBe('-$1.14 (-4.54%)');
      await expect.poll(() => row('ETHUSDT').getByTestId('pnl').textContent()).toBe('+$1.23 (+4.94%)');
      expect(await row('BTCUSDT').locator('.pnl').getAttribute('class')).toContain('down');
    });

    it('formats closed PnL and shows the signals with their reasons and vetoes', async () => {
      const p = b.page;
      const closed = p.locator('table[aria-label="Closed positions"] tbody tr', { hasText: 'XRPUSDT' });
      expect(await closed.locator('.pnl').textContent()).toBe('-$1.13 (-4.52%)');
      expect(await closed.textContent()).toContain('STOP LOSS');
      const btc = p.locator('.signal', { hasText: 'BTCUSDT' });
      expect(await btc.textContent()).toContain('LONG');
      expect(await btc.textContent()).toContain('82%');
      expect(await btc.textContent()).toContain('EMA 9 crossed above EMA 21 on 15m');
      const sol = p.locator('.signal', { hasText: 'SOLUSDT' });
      expect(await sol.textContent()).toContain('REJECTED');
      expect(await sol.locator('.signal-vetoes').textContent()).toContain('reward-to-risk 1.1 is below 1.3');
      await b.shot('31-dashboard-with-data');
    });

    it('greys live figures out the moment the stream drops, and recovers', async () => {
      const p = b.page;
      await b.context.setOffline(true);
      await p.evaluate("window.dispatchEvent(new Event('online'))");
      await expect
        .poll(() => p.locator('.conn').textContent(), { timeout: 20_000 })
        .toContain('Disconnected');
      expect(await row('BTCUSDT').locator('.pnl').getAttribute('class')).toContain('stale');
      expect(await row('BTCUSDT').getByTestId('mark').getAttribute('class')).toContain('stale');
      await b.shot('32-stale-while-disconnected');
      await b.context.setOffline(false);
      await expect.poll(() => p.locator('.conn').textContent(), { timeout: 30_000 }).toContain('Live');
      await expect
        .poll(async () => {
          price('BTCUSDT', '50200');
          return row('BTCUSDT').locator('.pnl').getAttribute('class');
        })
        .not.toContain('stale');
      expect(await row('BTCUSDT').getByTestId('pnl').textContent()).toBe('+$2.00 (+8.00%)');
    });

    it('moves a position from open to closed when the engine says it closed', async () => {
      const p = b.page;
      await repos.positions.update(btcId, {
        status: 'CLOSED_WIN',
        exitPrice: dec('50800'),
        pnl: dec('7.98'),
        pnlPercent: dec('31.92'),
        fees: dec('0.02'),
        closeReason: 'TAKE_PROFIT',
        closedAt: new Date(),
      });
      runtime.events.publish(userId, {
        type: 'position',
        at: Date.now(),
        symbol: 'BTCUSDT',
        data: { id: btcId, status: 'CLOSED_WIN' },
      });
      await row('BTCUSDT').waitFor({ state: 'detached' });
      const closed = p.locator('table[aria-label="Closed positions"] tbody tr', { hasText: 'BTCUSDT' });
      await closed.waitFor();
      expect(await closed.locator('.pnl').textContent()).toBe('+$7.98 (+31.92%)');
    });

    it('draws the chart with EMAs, volume and the trade’s entry, stop-loss and take-profit', async () => {
      const p = b.page;
      await p
        .locator('table[aria-label="Closed positions"] tbody tr', { hasText: 'BTCUSDT' })
        .getByRole('link', { name: 'Chart' })
        .click();
      await p.waitForURL(/\/chart\?position=/);
      await p.locator('.chart canvas').first().waitFor();
      expect(await p.locator('.legend').textContent()).toContain('EMA 200');
      const facts = p.getByRole('definition');
      await expect
        .poll(() => facts.allTextContents())
        .toEqual(expect.arrayContaining(['50,000.00', '49,500.00', '50,800.00']));
      await p.waitForTimeout(500);
      await b.shot('33-chart-position');
    });

    it('recovers from a rejected access token by refreshing it, for requests and the live stream', async () => {
      const p = b.page;
      const stored = () =>
        p.evaluate<{ accessToken: string; refreshToken: string }>(
          "JSON.parse(localStorage.getItem('neurotrade.session'))",
        );
      const before = await stored();
      // Readable, unexpired, but not signed by this server: the API answers 401 to it.
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const forged = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: userId, typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 })}.c2lnbmF0dXJl`;
      await p.evaluate(
        `localStorage.setItem('neurotrade.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('neurotrade.session')), accessToken: '${forged}' }))`,
      );
      await p.goto(`${base}/`);
      await expect
        .poll(() => p.getByTestId('balance').textContent(), { timeout: 20_000 })
        .toContain('$10,000.00');
      await expect.poll(() => p.locator('.conn').textContent(), { timeout: 30_000 }).toContain('Live');
      const after = await stored();
      expect(after.accessToken).not.toBe(forged);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      // Still signed in after everything refreshed at once: the single-use refresh token was spent once.
      expect(p.url()).toBe(`${base}/`);
    }, 90_000);

    it('panics with an open position and shows what happened to it', async () => {
      const p = b.page;
      await p
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Dashboard', exact: true })
        .click();
      await row('ETHUSDT').waitFor();
      await p.getByRole('button', { name: 'Panic' }).click();
      await p.getByRole('dialog').getByRole('button', { name: 'Close everything' }).click();
      const result = p.getByRole('alert', { name: 'Panic result' });
      await result.waitFor();
      const item = result.locator('li', { hasText: 'ETHUSDT' });
      expect(await item.textContent()).toContain('closed in the books');
      await row('ETHUSDT').waitFor({ state: 'detached' });
      await b.shot('34-panic-with-position');
      expect(b.unexpectedErrors()).toEqual([]);
    });
  },
);
