import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dec } from '../domain/index.js';
import { numericText, positionDto, signalDto } from './dto.js';
import { balanceBody, errorBody, page, positionBody, settingsBody, signalBody } from './schemas.js';
import { COPY_MISS, compileResponseCopy, responseSerializerCompiler } from './serializer.js';

const route = (schema: unknown) => ({ schema, method: 'GET', url: '/x', httpStatus: '200' });
const ours = (schema: z.ZodType) =>
  responseSerializerCompiler(route(schema) as never) as (data: unknown) => string;
const zods = (schema: z.ZodType) =>
  zodSerializerCompiler(route(schema) as never) as (data: unknown) => string;

/** Our body and zod's, or each one's error. */
function both(schema: z.ZodType, data: unknown) {
  const run = (f: (d: unknown) => string) => {
    try {
      return { body: f(data) };
    } catch (err) {
      return { error: (err as Error).constructor.name };
    }
  };
  return { ours: run(ours(schema)), zod: run(zods(schema)) };
}

const row = {
  id: '7b2a447b-96c2-4cc5-8cc3-63ac53a15e91',
  userId: 'b1c4c0a4-1111-4bbb-8888-000000000001',
  signalId: null,
  symbol: 'BTCUSDT',
  direction: 'LONG' as const,
  mode: 'PAPER' as const,
  status: 'OPEN' as const,
  qty: '0.50000000',
  filledQty: '0.500',
  entryPrice: '50000.10',
  stopLoss: '49000',
  takeProfit: null,
  margin: '25.00',
  leverage: 5,
  exitPrice: null,
  fees: '0.020000',
  pnl: null,
  pnlPercent: '-6.000000',
  closeReason: null,
  unprotectedSince: new Date('2026-02-27T10:00:00.123Z'),
  adopted: false,
  openedAt: new Date('2026-02-01T00:00:00Z'),
  closedAt: null,
  createdAt: new Date('2026-02-01T00:00:00Z'),
  updatedAt: new Date('2026-02-02T00:00:00Z'),
};

describe('numericText', () => {
  it('prints a NUMERIC text exactly as dec(text).toFixed() does', () => {
    const cases = ['0', '-0', '0.000', '-0.000', '25.00', '0.50000000', '-1.5000', '100', '1000.0001', '-7'];
    // Random plain numerics as PostgreSQL prints them: scales 0-20, up to 45 integer digits.
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const intDigits = rand(4) === 0 ? '0' : String(1 + rand(9)) + '7'.repeat(rand(3) * rand(15));
      const scale = rand(21);
      const frac = Array.from({ length: scale }, () => (rand(3) === 0 ? '0' : String(rand(10)))).join('');
      cases.push(`${rand(2) ? '-' : ''}${intDigits}${scale ? `.${frac}` : ''}`);
    }
    for (const text of cases) expect(numericText(text), text).toBe(dec(text).toFixed());
  });

  it('leaves anything else to dec(): the same value, or the same error', () => {
    expect(numericText('1e-7')).toBe('0.0000001');
    expect(numericText('007.50')).toBe('7.5');
    expect(numericText('.5')).toBe('0.5');
    for (const bad of ['NaN', 'Infinity', 'abc', '']) expect(() => numericText(bad)).toThrow(TypeError);
  });

  it('gives a position row the body its Position gives', () => {
    const mark = dec('51000.1');
    const position = {
      ...row,
      qty: dec(row.qty),
      filledQty: dec(row.filledQty),
      entryPrice: dec(row.entryPrice),
      stopLoss: dec(row.stopLoss),
      takeProfit: null,
      margin: dec(row.margin),
      exitPrice: null,
      fees: dec(row.fees),
      pnl: null,
      pnlPercent: dec(row.pnlPercent),
    };
    for (const m of [mark, undefined]) {
      expect(JSON.stringify(positionDto(row, m))).toBe(JSON.stringify(positionDto(position, m)));
    }
    expect(positionDto(row, mark)).toMatchObject({ qty: '0.5', margin: '25', unrealizedPnl: '500' });
  });
});

