import { describe, expect, it } from 'vitest';
import { ema } from '../../src/indicators/index.js';
import {
  applyLivePrice,
  type Candle,
  chartSeries,
  parseCandles,
  tradeOverlay,
} from '../../web/src/lib/candles.js';

const c = (openTime: number, close: number, open = close): Candle => ({
  openTime,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  volume: 10,
});

describe('parseCandles', () => {
  it('reads wrapped objects with decimal strings, sorts and deduplicates by open time', () => {
    const body = {
      candles: [
        { openTime: 120_000, open: '2', high: '3', low: '1', close: '2.5', volume: '7' },
        { openTime: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 },
        { openTime: 120_000, open: 2, high: 4, low: 1, close: 3, volume: 8 },
      ],
    };
    expect(parseCandles(body)).toEqual([
      { openTime: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 },
      { openTime: 120_000, open: 2, high: 4, low: 1, close: 3, volume: 8 },
    ]);
  });

  it('reads items, bare arrays, kline tuples and columns', () => {
    const one = { openTime: 0, open: 1, high: 2, low: 0, close: 1, volume: 5 };
    expect(parseCandles({ items: [one] })).toEqual([one]);
    expect(parseCandles([one])).toEqual([one]);
    expect(parseCandles([[0, '1', '2', '0', '1', '5', 59_999]])).toEqual([one]);
    expect(parseCandles({ openTime: [0], open: [1], high: [2], low: [0], close: [1], volume: [5] })).toEqual([
      one,
    ]);
  });

  it('drops malformed rows instead of drawing garbage', () => {
    expect(
      parseCandles([
        { openTime: 0, open: 1, high: 0.5, low: 2, close: 1, volume: 1 },
        { openTime: 1, open: 'x', high: 2, low: 0, close: 1, volume: 1 },
        null,
        'candle',
      ]),
    ).toEqual([]);
    expect(parseCandles(undefined)).toEqual([]);
    expect(parseCandles({ error: 'nope' })).toEqual([]);
  });
});

describe('chartSeries', () => {
  it('converts times to seconds and colours volume by candle direction', () => {
    const s = chartSeries([c(60_000, 2, 1), c(120_000, 1, 2)]);
    expect(s.candles[0]).toEqual({ time: 60, open: 1, high: 3, low: 0, close: 2 });
    expect(s.volume.map((v) => v.color)).toEqual(['rgba(22,163,74,0.35)', 'rgba(220,38,38,0.35)']);
  });

  it('draws the screener’s own EMAs, leaving out the warm-up', () => {
    const candles = Array.from({ length: 250 }, (_, i) => c(i * 60_000, 100 + Math.sin(i / 5) * 3));
    const s = chartSeries(candles);
    const reference = ema(
      Float64Array.from(candles, (x) => x.close),
      21,
    );
    expect(s.ema.ema9).toHaveLength(250 - 8);
    expect(s.ema.ema21).toHaveLength(250 - 20);
    expect(s.ema.ema200).toHaveLength(250 - 199);
    expect(s.ema.ema21[0]).toEqual({ time: 20 * 60, value: reference[20] });
    expect(s.ema.ema21.at(-1)!.value).toBe(reference[249]);
  });
});

describe('applyLivePrice', () => {
  const tf = 60_000;
  it('moves the close, high and low of the forming candle', () => {
    const out = applyLivePrice([c(0, 10)], 12, 30_000, tf);
    expect(out).toEqual([{ openTime: 0, open: 10, high: 12, low: 9, close: 12, volume: 10 }]);
  });

  it('opens the next candle when its slot has begun', () => {
    const out = applyLivePrice([c(0, 10)], 9, 61_000, tf);
    expect(out[1]).toEqual({ openTime: 60_000, open: 10, high: 10, low: 9, close: 9, volume: 0 });
  });

  it('ignores stale and bad prices', () => {
    const candles = [c(60_000, 10)];
    expect(applyLivePrice(candles, 11, 1_000, tf)).toBe(candles);
    expect(applyLivePrice(candles, Number.NaN, 61_000, tf)).toBe(candles);
  });
});

describe('tradeOverlay', () => {
  it('draws entry, SL and TP lines and the fills of a LONG position', () => {
    const o = tradeOverlay(
      {
        direction: 'LONG',
        entry: '100.5',
        stopLoss: '99',
        takeProfit: '103',
        fills: [
          { at: '1970-01-01T00:02:30.000Z', price: '100.5', kind: 'entry' },
          { at: '1970-01-01T00:05:10.000Z', price: '103', kind: 'exit' },
        ],
      },
      60_000,
    );
    expect(o.lines).toEqual([
      { price: 100.5, title: 'Entry', color: '#2563eb' },
      { price: 99, title: 'SL', color: '#dc2626' },
      { price: 103, title: 'TP', color: '#16a34a' },
    ]);
    expect(o.markers).toEqual([
      { time: 120, position: 'belowBar', shape: 'arrowUp', color: '#16a34a', text: 'Entry fill 100.5' },
      { time: 300, position: 'aboveBar', shape: 'arrowDown', color: '#dc2626', text: 'Exit fill 103' },
    ]);
  });

  it('sells to enter a SHORT, and skips what it does not know', () => {
    const o = tradeOverlay({
      direction: 'SHORT',
      entry: null,
      stopLoss: '110',
      takeProfit: null,
      fills: [
        { at: 60_000, price: '105', kind: 'entry' },
        { at: null, price: null, kind: 'exit' },
      ],
    });
    expect(o.lines.map((l) => l.title)).toEqual(['SL']);
    expect(o.markers).toEqual([
      { time: 60, position: 'aboveBar', shape: 'arrowDown', color: '#dc2626', text: 'Entry fill 105' },
    ]);
  });
});
