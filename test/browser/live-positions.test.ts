/**
 * The dashboard's live parts against the running product: PAPER positions are opened by the real
 * execution engine on the in-process simulator (signals stored at the synthetic market's price,
 * handed to the engine for a user with auto-trading on), one is stopped out on the simulator,
 * one closed through the API, the last by panic. The test publishes mark prices on the event bus
 * and checks what a trader sees: the live mark and PnL of the real entry and fill moving, money
 * formatted as traders write it, closed PnL as booked, signals with their reasons and vetoes,
 * stale figures greyed when the stream drops, a close moving a row from open to closed, the chart
 * with the trade's entry, stop and target, the session surviving a rejected access token, and
 * panic's per-symbol result. The expected strings are computed here with decimal.js, the way the
 * dashboard computes them (web/src/lib/pnl.ts, web/src/lib/format.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { dec, type MarketSymbol } from '../../src/domain/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { createRepositories, type Repositories, type StoredSignal } from '../../src/store/index.js';
import { type Browser, buildDashboard, CHROMIUM_MISSING, chromiumPresent, openBrowser } from './harness.js';

const hasChromium = chromiumPresent();
const EMAIL = `live-${process.pid}@example.com`;
const PASSWORD = 'a long enough password';

/** A position as GET /api/positions answers it (decimals as strings). */
interface ApiPosition {
  id: string;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  status: string;
  filledQty: string;
  margin: string;
  entryPrice: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  exitPrice: string | null;
  pnl: string | null;
  pnlPercent: string | null;
  closeReason: string | null;
}

// What the dashboard prints, written out independently of web/src/lib/format.ts.
const grouped = (unsigned: string): string => {
  const [int = '0', frac] = unsigned.split('.');
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
};
const signOf = (rounded: Decimal, signed: boolean) =>
  rounded.isZero() ? '' : rounded.isNegative() ? '-' : signed ? '+' : '';
