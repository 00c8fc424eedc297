/**
 * Support for the API route tests: the real app on embedded PGlite (TimescaleDB build) with a small
 * fixture table, a deliberately small language (seed KPIDefinition JSON only) and an engine that runs
 * real SQL on PGlite for single-table measures and counts every execution — so tests can check
 * numbers against hand-written SQL and count engine queries. The real language and engine have their
 * own suites; these tests are about the HTTP layer, cache, store and auth.
 */

import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { type AlertOptions, AlertService } from '../../src/alerts/alerts.ts';
import { createApp } from '../../src/api/app.ts';
import type { Authenticator } from '../../src/api/auth.ts';
import type { AppDeps, RealtimeDeps } from '../../src/api/deps.ts';
import type { CacheBackend } from '../../src/cache/backend.ts';
import { memoryBackend } from '../../src/cache/memory-backend.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import { EngineError } from '../../src/exec/errors.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import type { FormulaExpr, KpiIR, Measure } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { RealtimeHub } from '../../src/realtime/hub.ts';
import { ReportScheduler } from '../../src/reports/report-scheduler.ts';
import type { SinkOptions } from '../../src/reports/sinks.ts';
import { DefinitionsService } from '../../src/service/definitions-service.ts';
import { QueryService } from '../../src/service/query-service.ts';
import { createTelemetry } from '../../src/service/telemetry.ts';
import type {
  Analysis,
  EngineFactory,
  JobsApi,
  KpiEngine,
  KpiLanguage,
  MaterializedHistory,
  Registry,
  RunResult,
} from '../../src/service/types.ts';
import { AlertStore } from '../../src/store/alerts-store.ts';
import { DashboardStore } from '../../src/store/dashboards-store.ts';
import { DefinitionStore } from '../../src/store/definitions-store.ts';
import { migrateStore } from '../../src/store/migrate.ts';
import { createEmbeddedDb, pgliteClient } from '../../src/store/pglite-client.ts';
import { ReportRunStore } from '../../src/store/report-runs-store.ts';
import { ReportStore } from '../../src/store/reports-store.ts';

const span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
const diag = (code: string, message: string): Diagnostic => ({ severity: 'error', code, message, span });

