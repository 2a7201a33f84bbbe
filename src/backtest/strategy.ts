/**
 * The live pipeline as a backtest strategy: per symbol an incremental screener fed closed candles;
 * at each primary close a scan as the scheduler runs it (expire due signals, screen, rank, let the
 * analysts propose through proposeSignal with validation and aggregation, store with the
 * deduplication rule); the stored signals go to execution in rank order.
 * One shortcut, exact: a directional screen whose (symbol, direction) a live signal already
 * blocks is not sent to the analysts, because whatever they answered would be refused as a
 * duplicate (an accepted signal always has the screen's direction: the aggregator vetoes an
 * analyst against it). The counts say how many.
 * A second one, exact too, with `analystCeiling`: a directional screen that the aggregator would
 * refuse even with the analysts at that confidence in the screen's direction (a veto, or a combined
 * confidence under the minimum; the aggregator only grows with the analysts' confidence) is counted
 * as analysed and rejected without building its plan: no analyst could have made it a signal.
 * With that ceiling, screens are ranked on their numbers alone (SymbolScreener.rank, the same
 * direction, score and penalties) and a candidate's full result is made again, from the same
 * candles, for the analysts: most screens end as counts and never need their metrics or words.
 * And a rank sure to score under the lowest score the aggregator could accept (scoreFloor) stops
 * before its dearest filters, with its direction exact (what the counts need).
 */
import type { Decimal } from 'decimal.js';
import {
  type Analyst,
  DraftCapture,
  type ProposeOutcome,
  proposeSignal,
  proposeSignalNow,
  type SignalDraft,
  signalRecord,
} from '../analyst/index.js';
import { type Clock, type MarketSymbol, toFloat } from '../domain/index.js';
import {
  createSymbolScreener,
  isSkip,
  type RankOutcome,
  rankOutcomes,
  type ScreenerConfig,
  type ScreenOutcome,
  type ScreenRank,
  type ScreenResult,
  type SymbolScreener,
} from '../screener/index.js';
import { COMBINE_DEFAULTS, type CombineOptions, combine } from '../signals/index.js';
import type { PassStrategy } from './runner.js';
import type { BacktestSignal } from './seam.js';
import { createSignalBook } from './signal-book.js';
import type { PipelineCounts, TradeSignal } from './types.js';

export interface PipelineAnalysts {
  analyst: Analyst;
  vision?: Analyst | null | undefined;
  combine: CombineOptions;
}

export interface PipelineStrategyOptions {
  config: ScreenerConfig;
  symbols: readonly string[];
  analysts: PipelineAnalysts;
  clock: Clock;
  tickSizes: ReadonlyMap<string, Decimal>;
  dedupWindowMs: number;
  counts: PipelineCounts;
  /** The executor's entry client order id of a signal: links trades back to their signals. */
  entryClientOrderId: (signalId: string) => string;
  /** Called after each scan with every outcome (tests, and ML sampling of rejected candidates). */
  onScan?: ((at: number, outcomes: readonly ProposeOutcome[]) => void) | undefined;
  /**
   * The highest confidence the analysts can give a screen in its direction (the rule analyst: its
   * score), when they have no other effect (no vision, no cache to count, no onScan): screens that
   * cannot be accepted even so skip the analysts (see above). Absent: every candidate is analysed.
   * A function of the screen's score alone (what lets the ranks stop short: see scoreFloor).
   */
  analystCeiling?: ((screen: ScreenRank) => number) | undefined;
}

export interface PipelineStrategy extends PassStrategy {
  /** The signal an executed entry came from, by the entry's client order id. */
  signalOf(entryClientOrderId: string): TradeSignal | undefined;
}

/** A trade's signal record, from its draft or from what was captured of it (the same record). */
export function tradeSignal(id: string, draft: SignalDraft | DraftCapture): TradeSignal {
  const screen = draft.screen as ScreenOutcome | null;
  return {
    id,
    candleCloseTime: draft.candleCloseTime,
    combinedConfidence: draft.combinedConfidence,
    entryType: draft.entryType,
    entry: toFloat(draft.entry),
    stopLoss: toFloat(draft.stopLoss),
    takeProfit: toFloat(draft.takeProfit),
    analyst: draft.analyst,
    features: draft.features,
    draft: signalRecord(
      draft,
      screen && !isSkip(screen)
        ? {
            direction: screen.direction,
            score: screen.score,
            source: screen.source,
            metrics: screen.metrics,
            contributions: screen.contributions,
          }
        : null,
    ),
  };
}

