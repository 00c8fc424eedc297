/**
 * Support for the scheduler's unit tests: the real app and query path on embedded PGlite (TimescaleDB
 * build) with an engine that runs real SQL on it — sum of a column, bucketed by PostgreSQL's date_trunc
 * in the query's zone, broken down by dimensions — and counts its runs per KPI. The numbers are then
 * checked against SQL written by hand in the tests.
 */
import type { PGlite } from '@electric-sql/pglite';
import { ManualClock } from '../../src/scheduler/clock.ts';
import { MaterializedReader } from '../../src/scheduler/materialized.ts';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.ts';
import { jobsApiFor } from '../../src/service/scheduler-wiring.ts';
import type { EngineFactory, JobsApi, KpiEngine, RunResult } from '../../src/service/types.ts';
import { formatInZone } from '../../src/shared/time.ts';
import { pgliteClient } from '../../src/store/pglite-client.ts';
import type { SqlClient } from '../../src/store/sql-client.ts';
import { type Harness, harness, json } from './api-support.ts';

/** Orders every 37 minutes from 2025-03-20 for about 12 days (across Berlin's spring-forward). */
export const MORE_ORDERS = `INSERT INTO shop.orders
  SELECT 100 + i, '2025-03-20T00:00:00Z'::timestamptz + i * INTERVAL '37 minutes',
         CASE WHEN i % 3 = 0 THEN 'eu' ELSE 'us' END, (i % 17) + 0.25
  FROM generate_series(0, 480) AS i`;

export const scheduled = (
  id: string,
  frequency: string,
  timezone: string,
  o: { table?: string; dimensions?: string[] } = {},
) => ({
  id,
  name: id,
  category: 'business',
  description: `${frequency} in ${timezone}`,
  formula: {
    type: 'simple',
    expression: 'SUM(amount)',
    variables: [
      {
        name: 'amount',
        source: { database: 'shop', table: o.table ?? 'orders', column: 'amount', aggregation: 'sum' },
      },
    ],
  },
  aggregations: [],
  dimensions: o.dimensions ?? ['region'],
  schedule: { frequency, timezone },
});

export class BucketingEngine {
  readonly runs = new Map<string, number>();

  constructor(private readonly db: PGlite) {}

  total(): number {
    return [...this.runs.values()].reduce((a, b) => a + b, 0);
  }

  factory: EngineFactory = (registry): KpiEngine => ({
    compile: (query) => ({
      query,
      planHash: JSON.stringify(query),
      sql: '',
      params: [],
      dialect: 'postgres',
      plan: {},
    }),
    run: async ({ query }) => {
      this.runs.set(query.kpi, (this.runs.get(query.kpi) ?? 0) + 1);
      const kpi = registry.get(query.kpi)!;
      const m = kpi.measures[0]!;
      const time = query.grain ? `date_trunc('${query.grain}', at, '${query.timezone}')` : null;
      const keys = [...(time ? [`${time} AS time`] : []), ...query.dimensions];
      const sql = `SELECT ${[...keys, 'sum(amount)::float8 AS value'].join(', ')}
        FROM ${m.table.source}.${m.table.table} WHERE at >= $1 AND at < $2
        ${keys.length > 0 ? `GROUP BY ${keys.map((_, i) => i + 1).join(', ')} ORDER BY ${keys.map((_, i) => i + 1).join(', ')}` : ''}`;
      const rows = (await this.db.query<Record<string, unknown>>(sql, [query.range.start, query.range.end]))
        .rows;
      return {
        rows: rows.map((r) => ({
          ...r,
          ...(time ? { time: formatInZone((r.time as Date).getTime(), query.timezone) } : {}),
          value: r.value === null ? null : Number(r.value),
        })),
        sql,
      } as RunResult;
    },
  });
}

export interface SchedulerHarness extends Harness {
  sql: SqlClient;
  clock: ManualClock;
  bucketing: BucketingEngine;
  /** A scheduler on the harness's store, query path and clock (sweeps once a week unless told). */
  scheduler(o?: Partial<SchedulerOptions>): Scheduler;
  define(definition: unknown): Promise<void>;
}

export async function schedulerHarness(start: string): Promise<SchedulerHarness> {
  let current: Scheduler | null = null;
  // The routes see the scheduler made last (scheduler()), as a service sees its own.
  const api = () => jobsApiFor(current, sqlRef!, (id) => current?.schedule(id)?.timezone ?? null);
  const jobs: JobsApi = {
    runs: (f) => api().runs(f),
    backfill: (id) => api().backfill(id),
    get requestBackfill() {
      return api().requestBackfill;
    },
    scheduleTimezone: (id) => api().scheduleTimezone(id),
  };
  let sqlRef: SqlClient | null = null;
  let engine: BucketingEngine | null = null;
  const h0 = await harness({
    engineFactory: (registry) => engine!.factory(registry),
    materialized: {
      lookup: (q, k, v) => new MaterializedReader(sqlRef!, 'UTC').lookup(q, k, v),
    },
    jobs,
  });
  await h0.db.exec(MORE_ORDERS);
  const sql = pgliteClient(h0.db);
  sqlRef = sql;
  engine = new BucketingEngine(h0.db);
  const clock = new ManualClock(Date.parse(start));
  return {
    ...h0,
    sql,
    clock,
    bucketing: engine,
    scheduler(o = {}) {
      current = new Scheduler({
        definitions: h0.definitions,
        queries: { run: (q) => h0.queries.run(q) },
        sql,
        clock,
        defaultTimezone: 'UTC',
        sweepMs: 7 * 86_400_000,
        horizonMs: 48 * 3_600_000,
        retryBaseMs: 60_000,
        leaseMs: 120_000,
        ...o,
      });
      return current;
    },
    async define(definition) {
      const res = await h0.app.request('/api/definitions', json(definition));
      if (res.status !== 201) throw new Error(`define: ${res.status} ${await res.text()}`);
    },
  };
}
