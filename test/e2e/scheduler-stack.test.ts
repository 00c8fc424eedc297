/**
 * The scheduler on the real stack: `npm start` federated with ENABLE_SCHEDULER, the metrics store on the
 * stack's TimescaleDB (PGlite server), KPIs computed on the PostgreSQL source. Checks, against SQL written
 * by hand on the source database: two instances starting together compute each bucket once; a back-fill
 * whose instance is killed mid-run (SIGKILL) leaves every bucket whole or untouched, and another instance
 * finishes it; the stored history equals the source's numbers; /history answers from it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readStackEnv } from '../../src/config/stack-env.ts';
import { untilSettled } from '../support/progress-wait.ts';
import { postJson, type RunningService, startService } from './api-support.ts';

const run = Date.now().toString(36);
const RACE = `sched_race_${run}`;
const CRASH = `sched_crash_${run}`;
const TZ = 'Europe/Berlin';

const definition = (id: string) => ({
  id,
  name: id,
  category: 'business',
  description: 'Subscription amounts per Berlin day',
  formula: {
    type: 'simple',
    expression: 'revenue',
    variables: [
      {
        name: 'revenue',
        source: { database: 'payments', table: 'subscriptions', column: 'amount', aggregation: 'sum' },
      },
    ],
  },
  aggregations: ['day'],
  dimensions: ['region'],
  schedule: { frequency: 'day', timezone: TZ },
});

/** Berlin days' totals and per-region sums of subscription amounts in [from, to), by hand on the source. */
async function oracle(stack: Record<string, string>, from: string, to: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (date_trunc('day', started_at AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin') AS day,
              region, GROUPING(region) AS total, sum(amount)::float8 AS value
       FROM public.subscriptions WHERE started_at >= $1::timestamptz AND started_at < $2::timestamptz
       GROUP BY GROUPING SETS ((1), (1, 2))`,
      [from, to],
    );
    return new Map(
      rows.map((r) => [
        `${(r.day as Date).toISOString()}|${r.total === 1 ? '{}' : JSON.stringify({ region: r.region })}`,
        r.value,
      ]),
    );
  } finally {
    await client.end();
  }
}

/** Deletes this file's KPIs (`sched_race_…`, `sched_crash_…`) that `keep` does not keep. */
async function removeOwnKpis(url: string, remove: (id: string) => boolean): Promise<void> {
  const list = (await (await fetch(`${url}/api/definitions`)).json()) as unknown;
  const items = (
    Array.isArray(list) ? list : ((list as { definitions?: unknown[] }).definitions ?? [])
  ) as Array<{
    id: string;
  }>;
  for (const { id } of items) {
    if (/^sched_(race|crash)_/.test(id) && remove(id)) {
      const res = await fetch(`${url}/api/definitions/${id}`, { method: 'DELETE' });
      expect(res.status, `DELETE ${id}`).toBe(204);
    }
  }
}

// The waits below end when the work stops moving (untilSettled); a test's own limit only bounds a run
// that keeps moving, however slowly the shared machine lets it.
const WHILE_IT_MOVES_MS = 1_800_000;

describe('the scheduler on the real stack', () => {
  let stack: Record<string, string>;
  const services: RunningService[] = [];
  const env = (o: Record<string, string>) => ({
    ...stack,
    QUERY_TIMEOUT_MS: '60000',
    ENABLE_SCHEDULER: 'true',
    SCHEDULER_SWEEP_SECONDS: '2',
    SCHEDULER_LEASE_SECONDS: '20',
    ...o,
  });
  const start = async (o: Record<string, string>) => {
    const s = await startService(env(o));
    services.push(s);
    return s;
  };
  // The stack's metrics store serves one connection at a time: connect per question, so the services
  // sharing it are never locked out for long.
  const metricsStore = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: stack.TIMESCALE_URL });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  /**
   * A KPI's buckets done and not (yet), its runs and the latest failure: all of it is progress (a failed
   * run is work that moved, and is retried), and a stall names what went wrong.
   */
  const bucketsOf = async (kpiId: string) => {
    const [c] = await metricsStore<{ done: number; other: number; runs: number; error: string | null }>(
      `SELECT (SELECT count(*) FILTER (WHERE state = 'done') FROM kpi_store.schedule_buckets WHERE kpi_id = $1)::int AS done,
              (SELECT count(*) FILTER (WHERE state <> 'done') FROM kpi_store.schedule_buckets WHERE kpi_id = $1)::int AS other,
              (SELECT count(*) FROM kpi_store.scheduler_runs WHERE kpi_id = $1)::int AS runs,
              (SELECT error FROM kpi_store.scheduler_runs WHERE kpi_id = $1 AND outcome = 'failed'
               ORDER BY id DESC LIMIT 1) AS error`,
      [kpiId],
    );
    return c!;
  };

  beforeAll(async () => {
    stack = { ...readStackEnv(), ...(inject('stackEnv') ?? {}) };
    // KPIs of an interrupted earlier run would be caught up by the instances below: remove them first.
    const cleaner = await start({ ENABLE_SCHEDULER: 'false' });
    await removeOwnKpis(cleaner.url, () => true);
    await cleaner.stop();
  });
  afterAll(async () => {
    for (const s of services) await s.kill();
  });

  it(
    'two instances meeting a new KPI compute each bucket of its catch-up once, equal to the source',
    async () => {
      // About 160 Berlin days back: the demo data (it ends on DEMO_END) and the empty days since.
      const o = { SCHEDULER_CATCHUP_HOURS: '3840', SCHEDULER_CHUNK_BUCKETS: '8' };
      // Both up first: the stack's metrics store serves one connection at a time, and an instance busy
      // catching up would hold it past the other's start-up. Then the KPI appears to both at once.
      const a = await start(o);
      const b = await start(o);
      expect((await postJson(`${a.url}/api/definitions`, definition(RACE))).status).toBe(201);
      // Until every due bucket is done and none is claimed (then both instances have nothing left to do).
      await untilSettled('the catch-up of both instances', async () => {
        const c = await bucketsOf(RACE);
        return { result: c.done >= 160 && c.other === 0 ? c : undefined, progress: c };
      });
      await removeOwnKpis(a.url, (id) => id === RACE);
      await Promise.all([a.stop(), b.stop()]);
      const twice = await metricsStore(
        `SELECT bucket_start FROM kpi_store.scheduler_runs WHERE kpi_id = $1 AND outcome = 'success'
       GROUP BY 1 HAVING count(*) > 1`,
        [RACE],
      );
      expect(twice).toEqual([]);
      const by = await metricsStore<{ instance: string; n: number }>(
        `SELECT instance, count(*)::int AS n FROM kpi_store.scheduler_runs WHERE kpi_id = $1 GROUP BY 1`,
        [RACE],
      );
      console.log(`race: runs per instance ${JSON.stringify(by)}`);
      const dupes = await metricsStore(
        `SELECT time, dimensions FROM kpi_metrics WHERE kpi_id = $1 GROUP BY 1, 2 HAVING count(*) > 1`,
        [RACE],
      );
      expect(dupes).toEqual([]);
      const stored = await metricsStore<{ time: Date; dimensions: unknown; value: number | null }>(
        `SELECT time, dimensions, value FROM kpi_metrics WHERE kpi_id = $1 AND grain = 'day'`,
        [RACE],
      );
      const first = stored.reduce((m, r) => Math.min(m, r.time.getTime()), Number.POSITIVE_INFINITY);
      const truth = await oracle(stack, new Date(first).toISOString(), new Date().toISOString());
      expect(truth.size).toBeGreaterThan(0);
      for (const r of stored) {
        const key = `${r.time.toISOString()}|${JSON.stringify(r.dimensions)}`;
        if (r.value === null) expect(truth.has(key), key).toBe(false);
        else expect(r.value, key).toBeCloseTo(truth.get(key)!, 6);
      }
      expect(stored.filter((r) => r.value !== null).length).toBe(truth.size);
    },
    WHILE_IT_MOVES_MS,
  );

  it(
    'a back-fill killed mid-run leaves no bucket half-written; another instance finishes it',
    async () => {
      // Instances a test before left running (it failed half-way) would share the one-connection store.
      for (const s of services.splice(0)) await s.kill();
      // Chunks of 50: its progress (counted per chunk) passes 150 with most of the 546 buckets still to do.
      const first = await start({ SCHEDULER_CATCHUP_HOURS: '0', SCHEDULER_CHUNK_BUCKETS: '50' });
      expect((await postJson(`${first.url}/api/definitions`, definition(CRASH))).status).toBe(201);
      // 2025 and the first half of 2026 in Berlin days: both DST changes of 2025, the spring one of 2026.
      const res = await postJson(`${first.url}/api/definitions/${CRASH}/backfill`, {
        start: '2025-01-01',
        end: '2026-07-01',
      });
      expect(res.status).toBe(202);
      const job = await res.json();
      expect(job.buckets).toBe(546);
      // Its buckets done, not its runs (a run that failed, to be retried, is a run too), asked of the
      // service: a connection of our own to the one-connection store would wait for the service's turn
      // to end, and the back-fill could finish before the answer came.
      await untilSettled('150 buckets of the back-fill done', async () => {
        const j = await (await fetch(`${first.url}/api/backfills/${job.id}`)).json();
        return { result: j.succeeded >= 150 ? j : undefined, progress: [j.state, j.succeeded, j.failed] };
      });
      await first.kill();

      // Whole or untouched: a bucket has rows only when it is marked done, and then exactly the rows recorded.
      const buckets = await metricsStore<{
        bucket_start: Date;
        state: string;
        rows: number | null;
        n: number;
      }>(
        `SELECT b.bucket_start, b.state, b.rows, (SELECT count(*)::int FROM kpi_metrics m
         WHERE m.kpi_id = b.kpi_id AND m.grain = b.grain AND m.time = b.bucket_start) AS n
       FROM kpi_store.schedule_buckets b WHERE b.kpi_id = $1`,
        [CRASH],
      );
      const orphans = await metricsStore<{ n: number }>(
        `SELECT count(*)::int AS n FROM kpi_metrics m WHERE m.kpi_id = $1 AND NOT EXISTS (
         SELECT 1 FROM kpi_store.schedule_buckets b WHERE b.kpi_id = m.kpi_id AND b.grain = m.grain
           AND b.bucket_start = m.time AND b.state = 'done')`,
        [CRASH],
      );
      expect(orphans[0]!.n).toBe(0);
      expect(buckets.filter((b) => b.state === 'done').every((b) => b.n === b.rows)).toBe(true);
      const done = buckets.filter((b) => b.state === 'done').length;
      expect(done).toBeGreaterThanOrEqual(150);
      expect(done).toBeLessThan(546);
      console.log(
        `crash: killed with ${done} of 546 buckets done, ${buckets.length - done} claimed and unwritten`,
      );

      // Another instance resumes the orphaned job once its lease expires.
      const heir = await start({ SCHEDULER_CATCHUP_HOURS: '0', SCHEDULER_CHUNK_BUCKETS: '100' });
      // Its lease (20 s) runs out first: the stall limit is well above that.
      const finished = await untilSettled('the heir finishing the back-fill', async () => {
        const j = await (await fetch(`${heir.url}/api/backfills/${job.id}`)).json();
        return {
          result: j.state === 'done' || j.state === 'failed' ? j : undefined,
          progress: [j.state, j.succeeded, j.failed],
        };
      });
      expect(finished.state).toBe('done');
      const stored = await metricsStore<{ time: Date; dimensions: unknown; value: number | null }>(
        `SELECT time, dimensions, value FROM kpi_metrics WHERE kpi_id = $1 AND grain = 'day'`,
        [CRASH],
      );
      const truth = await oracle(stack, '2024-12-31T23:00:00Z', '2026-06-30T22:00:00Z');
      expect(stored.filter((r) => r.value !== null).length).toBe(truth.size);
      for (const r of stored) {
        const key = `${r.time.toISOString()}|${JSON.stringify(r.dimensions)}`;
        if (r.value !== null) expect(r.value, key).toBeCloseTo(truth.get(key)!, 6);
      }
      const runs = await metricsStore<{ n: number }>(
        `SELECT count(DISTINCT bucket_start)::int AS n FROM kpi_store.scheduler_runs WHERE backfill_id = $1 AND outcome = 'success'`,
        [job.id],
      );
      expect(runs[0]!.n).toBe(546);

      // /history answers the back-filled question from the stored history, with the same numbers.
      const q = `aggregation=day&tz=${encodeURIComponent(TZ)}&start=2026-03-20&end=2026-04-05`;
      const h = await fetch(`${heir.url}/api/metrics/${CRASH}/history?${q}`);
      expect(h.headers.get('x-data-source')).toBe('materialized');
      const body = await h.json();
      expect(body.history).toHaveLength(16);
      for (const row of body.history as Array<{ time: string; value: number | null }>) {
        const key = `${new Date(row.time).toISOString()}|{}`;
        if (row.value !== null) expect(row.value, key).toBeCloseTo(truth.get(key)!, 6);
      }
      const live = await (
        await fetch(
          `${heir.url}/api/metrics/${CRASH}/history?${q}&dimensions=region&filters=${encodeURIComponent('{"region":"eu"}')}`,
        )
      ).json();
      expect(live.source).toBe('live');
      await removeOwnKpis(heir.url, (id) => id === CRASH);
      await heir.stop();
    },
    WHILE_IT_MOVES_MS,
  );
});
