/**
 * Migrated in-memory databases without PGlite's initdb. A fresh embedded database runs initdb and
 * then every migration (5–8 s in a new process on this project's machines), while starting from a
 * dump of one already migrated (PGlite's dumpDataDir) takes ~1.5 s. The dump is kept in the process
 * and, given a cache directory, in a file there named by a hash of the PGlite version and the
 * checked-in migrations: another PGlite or a new migration makes another file, so a start never
 * comes from a stale schema. The file is written under a temporary name and renamed (a process
 * never reads another's half-written file); one that does not start is removed and built again.
 * A cache directory that cannot be written only costs the saving.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './database.js';
import { MIGRATIONS_DIR } from './migrations.js';

/** The project's own cache folder (node_modules/.cache, as build tools keep theirs). */
export const DEFAULT_TEMPLATE_CACHE_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/neurotrade', import.meta.url),
);

interface Dumpable {
  dumpDataDir(compression: 'none'): Promise<Blob>;
}

/** PGlite's version and every migration file (names and contents), hashed: the template's identity. */
export function templateKey(): string {
  const hash = createHash('sha256');
  const pglitePackage = join(
    dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')),
    '..',
    'package.json',
  );
  hash.update(`pglite ${(JSON.parse(readFileSync(pglitePackage, 'utf8')) as { version: string }).version}\n`);
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else hash.update(`${prefix}${entry.name}\n`).update(readFileSync(path)).update('\n');
    }
  };
  walk(MIGRATIONS_DIR, '');
  return hash.digest('hex').slice(0, 24);
}

/** Where the template for this PGlite and these migrations lives in `cacheDir`. */
export function templateFile(cacheDir: string): string {
  return join(cacheDir, `pglite-migrated-${templateKey()}.tar`);
}

/** A fresh embedded database, migrated, as a dump (PGlite's initdb and every migration: seconds). */
export async function buildMigratedDump(): Promise<Blob> {
  const store = await openStore({ memory: true });
  try {
    await store.migrate();
    return await (store.db as unknown as { $client: Dumpable }).$client.dumpDataDir('none');
  } finally {
    await store.close();
  }
}

function readCached(file: string): Blob | undefined {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined; // absent (or unreadable): built below
  }
}

/** Remove a file if it is there; a path that cannot hold one (under a file, say) has none. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing there to remove
  }
}

async function writeCached(file: string, dump: Blob): Promise<void> {
  const temporary = `${file}.${randomUUID()}.partial`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, file);
  } catch {
    removeQuietly(temporary); // a read-only or full disk: the process keeps its copy
  }
}

/** One template per cache directory ('' for none) and process. */
const inProcess = new Map<string, Promise<Blob>>();

function template(cacheDir: string | undefined, fromDisk: boolean): Promise<Blob> {
  const key = cacheDir ?? '';
  let made = inProcess.get(key);
  if (!made) {
    made = (async () => {
      const file = cacheDir === undefined ? undefined : templateFile(cacheDir);
      const cached = file && fromDisk ? readCached(file) : undefined;
      if (cached) return cached;
      const built = await buildMigratedDump();
      if (file) await writeCached(file, built);
      return built;
    })();
    inProcess.set(key, made);
    made.catch(() => inProcess.delete(key));
  }
  return made;
}

/**
 * A fresh, migrated, in-memory embedded store, from the template when there is one (see above).
 * `cacheDir` undefined keeps the template in this process only.
 */
export async function openMigratedMemoryStore(cacheDir?: string): Promise<Store> {
  let store: Store;
  try {
    store = await openStore({ memory: true, template: await template(cacheDir, true) });
  } catch {
    // A template that does not start (a damaged file): forget it, build it again once.
    inProcess.delete(cacheDir ?? '');
    if (cacheDir !== undefined) removeQuietly(templateFile(cacheDir));
    store = await openStore({ memory: true, template: await template(cacheDir, false) });
  }
  // A no-op on the template's schema; it states the invariant that the store is fully migrated.
  await store.migrate();
  return store;
}
