/** Prometheus instruments for /metrics: one registry per app so tests and processes don't collide. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Telemetry {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly cacheRequests: Counter<'outcome'>;
  readonly cacheErrors: Counter;
  readonly engineDuration: Histogram<'outcome'>;
  readonly engineQueries: Counter<'outcome'>;
  /** Time to plan, optimize and emit one query (a cache miss compiles each of its queries once). */
  readonly compileDuration: Histogram;
  readonly activeCalculations: Gauge;
  /** Runs that read rollups: the answer kept, or void (a rollup changed meanwhile) and answered raw. */
  readonly rollupRuns: Counter<'outcome'>;
  /** Realtime events pushed (one per event, whatever the number of subscribers) and clients dropped. */
  readonly realtimePushes: Counter;
  readonly realtimeDropped: Counter<'reason'>;
  readonly alerts: Counter<'kpi' | 'level'>;
  readonly alertDeliveries: Counter<'outcome'>;
  /** Buckets the scheduler materialized, by outcome (success, failed) and trigger (schedule, catch-up, backfill). */
  readonly schedulerRuns: Counter<'outcome' | 'trigger'>;
  /** /history answers by where they came from: materialized history or a live computation. */
  readonly historySource: Counter<'source'>;
}

export function createTelemetry(options: { defaultMetrics?: boolean } = {}): Telemetry {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'kpi_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets,
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'kpi_cache_requests_total',
      help: 'Metric-route cache lookups by outcome (hit, miss, stale)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    cacheErrors: new Counter({
      name: 'kpi_cache_errors_total',
      help: 'Cache backend operations that failed (Redis unreachable)',
      registers: [registry],
    }),
    engineDuration: new Histogram({
      name: 'kpi_engine_query_duration_seconds',
      help: 'Time spent in the engine per executed query',
      labelNames: ['outcome'],
      buckets,
      registers: [registry],
    }),
    compileDuration: new Histogram({
      name: 'kpi_compile_duration_seconds',
      help: 'Time to plan, optimize and emit one query, per compile',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    engineQueries: new Counter({
      name: 'kpi_engine_queries_total',
      help: 'Queries executed by the engine, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rollupRuns: new Counter({
      name: 'kpi_rollup_runs_total',
      help: 'Engine runs that read rollups, by outcome: kept, or void (a rollup changed meanwhile; answered raw)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    realtimePushes: new Counter({
      name: 'kpi_realtime_pushes_total',
      help: 'Realtime events pushed to the subscribers of a stream (one per event)',
      registers: [registry],
    }),
    realtimeDropped: new Counter({
      name: 'kpi_realtime_dropped_total',
      help: 'Realtime subscribers the server let go, by reason (slow-client, shutdown)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'kpi_alerts_total',
      help: 'Alert level changes of KPIs with thresholds, by KPI and the level entered',
      labelNames: ['kpi', 'level'],
      registers: [registry],
    }),
    alertDeliveries: new Counter({
      name: 'kpi_alert_deliveries_total',
      help: 'Webhook delivery attempts of alert events, by outcome (delivered, retry, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    schedulerRuns: new Counter({
      name: 'kpi_scheduler_runs_total',
      help: 'KPI buckets the scheduler materialized into kpi_metrics, by outcome and trigger',
      labelNames: ['outcome', 'trigger'],
      registers: [registry],
    }),
    historySource: new Counter({
      name: 'kpi_history_answers_total',
      help: 'History answers by source: materialized (kpi_metrics) or live (computed)',
      labelNames: ['source'],
      registers: [registry],
    }),
    activeCalculations: new Gauge({
      name: 'kpi_active_calculations',
      help: 'Engine queries running right now',
      registers: [registry],
    }),
  };
}
