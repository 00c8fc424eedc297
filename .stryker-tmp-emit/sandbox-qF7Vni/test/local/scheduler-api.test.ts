// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulerHarness, scheduled, schedulerHarness } from './scheduler-support.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('scheduler: schedules fire at the right instants across DST changes', () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await schedulerHarness('2025-03-28T12:00:00Z');
    await h.define(scheduled('berlin_daily', 'day', 'Europe/Berlin', { dimensions: [] }));
    await h.define(scheduled('ny_hourly', 'hour', 'America/New_York', { dimensions: [] }));
  });
  afterAll(() => h.close());

  it('fires at local midnight in Berlin through its spring-forward, and every hour in New York', async () => {
    const fired = { berlin_daily: [] as string[], ny_hourly: [] as string[] };
    const s = h.scheduler({
      horizonMs: 3_600_000,
      onFire: (kpi, at) => fired[kpi as keyof typeof fired].push(iso(at)),
    });
    s.start();
    await s.idle();
    await h.clock.advanceTo(Date.parse('2025-04-01T00:00:00Z'), () => s.idle());
    // Berlin: CET midnight is 23:00 UTC; from 2025-03-30 (CEST) 22:00 UTC.
    expect(fired.berlin_daily).toEqual([
      '2025-03-28T23:00:00.000Z',
      '2025-03-29T23:00:00.000Z',
      '2025-03-30T22:00:00.000Z',
      '2025-03-31T22:00:00.000Z',
    ]);
    expect(fired.ny_hourly).toHaveLength(84);
    expect(fired.ny_hourly.every((t) => t.endsWith(':00:00.000Z'))).toBe(true);
    // Every run stored the hour that had just ended, in the KPI's zone.
    const [{ n }] = (await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kpi_store.scheduler_runs WHERE kpi_id = 'ny_hourly' AND trigger = 'schedule'
         AND finished_at = bucket_end`,
    )) as [{ n: number }];
    expect(n).toBe(84);
    await s.stop();
  });

  it("fires 25 times on New York's fall-back day, both 01:00s, and Berlin's 25-hour day once", async () => {
    await h.clock.advanceTo(Date.parse('2025-10-25T12:00:00Z'));
    const fired = { berlin_daily: [] as string[], ny_hourly: [] as string[] };
    const s = h.scheduler({
      horizonMs: 3_600_000,
      onFire: (kpi, at) => fired[kpi as keyof typeof fired].push(iso(at)),
    });
    s.start();
    await s.idle();
    await h.clock.advanceTo(Date.parse('2025-11-03T05:00:00Z'), () => s.idle());
    expect(fired.berlin_daily.slice(0, 3)).toEqual([
      '2025-10-25T22:00:00.000Z',
      '2025-10-26T23:00:00.000Z',
      '2025-10-27T23:00:00.000Z',
    ]);
    const nyDay = fired.ny_hourly.filter(
      (t) => t > '2025-11-02T04:00:00.000Z' && t <= '2025-11-03T05:00:00.000Z',
    );
    expect(nyDay).toHaveLength(25);
    expect(nyDay).toEqual(expect.arrayContaining(['2025-11-02T05:00:00.000Z', '2025-11-02T06:00:00.000Z']));
    await s.stop();
  });
});

describe("scheduler: New York's spring-forward", () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await schedulerHarness('2025-03-08T12:00:00Z');
    await h.define(scheduled('ny_daily', 'day', 'America/New_York', { dimensions: [] }));
    await h.define(scheduled('ny_hourly', 'hour', 'America/New_York', { dimensions: [] }));
  });
  afterAll(() => h.close());

  it('fires 23 times on its 23-hour day and at each local midnight (05:00 UTC in EST, 04:00 in EDT)', async () => {
    const fired = { ny_daily: [] as string[], ny_hourly: [] as string[] };
    const s = h.scheduler({
      horizonMs: 3_600_000,
      onFire: (kpi, at) => fired[kpi as keyof typeof fired].push(iso(at)),
    });
    s.start();
    await s.idle();
    await h.clock.advanceTo(Date.parse('2025-03-10T04:00:00Z'), () => s.idle());
    expect(fired.ny_daily).toEqual(['2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z']);
    const day = fired.ny_hourly.filter(
      (t) => t > '2025-03-09T05:00:00.000Z' && t <= '2025-03-10T04:00:00.000Z',
    );
    expect(day).toHaveLength(23);
    // The bucket each of them stored: the local hour that had just ended (02:00 EST never was).
    const [{ n }] = (await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kpi_store.schedule_buckets WHERE kpi_id = 'ny_hourly'
         AND bucket_end > '2025-03-09T05:00:00Z' AND bucket_end <= '2025-03-10T04:00:00Z' AND state = 'done'`,
    )) as [{ n: number }];
    expect(n).toBe(23);
    await s.stop();
  });
});