/** Seed KPIDefinition → IR for `SUM(var)`, `var`, `a / b`, and `other_kpi * n` shapes. */
export const testLanguage: KpiLanguage = {
  analyzeDsl: (): Analysis => ({
    kpis: [],
    diagnostics: [diag('syntax', 'the test language reads JSON only')],
  }),
  analyzeDefinitions(json: unknown, registry: Registry): Analysis {
    const list = Array.isArray(json) ? json : [json];
    const kpis: KpiIR[] = [];
    const diagnostics: Diagnostic[] = [];
    const known = new Map(registry);
    for (const raw of list) {
      const d = raw as Record<string, any>;
      if (typeof d?.id !== 'string' || typeof d.formula?.expression !== 'string') {
        diagnostics.push(diag('invalid-definition', 'id and formula.expression are required'));
        continue;
      }
      const measures: Measure[] = (d.formula.variables ?? []).map(
        (v: any): Measure => ({
          kind: 'measure',
          name: v.name,
          fn: v.source.aggregation ?? 'sum',
          table: { source: v.source.database, table: v.source.table },
          arg: {
            kind: 'column',
            table: { source: v.source.database, table: v.source.table },
            column: v.source.column,
            type: 'decimal',
          },
          filter: null,
          timeColumn: 'at',
          type: 'decimal',
        }),
      );
      const ref = (name: string): FormulaExpr | null => {
        if (measures.some((m) => m.name === name)) return { kind: 'measure_ref', name };
        if (known.has(name)) return { kind: 'kpi_ref', id: name };
        if (/^\d+(\.\d+)?$/.test(name)) return { kind: 'literal', value: Number(name), type: 'double' };
        diagnostics.push(diag('unknown-name', `unknown variable or KPI "${name}"`));
        return null;
      };
      const expr = String(d.formula.expression).replace(/^SUM\((\w+)\)$/i, '$1');
      const m = /^(\w+)\s*([*/+-])\s*(\w+(?:\.\d+)?)$/.exec(expr);
      const formula = m
        ? ({ kind: 'binary', op: m[2], left: ref(m[1]!), right: ref(m[3]!) } as FormulaExpr)
        : ref(expr.trim());
      const dependsOn = [...expr.matchAll(/\w+/g)].map((x) => x[0]).filter((n) => known.has(n));
      if (!formula) continue;
      const ir: KpiIR = {
        id: d.id,
        name: d.name ?? d.id,
        category: d.category ?? 'custom',
        description: d.description ?? '',
        formula,
        measures,
        dimensions: d.dimensions ?? [],
        grains: d.aggregations ?? [],
        filters: [],
        approximate: false,
        dependsOn: [...new Set(dependsOn)],
        ...(d.schedule ? { schedule: d.schedule } : {}),
        // The seed's `thresholds: { warning: 250 }` means "above 250".
        ...(d.thresholds
          ? {
              thresholds: Object.fromEntries(
                Object.entries(d.thresholds as Record<string, number>).map(([level, value]) => [
                  level,
                  { op: '>', value },
                ]),
              ),
            }
          : {}),
      };
      kpis.push(ir);
      known.set(ir.id, ir);
    }
    return { kpis: diagnostics.length > 0 ? [] : kpis, diagnostics };
  },
  parseFilter: () => ({
    expr: null,
    diagnostics: [diag('syntax', 'the test language has no filter parser')],
  }),
  printKpi: (ir) => `kpi ${ir.id}`,
};

/** Counts executions; runs `fn(column)` over `schema.table` on [start, end) with optional dimension. */
export class TestEngine {
  runs = 0;
  compiles = 0;
  /** Makes run() wait this long first (timeouts, single-flight windows). */
  delayMs = 0;
  failWith: Error | null = null;
  /** The last query run: what a route asked the engine for. */
  lastQuery: MetricQuery | null = null;
  /** The dialect compile() reports (the query service caches Trino answers per end user). */
  dialect = 'postgres';
  /** The end user of each run (`options.user`): who Trino would run it as. */
  readonly users: Array<string | null> = [];

  constructor(private readonly db: PGlite) {}

  factory = (registry: Registry): KpiEngine => ({
    compile: (query) => {
      this.compiles++;
      const sql = this.sqlFor(registry, query);
      return {
        query,
        planHash: createHash('sha256')
          .update(sql + JSON.stringify(query))
          .digest('hex'),
        sql,
        params: [],
        dialect: this.dialect,
        plan: { kind: 'test', sql },
      };
    },
    run: async ({ query }, options) => {
      this.runs++;
      this.lastQuery = query;
      this.users.push(options?.user ?? null);
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (options?.signal?.aborted) throw new EngineError('engine-timeout', 'test', query.kpi, 'canceled');
      if (this.failWith) throw this.failWith;
      const sql = this.sqlFor(registry, query);
      const params = sql.includes('$1') ? [query.range.start, query.range.end] : [];
      const rows = (await this.db.query<Record<string, unknown>>(sql, params)).rows;
      return {
        rows: rows.map((r) => ({ ...r, value: r.value === null ? null : Number(r.value) })),
        sql,
      } as RunResult;
    },
  });

