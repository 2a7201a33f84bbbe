/**
 * CPU time read from /proc (Linux): what a piece of work costs a process, whatever else the
 * machine is doing at the time (wall-clock figures on a shared 2-core machine are not).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** User + system CPU (ms) the process has used so far. NaN where /proc is absent. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (USER_HZ = 100).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU (ms) used so far by the PostgreSQL backends serving `database` (their title names it:
 * "postgres: user database host(port) state"). A local server only: NaN when none is seen.
 * Backends that ended are not counted, so read it around work done on a pool that stays open.
 */
export function postgresBackendsCpuMs(database: string): number {
  let total = 0;
  let seen = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return Number.NaN;
  }
  for (const pid of pids) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.split(' ').includes(database)) continue;
      const ms = processCpuMs(Number(pid));
      if (Number.isFinite(ms)) {
        total += ms;
        seen++;
      }
    } catch {
      // the backend ended while we looked
    }
  }
  return seen > 0 ? total : Number.NaN;
}

/**
 * User + system CPU (ms) of a process and all its descendants (`neurotrade start` with
 * API_PROCESSES forks its servers). Children that ended are not counted.
 */
export function processTreeCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const children = new Map<number, number[]>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    return Number.NaN;
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop()!;
    const ms = processCpuMs(next);
    if (Number.isFinite(ms)) total += ms;
    stack.push(...(children.get(next) ?? []));
  }
  return total;
}
