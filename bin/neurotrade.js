#!/usr/bin/env node
// The `neurotrade` command. Runs the compiled CLI when `npm run build` has produced dist/,
// otherwise the TypeScript sources through tsx (a runtime dependency), so a fresh clone works
// after `npm ci` alone.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Before any of our modules load: V8 hands a function to its optimising compiler once it has run
// this much bytecode (default 67,584). A backtest pass calls its trade path and its analysts a
// few thousand times, and at the default V8 compiles them for longer than they run: in a cold
// pass its compiler threads used about as much CPU as the pipeline itself. Twice the budget: the
// command's candles per CPU-second 263,685 -> 304,395 (+15 %), wall clock 413,282 -> 423,788
// (medians of 10 fresh processes each, in turns). Four times saved no more CPU and cost wall
// clock (394,714). Hot loops optimise all the same. A budget given to node itself wins (to measure).
if (!process.execArgv.some((flag) => flag.startsWith('--interrupt-budget')))
  setFlagsFromString('--interrupt-budget=135168');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'index.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href);
}
