import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, openMigratedMemoryStore, queryRows, templateFile, templateKey } from './index.js';

const dirs: string[] = [];
/** A cache directory of its own per test: the in-process template is kept per directory. */
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nt-template-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const usersCount = async (store: Awaited<ReturnType<typeof openMigratedMemoryStore>>) =>
  (await queryRows<{ n: number }>(store.db, sql`select count(*)::int as n from users`))[0]!.n;

describe('migrated in-memory stores from a template', () => {
  it('are migrated and separate; the template is written once to the cache directory', async () => {
    const dir = cacheDir();
    const first = await openMigratedMemoryStore(dir);
    try {
      expect((await first.migrationStatus()).applied).toBe(listMigrations().length);
      const file = templateFile(dir);
      expect(file).toContain(templateKey());
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
      // Only the template: no temporary file left behind.
      expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
      await first.db.execute(sql`insert into users (email, password_hash) values ('a@example.com', 'x')`);
      const second = await openMigratedMemoryStore(dir);
      try {
        expect(await usersCount(first)).toBe(1);
        expect(await usersCount(second)).toBe(0);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });

  it('rebuild a template file that does not start, and replace it', async () => {
    const dir = cacheDir();
    const file = templateFile(dir);
    writeFileSync(file, 'not a database dump');
    const store = await openMigratedMemoryStore(dir);
    try {
      expect((await store.migrationStatus()).applied).toBe(listMigrations().length);
      expect(await usersCount(store)).toBe(0);
    } finally {
      await store.close();
    }
    expect(readFileSync(file).byteLength).toBeGreaterThan(1_000_000);
  });

  it('still open when the cache directory cannot be written', async () => {
    const blocker = join(cacheDir(), 'a-file');
    writeFileSync(blocker, '');
    const dir = join(blocker, 'cache'); // a directory under a file: mkdir fails
    const store = await openMigratedMemoryStore(dir);
    try {
      expect((await store.migrationStatus()).applied).toBe(listMigrations().length);
    } finally {
      await store.close();
    }
    expect(existsSync(dir)).toBe(false);
  });
});
