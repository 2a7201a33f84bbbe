import { describe, expect, it } from 'vitest';
import { createGrouped } from './grouped.js';

/** A fake table: `many` writes all or nothing, like one statement; every call is logged. */
function table(options: { refuse?: (n: number) => boolean; maxBatch?: number } = {}) {
  const rows: number[] = [];
  const statements: number[][] = [];
  const check = (n: number) => {
    // As PostgreSQL refuses a statement: with a SQLSTATE (here a unique violation).
    if (options.refuse?.(n)) throw Object.assign(new Error(`row ${n} refused`), { code: '23505' });
  };
  const write = createGrouped<number, string>({
    async one(n) {
      await Promise.resolve();
      statements.push([n]);
      check(n);
      rows.push(n);
      return `row ${n}`;
    },
    async many(items) {
      await Promise.resolve();
      statements.push([...items]);
      for (const n of items) check(n); // all or nothing
      rows.push(...items);
      return items.map((n) => (n < 0 ? new Error(`no row for ${n}`) : `row ${n}`));
    },
    key: (n) => String(Math.abs(n) % 100),
    maxBatch: options.maxBatch,
  });
  return { write, rows, statements };
}

describe('grouped statements', () => {
  it('writes a lone call at once, alone; calls arriving meanwhile together, each answered its own', async () => {
    const t = table();
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => t.write(n)));
    expect(answers).toEqual(['row 1', 'row 2', 'row 3', 'row 4', 'row 5']);
    expect(t.statements).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('settles a caller only after the statement carrying its row', async () => {
    const t = table();
    const first = t.write(1);
    const second = t.write(2);
    expect(await second).toBe('row 2');
    expect(t.rows).toContain(2);
    await first;
  });

  it('writes a failed statement again row by row: only the bad row’s caller sees an error', async () => {
    const t = table({ refuse: (n) => n === 3 });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => t.write(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'row 1',
      'row 2',
      'row 3 refused',
      'row 4',
    ]);
    // Nothing of the failed statement was kept; every good row is written exactly once.
    expect([...t.rows].sort()).toEqual([1, 2, 4]);
    expect(t.statements).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('sends nothing again when a statement’s outcome is unknown: every caller of it gets the error', async () => {
    const statements: number[][] = [];
    const write = createGrouped<number, string>({
      async one(n) {
        statements.push([n]);
        return `row ${n}`;
      },
      async many(items) {
        statements.push([...items]);
        throw new Error('Connection terminated unexpectedly'); // no SQLSTATE: it may have committed
      },
      key: String,
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => write(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'row 1',
      'Connection terminated unexpectedly',
      'Connection terminated unexpectedly',
    ]);
    expect(statements).toEqual([[1], [2, 3]]);
  });

  it('rejects only the caller whose row the statement answered with an error', async () => {
    const t = table();
    const outcomes = await Promise.allSettled([1, 2, -3, 4].map((n) => t.write(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe('no row for -3');
  });

  it('never puts one key twice in a statement, and keeps each key’s calls in order', async () => {
    const t = table();
    await Promise.all([1, 2, 102, 3, 202, 4].map((n) => t.write(n)));
    expect(t.statements).toEqual([[1], [2, 3, 4], [102], [202]]);
  });

  it('bounds a statement at maxBatch rows', async () => {
    const t = table({ maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => t.write(n)));
    expect(t.statements).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('answers every caller even when the single-row write throws before returning a promise', async () => {
    const write = createGrouped<number, number>({
      one: () => {
        throw new Error('thrown at once');
      },
      many: async (items) => [...items],
      key: String,
    });
    await expect(write(1)).rejects.toThrow('thrown at once');
    await expect(write(2)).rejects.toThrow('thrown at once');
  });
});
