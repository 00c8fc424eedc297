/**
 * The service and the optimizer on the real stack: `npm start` federated, a rollup built through the API
 * and then answering (`/api/query` shows the SQL it ran), numbers checked against hand-written SQL on the
 * payments database — also while the rollup is rebuilt underneath a running service, and when a rebuild
 * has unpublished it and emptied its aggregate behind the service's back (the answer must come from the
 * sources, never from the half-built rollup).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readStackEnv } from '../../src/config/stack-env.ts';
import { postJson, type RunningService, startService } from './api-support.ts';

const ROLLUP = 'subscriptions_daily';
const START = '2025-01-01';
const END = '2025-03-01';

interface Row {
  readonly time: string;
  readonly value: number | null;
}

/** Revenue per UTC day over [START, END) straight from the payments database: day → sum. */
async function oracle(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(
      `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(amount)::float8 AS v
       FROM public.subscriptions WHERE started_at >= $1::timestamptz AND started_at < $2::timestamptz
       GROUP BY 1`,
      [`${START}T00:00:00Z`, `${END}T00:00:00Z`],
    );
    return new Map(res.rows.map((r) => [Date.parse(`${r.day}T00:00:00Z`), r.v]));
  } finally {
    await client.end();
  }
}

/** Days with a non-zero value, as the oracle has them. */
const byDay = (rows: readonly Row[]) =>
  new Map(rows.filter((r) => r.value !== null && r.value !== 0).map((r) => [Date.parse(r.time), r.value!]));

function expectSame(actual: Map<number, number>, expected: Map<number, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [day, v] of expected) expect(actual.get(day)).toBeCloseTo(v, 6);
}

