import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../domain/index.js';
import { CANDLE_CSV_HEADER, formatCandleCsv, parseCandleCsv, parseDecimalBytes } from './csv.js';
import { parseLiquidationCsv, parseUtcTimestamp } from './liquidation-csv.js';

const enc = (text: string) => new TextEncoder().encode(text);
const T = 1_760_918_400_000; // 2025-10-20T00:00:00Z
const opts = { file: 'data/5m/BTCUSDT.csv', symbol: 'BTCUSDT', timeframe: '5m' as const };

function csv(...rows: string[]): Uint8Array {
  return enc(`${CANDLE_CSV_HEADER}\n${rows.join('\n')}\n`);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('parseDecimalBytes', () => {
  it('reads every decimal exactly as Number() does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        const b = enc(text);
        expect(Object.is(parseDecimalBytes(b, 0, b.length), Number(text))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,12}(\.\d{1,12})?$/), (text) => {
        const b = enc(text);
        expect(parseDecimalBytes(b, 0, b.length)).toBe(Number(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('says NaN for garbage and empty fields', () => {
    for (const text of ['', 'abc', '1.2.3', '--1', 'nan']) {
      const b = enc(text);
      expect(parseDecimalBytes(b, 0, b.length)).toBeNaN();
    }
  });
});

describe('parseCandleCsv', () => {
  it('parses rows into columns (CRLF, exponents and a missing final newline included)', () => {
    const text = `${CANDLE_CSV_HEADER}\r\n${T},108586.2,108586.2,108234.2,108304.1,663.99\r\n${T + 300_000},1e-7,2e-7,1e-7,2e-7,0`;
    const { columns, skipped } = parseCandleCsv(enc(text), opts);
    expect([...columns.openTime]).toEqual([T, T + 300_000]);
    expect([...columns.close]).toEqual([108304.1, 2e-7]);
    expect([...columns.volume]).toEqual([663.99, 0]);
    expect(skipped).toEqual([]);
  });

  it('accepts a UTF-8 byte-order mark before the header', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...csv(`${T},1,2,1,1.5,3`)]);
    expect([...parseCandleCsv(bytes, opts).columns.close]).toEqual([1.5]);
  });

  it('round-trips what formatCandleCsv writes', () => {
    const { columns } = parseCandleCsv(
      csv(`${T},1.5,2,1,1.25,10.001`, `${T + 300_000},1.25,1.3,1.2,1.3,0.5`),
      opts,
    );
    const again = parseCandleCsv(enc(formatCandleCsv(columns)), opts).columns;
    expect(again).toEqual(columns);
  });

  const bad: [string, string[], RegExp][] = [
    ['a price that is not a number', [`${T},1,2,NaN,1,1`], /low is not a number/],
    ['a negative price', [`${T},1,2,-1,1,1`], /low is -1 \(prices must be positive\)/],
    ['a zero price', [`${T},0,2,0,1,1`], /open is 0/],
    ['a negative volume', [`${T},1,2,1,1,-3`], /volume is -3/],
    ['a high below the close', [`${T},1,1.5,1,2,1`], /high 1.5 is below the open or close/],
    ['a duplicated time', [`${T},1,2,1,1,1`, `${T},1,2,1,1,1`], /duplicates the previous candle time/],
    [
      'an out-of-order time',
      [`${T + 300_000},1,2,1,1,1`, `${T},1,2,1,1,1`],
      /earlier than the previous candle/,
    ],
    ['a misaligned time', [`${T + 60_000},1,2,1,1,1`], /not aligned to 5m/],
    ['a short row', [`${T},1,2,1`], /has 4 fields, expected 6/],
  ];
  for (const [what, rows, reason] of bad) {
    it(`refuses ${what}, naming file, symbol, time and line`, () => {
      const err = errorOf(() => parseCandleCsv(csv(...rows), opts));
      expect(isDomainError(err, 'BAD_DATA')).toBe(true);
      expect(err.message).toMatch(reason);
      expect(err.message).toContain('data/5m/BTCUSDT.csv: BTCUSDT 5m candle at 2025-10-20T00:0');
      expect(err.message).toMatch(/\(line \d+\)/);
    });
  }

  it("with onBadRow 'skip' leaves bad rows out and lists them", () => {
    const { columns, skipped } = parseCandleCsv(
      csv(`${T},1,2,1,1,1`, `${T},1,2,1,1,1`, `${T + 300_000},1,2,-1,1,1`, `${T + 600_000},1,2,1,1.5,2`),
      { ...opts, onBadRow: 'skip' },
    );
    expect([...columns.openTime]).toEqual([T, T + 600_000]);
    expect(skipped.map((s) => s.line)).toEqual([3, 4]);
    expect(skipped[0]!.reason).toMatch(/duplicates/);
  });

  it('refuses a file whose header is not the replay format, whatever the policy', () => {
    const err = errorOf(() =>
      parseCandleCsv(enc('time,o,h,l,c,v\n1,1,1,1,1,1\n'), { ...opts, onBadRow: 'skip' }),
    );
    expect(err.message).toMatch(
      /header is "time,o,h,l,c,v", expected "open_time,open,high,low,close,volume"/,
    );
  });
});

describe('parseLiquidationCsv', () => {
  const header = 'timestamp,symbol,side,avg_price,filled_qty,usd_value';

  it('reads ISO times without a zone as UTC, sorts arrival order into time order', () => {
    expect(parseUtcTimestamp('2025-10-22T09:36:42.306000')).toBe(Date.UTC(2025, 9, 22, 9, 36, 42, 306));
    expect(parseUtcTimestamp('2025-10-22T09:36:42')).toBe(Date.UTC(2025, 9, 22, 9, 36, 42));
    expect(parseUtcTimestamp('2025-02-30T00:00:00')).toBeNaN();
    const { events, skipped } = parseLiquidationCsv(
      [
        header,
        '2025-10-22T09:36:44.521000,IDOLUSDT,BUY,0.0360982,1252.0,45.19',
        '2025-10-22T09:36:44.520000,SOLUSDT,SELL,184.22,0.04,7.37',
        '2025-10-22T09:36:45.000000,币安人生USDT,SELL,0.1,10,1',
      ].join('\n'),
      { file: 'liq.csv' },
    );
    expect(events).toEqual([
      {
        symbol: 'SOLUSDT',
        side: 'SELL',
        price: 184.22,
        qty: 0.04,
        time: Date.UTC(2025, 9, 22, 9, 36, 44, 520),
      },
      {
        symbol: 'IDOLUSDT',
        side: 'BUY',
        price: 0.0360982,
        qty: 1252,
        time: Date.UTC(2025, 9, 22, 9, 36, 44, 521),
      },
    ]);
    expect(skipped).toEqual([
      { line: 4, reason: 'symbol "币安人生USDT" is not a Binance futures symbol we trade' },
    ]);
  });

  it('refuses a bad row with file, symbol, time and line, or skips it on request', () => {
    const text = `${header}\n2025-10-22T09:36:44.521000,BTCUSDT,SELL,-5,1,1\n`;
    const err = errorOf(() => parseLiquidationCsv(text, { file: 'liq.csv' }));
    expect(err.message).toBe(
      'liq.csv: liquidation of BTCUSDT at 2025-10-22T09:36:44.521Z (line 2): avg_price "-5" is not a positive number',
    );
    expect(parseLiquidationCsv(text, { file: 'liq.csv', onBadRow: 'skip' }).skipped).toHaveLength(1);
  });
});
