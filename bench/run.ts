/**
 * `npm run bench [name ...]`: runs every suite in bench/suites (or the named ones), each printing
 * its own markdown table. Figures are medians of repeated runs; peers run side by side in the
 * same process so ratios are fair. Copy the output into bench/RESULTS.md with date and machine.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'suites');
const wanted = process.argv.slice(2);
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

console.log(
  `# NeuroTrade benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
);
for (const name of suites) {
  console.log(`## ${name}\n`);
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { run: () => Promise<void> };
  await mod.run();
  console.log('');
}
