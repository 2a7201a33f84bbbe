/**
 * The synthetic price model, simulated minute by minute and summed into base candles.
 *
 * Per minute, each contract's log return is
 *   beta * (market_t + LEAD * market_{t-1})  +  idiosyncratic_t  +  regime drift / reversion
 *   + jumps + the follow-through of a liquidation cascade,
 * where `market` is the BTC-led factor (BTCUSDT is the factor itself) and every noise term is
 * Student-t (fat tails) scaled by a volatility that clusters: a GARCH(1,1) multiplier, a slow
 * log-volatility that drifts over days, and the UTC intraday/weekend activity profile.
 * Regimes (range, trend up, trend down) switch as a Markov chain: trends drift, ranges revert
 * to an anchor. Volume follows the activity profile, the slow volatility and |return|.
 * Sharp moves emit liquidation cascades (longs liquidated on drops = SELL, shorts on rallies =
 * BUY), priced inside the minute's range. Everything draws from per-contract seeded streams.
 */
import { type EpochMs, type Liquidation, MINUTE_MS } from '../../domain/index.js';
import type { Random } from './random.js';

const MINUTES_PER_DAY = 1440;
const DAY_MS = 86_400_000;
/** Fraction of the previous minute's market move an alt catches up on: BTC leads. */
const LEAD = 0.15;
const GARCH_ALPHA = 0.1;
const GARCH_BETA = 0.88;
/** Slow log-volatility: AR(1) with a ~1.5 day half-life and stationary sd 0.35. */
const SLOW_PHI = 1 - Math.LN2 / (1.5 * MINUTES_PER_DAY);
const SLOW_SD = 0.35;
const T_DF = 4;
const JUMP_PER_MINUTE = 1 / 3000;
const MARKET_JUMP_PER_MINUTE = 1 / 5000;
const RANGE_MINUTES = 2 * MINUTES_PER_DAY;
const TREND_MINUTES = 1.5 * MINUTES_PER_DAY;
/** Mean reversion speed toward the range anchor, per minute (half-life ~8 h). */
const REVERSION = Math.LN2 / (8 * 60);
/** Severity (|z| of the minute's move) from which a liquidation cascade starts. */
const CASCADE_Z = 6;

/** UTC activity by hour (volatility multiplier): quiet late US / Asia night, peak at the US open. */
const HOURLY = [
  0.95, 0.9, 0.85, 0.8, 0.75, 0.75, 0.8, 0.9, 1.0, 1.0, 0.95, 0.95, 1.0, 1.25, 1.5, 1.45, 1.3, 1.15, 1.05,
  1.0, 0.95, 0.9, 0.85, 0.9,
];

