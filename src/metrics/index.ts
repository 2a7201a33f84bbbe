/**
 * metrics: the Prometheus registry the whole process shares, served by the API at GET /metrics.
 * Entry point: createMetrics(options) -> Metrics, created once in the composition root and passed
 * to whoever records (API, scheduler, execution, reconciliation). A module that needs a metric not
 * listed here registers its own on `metrics.registry`:
 *   new Counter({ name: 'neurotrade_x_total', help: '...', registers: [metrics.registry] })
 * Invariant: labels have bounded cardinality (route templates, outcomes, kinds; never user ids,
 * order ids or raw URLs).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC). On in the server, off in tests. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'neurotrade_' });
  const registers = [registry];
  return {
    registry,
    /** Every HTTP request, by route template (not raw URL), method and status code. */
    apiLatency: new Histogram({
      name: 'neurotrade_api_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    /** One market scan, screener to stored signals; outcome: ok | failed | skipped (overran its slot). */
    scanDuration: new Histogram({
      name: 'neurotrade_scan_duration_seconds',
      help: 'Duration of one market scan',
      labelNames: ['profile', 'outcome'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    }),
    /** Signals produced, by direction and status (PENDING, REJECTED, ...). */
    signals: new Counter({
      name: 'neurotrade_signals_total',
      help: 'Signals produced by the pipeline',
      labelNames: ['direction', 'status'] as const,
      registers,
    }),
    /** Order commands by mode (PAPER | REAL), leg family and outcome (confirmed, rejected, denied, unknown). */
    orders: new Counter({
      name: 'neurotrade_orders_total',
      help: 'Order commands by mode, leg and outcome',
      labelNames: ['mode', 'leg', 'outcome'] as const,
      registers,
    }),
    /** Differences reconciliation found and acted on, by kind (adopted, vanished, missing_stop, orphan_stop...). */
    reconciliationDifferences: new Counter({
      name: 'neurotrade_reconciliation_differences_total',
      help: 'Differences between the exchange and the database found by reconciliation',
      labelNames: ['kind'] as const,
      registers,
    }),
    /** Open live-event streams, and streams dropped because the client could not keep up. */
    eventStreams: new Gauge({
      name: 'neurotrade_event_streams',
      help: 'Open live-event (SSE) streams',
      registers,
    }),
    eventStreamsDropped: new Counter({
      name: 'neurotrade_event_streams_dropped_total',
      help: 'Live-event streams closed by the server, by reason (slow, expired, limit)',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
