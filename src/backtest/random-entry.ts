/**
 * The random-entry baseline: as many trades as the strategy made, entered at random primary
 * closes in random directions (seeded), with the same stop and target rules (the rule analyst's
 * ATR stop and reward-to-risk target, validated and tick-rounded exactly as the strategy's),
 * MARKET entries, the same sizing, fees, slippage and executor. If it cannot beat this, the
 * strategy's edge is not in its entries.
 *
 * Sampling: the strategy's pass counted the primary closes of each period (M) and its trades (N);
 * selection sampling (Knuth's algorithm S) picks exactly N of the M closes uniformly in one pass
 * with O(1) memory. A pick that cannot trade (a position already open on the symbol, no ATR yet)
 * is carried to the next close that can, so the count is kept whenever the market allows it.
 */
import type { Decimal } from 'decimal.js';
import { ruleProposal } from '../analyst/index.js';
import {
  type Candle,
  type Direction,
  type MarketSymbol,
  price,
  type Timeframe,
  timeframeMs,
} from '../domain/index.js';
import { seededRandom } from '../exchange/index.js';
import { createAtrState, type StreamingCandleIndicator } from '../indicators/index.js';
import type { PassStrategy } from './runner.js';
import type { BacktestSignal, Executor } from './seam.js';
import type { TradeSignal } from './types.js';

export interface RandomPeriod {
  /** Primary closes at or before this time belong to the period. */
  until: number;
  /** Primary closes in the period (M) and trades wanted in it (N). */
  points: number;
  trades: number;
}

export interface RandomEntryOptions {
  seed: number;
  periods: readonly RandomPeriod[];
  timeframe: Timeframe;
  atrPeriod: number;
  tickSizes: ReadonlyMap<string, Decimal>;
  symbols: readonly string[];
  executor: Executor;
}

export interface RandomEntryStrategy extends PassStrategy {
  signalOf(entryClientOrderId: string): TradeSignal | undefined;
  /** Picks that found no close to trade on before their period ended, over every period. */
  readonly unfilled: number;
}

interface SymbolState {
  atr: StreamingCandleIndicator;
  atrValue: number;
  close: number;
}

export function createRandomEntryStrategy(options: RandomEntryOptions): RandomEntryStrategy {
  const random = seededRandom(options.seed);
  const states = new Map<string, SymbolState>(
    options.symbols.map((s) => [
      s,
      { atr: createAtrState(options.atrPeriod), atrValue: Number.NaN, close: Number.NaN },
    ]),
  );
  const tfMs = timeframeMs(options.timeframe);
  let period = 0;
  let seen = 0;
  let picked = 0;
  let owed = 0;
  /** Picks of earlier periods that were never placed (not carried into the next period). */
  let dropped = 0;
  let seq = 0;
  const signals = new Map<string, BacktestSignal>();
  const byEntry = new Map<string, TradeSignal>();

  const push = (symbol: string, c: Candle) => {
    const s = states.get(symbol)!;
    s.atrValue = s.atr.update(c.high, c.low, c.close);
    s.close = c.close;
  };

  function plan(symbol: string, at: number, direction: Direction): BacktestSignal | null {
    const s = states.get(symbol)!;
    if (!(s.atrValue > 0) || !(s.close > 0)) return null;
    const proposal = ruleProposal({
      symbol,
      timeframe: options.timeframe,
      candleCloseTime: at,
      price: price(s.close),
      atr: s.atrValue,
      rsi: null,
      ema9: null,
      ema21: null,
      ema200: null,
      bollingerPosition: null,
      volumeRatio: null,
      hurst: null,
      // 'momentum' makes the smart entry a MARKET order at the price.
      screen: { direction, score: 100, qualityPenalty: 0, fakePenalty: 0, source: 'momentum', reasons: [] },
      tickSize: options.tickSizes.get(symbol),
    });
    if (proposal.direction === 'NONE' || !proposal.entry || !proposal.stopLoss || !proposal.takeProfit)
      return null;
    return {
      id: `rnd-${++seq}`,
      symbol: symbol as MarketSymbol,
      direction,
      entryType: 'MARKET',
      entry: proposal.entry,
      stopLoss: proposal.stopLoss,
      takeProfit: proposal.takeProfit,
      combinedConfidence: 100,
      createdAt: at,
      expiresAt: at + 4 * tfMs,
    };
  }

  return {
    warmUp(symbol, role, candles) {
      if (role === 'primary') for (const c of candles) push(symbol, c);
    },
    onClosed(symbol, role, candle) {
      if (role === 'primary') push(symbol, candle);
    },
    scan(at, symbols) {
      let out: BacktestSignal[] | null = null;
      for (const symbol of symbols) {
        while (period < options.periods.length && at > options.periods[period]!.until) {
          // A new period: picks it could not place are not carried into the next one (but counted).
          period++;
          seen = 0;
          picked = 0;
          dropped += owed;
          owed = 0;
        }
        const p = options.periods[period];
        if (!p) continue;
        const left = p.points - seen;
        if (left > 0 && random() * left < p.trades - picked) {
          picked++;
          owed++;
        }
        seen++;
        // Drawn for every close, used or not, so the sequence does not depend on the market state.
        const direction: Direction = random() < 0.5 ? 'LONG' : 'SHORT';
        if (owed === 0 || options.executor.levels(symbol) !== undefined) continue;
        const signal = plan(symbol, at, direction);
        if (!signal) continue;
        owed--;
        signals.set(signal.id, signal);
        if (out) out.push(signal);
        else out = [signal];
      }
      return out;
    },
    executed(signal, outcome) {
      signals.delete(signal.id);
      if (outcome.status !== 'placed') {
        owed++;
        return;
      }
      byEntry.set(options.executor.entryClientOrderId(signal.id), {
        id: signal.id,
        candleCloseTime: signal.createdAt,
        combinedConfidence: signal.combinedConfidence,
        entryType: 'MARKET',
        entry: signal.entry.toNumber(),
        stopLoss: signal.stopLoss.toNumber(),
        takeProfit: signal.takeProfit.toNumber(),
        analyst: 'random',
        features: {},
        draft: null,
      });
    },
    signalOf(entryClientOrderId) {
      return byEntry.get(entryClientOrderId);
    },
    get unfilled() {
      return dropped + owed;
    },
  };
}
