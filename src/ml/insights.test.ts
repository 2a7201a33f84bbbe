import { describe, expect, it } from 'vitest';
import { dec } from '../domain/index.js';
import type { LabelledSignalRow, MlModelSummary } from '../store/index.js';
import { computeInsights } from './insights.js';

let n = 0;
/** A hand-made closed signal: only what the insights read. */
function row(o: {
  symbol?: string;
  confidence?: number;
  p?: number | null;
  vision?: 'agree' | 'disagree' | 'none' | null;
  whale?: number | null;
  hour?: number;
  source?: 'LIVE' | 'PAPER' | 'BACKTEST';
  pnl: string | null;
  outcome?: 'WIN' | 'LOSS';
}): LabelledSignalRow {
  const proposals: Record<string, unknown>[] = [
    { analyst: 'rule', direction: 'LONG', confidence: 80, rejected: null },
  ];
  if (o.vision) {
    const direction = o.vision === 'agree' ? 'LONG' : o.vision === 'disagree' ? 'SHORT' : 'NONE';
    proposals.push({ analyst: 'vision', direction, confidence: 70, rejected: null });
  }
  return {
    id: `id-${n++}`,
    symbol: o.symbol ?? 'BTCUSDT',
    direction: 'LONG',
    combinedConfidence: o.confidence ?? 80,
    winProbability: o.p ?? null,
    screen: null,
    proposals,
    features: o.whale === undefined ? {} : { whale_alignment: o.whale },
    candleCloseTime: Date.UTC(2026, 0, 5, o.hour ?? 12),
    createdAt: new Date(Date.UTC(2026, 0, 5, o.hour ?? 12)),
    entry: dec('100'),
    stopLoss: dec('99'),
    takeProfit: dec('102'),
    outcome: o.outcome ?? (o.pnl !== null && Number(o.pnl) > 0 ? 'WIN' : 'LOSS'),
    outcomeSource: o.source ?? 'PAPER',
    outcomePnl: o.pnl === null ? null : dec(o.pnl),
  };
}

describe('computeInsights on hand-made outcomes', () => {
  const rows = [
    row({ vision: 'agree', whale: 0.8, confidence: 92, p: 0.72, symbol: 'ETHUSDT', hour: 9, pnl: '20' }),
    row({ vision: 'agree', whale: 0.5, confidence: 85, p: 0.65, symbol: 'ETHUSDT', hour: 9, pnl: '15' }),
    row({ vision: 'agree', whale: null, confidence: 78, p: 0.55, hour: 9, pnl: '-10' }),
    row({ vision: 'disagree', whale: -0.6, confidence: 76, p: 0.35, hour: 14, pnl: '-10' }),
    row({ vision: 'none', whale: null, confidence: 65, p: null, hour: 14, pnl: '12' }),
    row({ vision: null, whale: 0, confidence: 55, p: null, hour: 23, pnl: '-8', source: 'BACKTEST' }),
    // No PnL recorded: labelled by the WIN/LOSS field, counted, but not in the PnL sums.
    row({ vision: null, confidence: 81, pnl: null, outcome: 'WIN', hour: 23, source: 'LIVE' }),
  ];
  const models: MlModelSummary[] = [
    {
      id: 'm2',
      version: 2,
      kind: 'logistic',
      usable: true,
      samples: 400,
      outcomesSeen: 400,
      sources: ['PAPER'],
      metrics: {
        auc: 0.61,
        brier: 0.231,
        brierBaseline: 0.245,
        calibration: [{ bin: '0.50-0.60', count: 40, predicted: 0.55, observed: 0.57 }],
      },
      note: null,
      createdAt: new Date(Date.UTC(2026, 0, 6)),
    },
  ];
  const insights = computeInsights(rows, models);
  const find = (table: Record<string, unknown>[], key: string, value: unknown) =>
    table.find((r) => r[key] === value);

  it('summarises count, wins, win rate, PnL and sources', () => {
    expect(insights.summary).toEqual({
      signals: 7,
      wins: 4,
      winRate: 0.5714,
      pnl: 19,
      sources: { LIVE: 1, PAPER: 5, BACKTEST: 1 },
    });
  });

  it('by analyst agreement', () => {
    expect(insights.byAgreement).toEqual([
      { agreement: 'vision agrees', signals: 3, wins: 2, losses: 1, winRate: 0.6667, pnl: 25 },
      { agreement: 'vision disagrees', signals: 1, wins: 0, losses: 1, winRate: 0, pnl: -10 },
      { agreement: 'vision has no direction', signals: 1, wins: 1, losses: 0, winRate: 1, pnl: 12 },
      { agreement: 'no vision analyst', signals: 2, wins: 1, losses: 1, winRate: 0.5, pnl: -8 },
    ]);
  });

  it('by confidence bucket and by win-probability bucket, in bucket order', () => {
    expect(insights.byConfidence.map((r) => [r.confidence, r.signals, r.wins])).toEqual([
      ['< 60', 1, 0],
      ['60-70', 1, 1],
      ['70-80', 2, 0],
      ['80-90', 2, 2],
      ['90-100', 1, 1],
    ]);
    expect(insights.byWinProbability.map((r) => [r.winProbability, r.signals, r.wins])).toEqual([
      ['no model', 3, 2],
      ['< 0.40', 1, 0],
      ['0.50-0.60', 1, 0],
      ['0.60-0.70', 1, 1],
      ['>= 0.70', 1, 1],
    ]);
  });

  it('by whale signal: with, against, none, and unknown for records that never said', () => {
    expect(find(insights.byWhale, 'whale', 'whale with the trade')).toMatchObject({
      signals: 2,
      wins: 2,
      winRate: 1,
    });
    expect(find(insights.byWhale, 'whale', 'whale against the trade')).toMatchObject({ signals: 1, wins: 0 });
    expect(find(insights.byWhale, 'whale', 'no whale event')).toMatchObject({ signals: 3, wins: 1 });
    expect(find(insights.byWhale, 'whale', 'unknown')).toMatchObject({ signals: 1, wins: 1, pnl: null });
  });

  it('by symbol (most traded first) and by hour (UTC)', () => {
    expect(insights.bySymbol.map((r) => [r.symbol, r.signals, r.wins])).toEqual([
      ['BTCUSDT', 5, 2],
      ['ETHUSDT', 2, 2],
    ]);
    expect(insights.byHour.map((r) => [r.hourUtc, r.signals, r.wins])).toEqual([
      [9, 3, 2],
      [14, 2, 1],
      [23, 2, 1],
    ]);
  });

  it('lists the models and the newest one’s held-out calibration table', () => {
    expect(insights.models).toEqual([
      {
        version: 2,
        usable: true,
        samples: 400,
        auc: 0.61,
        brier: 0.231,
        brierBaseline: 0.245,
        trainedAt: '2026-01-06T00:00:00.000Z',
      },
    ]);
    expect(insights.calibration).toEqual([{ bin: '0.50-0.60', count: 40, predicted: 0.55, observed: 0.57 }]);
  });

  it('is empty, not broken, without outcomes', () => {
    const empty = computeInsights([]);
    expect(empty.summary).toEqual({ signals: 0, wins: 0, winRate: null, pnl: null, sources: {} });
    expect(empty.byAgreement).toEqual([]);
    expect(empty.models).toEqual([]);
  });
});
