// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/store/history-store.ts';
import { type SchedulerHarness, scheduled, schedulerHarness } from './scheduler-support.ts';

/**
 * A TimescaleDB without continuous aggregates (Apache-licence builds) gets kpi_hourly / kpi_daily as
 * tables, recomputed inside each bucket's transaction. The embedded build has continuous aggregates, so
 * this store is made to look like one without: the tables exist before the history store is prepared.
 */
describe('scheduler: kpi_hourly and kpi_daily as tables', () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await schedulerHarness('2025-03-28T00:00:30Z');
    for (const name of ['kpi_hourly', 'kpi_daily']) {
      await h.sql.exec(`DROP MATERIALIZED VIEW IF EXISTS public.${name} CASCADE`);
      await h.sql.exec(`CREATE TABLE public.${name} (bucket timestamptz, kpi_id text, grain text, dimensions jsonb,
        avg_value double precision, max_value double precision, min_value double precision, count bigint)`);
    }
    await h.define(scheduled('table_hourly', 'hour', 'UTC'));
  });
  afterAll(() => h.close());

  it('keeps them equal to SQL over kpi_metrics, bucket by bucket, also after a bucket is rewritten', async () => {
    expect(await new HistoryStore(h.sql).prepare()).toBe('table');
    const s = h.scheduler({ horizonMs: 30 * 3_600_000 });
    expect((await s.materialize('table_hourly', 'catch-up')).succeeded).toBe(30);
    const job = await s.backfills.request(
      'table_hourly',
      Date.parse('2025-03-27T10:00:00Z'),
      Date.parse('2025-03-27T12:00:00Z'),
    );
    await s.idle();
    expect((await s.jobs.backfill(job.id))?.state).toBe('done');
    const oracle = (interval: string) =>
      h.sql.query(
        `SELECT time_bucket(INTERVAL '${interval}', time) AS bucket, dimensions::text AS d, avg(value) AS avg,
                min(value) AS min, max(value) AS max, count(*)::int AS count
         FROM kpi_metrics WHERE kpi_id = 'table_hourly' GROUP BY 1, 2 ORDER BY 1, 2`,
      );
    const table = (name: string) =>
      h.sql.query(
        `SELECT bucket, dimensions::text AS d, avg_value AS avg, min_value AS min, max_value AS max, count::int AS count
         FROM public.${name} WHERE kpi_id = 'table_hourly' ORDER BY 1, 2`,
      );
    expect((await oracle('1 day')).length).toBeGreaterThan(0);
    expect(await table('kpi_daily')).toEqual(await oracle('1 day'));
    expect(await table('kpi_hourly')).toEqual(await oracle('1 hour'));
  });
});