  /** value = formula over measures; measures of one table; KPI refs inlined. */
  private sqlFor(registry: Registry, query: MetricQuery): string {
    const kpi = registry.get(query.kpi);
    if (!kpi) throw new CompileError('unknown-kpi', `unknown KPI ${query.kpi}`);
    const expr = (e: FormulaExpr, k: KpiIR): string => {
      switch (e.kind) {
        case 'measure_ref': {
          const m = k.measures.find((x) => x.name === e.name)!;
          const col = m.arg?.kind === 'column' ? m.arg.column : '*';
          return `(SELECT ${m.fn}(${col})::float8 FROM ${m.table.source}.${m.table.table} t WHERE t.at >= $1 AND t.at < $2${query.dimensions.length ? ` AND t.${query.dimensions[0]} = d.dim` : ''})`;
        }
        case 'kpi_ref':
          return `(${expr(registry.get(e.id)!.formula, registry.get(e.id)!)})`;
        case 'literal':
          return String(e.value);
        case 'binary':
          return e.op === '/'
            ? `(${expr(e.left, k)} / NULLIF(${expr(e.right, k)}, 0))`
            : `(${expr(e.left, k)} ${e.op} ${expr(e.right, k)})`;
        default:
          throw new Error(`test engine: unsupported ${e.kind}`);
      }
    };
    const value = expr(kpi.formula, kpi);
    const dim = query.dimensions[0];
    return dim
      ? `SELECT d.dim AS ${dim}, ${value} AS value FROM (SELECT DISTINCT ${dim} AS dim FROM shop.orders) d ORDER BY 1`
      : `SELECT ${value} AS value`;
  }
}

export const ORDERS_DDL = `
CREATE SCHEMA IF NOT EXISTS shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, at timestamptz NOT NULL, region text, amount numeric);
INSERT INTO shop.orders VALUES
  (1, '2025-01-05T10:00:00Z', 'eu', 100), (2, '2025-01-20T10:00:00Z', 'us', 50),
  (3, '2025-02-03T10:00:00Z', 'eu', 30),  (4, '2025-02-10T10:00:00Z', 'eu', 20),
  (5, '2024-12-20T10:00:00Z', 'us', 10);`;

/** Hand-written SQL over the test orders: the sum of amounts in [start, end), revenue's oracle. */
export async function ordersRevenue(db: PGlite, start: string, end: string): Promise<number> {
  const { rows } = await db.query<{ v: string }>(
    'SELECT sum(amount) AS v FROM shop.orders WHERE at >= $1 AND at < $2',
    [start, end],
  );
  return Number(rows[0]!.v);
}

export const revenueDef = {
  id: 'revenue',
  name: 'Revenue',
  category: 'business',
  description: 'Order amounts',
  formula: {
    type: 'simple',
    expression: 'SUM(amount)',
    variables: [
      { name: 'amount', source: { database: 'shop', table: 'orders', column: 'amount', aggregation: 'sum' } },
    ],
  },
  aggregations: ['day', 'month'],
  dimensions: ['region'],
};

export const derived = (id: string, expression: string) => ({
  id,
  name: id,
  category: 'custom',
  description: `derived: ${expression}`,
  formula: { type: 'composite', expression, variables: [] },
  aggregations: ['month'],
  dimensions: ['region'],
});

export interface Harness {
  app: ReturnType<typeof createApp>;
  db: PGlite;
  engine: TestEngine;
  definitions: DefinitionsService;
  cache: ResultCache;
  alerts: AlertService | null;
  queries: QueryService;
  reportDelivery: ReportScheduler | null;
  hub: RealtimeHub | null;
  close(): Promise<void>;
}