/** `$1,234.50`; signed: `+$0.42`, `-$1.13`. */
const usd = (value: Decimal.Value, signed = false): string => {
  const r = dec(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return `${signOf(r, signed)}$${grouped(r.abs().toFixed(2))}`;
};
/** `+4.00%`. */
const percent = (value: Decimal.Value): string => {
  const r = dec(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return `${signOf(r, true)}${grouped(r.abs().toFixed(2))}%`;
};
/** Every decimal the price has, at least two from 1 up: `95,012.30`. */
const priceText = (value: Decimal.Value): string => {
  const d = dec(value);
  return grouped(d.toFixed(Math.max(d.decimalPlaces(), d.abs().gte(1) ? 2 : 0)));
};
/** The PnL cell: `+$1.00 (+4.00%)`. */
const pnlText = (pnl: Decimal.Value, pnlPercent: Decimal.Value): string =>
  `${usd(pnl, true)} (${percent(pnlPercent)})`;
/** Live PnL at `mark`, as web/src/lib/pnl.ts computes it: before fees, percent of the margin to 4 places. */
function livePnl(p: ApiPosition, mark: Decimal): { text: string; tone: 'up' | 'down' } {
  const entry = dec(p.entryPrice!);
  const move = p.direction === 'LONG' ? mark.minus(entry) : entry.minus(mark);
  const pnl = move.times(dec(p.filledQty));
  const pct = pnl.div(dec(p.margin)).times(100).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
  return { text: pnlText(pnl, pct), tone: pnl.isNegative() ? 'down' : 'up' };
}

describe.skipIf(!hasChromium)(
  hasChromium ? 'dashboard live positions in Chromium' : `dashboard live positions (${CHROMIUM_MISSING})`,
  () => {
    let runtime: Runtime;
    let repos: Repositories;
    let b: Browser;
    let base: string;
    let token: string;
    let userId: string;
    let btc: ApiPosition;
    let eth: ApiPosition;
    let xrpId: string;

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const position = async (id: string) =>
      (await api('GET', `/api/positions/${id}`)).body as unknown as ApiPosition;
    const tickOf = async (symbol: string) =>
      (await runtime.trading.feed.universe()).find((r) => r.symbol === symbol)!.tickSize;
    /** `entry x factor` on the symbol's tick, as the string published on the bus. */
    const markAt = async (p: ApiPosition, factor: string) =>
      dec(p.entryPrice!)
        .times(factor)
        .toNearest(await tickOf(p.symbol));
    const publishPrice = (symbol: string, mark: Decimal) =>
      runtime.events.publish(null, {
        type: 'price',
        at: Date.now(),
        symbol,
        data: { symbol, markPrice: mark.toFixed() },
      });

    /** A MARKET signal at the market's current price, stop 3 % and target 6 % away, on the tick. */
    async function marketSignal(
      symbol: string,
      direction: 'LONG' | 'SHORT',
      extra: { combinedConfidence?: number; reasons?: string[] } = {},
    ): Promise<StoredSignal> {
      const tick = await tickOf(symbol);
      const mark = dec((await runtime.trading.feed.markPrice(symbol as MarketSymbol)).markPrice);
      const at = (f: string) => mark.times(f).toNearest(tick);
      const long = direction === 'LONG';
      const now = new Date(runtime.trading.feed.clock.now());
      const [r] = await repos.signals.insertBatch(
        [
          {
            symbol,
            direction,
            combinedConfidence: extra.combinedConfidence ?? 80,
            entryType: 'MARKET',
            entry: mark.toNearest(tick),
            stopLoss: at(long ? '0.97' : '1.03'),
            takeProfit: at(long ? '1.06' : '0.94'),
            analyst: 'rule',
            reasons: extra.reasons ?? [],
            vetoes: [],
            expiresAt: new Date(now.getTime() + 3_600_000),
          },
        ],
        { now, windowMs: 0 },
      );
      if (!r?.inserted) throw new Error(`the ${symbol} test signal was not stored`);
      return r.signal;
    }

    beforeAll(async () => {
      await buildDashboard();
      const dataDir = mkdtempSync(join(tmpdir(), 'nt-browser-live-'));
      const config = loadConfig(
        { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SCHEDULER: 'false' },
        { envFile: join(dataDir, 'none.env') },
      );
      runtime = await createRuntime(config);
      repos = createRepositories(runtime.store.db);
      base = await runtime.listen();

      const res = await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      const session = (await res.json()) as { accessToken: string; user: { id: string } };
      token = session.accessToken;
      userId = session.user.id;

      // The default 10 USDT margin is below BTC's minimum order: 100 USDT x 5 it is.
      const settings = await api('PUT', '/api/settings', {
        autoTrade: true,
        fixedMargin: '100',
        leverage: 5,
        minConfidence: 50,
      });
      expect(settings.status).toBe(200);

      const signals = [
        await marketSignal('BTCUSDT', 'LONG', {
          combinedConfidence: 82,
          reasons: ['EMA 9 crossed above EMA 21 on 15m', 'volume 2.1x its 20-candle average'],
        }),
        await marketSignal('ETHUSDT', 'LONG'),
        await marketSignal('XRPUSDT', 'SHORT'),
      ];
      const results = await runtime.execution.onSignals(signals);
      expect(results.filter((r) => r.status !== 'OPEN')).toEqual([]);
      expect(results.map((r) => r.signalId).sort()).toEqual(signals.map((s) => s.id).sort());

      const open = (await api('GET', '/api/positions?status=open')).body.items as ApiPosition[];
      const bySymbol = (symbol: string) => {
        const p = open.find((x) => x.symbol === symbol);
        if (!p) throw new Error(`no open ${symbol} position: ${JSON.stringify(open)}`);
        return p;
      };
      btc = bySymbol('BTCUSDT');
      eth = bySymbol('ETHUSDT');
      const xrp = bySymbol('XRPUSDT');
      xrpId = xrp.id;

      // XRP trades through its stop on the simulator: the engine books the loss.
      const through = dec(xrp.stopLoss!)
        .times('1.002')
        .toNearest(await tickOf('XRPUSDT'));
      runtime.execution.paper.simulator.onPrice('XRPUSDT', {
        last: through.toNumber(),
        mark: through.toNumber(),
        time: runtime.trading.feed.clock.now(),
      });
      const deadline = Date.now() + 20_000;
      let stopped = await position(xrpId);
      while (stopped.status !== 'CLOSED_LOSS' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        stopped = await position(xrpId);
      }
      expect(stopped).toMatchObject({ status: 'CLOSED_LOSS', closeReason: 'STOP_LOSS' });

      const now = new Date();
      await repos.signals.insertBatch(
        [
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
    const closedRow = (symbol: string) =>
      b.page.locator('table[aria-label="Closed positions"] tbody tr', { hasText: symbol });

    /**
     * Publish `mark` until the row shows it: the stream may still be reconnecting for the symbols on
     * screen, and the synthetic market and the 15 s refetch of the positions replace a test price now
     * and then. Mark, PnL and its colour are read together.
     */
    async function showsLive(p: ApiPosition, mark: Decimal) {
      const want = livePnl(p, mark);
      await expect
        .poll(
          async () => {
            publishPrice(p.symbol, mark);
            const r = row(p.symbol);
            return {
              mark: await r.getByTestId('mark').textContent(),
              pnl: await r.getByTestId('pnl').textContent(),
              class: await r.locator('.pnl').getAttribute('class'),
            };
          },
          { timeout: 20_000 },
        )
        .toEqual({ mark: priceText(mark), pnl: want.text, class: `pnl ${want.tone}` });
    }

    /** The closed row shows the PnL the books hold (re-read: late fills may refine it). */
    async function showsBooked(r: Locator, id: string) {
      await expect
        .poll(async () => {
          const booked = await position(id);
          return {
            shown: await r.locator('.pnl').textContent(),
            booked: booked.pnl === null ? null : pnlText(booked.pnl, booked.pnlPercent!),
          };
        })
        .toSatisfy(
          (x: { shown: string | null; booked: string | null }) => x.booked !== null && x.shown === x.booked,
        );
    }

    it('moves the mark price and PnL of the engine’s positions with the live feed', async () => {
      const p = b.page;
      await row('BTCUSDT').waitFor();
      await expect.poll(() => p.locator('.conn').textContent()).toContain('Live');
      // The row is the engine's position: its fill, entry, protection and margin.
      const cells = await row('BTCUSDT').locator('td').allTextContents();
      expect(cells.slice(0, 3)).toEqual(['LONG', dec(btc.filledQty).toFixed(), priceText(btc.entryPrice!)]);
      expect(cells[5]).toBe(`${priceText(btc.stopLoss!)} / ${priceText(btc.takeProfit!)}`);
      expect(cells[6]).toBe(`${usd(btc.margin)} × 5`);
      expect(btc.margin).toBe('100');

      await showsLive(btc, await markAt(btc, '1.004'));
      await b.shot('30-live-pnl-up');
      await showsLive(btc, await markAt(btc, '0.9977'));
      await showsLive(eth, await markAt(eth, '1.0031'));
    });

    it('formats closed PnL as booked and shows the signals with their reasons and vetoes', async () => {
      const p = b.page;
      const xrp = closedRow('XRPUSDT');
      await xrp.waitFor();
      await showsBooked(xrp, xrpId);
      // A stop-out loses: the minus goes before the dollar sign.
      expect(await xrp.locator('.pnl').textContent()).toMatch(/^-\$\d/);
      expect(await xrp.textContent()).toContain('STOP LOSS');
      const btcSignal = p.locator('.signal', { hasText: 'BTCUSDT' });
      expect(await btcSignal.textContent()).toContain('LONG');
      expect(await btcSignal.textContent()).toContain('82%');
      expect(await btcSignal.textContent()).toContain('EMA 9 crossed above EMA 21 on 15m');
      // The rejected one shows only when asked for.
      const sol = p.locator('.signal', { hasText: 'SOLUSDT' });
      expect(await sol.count()).toBe(0);
      await p.getByLabel('Show rejected').check();
      await sol.waitFor();
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
      await showsLive(btc, await markAt(btc, '1.006'));
      expect(await row('BTCUSDT').getByTestId('mark').getAttribute('class')).not.toContain('stale');
    });

    it('moves a position from open to closed when it is closed', async () => {
      const closed = await api('POST', `/api/positions/${btc.id}/close`);
      expect(closed.status).toBe(200);
      expect(closed.body.outcome).toBe('CLOSED');
      await row('BTCUSDT').waitFor({ state: 'detached' });
      const r = closedRow('BTCUSDT');
      await r.waitFor();
      await showsBooked(r, btc.id);
      expect(await r.textContent()).toContain('MANUAL');
    });

    it('draws the chart with EMAs, volume and the trade’s entry, stop-loss and take-profit', async () => {
      const p = b.page;
      const booked = await position(btc.id);
      await closedRow('BTCUSDT').getByRole('link', { name: 'Chart' }).click();
      await p.waitForURL(/\/chart\?position=/);
      await p.locator('.chart canvas').first().waitFor();
      expect(await p.locator('.legend').textContent()).toContain('EMA 200');
      const facts = p.getByRole('definition');
      await expect
        .poll(() => facts.allTextContents())
        .toEqual(
          expect.arrayContaining([
            priceText(booked.entryPrice!),
            priceText(booked.stopLoss!),
            priceText(booked.takeProfit!),
            priceText(booked.exitPrice!),
          ]),
        );
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
      // The simulator's wallet: the start balance less the fees and losses so far.
      await expect
        .poll(
          async () => {
            const me = (await api('GET', '/api/me')).body as { balance: { wallet: string | null } };
            return {
              shown: await p.getByTestId('balance').textContent(),
              wallet: me.balance.wallet === null ? null : `${usd(me.balance.wallet)} USDT`,
            };
          },
          { timeout: 20_000 },
        )
        .toSatisfy(
          (x: { shown: string | null; wallet: string | null }) => x.wallet !== null && x.shown === x.wallet,
        );
      await expect.poll(() => p.locator('.conn').textContent(), { timeout: 30_000 }).toContain('Live');
      const after = await stored();
      expect(after.accessToken).not.toBe(forged);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      // Still signed in after everything refreshed at once: the single-use refresh token was spent once.
      expect(p.url()).toBe(`${base}/`);
    }, 90_000);

    it('panics with an open position: closed on the simulator, shown per symbol', async () => {
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
      expect(await result.locator('strong').first().textContent()).toBe(
        'Panic done: auto-trading off, account REDUCING, 1 position',
      );
      // Only ETH was open; the closed trades left no orders behind on the simulator.
      const items = result.locator('li');
      expect(await items.count()).toBe(1);
      const item = items.filter({ hasText: 'ETHUSDT' });
      expect(await item.locator('.badge').allTextContents()).toEqual(['PAPER', 'closed']);
      expect(await item.locator('.muted').textContent()).toMatch(
        /^(flat on the exchange|closed at market and booked)$/,
      );
      await row('ETHUSDT').waitFor({ state: 'detached' });
      await closedRow('ETHUSDT').waitFor();
      await showsBooked(closedRow('ETHUSDT'), eth.id);
      expect((await api('GET', '/api/positions?status=open')).body.items).toEqual([]);
      const sim = runtime.execution.paper.simulator;
      expect(sim.positionRisk(`paper:${userId}`)).toEqual([]);
      expect(sim.openAlgoOrders(`paper:${userId}`)).toEqual([]);
      await b.shot('34-panic-with-position');
      expect(b.unexpectedErrors()).toEqual([]);
    });
  },
);