describe('response serializer', () => {
  const positions = page(positionBody);
  const signals = page(signalBody);
  const signal = {
    ...signalDto({
      id: 's1',
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      status: 'PENDING',
      combinedConfidence: 71.5,
      entryType: 'MARKET',
      entry: '100.5',
      stopLoss: '98',
      takeProfit: '104.0000',
      analyst: 'rule',
      fallback: null,
      winProbability: 0.61,
      candleCloseTime: 1772000000000,
      fixes: [],
      vetoes: ['risk "cap" é'],
      reasons: ['trend up'],
      outcome: null,
      outcomeSource: null,
      outcomePnl: '1.25',
      expiresAt: new Date('2026-02-01T02:00:00Z'),
      createdAt: new Date('2026-02-01T00:00:00Z'),
    }),
  };

  it('compiles the list schemas (no zod encode per response)', () => {
    const copy = compileResponseCopy(positions)!;
    expect(copy).toBeDefined();
    expect(copy({ items: [positionDto(row, undefined)], nextCursor: null })).not.toBe(COPY_MISS);
    expect(compileResponseCopy(signals)).toBeDefined();
  });

  it('writes what zod writes: listed keys only, in the schema order', () => {
    const dto = positionDto(row, dec('51000'));
    const cases: [z.ZodType, unknown][] = [
      [
        positions,
        { items: [dto, positionDto({ ...row, status: 'CLOSED_WIN' }, undefined)], nextCursor: 'c' },
      ],
      // Unknown keys at every level are dropped: a leaking DTO leaks nothing.
      [positions, { nextCursor: null, secret: 'x', items: [{ passwordHash: 'h', ...dto, apiSecret: 's' }] }],
      // Keys in another order come out in the schema's order.
      [positions, { items: [Object.fromEntries(Object.entries(dto).reverse())], nextCursor: null }],
      [signals, { items: [signal, { ...signal, fixes: ['a'], fallback: 'llm-down' }], nextCursor: null }],
      [
        signalBody.extend({ screen: z.unknown(), features: z.unknown() }),
        { ...signal, screen: { a: [1, { b: null }] }, features: null },
      ],
      [balanceBody, { mode: 'REAL', wallet: null, available: '1', asOf: null, ageMs: null, source: 'x' }],
      [
        settingsBody,
        {
          mode: 'PAPER',
          fixedMargin: '10',
          leverage: 5,
          autoTrade: true,
          minConfidence: 60,
          scanProfile: 'normal',
          riskState: 'ACTIVE',
        },
      ],
      [errorBody, { error: { code: 'NOT_FOUND', message: 'm', fields: { a: 'b' } }, extra: 1 }],
      [z.object({ a: z.string().optional(), b: z.number() }), { b: 1 }],
      [z.object({ a: z.string().optional(), b: z.number() }), { a: undefined, b: 1 }],
    ];
    for (const [schema, data] of cases) {
      const r = both(schema, data);
      expect(r.ours.body).toBeDefined();
      expect(r.ours).toEqual(r.zod);
    }
    const body = JSON.parse(both(positions, cases[1]![1]).ours.body!);
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|apiSecret|secret/);
  });

  it('fails exactly where zod fails', () => {
    const dto = positionDto(row, undefined);
    const bad: [z.ZodType, unknown][] = [
      [positions, { items: [{ ...dto, status: 3 }], nextCursor: null }],
      [positions, { items: [{ ...dto, direction: 'UP' }], nextCursor: null }],
      [positions, { items: [{ ...dto, leverage: Number.NaN }], nextCursor: null }],
      [positions, { items: [{ ...dto, qty: dec('1') }], nextCursor: null }],
      [positions, { items: [{ ...dto, createdAt: undefined }], nextCursor: null }],
      [positions, { items: {}, nextCursor: null }],
      [positions, null],
      [
        settingsBody,
        {
          mode: 'PAPER',
          fixedMargin: '10',
          leverage: 1.5,
          autoTrade: true,
          minConfidence: 60,
          scanProfile: 'normal',
          riskState: 'ACTIVE',
        },
      ],
      [signalBody.extend({ screen: z.unknown() }), { ...signal }],
    ];
    for (const [schema, data] of bad) {
      const r = both(schema, data);
      expect(r.zod.error).toBe('ResponseSerializationError');
      expect(r.ours).toEqual(r.zod);
    }
  });
});
