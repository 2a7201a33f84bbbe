/**
 * Runs once before the suite: builds a migrated PGlite database and saves its dump, so every store
 * suite starts from it instead of paying PGlite's initdb again (see forEachStore).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildMigratedDump } from '../../src/store/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'nt-pglite-template-'));
  const file = join(dir, 'migrated.tar');
  const dump = await buildMigratedDump();
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
