/**
 * Builds the services from configuration: the metrics store (embedded PGlite with the demo data, or
 * TIMESCALE_URL), the live definitions registry (seeded with the demo KPIs on a fresh store), the
 * engine, the cache (in-process, or Redis with REDIS_URL), the scheduler, alerts, reports, the SQL
 * endpoint and health checks. No HTTP here: src/api/bootstrap.ts puts the routes over what this returns.
 */

import { AlertService } from '../alerts/alerts.ts';
import { memoryBackend } from '../cache/memory-backend.ts';
import { redisBackend } from '../cache/redis-backend.ts';
import { ResultCache } from '../cache/result-cache.ts';
import { loadCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import type { ServiceConfig } from '../config/env.ts';
import { DemoDataSet } from '../data/generate.ts';
import { demoEnd } from '../data/settings.ts';
import { LiveDemo } from '../embedded/live-demo.ts';
import type { EmbeddedSources } from '../embedded/sources-engine.ts';
import { poolsFor } from '../exec/engine.ts';
import type { PgPools } from '../exec/postgres-run.ts';
import { rollupVersion } from '../optimize/live.ts';
import { RealtimeHub } from '../realtime/hub.ts';
import { ReportScheduler } from '../reports/report-scheduler.ts';
import { MaterializedReader } from '../scheduler/materialized.ts';
import { RollupRefresher } from '../scheduler/rollup-refresh.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { SqlEndpoint } from '../sql-endpoint/endpoint.ts';
import { AlertStore } from '../store/alerts-store.ts';
import { DashboardStore } from '../store/dashboards-store.ts';
import { DefinitionStore } from '../store/definitions-store.ts';
import { HistoryStore } from '../store/history-store.ts';
import { migrateStore } from '../store/migrate.ts';
import { pgClientOnPool } from '../store/pg-client.ts';
import { ReportRunStore } from '../store/report-runs-store.ts';
import { ReportStore } from '../store/reports-store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { DefinitionsService } from './definitions-service.ts';
import { embeddedDatabases } from './embedded-databases.ts';
import { engineFactoryFor } from './engine-binding.ts';
import { storageChecks } from './health.ts';
import { languageFor } from './language.ts';
import { QueryService, rollupTag, tableTag } from './query-service.ts';
import { rollupAdmin } from './rollup-admin.ts';
import { schedulerFor } from './scheduler-wiring.ts';
import { sqlEndpointFor } from './sql-endpoint-wiring.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';
import type { EngineFactory, HealthCheck, JobsApi, KpiLanguage, RollupAdmin } from './types.ts';

/** Everything a running instance has besides its HTTP edge. */
export interface Services {
  readonly config: ServiceConfig;
  readonly catalog: Catalog;
  readonly definitions: DefinitionsService;
  readonly queries: QueryService;
  readonly language: KpiLanguage;
  readonly engineFactory: EngineFactory;
  readonly reports: ReportStore;
  readonly dashboards: DashboardStore;
  /** null: the embedded default, or ENABLE_OPTIMIZER off. */
  readonly rollups: RollupAdmin | null;
  readonly telemetry: Telemetry;
  readonly health: readonly HealthCheck[];
  readonly sqlEndpoint: SqlEndpoint;
  readonly scheduler: Scheduler | null;
  readonly jobs: JobsApi;
  readonly hub: RealtimeHub;
  readonly alerts: AlertService;
  readonly reportDelivery: ReportScheduler;
  /** Example KPI id for the start banner's curl line. */
  readonly exampleKpi: string | null;
  /** Ends every realtime stream (they would hold the server's close open); called first at shutdown. */
  endStreams(): void;
  /** Closes pools, the cache connection and the embedded database. */
  close(): Promise<void>;
}

export async function buildServices(
  config: ServiceConfig,
  options: { readonly log?: (line: string) => void } = {},
): Promise<Services> {
  const log = options.log ?? (() => {});
  const closers: Array<() => Promise<unknown>> = [];
  const catalog = loadCatalog();

  let sql: SqlClient;
  let embedded: EmbeddedSources | null = null;
  let pools: PgPools | undefined;
  if (config.mode === 'embedded') {
    const dbs = await embeddedDatabases(config, log);
    embedded = dbs.sources;
    // Closed last (closers run in reverse): the lock goes once the store is closed.
    closers.push(async () => dbs.release());
    closers.push(() => dbs.sources.close());
    sql = dbs.store;
    if (config.demoLive) {
      const live = LiveDemo.start({
        url: () => dbs.sources.url,
        data: new DemoDataSet({ scale: config.DEMO_SCALE, end: demoEnd({ DEMO_END: config.DEMO_END }) }),
        intervalMs: config.DEMO_LIVE_INTERVAL_MS,
        log,
      });
      // Closers run in reverse: the ticks stop before the sources close.
      closers.push(() => live.stop());
      log(`demo live rows: appended every ${config.DEMO_LIVE_INTERVAL_MS} ms (DEMO_LIVE=0 turns them off)`);
    }
  } else {
    // One pool for the metrics store, shared by the store, the engine (rollups are read there) and
    // rollup builds: TIMESCALE_POOL_SIZE connections (default 1, as the stack's PGlite server serves
    // one at a time) with a short idle time, so other instances and tools get their turn.
    pools = poolsFor({ TIMESCALE_URL: config.TIMESCALE_URL }, config.TIMESCALE_POOL_SIZE);
    sql = pgClientOnPool(pools.pool(config.TIMESCALE_URL!), { owned: false });
  }
  closers.push(() => sql.close());
  await migrateStore(sql);
  await new HistoryStore(sql).prepare(log);

  const language = await languageFor(catalog, {
    workers: config.LANGUAGE_WORKERS,
    maxQueue: config.LANGUAGE_QUEUE,
  });
  if (language.language.close) closers.push(() => language.language.close!());
  const definitions = new DefinitionsService(new DefinitionStore(sql), language.language);
  await definitions.load();
  for (const [id, diagnostics] of definitions.broken) {
    log(`warning: stored KPI "${id}" no longer analyzes: ${diagnostics[0]?.message ?? 'unknown error'}`);
  }
  const fresh =
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_store.definitions'))[0]!.n === 0;
  if (fresh) {
    for (const submission of language.demoDefinitions()) {
      try {
        await definitions.create(submission);
      } catch (error) {
        log(`warning: demo KPI not loaded: ${(error as Error).message}`);
      }
    }
    log(`seeded ${definitions.list().length} demo KPIs into the empty definitions store`);
  }

  const telemetry = createTelemetry({ defaultMetrics: true });
  const engine = await engineFactoryFor(config, catalog, embedded, sql, log, pools, {
    onRollupRun: (outcome) => telemetry.rollupRuns.inc({ outcome }),
    onCompile: (ms) => telemetry.compileDuration.observe(ms / 1000),
  });
  if (engine.optimizer) {
    log(
      `optimizer: ${engine.optimizer.rollups.length} rollups defined, ${engine.optimizer.context.facts.size} built`,
    );
  }
  closers.push(() => engine.close());

  const backend = config.REDIS_URL ? redisBackend(config.REDIS_URL) : memoryBackend();
  closers.push(() => backend.close());
  if (config.REDIS_URL) {
    // Give Redis a moment to connect so /health is right from the first request; never block start.
    const deadline = Date.now() + 3_000;
    while ((await backend.status()) !== 'ok' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    if ((await backend.status()) !== 'ok') log('Redis is not reachable yet: answering uncached until it is');
  }
  const cache = new ResultCache(backend, {
    ttlSeconds: config.CACHE_TTL_SECONDS,
    lockMs: config.QUERY_TIMEOUT_MS + 5_000,
    onOutcome: (outcome) => telemetry.cacheRequests.inc({ outcome }),
    onBackendError: () => telemetry.cacheErrors.inc(),
  });
  definitions.onChange(async (ids) => {
    await cache.invalidate(ids);
  });
  // A rollup rebuilt, unpublished, or with partitions marked dirty or repaired: the answers that read
  // it go (hits are also checked against its version, so another instance's change counts as well).
  engine.optimizer?.onRollupsChanged((names) => {
    cache.invalidate(names.map(rollupTag)).catch(() => {});
  });

  const queries = new QueryService({
    definitions,
    language: language.language,
    engineFactory: engine.factory,
    engineGeneration: engine.generation,
    ...(engine.optimizer
      ? { rollupVersion: (name: string) => rollupVersion(engine.optimizer!.stateOf(name)) }
      : {}),
    cache,
    telemetry,
    defaultTimezone: config.SCHEDULER_TIMEZONE,
    materialized: new MaterializedReader(sql, config.SCHEDULER_TIMEZONE),
  });

  const health = [...storageChecks(config, sql, cache), ...engine.health];

  const alerts = new AlertService(new AlertStore(sql), {
    band: config.ALERT_HYSTERESIS,
    ...(config.ALERT_WEBHOOK_URL
      ? {
          webhook: {
            url: config.ALERT_WEBHOOK_URL,
            secret: config.ALERT_WEBHOOK_SECRET ?? '',
            timeoutMs: config.ALERT_WEBHOOK_TIMEOUT_MS,
            maxAttempts: config.ALERT_WEBHOOK_MAX_ATTEMPTS,
            backoffMs: config.ALERT_WEBHOOK_BACKOFF_MS,
            maxBackoffMs: 300_000,
          },
        }
      : {}),
    onAlert: (event) => telemetry.alerts.inc({ kpi: event.kpiId, level: event.to }),
    onDelivery: (outcome) => telemetry.alertDeliveries.inc({ outcome }),
    log,
  });
  await alerts.start();
  closers.push(async () => alerts.close());

  const { scheduler, jobs } = schedulerFor(config, {
    definitions,
    queries,
    sql,
    telemetry,
    log,
    // Every value the schedule materializes moves its series' alert level.
    onValue: (v) => {
      const thresholds = definitions.has(v.kpiId) ? definitions.get(v.kpiId).ir.thresholds : undefined;
      alerts
        .observe({
          kpiId: v.kpiId,
          subject: `series:${JSON.stringify(v.dimensions)}`,
          thresholds,
          value: v.value,
        })
        .catch((error) => log(`alerts: ${v.kpiId} at ${v.bucket}: ${(error as Error).message}`));
    },
  });
  // Builds take the metrics store's connections from the service's pool: on a single-connection store
  // they then wait their turn with the service's queries instead of for a gap between them.
  const rollups = engine.optimizer
    ? rollupAdmin(catalog, engine.optimizer, {
        ...engine.env,
        pool: config.TIMESCALE_URL ? pools?.pool(config.TIMESCALE_URL) : undefined,
      })
    : null;
  if (scheduler && rollups) {
    const refresher = new RollupRefresher({
      rollups,
      intervalMs: config.ROLLUP_REFRESH_SECONDS * 1000,
      verifyIntervalMs: config.ROLLUP_VERIFY_SECONDS * 1000,
      captureIntervalMs: config.ROLLUP_CAPTURE_POLL_MS,
      // Raw answers over a table whose change was captured go at once; rollup answers follow the refresh.
      onCaptured: (tables) => cache.invalidate(tables.map(tableTag)).then(() => undefined),
      log,
    });
    refresher.start();
    closers.push(() => refresher.stop());
    log(
      `scheduler: refreshing built rollups every ${config.ROLLUP_REFRESH_SECONDS} s, verifying them every ${config.ROLLUP_VERIFY_SECONDS} s`,
    );
  }
  const reportDelivery = new ReportScheduler({
    reports: new ReportStore(sql),
    runs: new ReportRunStore(sql),
    deps: { definitions, queries },
    sinks: {
      directory: config.REPORTS_DIR,
      webhookSecret: config.REPORT_WEBHOOK_SECRET ?? '',
      timeoutMs: config.ALERT_WEBHOOK_TIMEOUT_MS,
      attempts: 3,
      backoffMs: config.ALERT_WEBHOOK_BACKOFF_MS,
      allowedHosts: config.webhookHosts,
    },
    catchUpMs: config.REPORT_CATCHUP_HOURS * 3_600_000,
    log,
  });
  if (scheduler) {
    reportDelivery.start();
    closers.push(() => reportDelivery.stop());
    scheduler.start();
    closers.push(() => scheduler.stop());
    log(
      `scheduler: materializing scheduled KPIs into kpi_metrics (${config.SCHEDULER_TIMEZONE}; catch-up ${config.SCHEDULER_CATCHUP_HOURS} h; instance ${scheduler.instance})`,
    );
  }

  const sqlEndpoint = sqlEndpointFor(config, { catalog, definitions, queries });
  closers.push(async () => sqlEndpoint.close());

  const hub = new RealtimeHub({
    maxTopics: config.REALTIME_MAX_TOPICS,
    maxSubscribers: config.REALTIME_MAX_SUBSCRIBERS,
    onPush: () => telemetry.realtimePushes.inc(),
    onDrop: (reason) => telemetry.realtimeDropped.inc({ reason }),
  });
  closers.push(async () => hub.close());

  // Other instances sharing the store may change definitions: pick their writes up within seconds.
  const syncTimer = setInterval(() => {
    definitions.sync().catch(() => {});
  }, 3_000);
  syncTimer.unref();
  closers.push(async () => clearInterval(syncTimer));

  const ids = definitions.list().map((d) => d.ir.id);
  return {
    config,
    catalog,
    definitions,
    queries,
    language: language.language,
    engineFactory: engine.factory,
    reports: new ReportStore(sql),
    dashboards: new DashboardStore(sql),
    rollups,
    telemetry,
    health,
    sqlEndpoint,
    scheduler,
    jobs,
    hub,
    alerts,
    reportDelivery,
    exampleKpi: ids.includes('mrr') ? 'mrr' : (ids[0] ?? null),
    endStreams: () => hub.close(),
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
