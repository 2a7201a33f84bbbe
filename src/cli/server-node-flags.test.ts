import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './server-node-flags.js';

describe('the server node flags', () => {
  it('are what `npm start` passes to node', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const command = /node (.*)bin\/neurotrade\.js start/.exec(pkg.scripts.start)?.[1] ?? '';
    expect(command.trim().split(' ')).toEqual([...SERVER_NODE_FLAGS]);
  });

  it('give node a young generation of 64 MB semi-spaces (Node 20 gives 16)', () => {
    const size = (flags: readonly string[]) =>
      Number(
        execFileSync(process.execPath, [
          ...flags,
          '-e',
          // Enough surviving young objects for the young generation to grow to its largest size
          // with either setting, even on a loaded machine (3e6 and 1e5 reached 32 MB against 32 in
          // a busy CI run; this reached 128 against 32 in 5 of 5 runs, 4 beside two busy processes).
          `const v8 = require('v8'); const keep = [];
           for (let i = 0; i < 3e7; i++) { keep.push({ i }); if (keep.length > 1e6) keep.length = 0; }
           process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))`,
        ]),
      );
    expect(size(SERVER_NODE_FLAGS)).toBeGreaterThanOrEqual(2 * size([]));
  });
});
