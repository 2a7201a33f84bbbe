import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The real recorded Binance candles live beside the checkout in ../shared/data/market (never
 * committed here). MARKET_DATA_DIR overrides the location. Returns undefined when absent, so a
 * test can `describe.skipIf(!dir)` and say why.
 */
export function marketDataDir(): string | undefined {
  const candidates = [process.env.MARKET_DATA_DIR, join(repoRoot, '..', 'shared', 'data', 'market')];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

export const MARKET_DATA_MISSING =
  'skipped: ../shared/data/market (real recorded Binance candles) is not present on this machine';
