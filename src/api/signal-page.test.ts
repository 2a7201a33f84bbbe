/**
 * GET /api/signals prints its page from JSON the database wrote with each row (list_item,
 * drizzle/0005_list_items.sql; signalQueries.listAsJson and printedPageJson); the body must be
 * byte for byte what the response serializer prints from signalDto, whether the item was written
 * with the row or rewritten by an update (as the migration does for the rows already there), and
 * any row without an item (one the database cannot print exactly) must send the page back that
 * way, without its write ever being refused.
 */
import { type SQL, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { listItemsWritten, withoutListItems } from '../../test/support/list-items.js';
import { serializerFor } from '../../test/support/serializer.js';
import { forEachStore } from '../../test/support/stores.js';
import { createSignalQueries, type SignalFilter, tables } from '../store/index.js';
import { printedPageJson, signalDto } from './dto.js';
import { page, signalBody } from './schemas.js';

const serialize = serializerFor(page(signalBody), '/api/signals');

type NewSignal = typeof tables.signals.$inferInsert;
const T = Date.UTC(2026, 2, 1, 12);
let n = 0;
/** A signal `minutes` before T with everything set, `overrides` on top (SQL for odd values). */
function signal(overrides: Record<string, unknown> = {}): NewSignal {
  n++;
  return {
    symbol: 'BTCUSDT',
    direction: n % 2 ? 'LONG' : 'SHORT',
    status: (['PENDING', 'EXECUTED', 'EXPIRED', 'REJECTED'] as const)[n % 4],
    combinedConfidence: 72.35,
    entryType: 'LIMIT',
    entry: '65000.10',
    stopLoss: '64000',
    takeProfit: '0.000012300',
    analyst: 'rule+llm',
    fallback: 'rule',
    winProbability: 0.6666666666666666,
    candleCloseTime: T - 60_000,
    fixes: ['stop widened to 0.5 %'],
    vetoes: [],
    reasons: [
      'EMA 9 > 21',
      'said "buy"',
      'back\\slash, "quoted", comma',
      'tab\tnew\nline\u0001',
      'é 漢字 😀 \u2028',
    ],
    outcome: 'WIN',
    outcomeSource: 'PAPER',
    outcomePnl: '-1.50000000',
    expiresAt: new Date(T + 7_200_000 - n * 60_000),
    createdAt: new Date(T - n * 60_000),
    ...overrides,
  } as NewSignal;
}
const at = (text: string) => sql`${text}::timestamptz` as unknown as Date;
const raw = (text: string) => sql.raw(text) as SQL as unknown as number;

forEachStore('signal page printed by the database', ({ store }) => {
  const queries = () => createSignalQueries(store().db);
  const insert = (rows: NewSignal[]) => store().db.insert(tables.signals).values(rows);
  /** Rows as written before migration 0005: no list item. */
  const insertWithoutItems = (rows: NewSignal[]) =>
    withoutListItems(store().db, 'signals', () => insert(rows));
  const itemsWritten = (symbol: string) => listItemsWritten(store().db, 'signals', sql`symbol = ${symbol}`);

  /** The page as printed from the rows (undefined: fell back) and as signalDto + serializer print it. */
  async function printedPage(filter: SignalFilter) {
    const printed = await queries().listAsJson(filter);
    return printedPageJson(printed.items, printed.hasMore);
  }
  async function both(filter: SignalFilter) {
    const ours = await printedPage(filter);
    const { items, hasMore } = await queries().list(filter);
    const expected = serialize({
      items: items.map(signalDto),
      nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null,
    });
    return { ours, expected };
  }

  it('prints every field as the response serializer prints it from signalDto', async () => {
    await insert([
      signal(),
      signal({ fallback: null, winProbability: null, candleCloseTime: null, outcome: null }),
      signal({ outcomeSource: null, outcomePnl: null, fixes: [], reasons: [] }),
      signal({ fixes: ['a', 'b, c', 'é 漢字 😀'], reasons: ['EMA 9 > 21', "it's up", '', 'x'] }),
      signal({ combinedConfidence: 0.30000000000000004, winProbability: 0.0001, entry: '100' }),
      signal({ combinedConfidence: 999999999999999.9, winProbability: -12.5 }),
      signal({ combinedConfidence: raw(`'-0'::float8`), winProbability: raw(`'-0'::float8`) }),
      signal({ candleCloseTime: 9007199254740991, vetoes: ['', ' ', 'a", "b', 'x\\", "y'] }),
      signal({ stopLoss: raw(`1e-8::numeric`), takeProfit: raw(`104.000000000000000001`) }),
      signal({ createdAt: at('2026-03-01 10:00:00.1+00'), expiresAt: at('2026-03-01 12:00:00+00') }),
      signal({
        createdAt: at('2026-03-01 09:59:59.999999+00'),
        expiresAt: at('2026-03-01 12:00:00.000001+00'),
      }),
      signal({ createdAt: at('2026-03-01 09:59:59.12+05:30'), expiresAt: at('2026-03-01 12:00:00.1234+00') }),
    ]);
    for (const limit of [1, 3, 50]) {
      const { ours, expected } = await both({ limit });
      expect(ours).toBeDefined();
      expect(ours).toBe(expected);
    }
    const { ours, expected } = await both({ limit: 50, status: 'EXECUTED', direction: 'LONG' });
    expect(ours).toBe(expected);
    const empty = await both({ limit: 50, symbol: 'NONEUSDT' });
    expect(empty.ours).toBe('{"items":[],"nextCursor":null}');
    expect(empty.ours).toBe(empty.expected);
  });

  it('leaves a page to signalDto when a row may print otherwise', async () => {
    const odd = [
      { combinedConfidence: 1e-5 }, // PostgreSQL prints 1e-05
      { winProbability: 1e15 }, // 1e+15
      { winProbability: raw(`'NaN'::float8`) }, // not JSON: zod refuses
      { candleCloseTime: raw(`9007199254740993`) }, // beyond 2^53
      { reasons: raw(`'[1, "a"]'::jsonb`) }, // not all strings: zod refuses
      { fixes: raw(`'{"a": "b"}'::jsonb`) }, // not a list
      { vetoes: raw(`'[null]'::jsonb`) },
      { vetoes: raw(`'"x"'::jsonb`) },
      { expiresAt: at('1999-12-31 23:59:59+00') }, // years before 2000 go through Date
      { expiresAt: at('infinity') },
    ];
    for (const [i, overrides] of odd.entries()) {
      const symbol = `ODD${i}USDT`;
      await insert([signal({ symbol }), signal({ symbol, ...overrides }), signal({ symbol })]);
      expect(await printedPage({ limit: 50, symbol }), JSON.stringify(overrides)).toBeUndefined();
      // The page before it still prints here, and as signalDto prints it.
      const before = await both({ limit: 1, symbol });
      expect(before.ours).toBeDefined();
      expect(before.ours).toBe(before.expected);
    }
  });

  it('prints rows once they have items (as the migration gives the rows already there), and keeps items in step with updates', async () => {
    const symbol = 'ITEMSUSDT';
    await insertWithoutItems([signal({ symbol }), signal({ symbol, fallback: null, winProbability: null })]);
    expect(await itemsWritten(symbol)).toBe(0);
    // Without items the page goes through signalDto; the migration's rewrite gives them theirs.
    expect(await printedPage({ limit: 50, symbol })).toBeUndefined();
    await store().db.execute(sql`update signals set status = status where symbol = ${symbol}`);
    expect(await itemsWritten(symbol)).toBe(2);
    const old = await both({ limit: 50, symbol });
    expect(old.ours).toBeDefined();
    expect(old.ours).toBe(old.expected);

    await insert([
      signal({ symbol, status: 'PENDING', outcome: null }),
      signal({ symbol, status: 'PENDING', outcome: null, reasons: [] }),
    ]);
    expect(await itemsWritten(symbol)).toBe(4);
    // What happens to a signal after it is written (executed, expired, its outcome) prints again.
    await store().db.execute(
      sql`update signals set status = 'EXECUTED', outcome = 'LOSS', outcome_source = 'REAL', outcome_pnl = -3.5, updated_at = now() where symbol = ${symbol} and outcome is null`,
    );
    expect(await itemsWritten(symbol)).toBe(4);
    const after = await both({ limit: 50, symbol });
    expect(after.ours).toBe(after.expected);
    const items = JSON.parse(after.ours!).items as { status: string; outcomePnl: string | null }[];
    expect(items.map((i) => i.status).filter((s) => s === 'EXECUTED').length).toBeGreaterThanOrEqual(2);
    expect(items.filter((i) => i.outcomePnl === '-3.5').length).toBe(2);
  });

  it('prints doubles exactly whatever the writing session sets extra_float_digits to', async () => {
    const symbol = 'DIGITSUSDT';
    // A client of old habits (extra_float_digits 0 prints 15 significant digits) writes the row.
    await store().db.transaction(async (tx) => {
      await tx.execute(sql`set local extra_float_digits = 0`);
      await tx
        .insert(tables.signals)
        .values([signal({ symbol, combinedConfidence: 0.30000000000000004, winProbability: 2 / 3 })]);
    });
    expect(await itemsWritten(symbol)).toBe(1);
    const { ours, expected } = await both({ limit: 50, symbol });
    expect(ours).toBe(expected);
    expect(ours).toContain('"confidence":0.30000000000000004');
  });
});
