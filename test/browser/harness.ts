/**
 * What the browser tests need around a real `neurotrade start`: a fresh build of the dashboard,
 * the server on a temporary data directory, and Debian's Chromium driven by playwright-core (never
 * a downloaded browser), with console errors collected and screenshots saved for a person to look at.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort, REPO_ROOT, type SpawnedCli, spawnCli, waitForHttp } from '../support/process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = `skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`;
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'browser');

/** The flags the project runs Chromium with: no sandbox (containers), no GPU, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** What vitest adds to its workers' environment (its markers and import.meta.env's fields). */
const VITEST_ENV = [
  'VITEST',
  'VITEST_MODE',
  'VITEST_POOL_ID',
  'VITEST_WORKER_ID',
  'TEST',
  'MODE',
  'DEV',
  'PROD',
  'SSR',
  'BASE_URL',
  'FORCE_TTY',
];

/** What `vite build` leaves in a bundle only when React is built for development. */
const REACT_DEV_ONLY = 'Download the React DevTools';

/**
 * Build web/ into web/dist with `npm run build:web`, the product's own build, so the tests drive
 * the bundle users get. The script runs with NODE_ENV=production: vitest sets NODE_ENV=test in its
 * workers, and `vite build` takes NODE_ENV from its environment when set, so passing vitest's on
 * gave React's development build (977 KB against 558 KB, StrictMode's double effects, the DevTools
 * message). vitest's other variables (VITEST, MODE, DEV, ...) are dropped so the build sees a
 * user's shell; Vite reads only NODE_ENV and VITE_* from it.
 *
 * It builds on every call, never reusing a web/dist it finds: a bundle left there may be from older
 * sources or from a development build, and a build takes about a second. Keeping web/dist as the
 * output (rather than a test-only directory, which the server has no setting to serve) is safe
 * because the build is the product's: `npm start` builds web/dist only when it is missing, and
 * what a test run leaves there is byte for byte what `npm run build:web` makes from the same
 * sources (content-hashed file names included), so neither replaces the other's bundle with a
 * different mode. The check below fails the run if a development build ever comes back.
 */
export async function buildDashboard(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of VITEST_ENV) delete env[name];
  await promisify(execFile)('npm', ['run', 'build:web', '--', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    env,
    timeout: 120_000,
  });
  const assets = join(REPO_ROOT, 'web', 'dist', 'assets');
  for (const file of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    if (readFileSync(join(assets, file), 'utf8').includes(REACT_DEV_ONLY))
      throw new Error(`web/dist/assets/${file} is a React development build ("${REACT_DEV_ONLY}")`);
  }
}

export interface Server {
  url: string;
  proc: SpawnedCli;
  dataDir: string;
  env: Record<string, string>;
  /** When it answered its first health check (epoch ms). */
  startedAt: number;
  stop(): Promise<void>;
}

/** `neurotrade start` on the embedded store and a fast synthetic market, scheduler on. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'nt-browser-'));
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    MARKET: 'synthetic',
    MARKET_SPEED: '60',
    SCHEDULER: 'true',
    SCAN_PROFILE: 'aggressive',
    ...extraEnv,
  };
  const proc = spawnCli(['start'], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, proc, 180_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    proc,
    dataDir,
    env,
    startedAt: Date.now(),
    async stop() {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGTERM');
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
        await proc.exited;
        clearTimeout(timer);
      }
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page exceptions, minus the HTTP errors a test provokes on purpose. */
  unexpectedErrors(): string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Chromium logs every non-2xx fetch as "Failed to load resource"; the tests provoke these (a wrong
 * password is a 401, throttling a 429, a validation error a 400, the offline emulation a network
 * error). Anything else, a 404 included, is a failure.
 */
const EXPECTED_HTTP_ERROR =
  /Failed to load resource: (the server responded with a status of (400|401|429)|net::ERR_INTERNET_DISCONNECTED)/;

export async function openBrowser(viewport = { width: 1366, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'nt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !EXPECTED_HTTP_ERROR.test(msg.text()))
      errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    unexpectedErrors: () => [...errors],
    async shot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const chromiumPresent = (): boolean => existsSync(CHROMIUM);