describe('the service answers from rollups, and never from a half-built one', () => {
  let stack: Record<string, string>;
  let service: RunningService;
  let expected: Map<number, number>;

  const query = async () => {
    const res = await postJson(`${service.url}/api/query`, {
      kpi: 'revenue',
      grain: 'day',
      start: START,
      end: END,
      timezone: 'UTC',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: Row[]; sql: string };
    return { rows: byDay(body.rows), fromRollup: body.sql.includes('kpi_rollups') };
  };

  beforeAll(async () => {
    stack = { ...readStackEnv(), ...(inject('stackEnv') ?? {}) };
    // Polling off: the service learns of rollup changes only from its own builds and its post-run check.
    // Row cost 0: the small test data's rollups are nearly as large as their sources, and the cost
    // estimate would rightly read the sources; this file tests answering from rollups.
    service = await startService({
      ...stack,
      QUERY_TIMEOUT_MS: '60000',
      ROLLUP_STATE_POLL_MS: '0',
      OPTIMIZER_ROW_COST: '0',
    });
    expected = await oracle(stack.PAYMENTS_DB_URL!);
    expect(expected.size).toBeGreaterThan(20);
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('lists the rollups, builds one, and then answers from it exactly as the source SQL does', async () => {
    const list = await (await fetch(`${service.url}/api/rollups`)).json();
    expect(list.rollups.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining([ROLLUP, 'expenses_daily', 'events_hourly']),
    );
    const built = await postJson(`${service.url}/api/rollups/${ROLLUP}/build`, {});
    expect(built.status).toBe(200);
    const load = await built.json();
    expect(load.factRows).toBeGreaterThan(0);
    expect(load.to).not.toBeNull();

    const status = await (await fetch(`${service.url}/api/rollups/${ROLLUP}`)).json();
    expect(status).toMatchObject({ name: ROLLUP, stale: false, state: { watermark: load.to } });

    const compiled = await postJson(`${service.url}/api/compile`, {
      kpi: 'revenue',
      grain: 'day',
      start: START,
      end: END,
      timezone: 'UTC',
    });
    const explain = (await compiled.json()).explain as string;
    expect(explain).toMatch(new RegExp(`rollup ${ROLLUP}`));

    const answer = await query();
    expect(answer.fromRollup).toBe(true);
    expectSame(answer.rows, expected);
  }, 180_000);

  it('answers from the sources when a rebuild emptied the rollup after the service planned on it', async () => {
    // What a cold build does before it reloads: a new build id, unpublished, the aggregate emptied.
    const store = new pg.Client({ connectionString: stack.TIMESCALE_URL });
    await store.connect();
    try {
      await store.query(
        `UPDATE kpi_rollups.rollup_state SET build_id = build_id + 1, watermark = NULL WHERE name = $1`,
        [ROLLUP],
      );
      await store.query(`DELETE FROM kpi_rollups.${ROLLUP}`);
    } finally {
      await store.end();
    }
    const before = service.output().length;
    const answer = await query();
    expectSame(answer.rows, expected);
    expect(service.output().slice(before)).toMatch(
      /a rollup changed while revenue ran; answered from the sources/,
    );
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/kpi_rollup_runs_total\{outcome="void"\} 1\n/);
    expect(metrics).toMatch(/kpi_rollup_runs_total\{outcome="kept"\} [1-9]/);
    // The check taught the service the new state: the next plan does not read the rollup at all.
    expect((await query()).fromRollup).toBe(false);
  }, 180_000);

  it('keeps every answer right while the rollup is rebuilt under load (an async build), then reads it again', async () => {
    const started = await postJson(
      `${service.url}/api/rollups/${ROLLUP}/build`,
      {},
      { Prefer: 'respond-async' },
    );
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/api/rollups/${ROLLUP}`);
    expect(started.headers.get('preference-applied')).toBe('respond-async');
    expect((await started.json()).job).toMatchObject({ action: 'build', state: 'running', result: null });
    let job: { state: string; result: { factRows: number } | null } = { state: 'running', result: null };
    let answers = 0;
    while (job.state === 'running') {
      expectSame((await query()).rows, expected);
      answers++;
      job = (await (await fetch(`${service.url}/api/rollups/${ROLLUP}`)).json()).job;
    }
    expect(job.state).toBe('done');
    expect(job.result!.factRows).toBeGreaterThan(0);
    expect(answers).toBeGreaterThan(0);
    const after = await query();
    expect(after.fromRollup).toBe(true);
    expectSame(after.rows, expected);
  }, 300_000);

  it('keeps a built rollup fresh on the scheduler: a new source row is in it within seconds', async () => {
    const IDS = [990_000_201, 990_000_202];
    const payments = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
    await payments.connect();
    await payments.query('DELETE FROM public.subscriptions WHERE id = ANY($1)', [IDS]);
    const scheduled = await startService({
      ...stack,
      ENABLE_SCHEDULER: 'true',
      ROLLUP_REFRESH_SECONDS: '1',
      ROLLUP_STATE_POLL_MS: '0',
      OPTIMIZER_ROW_COST: '0',
    });
    try {
      // Two days after the demo data: the second moves the watermark past the whole first day.
      await payments.query(
        `INSERT INTO public.subscriptions (id, account_id, plan_type, region, status, amount, currency, started_at)
         VALUES ($1, 1, 'pro', 'eu', 'active', 42.00, 'EUR', '2026-07-15T10:00:00Z'),
                ($2, 1, 'pro', 'eu', 'active', 1.00, 'EUR', '2026-07-16T09:00:00Z')`,
        IDS,
      );
      // The refresher logs after it published (and the log reaches us through a pipe): wait for both.
      const loaded = /scheduler: rollup subscriptions_daily loaded 2 rows up to 2026-07-16T09:00:00.001Z/;
      const deadline = Date.now() + 60_000;
      let watermark: string | null = null;
      while (
        (watermark !== '2026-07-16T09:00:00.001Z' || !loaded.test(scheduled.output())) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 500));
        const list = (await (await fetch(`${scheduled.url}/api/rollups`)).json()) as {
          rollups: { name: string; state: { watermark: string | null } | null }[];
        };
        watermark = list.rollups.find((r) => r.name === ROLLUP)?.state?.watermark ?? null;
      }
      expect(watermark).toBe('2026-07-16T09:00:00.001Z');
      expect(scheduled.output()).toMatch(loaded);
      const res = await postJson(`${scheduled.url}/api/query`, {
        kpi: 'revenue',
        grain: 'day',
        start: '2026-07-15',
        end: '2026-07-16',
        timezone: 'UTC',
      });
      const body = (await res.json()) as { rows: Row[]; sql: string };
      expect(body.sql).toContain('kpi_rollups');
      expect(body.rows.map((r) => r.value)).toEqual([42]);
    } finally {
      await payments.query('DELETE FROM public.subscriptions WHERE id = ANY($1)', [IDS]);
      await payments.end();
      await scheduled.stop();
      // Rebuilt without the row, for the tests after this one.
      expect((await postJson(`${service.url}/api/rollups/${ROLLUP}/build`, {})).status).toBe(200);
    }
  }, 300_000);

  it('refreshes with nothing new, refuses unknown rollups, and refuses to refresh one never built', async () => {
    const refreshed = await postJson(`${service.url}/api/rollups/${ROLLUP}/refresh`, {});
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).factRows).toBe(0);

    const unknown = await postJson(`${service.url}/api/rollups/no_such_rollup/build`, {});
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not-found');

    const store = new pg.Client({ connectionString: stack.TIMESCALE_URL });
    await store.connect();
    try {
      await store.query(`DELETE FROM kpi_rollups.rollup_state WHERE name = 'subscriptions_monthly_region'`);
    } finally {
      await store.end();
    }
    const never = await postJson(`${service.url}/api/rollups/subscriptions_monthly_region/refresh`, {});
    expect(never.status).toBe(409);
    expect((await never.json()).error).toMatchObject({ code: 'rollup-not-built' });
  }, 180_000);
});
