import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { silentLogger } from '../logging/index.js';
import { createScheduler } from './scheduler.js';

const gate = () => {
  let release: () => void = () => {};
  const promise = new Promise<void>((r) => {
    release = r;
  });
  return { promise, release };
};

forEachStore('scheduler', ({ store, kind, openAnother }) => {
  it('skips a tick while a scan is still running, instead of stacking it', async () => {
    const g = gate();
    let scans = 0;
    const scheduler = createScheduler({
      store: store(),
      logger: silentLogger,
      profile: 'normal',
      now: () => Date.now(),
      scan: async () => {
        scans++;
        await g.promise;
      },
    });
    const first = scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    expect(scheduler.running).toBe(true);
    await expect(scheduler.tick()).resolves.toEqual({ ran: false, reason: 'overrun' });
    g.release();
    await expect(first).resolves.toMatchObject({ ran: true });
    expect(scans).toBe(1);
    await expect(scheduler.tick()).resolves.toMatchObject({ ran: true });
    expect(scans).toBe(2);
    await scheduler.stop();
  });

  it('waits for the scan in flight when stopped, then runs nothing more', async () => {
    const g = gate();
    let finished = false;
    const scheduler = createScheduler({
      store: store(),
      logger: silentLogger,
      profile: 'aggressive',
      now: () => Date.now(),
      scan: async () => {
        await g.promise;
        finished = true;
      },
    });
    void scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    const stopping = scheduler.stop();
    setTimeout(g.release, 30);
    await stopping;
    expect(finished).toBe(true);
    await expect(scheduler.tick()).resolves.toEqual({ ran: false, reason: 'stopped' });
  });

  it('reports a failed scan and keeps going', async () => {
    let n = 0;
    const scheduler = createScheduler({
      store: store(),
      logger: silentLogger,
      profile: 'slow',
      now: () => Date.now(),
      scan: async () => {
        n++;
        if (n === 1) throw new Error('exchange down');
      },
    });
    await expect(scheduler.tick()).resolves.toMatchObject({ ran: false, reason: 'failed' });
    await expect(scheduler.tick()).resolves.toMatchObject({ ran: true });
    await scheduler.stop();
  });

  it.runIf(kind === 'postgres')('runs one scan at a time across two processes', async () => {
    const other = await openAnother();
    const g = gate();
    let concurrent = 0;
    let maxConcurrent = 0;
    const scan = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await g.promise;
      concurrent--;
    };
    const a = createScheduler({
      store: store(),
      logger: silentLogger,
      profile: 'normal',
      now: Date.now,
      scan,
    });
    const b = createScheduler({ store: other, logger: silentLogger, profile: 'normal', now: Date.now, scan });
    const first = a.tick();
    await new Promise((r) => setTimeout(r, 50));
    await expect(b.tick()).resolves.toEqual({ ran: false, reason: 'locked-elsewhere' });
    g.release();
    await first;
    expect(maxConcurrent).toBe(1);
    await expect(b.tick()).resolves.toMatchObject({ ran: true });
  });
});
