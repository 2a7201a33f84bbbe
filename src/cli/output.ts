/**
 * The CLI's output helper: results go to stdout (so `--json` can be piped), messages for people
 * to stderr. Commands never call console directly for results.
 */
export const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
export const info = (text: string): void => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
};
export const printJson = (value: unknown): void => out(JSON.stringify(value, null, 2));

/** A bad argument: the message goes to stderr and the process exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
