import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessClaims, createHarness, type Harness } from '../../test/api/harness.js';
import { createEventBus } from '../events/index.js';
import { createMetrics } from '../metrics/index.js';
import { openStore, type Store } from '../store/index.js';

interface Frame {
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over a real socket. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const frames: Frame[] = [];
  let buffer = '';
  let response: IncomingMessage | undefined;
  const ended = new Promise<void>((resolve) => {
    const req = get(url, { headers }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx = buffer.indexOf('\n\n');
        while (idx >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data = line.slice(6);
          }
          frames.push(frame);
          idx = buffer.indexOf('\n\n');
        }
      });
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
  });
  const waitFor = async (predicate: (f: Frame[]) => boolean, ms = 3_000) => {
    const deadline = Date.now() + ms;
    while (!predicate(frames)) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { frames, ended, waitFor, status: () => response?.statusCode, close: () => response?.destroy() };
}

describe('live events (SSE)', () => {
  let store: Store;
  let h: Harness;
  let base: string;
  const events = createEventBus();
  const metrics = createMetrics();
  const token = (sub: string, exp?: number) =>
    h.forge({ alg: 'HS256', typ: 'JWT' }, { ...accessClaims(sub), ...(exp ? { exp } : {}) });

  beforeAll(async () => {
    store = await openStore({ memory: true });
    h = await createHarness(store, {
      events,
      metrics,
      stream: { heartbeatMs: 50, maxBufferedBytes: 256 * 1024, maxStreamsPerUser: 2 },
    });
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await h?.close();
    await store?.close();
  });

  it("delivers the user's own events and broadcasts, prices only for listed symbols, never another user's", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const a = openStream(`${base}/api/events?token=${token(alice)}&symbols=btcusdt`);
    const b = openStream(`${base}/api/events`, { authorization: `Bearer ${token(bob)}` });
    await a.waitFor((f) => f.some((x) => x.event === 'hello'));
    await b.waitFor((f) => f.some((x) => x.event === 'hello'));
    events.publish(alice, { type: 'position', at: 1, symbol: 'ETHUSDT', data: { secretOfAlice: 1 } });
    events.publish(null, { type: 'price', at: 2, symbol: 'BTCUSDT', data: { price: '1' } });
    events.publish(null, { type: 'price', at: 3, symbol: 'ETHUSDT', data: { price: '2' } });
    events.publish(null, { type: 'signal', at: 4, symbol: 'SOLUSDT', data: { id: 's1' } });
    await a.waitFor((f) => f.some((x) => x.event === 'signal'));
    await b.waitFor((f) => f.some((x) => x.event === 'signal'));
    await a.waitFor((f) => f.some((x) => x.comment?.startsWith('heartbeat')));
    const kinds = (s: typeof a) =>
      s.frames
        .filter((f) => f.event)
        .map((f) => `${f.event}:${f.data ? (JSON.parse(f.data).symbol ?? '') : ''}`);
    expect(kinds(a)).toEqual(['hello:', 'position:ETHUSDT', 'price:BTCUSDT', 'signal:SOLUSDT']);
    expect(kinds(b)).toEqual(['hello:', 'signal:SOLUSDT']);
    expect(b.frames.map((f) => f.data ?? '').join('')).not.toContain('secretOfAlice');
    a.close();
    b.close();
    await Promise.all([a.ended, b.ended]);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.subscriberCount()).toBe(0);
  });

  it('refuses bad tokens and too many streams per user', async () => {
    const none = openStream(`${base}/api/events`);
    await none.ended;
    expect(none.status()).toBe(401);
    const algNone = openStream(
      `${base}/api/events?token=${h.forge({ alg: 'none' }, accessClaims(randomUUID()))}`,
    );
    await algNone.ended;
    expect(algNone.status()).toBe(401);
    const user = randomUUID();
    const s1 = openStream(`${base}/api/events?token=${token(user)}`);
    const s2 = openStream(`${base}/api/events?token=${token(user)}`);
    await s1.waitFor((f) => f.length > 0);
    await s2.waitFor((f) => f.length > 0);
    const s3 = openStream(`${base}/api/events?token=${token(user)}`);
    await s3.ended;
    expect(s3.status()).toBe(429);
    s1.close();
    s2.close();
  });

  it('ends the stream when the access token expires', async () => {
    const s = openStream(
      `${base}/api/events?token=${token(randomUUID(), Math.floor(Date.now() / 1000) + 1)}`,
    );
    await s.waitFor((f) => f.some((x) => x.event === 'expired'), 3_000);
    await s.ended;
  });

  it('drops a client that does not read, without slowing the publisher', async () => {
    const user = randomUUID();
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET /api/events?token=${token(user)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    socket.pause();
    const deadline = Date.now() + 10_000;
    while (events.subscriberCount(user) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    const payload = 'x'.repeat(64 * 1024);
    let slowest = 0;
    let published = 0;
    while (events.subscriberCount(user) > 0 && Date.now() < deadline) {
      const t0 = performance.now();
      events.publish(user, { type: 'balance', at: published, data: { payload } });
      slowest = Math.max(slowest, performance.now() - t0);
      published++;
      await new Promise((r) => setImmediate(r));
    }
    expect(events.subscriberCount(user)).toBe(0);
    expect(published).toBeGreaterThan(3);
    expect(slowest).toBeLessThan(50);
    const text = await metrics.registry.getSingleMetricAsString('neurotrade_event_streams_dropped_total');
    expect(text).toMatch(/reason="slow"\} 1/);
    socket.destroy();
  });

  it('closes open streams on shutdown instead of hanging it', async () => {
    const other = await createHarness(store, { events });
    const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const s = openStream(
      `${url}/api/events?token=${other.forge({ alg: 'HS256', typ: 'JWT' }, accessClaims(randomUUID()))}`,
    );
    await s.waitFor((f) => f.some((x) => x.event === 'hello'));
    await other.close();
    await s.ended;
    expect(s.frames.at(-1)?.event).toBe('bye');
  });
});
