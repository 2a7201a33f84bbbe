/**
 * The synthetic feed: a seeded, deterministic market of any number of contracts (see ./model.ts
 * for the price model and ./symbols.ts for the contracts). History exists from `historyDays`
 * before `start`; the market is generated a day at a time as the clock asks for it, so it can
 * run live forever. Same seed, same symbols count prefix, same base timeframe: same market.
 */
import { DAY_MS, type Liquidation, MINUTE_MS, type Timeframe, timeframeMs } from '../../domain/index.js';
import type { SimulatedFeed } from '../feed.js';
import { LiquidationTape } from '../liquidation-tape.js';
import { CandleSeries } from '../series.js';
import { createSimulatedFeed, type SimulatedFeedOptions } from '../simulated-feed.js';
import { emptyColumns } from '../timeframes.js';
import { ContractPath, MarketFactor, type MinuteBar } from './model.js';
import { createRandom } from './random.js';
import { type SyntheticContract, syntheticContracts } from './symbols.js';

export interface SyntheticFeedOptions extends SimulatedFeedOptions {
  /** Default 42. */
  seed?: number | undefined;
  /** Number of contracts (BTCUSDT first); default 20. */
  symbols?: number | undefined;
  /** Candle cadence held and streamed; default '5m' (the model itself runs per minute). */
  baseTimeframe?: Timeframe | undefined;
  /** History available before `start`; default 35 days (200 candles of 4h). */
  historyDays?: number | undefined;
}

/** A fixed default start (not the wall clock) so that every run is reproducible. */
export const SYNTHETIC_DEFAULT_START = Date.UTC(2026, 0, 5);

export interface SyntheticFeed extends SimulatedFeed {
  readonly kind: 'synthetic';
  readonly contracts: readonly SyntheticContract[];
}

export function createSyntheticFeed(options: SyntheticFeedOptions = {}): SyntheticFeed {
  const seed = options.seed ?? 42;
  const count = options.symbols ?? 20;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`symbols must be a whole number >= 1 (got ${count})`);
  const base = options.baseTimeframe ?? '5m';
  const baseMs = timeframeMs(base);
  const start = options.start ?? SYNTHETIC_DEFAULT_START;
  const historyDays = options.historyDays ?? 35;
  const origin = Math.floor((start - historyDays * DAY_MS) / baseMs) * baseMs;
  const chunkMs = Math.max(baseMs, Math.floor(DAY_MS / baseMs) * baseMs);
  const perBase = baseMs / MINUTE_MS;

  const contracts = syntheticContracts(count, createRandom(seed, 1_000_000));
  const marketSigma = contracts[0]!.dailyVol / Math.sqrt(1440);
  const factor = new MarketFactor(createRandom(seed, 999_999), marketSigma);
  const paths = contracts.map(
    (c, i) =>
      new ContractPath(
        {
          symbol: c.rules.symbol,
          price: c.price,
          tick: c.rules.tickSize.toNumber(),
          step: c.rules.stepSize.toNumber(),
          minNotional: c.rules.minNotional.toNumber(),
          sigma: c.dailyVol / Math.sqrt(1440),
          beta: c.beta,
          marketSigma,
          dailyQuoteVolume: c.dailyQuoteVolume,
          leader: i === 0,
        },
        createRandom(seed, i),
      ),
  );
  const series = new Map(
    contracts.map((c) => [
      c.rules.symbol as string,
      new CandleSeries(c.rules.symbol, base, undefined, { volumeDecimals: c.rules.stepSize.decimalPlaces() }),
    ]),
  );
  const volumeDecimals = contracts.map((c) => c.rules.stepSize.decimalPlaces());
  const tape = new LiquidationTape();
  let generatedUntil = origin;
  let lastFactor = 0;

  function generate(until: number): void {
    if (until <= generatedUntil) return;
    const target = Math.max(
      generatedUntil + Math.ceil((until - generatedUntil) / baseMs) * baseMs,
      generatedUntil + chunkMs,
    );
    const minutes = (target - generatedUntil) / MINUTE_MS;
    const market = new Float64Array(minutes + 1);
    market[0] = lastFactor;
    for (let k = 0; k < minutes; k++) market[k + 1] = factor.step(generatedUntil + k * MINUTE_MS);
    lastFactor = market[minutes]!;
    const liquidations: Liquidation[] = [];
    const bar: MinuteBar = { open: 0, high: 0, low: 0, close: 0, volume: 0 };
    const bars = minutes / perBase;
    paths.forEach((path, i) => {
      const cols = emptyColumns(bars);
      for (let b = 0; b < bars; b++) {
        const openTime = generatedUntil + b * baseMs;
        let high = 0;
        let low = Number.POSITIVE_INFINITY;
        let volume = 0;
        for (let m = 0; m < perBase; m++) {
          const k = b * perBase + m;
          path.step(openTime + m * MINUTE_MS, market[k + 1]!, market[k]!, bar, liquidations);
          if (m === 0) cols.open[b] = bar.open;
          if (bar.high > high) high = bar.high;
          if (bar.low < low) low = bar.low;
          volume += bar.volume;
        }
        cols.openTime[b] = openTime;
        cols.high[b] = high;
        cols.low[b] = low;
        cols.close[b] = bar.close;
        cols.volume[b] = perBase === 1 ? volume : roundTo(volume, volumeDecimals[i]!);
      }
      series.get(contracts[i]!.rules.symbol)!.append(cols);
    });
    tape.append(liquidations);
    generatedUntil = target;
  }

  const feed = createSimulatedFeed(
    {
      kind: 'synthetic',
      rules: contracts.map((c) => c.rules),
      series,
      liquidations: tape,
      ensureUntil: generate,
      endTime: undefined,
      defaultStart: start,
    },
    { ...options, start },
  );
  return Object.assign(feed, { kind: 'synthetic' as const, contracts });
}

/** Sums of step-rounded volumes carry float noise; put them back on the step grid. */
function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
