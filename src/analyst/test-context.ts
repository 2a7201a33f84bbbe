/** A hand-built analyst context for tests (not exported from the module's index). */
import { dec, price } from '../domain/index.js';
import type { AnalystContext } from './types.js';

export function testContext(overrides: Partial<AnalystContext> = {}): AnalystContext {
  return {
    symbol: 'BTCUSDT',
    timeframe: '15m',
    candleCloseTime: Date.UTC(2026, 0, 5, 12, 0, 0),
    price: price('100'),
    atr: 1,
    rsi: 50,
    ema9: 99.5,
    ema21: 99,
    ema200: 95,
    bollingerPosition: 0.6,
    volumeRatio: 1.4,
    hurst: 0.58,
    screen: {
      direction: 'LONG',
      score: 82,
      qualityPenalty: 0,
      fakePenalty: 0,
      source: 'momentum',
      reasons: ['LONG from momentum', 'trend aligned'],
    },
    tickSize: dec('0.01'),
    ...overrides,
  };
}