/**
 * The lowest score the aggregator could accept with the analysts at `ceiling` (a function of the
 * score alone): every screen scoring under it is hopeless whatever its penalties, so a rank sure to
 * score under it need not be worked out further. Scores are whole numbers 0..100, each tried (in
 * both directions) with penalties that veto nothing: the aggregator's confidence does not depend on
 * the penalties, which can only add vetoes. 101 when no score could be accepted.
 */
export function scoreFloor(ceiling: (screen: ScreenRank) => number, options: CombineOptions): number {
  for (let score = 0; score <= 100; score++) {
    for (const direction of ['LONG', 'SHORT'] as const) {
      const screen: ScreenRank = {
        symbol: '',
        direction,
        score,
        rawScore: score,
        qualityPenalty: Number.NEGATIVE_INFINITY,
        fakePenalty: Number.NEGATIVE_INFINITY,
      };
      const primary = { analyst: 'ceiling', direction, confidence: ceiling(screen) };
      if (combine({ screen, primary }, options).accepted) return score;
    }
  }
  return 101;
}

/** A whole number in [0, 1000): four of them pack exactly into one safe integer. */
const small = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < 1000;

export function createPipelineStrategy(options: PipelineStrategyOptions): PipelineStrategy {
  const { config, counts, clock } = options;
  const timeframe = config.timeframes.primary;
  const screeners = new Map<string, SymbolScreener>(
    options.symbols.map((s) => [s, createSymbolScreener(s, config)]),
  );
  let seq = 0;
  const book = createSignalBook(options.dedupWindowMs, () => `sig-${++seq}`);
  /** Stored signals waiting for their execution outcome. */
  const waiting = new Map<string, SignalDraft>();
  /**
   * Executed ones, by entry client order id: what the record needs of the draft (DraftCapture: its
   * fields, the screen result, the state its words are made from, not the draft, its proposals and
   * decision: ~4 KB less per trade alive until the report), and its trade record once asked for.
   * The record is built when the report asks (signalOf, after the pass), not at each execution: it
   * is a pure function of the draft (decimals, numbers and the screen's words, formatted from
   * numbers captured at the screen), so the same record either way, and the pass does not pay for
   * text and copies only the report reads.
   */
  const executed = new Map<string, { id: string; draft: DraftCapture; record?: TradeSignal }>();
  const deps = { ...options.analysts, clock };
  const ceiling = options.onScan || options.analysts.vision ? undefined : options.analystCeiling;
  const combineOptions = options.analysts.combine ?? COMBINE_DEFAULTS;
  // The aggregator's answer for an agreeing analyst depends on these four numbers only: memoised
  // (whole numbers under 1000, what the screener gives, by one numeric key; anything else by text).
  // The usual case, a ceiling equal to the score (our rule analyst), has a key of three numbers
  // under 10^9: a small integer, which a Map looks up without boxing a double.
  const hopelessMemo = new Map<number | string, boolean>();
  const hopelessAtScore = new Map<number, boolean>();
  const hopeless = (screen: ScreenRank, confidence: number): boolean => {
    const { score, qualityPenalty, fakePenalty } = screen;
    const packs = small(score) && small(qualityPenalty) && small(fakePenalty) && small(confidence);
    const atScore = packs && confidence === score;
    const key = atScore
      ? (score * 1000 + qualityPenalty) * 1000 + fakePenalty
      : packs
        ? ((score * 1000 + qualityPenalty) * 1000 + fakePenalty) * 1000 + confidence
        : `${score} ${qualityPenalty} ${fakePenalty} ${confidence}`;
    const memo = atScore ? hopelessAtScore : hopelessMemo;
    let answer = memo.get(key as number);
    if (answer === undefined) {
      const primary = { analyst: 'ceiling', direction: screen.direction as 'LONG' | 'SHORT', confidence };
      answer = !combine({ screen, primary }, combineOptions).accepted;
      memo.set(key as number, answer);
    }
    return answer;
  };

  const floor = ceiling ? scoreFloor(ceiling, combineOptions) : Number.NEGATIVE_INFINITY;

  /**
   * A scan's candidates (counted, not yet in rank order) through the analysts into signals: at
   * once when the analysts answer without waiting (proposeSignalNow; our rule analyst), else once
   * they have.
   */
  function analyse(
    at: number,
    picked: RankOutcome[],
  ): BacktestSignal[] | null | Promise<BacktestSignal[] | null> {
    const candidates: ScreenResult[] = [];
    for (const o of picked.length > 1 ? rankOutcomes(picked) : picked) {
      candidates.push(ceiling ? (screeners.get(o.symbol)!.screen() as ScreenResult) : (o as ScreenResult));
    }
    // proposeSignalNow answers for every candidate or for none (it depends on the deps alone).
    const results: ProposeOutcome[] = [];
    for (const o of candidates) {
      const r = proposeSignalNow(o, { timeframe, tickSize: options.tickSizes.get(o.symbol) }, deps);
      if (r === undefined) break;
      results.push(r);
    }
    if (results.length === candidates.length) return store(at, results);
    return Promise.all(
      candidates.map((o) => proposeSignal(o, { timeframe, tickSize: options.tickSizes.get(o.symbol) }, deps)),
    ).then((all) => store(at, all));
  }

  /** The analysts' outcomes counted, and the accepted signals stored (deduplicated) for execution. */
  function store(at: number, results: ProposeOutcome[]): BacktestSignal[] | null {
    counts.analysed += results.length;
    const drafts: SignalDraft[] = [];
    for (const r of results) {
      for (const p of r.proposals) {
        if (p.cacheMiss) counts.llmCacheMisses++;
        else if (p.cached) counts.llmCacheHits++;
      }
      if (r.signal) drafts.push(r.signal);
      else counts.rejected++;
    }
    options.onScan?.(at, results);
    counts.accepted += drafts.length;
    if (drafts.length === 0) return null;
    const ids = book.insertBatch(
      drafts.map((d) => ({
        symbol: d.symbol,
        direction: d.direction,
        combinedConfidence: d.combinedConfidence,
        expiresAt: d.expiresAt.getTime(),
      })),
      at,
    );
    const signals: BacktestSignal[] = [];
    ids.forEach((id, i) => {
      if (id === null) {
        counts.duplicates++;
        return;
      }
      const d = drafts[i]!;
      waiting.set(id, d);
      signals.push({
        id,
        symbol: d.symbol as MarketSymbol,
        direction: d.direction,
        entryType: d.entryType,
        entry: d.entry,
        stopLoss: d.stopLoss,
        takeProfit: d.takeProfit,
        combinedConfidence: d.combinedConfidence,
        createdAt: at,
        expiresAt: d.expiresAt.getTime(),
      });
    });
    return signals;
  }

  return {
    warmUp(symbol, role, candles) {
      const screener = screeners.get(symbol)!;
      for (const c of candles) screener.push(role, c);
    },
    onClosed(symbol, role, candle) {
      screeners.get(symbol)!.push(role, candle);
    },
    // Not async: a scan whose screens all end as counts answers at once (most of them), and the
    // runner awaits only a promise.
    scan(at, symbols) {
      counts.scans++;
      counts.expiredSignals += book.expireDue(at);
      // With a ceiling, the numbers alone (see above); without, every directional screen is analysed.
      const outcomes: RankOutcome[] = new Array(symbols.length);
      for (let i = 0; i < symbols.length; i++) {
        const screener = screeners.get(symbols[i]!)!;
        outcomes[i] = ceiling ? screener.rank(undefined, floor) : screener.screen();
      }
      counts.screens += symbols.length;
      // The counts first, then the order: rankOutcomes' order is a total one (directional by score,
      // then by symbol), so ranking the few that pass gives them in the order ranking all would,
      // and nothing below depends on the order but the candidates' (counts are sums; the book is
      // only read until the batch is stored).
      const picked: RankOutcome[] = [];
      for (const o of outcomes) {
        if (isSkip(o)) {
          counts.skippedScreens++;
          continue;
        }
        if (o.direction === 'NEUTRAL') continue;
        counts.directional++;
        if (book.blocks(o.symbol, o.direction, at)) {
          counts.blockedByDedup++;
          continue;
        }
        // Under the floor a rank's numbers may be bounds only (SymbolScreener.rank), and hopeless.
        if (ceiling && (o.score < floor || hopeless(o, ceiling(o)))) {
          counts.analysed++;
          counts.rejected++;
          counts.belowCeiling++;
          continue;
        }
        picked.push(o);
      }
      if (picked.length === 0) return null;
      return analyse(at, picked);
    },
    executed(signal, outcome) {
      const draft = waiting.get(signal.id);
      waiting.delete(signal.id);
      if (outcome.status !== 'placed' || !draft) return;
      counts.executed++;
      book.markExecuted(signal.id);
      executed.set(options.entryClientOrderId(signal.id), { id: signal.id, draft: new DraftCapture(draft) });
    },
    signalOf(entryClientOrderId) {
      const e = executed.get(entryClientOrderId);
      if (e === undefined) return undefined;
      e.record ??= tradeSignal(e.id, e.draft);
      return e.record;
    },
  };
}
