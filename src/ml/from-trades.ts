/**
 * Labelled samples from a run of the pipeline that did not go through the store (a backtest):
 * record every accepted signal draft as it is decided (the backtest's `onScan` hook), then label
 * each draft that became a trade with the trade's closed PnL. The features come from the draft
 * exactly as featuresFromRecord reads a stored signal, so a model trained on backtest outcomes
 * sees the same numbers it will see live.
 */
import type { ProposeOutcome, SignalDraft } from '../analyst/index.js';
import type { Direction } from '../domain/index.js';
import type { LabelledSample, OutcomeSource } from './dataset.js';
import { featuresFromRecord } from './sources.js';

/** What a closed trade needs to say for its signal to be labelled. */
export interface ClosedTrade {
  symbol: string;
  direction: Direction;
  /** Close time of the candle its signal was decided on. */
  decidedAt: number;
  /** Net closed PnL (after fees). */
  pnl: number;
}

export interface DraftRecorder {
  /** The backtest's onScan hook: keeps the accepted drafts. */
  onScan(at: number, outcomes: readonly ProposeOutcome[]): void;
  /** Label the recorded drafts that became trades; trades without a recorded draft are counted. */
  samples(
    trades: readonly ClosedTrade[],
    source?: OutcomeSource,
  ): { samples: LabelledSample[]; unmatched: number };
  readonly recorded: number;
}

const key = (symbol: string, direction: string, decidedAt: number) => `${symbol}:${direction}:${decidedAt}`;

export function createDraftRecorder(): DraftRecorder {
  const drafts = new Map<string, SignalDraft>();
  return {
    onScan(_at, outcomes) {
      for (const o of outcomes) {
        if (o.signal)
          drafts.set(key(o.signal.symbol, o.signal.direction, o.signal.candleCloseTime), o.signal);
      }
    },
    samples(trades, source = 'BACKTEST') {
      const samples: LabelledSample[] = [];
      let unmatched = 0;
      for (const trade of trades) {
        const draft = drafts.get(key(trade.symbol, trade.direction, trade.decidedAt));
        if (!draft || !Number.isFinite(trade.pnl)) {
          unmatched++;
          continue;
        }
        samples.push({
          id: `${source}:${key(trade.symbol, trade.direction, trade.decidedAt)}:${samples.length}`,
          symbol: trade.symbol,
          time: draft.candleCloseTime,
          source,
          win: trade.pnl > 0 ? 1 : 0,
          pnl: trade.pnl,
          features: featuresFromRecord({ ...draft, createdAt: new Date(draft.candleCloseTime) }),
        });
      }
      return { samples, unmatched };
    },
    get recorded() {
      return drafts.size;
    },
  };
}
