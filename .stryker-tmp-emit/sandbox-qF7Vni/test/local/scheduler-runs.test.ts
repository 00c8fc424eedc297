// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaterializedValue } from '../../src/scheduler/scheduler.ts';
import { JobStore } from '../../src/store/job-store.ts';
import type { SqlClient } from '../../src/store/sql-client.ts';
import { type SchedulerHarness, scheduled, schedulerHarness } from './scheduler-support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

interface Stored {
  time: string;
  dimensions: Record<string, unknown>;
  value: number | null;
}

async function stored(h: SchedulerHarness, kpi: string): Promise<Stored[]> {
  const rows = await h.sql.query<{ time: Date; dimensions: Record<string, unknown>; value: number | null }>(
    `SELECT time, dimensions, value FROM kpi_metrics WHERE kpi_id = $1 ORDER BY time, dimensions::text`,
    [kpi],
  );
  return rows.map((r) => ({ time: iso(r.time.getTime()), dimensions: r.dimensions, value: r.value }));
}

async function runs(h: SchedulerHarness, kpi: string) {
  return (await new JobStore(h.sql).runs({ kpi, limit: 1_000 })).reverse() as Array<Record<string, any>>;
}

describe('scheduler: materialized history', () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    // 00:00:30 UTC on 2025-04-01: the days up to 2025-03-31 are complete.
    h = await schedulerHarness('2025-04-01T00:00:30Z');
    await h.define(scheduled('orders_daily', 'day', 'UTC'));
    await h.define(scheduled('orders_hourly', 'hour', 'UTC'));
  });
  afterAll(() => h.close());

  it('stores every bucket of the horizon per dimension combination, equal to SQL on the source', async () => {
    const s = h.scheduler({ horizonMs: 5 * DAY });
    const counts = await s.materialize('orders_daily', 'catch-up');
    expect(counts).toEqual({ succeeded: 5, failed: 0, skipped: 0 });
    // The oracle: totals and per-region sums per UTC day, written by hand on shop.orders.
    const oracle = await h.sql.query<{ time: Date; dimensions: Record<string, unknown>; value: number }>(
      `SELECT o.day AS time, o.dims AS dimensions, o.value FROM (
         SELECT date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, '{}'::jsonb AS dims, sum(amount)::float8 AS value
         FROM shop.orders WHERE at >= '2025-03-27T00:00:00Z' AND at < '2025-04-01T00:00:00Z' GROUP BY 1
         UNION ALL
         SELECT date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', jsonb_build_object('region', region), sum(amount)::float8
         FROM shop.orders WHERE at >= '2025-03-27T00:00:00Z' AND at < '2025-04-01T00:00:00Z' GROUP BY 1, region
       ) o ORDER BY o.day, o.dims::text`,
    );
    expect(await stored(h, 'orders_daily')).toEqual(
      oracle.map((r) => ({ time: iso(r.time.getTime()), dimensions: r.dimensions, value: r.value })),
    );
    const recorded = await runs(h, 'orders_daily');
    expect(recorded.map((r) => [r.bucket.start, r.outcome, r.rows, r.trigger])).toEqual(
      [27, 28, 29, 30, 31].map((d) => [`2025-03-${d}T00:00:00.000Z`, 'success', 3, 'catch-up']),
    );
  });

  it('keeps kpi_daily and kpi_hourly (avg, min, max, count) equal to SQL over kpi_metrics', async () => {
    const s = h.scheduler({ horizonMs: 3 * DAY });
    expect((await s.materialize('orders_hourly', 'catch-up')).succeeded).toBe(72);
    const oracle = await h.sql.query(
      `SELECT date_trunc('day', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, dimensions::text AS d,
              avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
       FROM kpi_metrics WHERE kpi_id = 'orders_hourly' AND grain = 'hour' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const daily = await h.sql.query(
      `SELECT bucket, dimensions::text AS d, avg_value AS avg, min_value AS min, max_value AS max, count::int AS count
       FROM kpi_daily WHERE kpi_id = 'orders_hourly' ORDER BY 1, 2`,
    );
    expect(oracle.length).toBe(9); // 3 days × (total, eu, us)
    expect(daily).toEqual(oracle);
    const hourly = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kpi_hourly WHERE kpi_id = 'orders_hourly' AND count = 1`,
    );
    expect(hourly[0]!.n).toBe((await stored(h, 'orders_hourly')).length);
  });

  it('tells the alerts every value a schedule stores, once, oldest first; back-filled history is not told', async () => {
    await h.define(scheduled('told_daily', 'day', 'UTC'));
    const told: MaterializedValue[] = [];
    const s = h.scheduler({ horizonMs: 2 * DAY, onValue: (v) => told.push(v) });
    await s.materialize('told_daily', 'schedule');
    const key = (v: { bucket: string; dimensions: unknown }) => `${v.bucket}${JSON.stringify(v.dimensions)}`;
    const byKey = (a: MaterializedValue, b: MaterializedValue) => key(a).localeCompare(key(b));
    expect([...told].sort(byKey)).toEqual(
      (await stored(h, 'told_daily'))
        .map((r) => ({
          kpiId: 'told_daily',
          bucket: r.time,
          dimensions: r.dimensions,
          value: r.value,
        }))
        .sort(byKey),
    );
    expect(told.map((v) => v.bucket)).toEqual([...told.map((v) => v.bucket)].sort());
    const before = told.length;
    expect(before).toBe(6); // two days × (total, eu, us)
    await s.materialize('told_daily', 'schedule');
    await s.backfills.request('told_daily', Date.parse('2025-03-20'), Date.parse('2025-03-25'));
    await s.idle();
    expect(told).toHaveLength(before);
  });

  it('writes nothing twice: a re-run computes nothing, a back-fill replaces rows without duplicating', async () => {
    const s = h.scheduler({ horizonMs: 5 * DAY });
    const before = await stored(h, 'orders_daily');
    const engineRuns = h.bucketing.runs.get('orders_daily');
    expect(await s.materialize('orders_daily', 'catch-up')).toEqual({ succeeded: 0, failed: 0, skipped: 0 });
    expect(h.bucketing.runs.get('orders_daily')).toBe(engineRuns);
    const job = await s.backfills.request('orders_daily', Date.parse('2025-03-27'), Date.parse('2025-04-01'));
    await s.idle();
    expect(await new JobStore(h.sql).backfill(job.id)).toMatchObject({
      state: 'done',
      succeeded: 5,
      failed: 0,
    });
    expect(await stored(h, 'orders_daily')).toEqual(before);
    const [dupes] = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM kpi_metrics GROUP BY time, kpi_id, grain, dimensions HAVING count(*) > 1) d`,
    );
    expect(dupes!.n).toBe(0);
  });
});

describe('scheduler: catch-up, leases, crashes, failures', () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await schedulerHarness('2025-03-25T00:00:10Z');
  });
  afterAll(() => h.close());

  it('after downtime computes every missed bucket within the horizon, oldest first', async () => {
    await h.define(scheduled('catch_daily', 'day', 'UTC'));
    const first = h.scheduler({ horizonMs: 2 * DAY });
    await first.materialize('catch_daily', 'catch-up');
    expect((await runs(h, 'catch_daily')).map((r) => r.bucket.start)).toEqual([
      '2025-03-23T00:00:00.000Z',
      '2025-03-24T00:00:00.000Z',
    ]);
    // Down for four days and restarted with a 5-day horizon: start() sweeps up every missed day.
    await h.clock.advanceTo(Date.parse('2025-03-29T06:00:00Z'));
    const second = h.scheduler({ horizonMs: 5 * DAY });
    second.start();
    await second.idle();
    await second.stop();
    const after = (await runs(h, 'catch_daily')).slice(2);
    expect(after.map((r) => [r.bucket.start, r.trigger, r.outcome])).toEqual(
      [25, 26, 27, 28].map((d) => [`2025-03-${d}T00:00:00.000Z`, 'catch-up', 'success']),
    );
  });

  it('two instances racing compute each bucket once', async () => {
    await h.define(scheduled('race_hourly', 'hour', 'UTC'));
    const a = h.scheduler({ instance: 'a', horizonMs: 24 * HOUR, maxConcurrent: 2 });
    const b = h.scheduler({ instance: 'b', horizonMs: 24 * HOUR, maxConcurrent: 2 });
    const [ra, rb] = await Promise.all([
      a.materialize('race_hourly', 'schedule'),
      b.materialize('race_hourly', 'schedule'),
    ]);
    expect(ra.succeeded + rb.succeeded).toBe(24);
    expect(ra.skipped + rb.skipped).toBe(24);
    const recorded = await runs(h, 'race_hourly');
    expect(recorded).toHaveLength(24);
    expect(new Set(recorded.map((r) => r.bucket.start)).size).toBe(24);
    const [dupes] = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kpi_metrics WHERE kpi_id = 'race_hourly' GROUP BY time, dimensions HAVING count(*) > 1`,
    );
    expect(dupes).toBeUndefined();
  });

  it("a crash between a bucket's rows and its commit leaves that bucket unwritten; a dead owner's lease is taken over", async () => {
    await h.define(scheduled('crash_hourly', 'hour', 'UTC'));
    // The store dies when the third bucket marks itself done: its rows were already inserted in the transaction.
    let dones = 0;
    const failing = (db: SqlClient): SqlClient => ({
      ...db,
      query: async (text, params) => {
        if (text.includes("SET state = 'done'") && ++dones === 3) throw new Error('connection lost');
        return db.query(text, params);
      },
      transaction: (fn) => db.transaction((tx) => fn(failing(tx))),
    });
    const s = h.scheduler({ sql: failing(h.sql), horizonMs: 5 * HOUR, instance: 'crashy' });
    const counts = await s.materialize('crash_hourly', 'schedule');
    expect(counts).toMatchObject({ succeeded: 4, failed: 1 });
    const recorded = await runs(h, 'crash_hourly');
    const lost = recorded.find((r) => r.outcome === 'failed')!;
    const rows = await h.sql.query(`SELECT 1 FROM kpi_metrics WHERE kpi_id = 'crash_hourly' AND time = $1`, [
      lost.bucket.start,
    ]);
    expect(rows).toHaveLength(0);
    for (const r of recorded.filter((x) => x.outcome === 'success')) {
      const whole = await h.sql.query(
        `SELECT 1 FROM kpi_metrics WHERE kpi_id = 'crash_hourly' AND time = $1`,
        [r.bucket.start],
      );
      expect(whole.length).toBe(r.rows);
    }

    // An owner that died holding a lease: nobody takes the bucket until the lease expires.
    await h.define(scheduled('orphan_hourly', 'hour', 'UTC'));
    const now = h.clock.now();
    const last = Math.floor(now / HOUR) * HOUR;
    await new JobStore(h.sql).claim({
      kpiId: 'orphan_hourly',
      grain: 'hour',
      timezone: 'UTC',
      version: h.definitions.versionVector('orphan_hourly'),
      buckets: [[last - HOUR, last]],
      owner: 'dead',
      now,
      leaseMs: 10 * 60_000,
    });
    const heir = h.scheduler({ horizonMs: HOUR, instance: 'heir' });
    expect(await heir.materialize('orphan_hourly', 'catch-up')).toEqual({
      succeeded: 0,
      failed: 0,
      skipped: 1,
    });
    await h.clock.advanceTo(now + 10 * 60_000);
    expect(await heir.materialize('orphan_hourly', 'catch-up')).toMatchObject({ succeeded: 1 });
    expect((await runs(h, 'orphan_hourly'))[0]).toMatchObject({
      instance: 'heir',
      attempt: 2,
      outcome: 'success',
    });
  });

  it('a failing KPI does not stop the others and is retried with exponential backoff', async () => {
    await h.define(scheduled('broken_daily', 'day', 'UTC', { table: 'missing' }));
    await h.define(scheduled('fine_daily', 'day', 'UTC'));
    const s = h.scheduler({ horizonMs: DAY, retryBaseMs: 60_000, retryMaxMs: 10 * 60_000 });
    const t0 = h.clock.now();
    s.start();
    await s.idle();
    expect((await runs(h, 'fine_daily')).map((r) => r.outcome)).toEqual(['success']);
    const attempts = async () => (await runs(h, 'broken_daily')).map((r) => [r.outcome, r.attempt]);
    expect(await attempts()).toEqual([['failed', 1]]);
    expect((await runs(h, 'broken_daily'))[0]!.error).toMatch(/missing/);
    // Not before the backoff (60 s), then 120 s after the second failure.
    await h.clock.advanceTo(t0 + 59_000);
    await s.materialize('broken_daily', 'catch-up');
    expect(await attempts()).toHaveLength(1);
    await h.clock.advanceTo(t0 + 60_000);
    await s.materialize('broken_daily', 'catch-up');
    await h.clock.advanceTo(t0 + 60_000 + 119_000);
    await s.materialize('broken_daily', 'catch-up');
    expect(await attempts()).toEqual([
      ['failed', 1],
      ['failed', 2],
    ]);
    await h.clock.advanceTo(t0 + 60_000 + 120_000);
    await s.materialize('broken_daily', 'catch-up');
    expect(await attempts()).toHaveLength(3);
    await s.stop();
  });
});