export function activity(time: number): number {
  const hour = Math.floor(time / 3_600_000) % 24;
  const weekday = (Math.floor(time / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
  return HOURLY[hour]! * (weekday === 0 || weekday === 6 ? 0.7 : 1);
}

/** Volatility state shared by the factor and each contract's own noise. */
interface VolState {
  garch: number;
  slow: number;
  lastZ: number;
}

function newVol(random: Random): VolState {
  return { garch: 1, slow: random.normal() * SLOW_SD, lastZ: 0 };
}

/** Advance and return the variance multiplier (mean ~1). */
function stepVol(v: VolState, random: Random): number {
  v.garch = 1 - GARCH_ALPHA - GARCH_BETA + GARCH_ALPHA * v.garch * v.lastZ * v.lastZ + GARCH_BETA * v.garch;
  if (v.garch > 25) v.garch = 25;
  v.slow = SLOW_PHI * v.slow + Math.sqrt(1 - SLOW_PHI * SLOW_PHI) * SLOW_SD * random.normal();
  return v.garch * Math.exp(2 * v.slow - 2 * SLOW_SD * SLOW_SD);
}

interface Regime {
  kind: 0 | 1 | 2; // range, up, down
  /** Drift per minute in units of the contract's minute volatility (trends). */
  strength: number;
  anchor: number;
}

function stepRegime(r: Regime, logPrice: number, random: Random): void {
  const stay = r.kind === 0 ? RANGE_MINUTES : TREND_MINUTES;
  if (random.next() >= 1 / stay) return;
  if (r.kind === 0) {
    r.kind = random.next() < 0.5 ? 1 : 2;
    r.strength = 0.01 + random.next() * 0.025;
  } else {
    r.kind = 0;
    r.anchor = logPrice;
  }
}

function regimeDrift(r: Regime, logPrice: number, sigma: number): number {
  if (r.kind === 1) return r.strength * sigma;
  if (r.kind === 2) return -r.strength * sigma;
  return -REVERSION * (logPrice - r.anchor);
}

/** The BTC-led market factor, one return per minute. */
export class MarketFactor {
  private readonly vol: VolState;
  private readonly regime: Regime;
  private logLevel = 0;
  private impulse = 0;

  constructor(
    private readonly random: Random,
    /** Per-minute volatility of the factor (BTC's). */
    readonly sigma: number,
  ) {
    this.vol = newVol(random);
    this.regime = { kind: 0, strength: 0, anchor: 0 };
  }

  step(time: number): number {
    const rnd = this.random;
    const s = this.sigma * Math.sqrt(stepVol(this.vol, rnd) * activity(time));
    const z = rnd.studentT(T_DF);
    this.vol.lastZ = z;
    stepRegime(this.regime, this.logLevel, rnd);
    let r = s * z + regimeDrift(this.regime, this.logLevel, this.sigma) + this.impulse;
    this.impulse *= 0.5;
    if (rnd.next() < MARKET_JUMP_PER_MINUTE) {
      const jump = (rnd.next() < 0.55 ? -1 : 1) * s * (4 + rnd.exponential(4));
      r += jump;
      this.impulse = 0.1 * jump;
      this.vol.lastZ = jump / s;
    }
    this.logLevel += r;
    return r;
  }
}

export interface MinuteBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface ContractParams {
  symbol: string;
  price: number;
  tick: number;
  step: number;
  minNotional: number;
  sigma: number;
  beta: number;
  marketSigma: number;
  dailyQuoteVolume: number;
  /** BTCUSDT: the market factor itself (no lag, its regime is the market's). */
  leader: boolean;
}

/** One contract's path. `step` writes the minute into `bar` and pushes liquidations into `out`. */
export class ContractPath {
  private readonly vol: VolState;
  private readonly regime: Regime;
  private readonly idioSigma: number;
  private readonly tickInverse: number;
  private readonly stepInverse: number;
  private logPrice: number;
  private close: number;
  private impulse = 0;
  private volumeNoise = 0;

  constructor(
    private readonly p: ContractParams,
    private readonly random: Random,
  ) {
    this.vol = newVol(random);
    this.logPrice = Math.log(p.price);
    this.regime = { kind: 0, strength: 0, anchor: this.logPrice };
    // Market share of the variance; the rest is the contract's own (BTC: almost all market).
    const market = p.beta * p.marketSigma;
    this.idioSigma = p.leader
      ? 0.15 * p.sigma
      : Math.sqrt(Math.max(p.sigma ** 2 - market ** 2, 0.3 * p.sigma ** 2));
    this.tickInverse = 1 / p.tick;
    this.stepInverse = 1 / p.step;
    this.close = this.roundPrice(p.price);
  }

  private roundPrice(value: number): number {
    // Divide by 1/tick (an integer for ticks < 1) so 0.1-ticks print as 109530.1, not ...0000001.
    const ticks = Math.max(1, Math.round(value * this.tickInverse));
    return this.tickInverse >= 1 ? ticks / Math.round(this.tickInverse) : ticks * this.p.tick;
  }

  private roundQty(value: number): number {
    const steps = Math.max(0, Math.round(value * this.stepInverse));
    return this.stepInverse >= 1 ? steps / Math.round(this.stepInverse) : steps * this.p.step;
  }

  /** `market` and `marketBefore`: the factor's return this minute and the minute before. */
  step(time: number, market: number, marketBefore: number, bar: MinuteBar, out: Liquidation[]): void {
    const rnd = this.random;
    const p = this.p;
    const act = activity(time);
    const variance = stepVol(this.vol, rnd);
    const s = this.idioSigma * Math.sqrt(variance * act);
    const z = rnd.studentT(T_DF);
    this.vol.lastZ = z;
    stepRegime(this.regime, this.logPrice, rnd);
    const fromMarket = p.leader ? market : p.beta * (market + LEAD * marketBefore);
    const drift = p.leader ? 0 : regimeDrift(this.regime, this.logPrice, p.sigma);
    let r = fromMarket + s * z + drift + this.impulse;
    this.impulse *= 0.5;
    let jumped = false;
    if (rnd.next() < JUMP_PER_MINUTE) {
      const jump = (rnd.next() < 0.5 ? -1 : 1) * s * (4 + rnd.exponential(4));
      r += jump;
      this.vol.lastZ = jump / s;
      jumped = true;
    }
    this.logPrice += r;
    const open = this.close;
    const close = this.roundPrice(Math.exp(this.logPrice));
    this.close = close;
    // How unusual the minute was against the volatility one would expect right now.
    const expected = p.sigma * Math.sqrt(variance * act);
    const severity = Math.abs(r) / expected;
    // Traders react to the move itself, calm or not: volume scales with |r| against the usual.
    const size = Math.abs(r) / (p.sigma * Math.sqrt(act));
    const wick = expected * (0.3 + (jumped ? 0.8 : 0));
    const high = Math.max(
      open,
      close,
      this.roundPrice(Math.max(open, close) * Math.exp(Math.abs(rnd.normal()) * wick)),
    );
    const low = Math.min(
      open,
      close,
      this.roundPrice(Math.min(open, close) * Math.exp(-Math.abs(rnd.normal()) * wick)),
    );
    // Volume: activity profile x slow volatility x persistent noise x |move|.
    this.volumeNoise = 0.9 * this.volumeNoise + 0.12 * rnd.normal();
    const level = (p.dailyQuoteVolume / MINUTES_PER_DAY / close) * act * Math.sqrt(act);
    const volume = this.roundQty(level * Math.exp(this.volumeNoise) * (0.25 + 0.75 * Math.min(size, 15)));
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = close;
    bar.volume = volume;
    this.liquidations(time, r, severity, jumped, bar, out);
  }

  private liquidations(
    time: number,
    r: number,
    severity: number,
    jumped: boolean,
    bar: MinuteBar,
    out: Liquidation[],
  ): void {
    const rnd = this.random;
    const cascade = jumped || severity > CASCADE_Z;
    // A trickle on ordinary minutes, a burst on sharp ones.
    let count = 0;
    if (cascade) count = 3 + rnd.poisson(Math.min(severity, 25));
    else if (rnd.next() < 0.004 * (1 + severity * severity)) count = 1; // Poisson with a tiny mean
    if (count === 0) return;
    if (cascade) this.impulse += 0.08 * r; // forced orders push the move a little further
    for (let k = 0; k < count; k++) {
      // Cascade events go with the move; trickle events fall either way.
      const down = cascade ? r < 0 : rnd.next() < 0.5;
      const edge = down ? bar.low : bar.high;
      const price = this.roundPrice(edge + (bar.close - edge) * rnd.next() * rnd.next());
      const notional = Math.exp(Math.log(800) + 1.3 * rnd.normal()) * (1 + 0.3 * severity);
      let qty = this.roundQty(Math.max(notional, this.p.minNotional) / price);
      if (qty <= 0) qty = this.p.step;
      out.push({
        symbol: this.p.symbol as Liquidation['symbol'],
        side: down ? 'SELL' : 'BUY',
        price: Math.min(bar.high, Math.max(bar.low, price)),
        qty,
        time: (time + Math.floor(rnd.next() * MINUTE_MS)) as EpochMs,
      });
    }
  }
}
