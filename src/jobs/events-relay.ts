/**
 * Live events across processes. Under scale-out the account's events (position, order, balance,
 * risk, account) are published by the worker that trades it, and new signals by the worker that
 * ran the scan, while the user's dashboard may be connected to another process's API. Each process
 * relays what it publishes through PostgreSQL NOTIFY (batched, at most a few per burst) and
 * republishes what the others relay on its own bus. Prices and whale events are not relayed:
 * every process has its own market feed and publishes them itself.
 */
import pg from 'pg';
import type { EventBus, LiveEvent } from '../events/index.js';
import type { Logger } from '../logging/index.js';

export const EVENTS_CHANNEL = 'neurotrade_events';
/** NOTIFY payloads are limited to 8000 bytes. */
const MAX_PAYLOAD = 7_500;
const LOCAL_ONLY = new Set<LiveEvent['type']>(['price', 'whale']);

interface Item {
  u: string | null;
  e: LiveEvent;
}

export interface EventsRelay {
  /** The bus to publish on: local delivery at once, and relayed to the other processes. */
  wrap(bus: EventBus): EventBus;
  close(): Promise<void>;
}

export async function openEventsRelay(options: {
  databaseUrl: string;
  workerId: string;
  logger: Logger;
}): Promise<EventsRelay> {
  const { workerId, logger } = options;
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    application_name: `neurotrade-events:${workerId}`,
    keepAlive: true,
  });
  client.on('error', (err) => logger.warn({ err: err.message }, 'live-event relay connection failed'));
  await client.connect();
  await client.query(`listen ${EVENTS_CHANNEL}`);
  let target: EventBus | undefined;
  client.on('notification', (msg) => {
    if (msg.channel !== EVENTS_CHANNEL || !target || !msg.payload) return;
    try {
      const { o, items } = JSON.parse(msg.payload) as { o: string; items: Item[] };
      if (o === workerId) return;
      for (const item of items) target.publish(item.u, item.e);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'a relayed live event could not be read');
    }
  });

  let buffer: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> = Promise.resolve();
  let closed = false;
  const flush = () => {
    timer = undefined;
    const items = buffer;
    buffer = [];
    const chunks: string[] = [];
    let current: string[] = [];
    let size = 0;
    for (const item of items) {
      if (item.length > MAX_PAYLOAD - 64) {
        logger.warn({ bytes: item.length }, 'live event too large to relay: delivered locally only');
        continue;
      }
      if (size + item.length > MAX_PAYLOAD - 64 && current.length > 0) {
        chunks.push(`{"o":${JSON.stringify(workerId)},"items":[${current.join(',')}]}`);
        current = [];
        size = 0;
      }
      current.push(item);
      size += item.length + 1;
    }
    if (current.length > 0) chunks.push(`{"o":${JSON.stringify(workerId)},"items":[${current.join(',')}]}`);
    // One connection, in order: relayed events keep the order they were published in.
    sending = sending.then(async () => {
      for (const chunk of chunks) {
        if (closed) return;
        await client
          .query('select pg_notify($1, $2)', [EVENTS_CHANNEL, chunk])
          .catch((err: Error) => logger.warn({ err: err.message }, 'relaying live events failed'));
      }
    });
  };

  return {
    wrap(bus) {
      target = bus;
      return {
        ...bus,
        publish(userId, event) {
          bus.publish(userId, event);
          if (closed || LOCAL_ONLY.has(event.type)) return;
          buffer.push(JSON.stringify({ u: userId, e: event }));
          timer ??= setTimeout(flush, 10);
        },
      };
    },
    async close() {
      if (timer) clearTimeout(timer);
      if (buffer.length > 0) flush();
      await sending;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}