describe('scheduler routes and materialized /history', () => {
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await schedulerHarness('2025-04-01T00:00:30Z');
    await h.define(scheduled('hist_daily', 'day', 'UTC'));
    await h.define({ ...scheduled('plain', 'day', 'UTC'), schedule: undefined });
  });
  afterAll(() => h.close());

  const history = (query: string) => h.app.request(`/api/metrics/hist_daily/history?${query}`);

  it('answers /history live until every bucket is materialized, then from kpi_metrics with the same numbers', async () => {
    const totals = 'aggregation=day&start=2025-03-25&end=2025-04-01';
    const byRegion = `${totals}&dimensions=region`;
    const liveTotals = await history(totals);
    expect(liveTotals.headers.get('x-data-source')).toBe('live');
    const live = await liveTotals.json();
    expect(live.source).toBe('live');
    const liveByRegion = await (await history(byRegion)).json();

    const s = h.scheduler({ horizonMs: 10 * 86_400_000 });
    await s.materialize('hist_daily', 'catch-up');
    const fromStore = await history(totals);
    expect(fromStore.headers.get('x-data-source')).toBe('materialized');
    const materialized = await fromStore.json();
    expect(materialized.source).toBe('materialized');
    expect(materialized.history).toEqual(live.history);
    expect(materialized.history).toHaveLength(7);
    const sorted = (rows: Array<Record<string, unknown>>) =>
      [...rows].sort((a, b) => `${a.time}${a.region}`.localeCompare(`${b.time}${b.region}`));
    const regions = await (await history(byRegion)).json();
    expect(regions.source).toBe('materialized');
    expect(sorted(regions.history)).toEqual(sorted(liveByRegion.history));

    // Not exactly the question the scheduler answered: live.
    for (const other of [
      'aggregation=day&start=2025-03-10&end=2025-04-01', // buckets before the horizon
      'aggregation=day&start=2025-03-25&end=2025-04-01&tz=Europe/Berlin',
      'aggregation=hour&start=2025-03-31&end=2025-04-01',
      'aggregation=day&start=2025-03-25T06:00:00Z&end=2025-04-01T00:00:00Z',
      `${totals}&filters=${encodeURIComponent('{"region":"eu"}')}`,
    ]) {
      const res = await history(other);
      expect(res.status, other).toBe(200);
      expect(res.headers.get('x-data-source'), other).toBe('live');
    }
  });

  it('lists runs at GET /api/jobs, filtered by kpi, outcome and since', async () => {
    const all = await (await h.app.request('/api/jobs?kpi=hist_daily&limit=1000')).json();
    expect(all.jobs.length).toBeGreaterThanOrEqual(10);
    expect(all.jobs[0]).toMatchObject({ kpiId: 'hist_daily', grain: 'day', outcome: 'success', rows: 3 });
    const failed = await (await h.app.request('/api/jobs?kpi=hist_daily&outcome=failed')).json();
    expect(failed.jobs).toEqual([]);
    const future = await (await h.app.request('/api/jobs?since=2030-01-01')).json();
    expect(future.jobs).toEqual([]);
    expect((await (await h.app.request('/api/jobs?limit=2')).json()).jobs).toHaveLength(2);
  });

  it.each([
    '/api/jobs?outcome=maybe',
    '/api/jobs?limit=0',
    '/api/jobs?limit=1e9',
    '/api/jobs?since=yesterday',
    '/api/jobs?since=2025-02-30',
    `/api/jobs?kpi=${encodeURIComponent("x'; DROP TABLE kpi_metrics; --")}`,
    '/api/jobs?backfill=not-a-uuid',
    '/api/jobs?kpii=hist_daily',
    `/api/jobs?kpi=${'a'.repeat(5_000)}`,
  ])('answers 400 to hostile parameters (%#)', async (url) => {
    const res = await h.app.request(url);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toMatch(/invalid-request|limit/);
  });

  it('back-fills a range as a job (202, Location), and refuses what it cannot do', async () => {
    const post = (id: string, body: unknown) =>
      h.app.request(`/api/definitions/${id}/backfill`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const s = h.scheduler({ horizonMs: 86_400_000 });
    const res = await post('hist_daily', { start: '2025-03-01', end: '2025-03-08' });
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(job).toMatchObject({ kpiId: 'hist_daily', buckets: 7, start: '2025-03-01T00:00:00.000Z' });
    await s.idle();
    const done = await (await h.app.request(res.headers.get('location')!)).json();
    expect(done).toMatchObject({ state: 'done', succeeded: 7, failed: 0 });
    const runs = await (await h.app.request(`/api/jobs?backfill=${job.id}`)).json();
    expect(runs.jobs.map((r: { trigger: string }) => r.trigger)).toEqual(Array(7).fill('backfill'));
    const march = await history('aggregation=day&start=2025-03-01&end=2025-03-08');
    expect(march.headers.get('x-data-source')).toBe('materialized');

    expect((await post('nope', { start: '2025-03-01', end: '2025-03-02' })).status).toBe(404);
    expect((await post('plain', { start: '2025-03-01', end: '2025-03-02' })).status).toBe(409);
    expect((await post('hist_daily', { start: '2025-03-08', end: '2025-03-01' })).status).toBe(400);
    expect((await post('hist_daily', { start: '2030-01-01', end: '2030-02-01' })).status).toBe(400);
    expect((await post('hist_daily', { start: 'soon', end: '2025-03-01' })).status).toBe(400);
    expect((await post('hist_daily', { start: '2025-03-01' })).status).toBe(400);
    expect((await post('hist_daily', { start: '2025-03-01', end: '2025-03-02', extra: 1 })).status).toBe(400);
    expect((await post('hist_daily', { start: '1800-01-01', end: '2025-03-01' })).status).toBe(400);
    await h.define(scheduled('hist_minute', 'minute', 'UTC'));
    const tooMany = await post('hist_minute', { start: '2025-01-01', end: '2025-03-01' });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.code).toBe('limit-exceeded');
    expect((await h.app.request('/api/backfills/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await h.app.request('/api/backfills/nope')).status).toBe(400);
    await s.stop();
  });
});