export async function harness(
  options: {
    auth?: Authenticator;
    backend?: CacheBackend;
    ttlSeconds?: number;
    db?: PGlite;
    cors?: AppDeps['cors'];
    logError?: AppDeps['logError'];
    /** Report deliveries (POST /api/reports/{id}/deliver, GET …/deliveries) with these sinks. */
    reportSinks?: SinkOptions;
    /** The clock of report deliveries. */
    now?: () => Date;
    /** Threshold alerts on the store (GET /api/alerts, `alert` events on the streams). */
    alerts?: Partial<AlertOptions>;
    /** Another engine than TestEngine (e.g. one that buckets time). */
    engineFactory?: EngineFactory;
    /** Materialized history for /history, and the scheduler's routes (src/scheduler). */
    materialized?: MaterializedHistory;
    jobs?: JobsApi;
    /** Streams at /api/metrics/{kpiId}/stream with these settings (a hub of its own). */
    realtime?: Partial<Omit<RealtimeDeps, 'hub'>> & { maxTopics?: number; maxSubscribers?: number };
  } = {},
): Promise<Harness> {
  const db = options.db ?? (await createEmbeddedDb());
  const sql = pgliteClient(db);
  if (!options.db) {
    await migrateStore(sql);
    await db.exec(ORDERS_DDL);
  }
  const telemetry = createTelemetry();
  const definitions = new DefinitionsService(new DefinitionStore(sql), testLanguage);
  await definitions.load();
  const engine = new TestEngine(db);
  const cache = new ResultCache(options.backend ?? memoryBackend(), {
    ttlSeconds: options.ttlSeconds ?? 60,
    onOutcome: (o) => telemetry.cacheRequests.inc({ outcome: o }),
  });
  definitions.onChange((ids) => cache.invalidate(ids).then(() => undefined));
  const queries = new QueryService({
    definitions,
    language: testLanguage,
    engineFactory: options.engineFactory ?? engine.factory,
    cache,
    ...(options.materialized ? { materialized: options.materialized } : {}),
    telemetry,
    defaultTimezone: 'UTC',
  });
  const hub = options.realtime
    ? new RealtimeHub({
        maxTopics: options.realtime.maxTopics ?? 10,
        maxSubscribers: options.realtime.maxSubscribers ?? 100,
        onPush: () => telemetry.realtimePushes.inc(),
        onDrop: (reason) => telemetry.realtimeDropped.inc({ reason }),
      })
    : null;
  const alerts = options.alerts
    ? new AlertService(new AlertStore(sql), {
        band: 0.02,
        onAlert: (event) => telemetry.alerts.inc({ kpi: event.kpiId, level: event.to }),
        ...options.alerts,
      })
    : null;
  const reportDelivery = options.reportSinks
    ? new ReportScheduler({
        reports: new ReportStore(sql),
        runs: new ReportRunStore(sql),
        deps: { definitions, queries },
        sinks: options.reportSinks,
        catchUpMs: 86_400_000,
        ...(options.now ? { now: options.now } : {}),
      })
    : null;
  const app = createApp({
    alerts,
    reportDelivery,
    definitions,
    queries,
    reports: new ReportStore(sql),
    dashboards: new DashboardStore(sql),
    language: testLanguage,
    engineFactory: options.engineFactory ?? engine.factory,
    telemetry,
    auth: options.auth ?? null,
    ...(options.jobs ? { jobs: options.jobs } : {}),
    health: [
      {
        name: 'timescale',
        required: true,
        check: async () => ((await db.query('SELECT 1')).rows.length ? 'ok' : 'down'),
      },
      { name: 'cache', required: false, check: () => cache.status() },
    ],
    serviceName: 'kpi-engine-test',
    webhookHosts: options.reportSinks?.allowedHosts ?? null,
    cacheTtlSeconds: options.ttlSeconds ?? 60,
    ...(options.cors ? { cors: options.cors } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
    ...(options.realtime
      ? {
          realtime: {
            hub: hub!,
            intervalMs: options.realtime.intervalMs ?? 50,
            maxBufferedBytes: options.realtime.maxBufferedBytes ?? 1024 * 1024,
            heartbeatMs: options.realtime.heartbeatMs ?? 60_000,
          },
        }
      : {}),
  });
  return {
    app,
    db,
    engine,
    definitions,
    cache,
    alerts,
    queries,
    reportDelivery,
    hub,
    close: async () => {
      hub?.close();
      alerts?.close();
      if (!options.db) await db.close();
    },
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
