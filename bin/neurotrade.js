#!/usr/bin/env node
// The `neurotrade` command. Runs the compiled CLI when `npm run build` has produced dist/,
// otherwise the TypeScript sources through tsx (a runtime dependency), so a fresh clone works
// after `npm ci` alone.
// First: V8's tuning, before any of our modules load (see ./v8-budget.js).
import './v8-budget.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'index.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href);
}
