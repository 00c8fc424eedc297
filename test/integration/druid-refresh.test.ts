/**
 * The scheduler keeps a built Druid rollup fresh, on the stack's real Druid: the service's rollup
 * refresher (src/scheduler/rollup-refresh.ts) over the service's rollup admin refreshes a `target: druid`
 * rollup after its source grew (a row after the newest) and changed inside the mutable window (an
 * amount raised): the new row is loaded and published (the watermark moves past it), the changed day is
 * re-loaded and replaces what Druid held (never added to it), and the optimized answers — read from
 * Druid — equal hand-written SQL on the source PostgreSQL. The rows this test changes are put back and
 * the rollup refreshed again (Druid drops the removed row) at the end.
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { druidSql } from '../../src/exec/druid-client.ts';
import { createEngine, createRuntime } from '../../src/exec/engine.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { optimizerFor } from '../../src/optimize/context.ts';
import { LiveOptimizer, rollupsRead } from '../../src/optimize/live.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { parseRollups } from '../../src/rollup/definitions.ts';
import { readStates } from '../../src/rollup/state.ts';
import { RollupRefresher } from '../../src/scheduler/rollup-refresh.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { rollupAdmin } from '../../src/service/rollup-admin.ts';

const env = inject('stackEnv') as Record<string, string>;
const druidUrl = env.DRUID_URL;
const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const [rollup] = parseRollups(
  {
    rollups: [
      {
        name: 'subscriptions_fresh_druid',
        on: 'payments.subscriptions',
        grain: 'day',
        target: 'druid',
        dimensions: ['region'],
        measures: ['sum(amount)', 'count(*)'],
      },
    ],
  },
  catalog,
);
const NEW_ID = 990_017_001;
const runtime = createRuntime({ env, maxConcurrent: 2 });
const DAY = 86_400_000;
let payments: pg.Client;

/** Revenue per UTC day and region in [start, end), by hand on the payments database. */
async function oracle(start: string, end: string): Promise<Map<string, number>> {
  const res = await payments.query(
    `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, region, sum(amount)::float8 AS v
     FROM public.subscriptions WHERE started_at >= $1::timestamptz AND started_at < $2::timestamptz
     GROUP BY 1, 2`,
    [start, end],
  );
  return new Map(res.rows.map((r) => [`${r.day}|${r.region}`, Number(r.v)]));
}

const sourceCount = async () =>
  Number((await payments.query('SELECT count(*) AS n FROM public.subscriptions')).rows[0].n);
const druidCount = async () =>
  Number((await druidSql(druidUrl!, `SELECT SUM(count_all) AS n FROM "druid"."${rollup!.name}"`))[0]!.n);
const state = async () => (await readStates(env.TIMESCALE_URL!)).get(rollup!.name)!;

describe.skipIf(!druidUrl)('the scheduler keeps a Druid rollup fresh on the real Druid', () => {
  let live: LiveOptimizer;
  let refresher: RollupRefresher;
  let changed: { id: number; amount: string } | null = null;

  beforeAll(async () => {
    payments = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
    await payments.connect();
    await payments.query('DELETE FROM public.subscriptions WHERE id = $1', [NEW_ID]);
    await buildRollup(catalog, rollup!, env);
    live = await LiveOptimizer.start({
      catalog,
      rollups: [rollup!],
      readStates: () => readStates(env.TIMESCALE_URL!),
    });
    refresher = new RollupRefresher({ rollups: rollupAdmin(catalog, live, env), intervalMs: 0 });
  }, 600_000);

  afterAll(async () => {
    if (payments) {
      await payments.query('DELETE FROM public.subscriptions WHERE id = $1', [NEW_ID]);
      if (changed)
        await payments.query('UPDATE public.subscriptions SET amount = $2 WHERE id = $1', [
          changed.id,
          changed.amount,
        ]);
      if (druidUrl) await refresher?.pass();
      await payments.end();
    }
    await runtime.close();
  }, 600_000);

  it('loads new rows, replaces a re-loaded day, publishes only what Druid serves, and answers like the source', async () => {
    const before = await state();
    expect(before.materialization).toBe('druid');
    expect(await druidCount()).toBe(await sourceCount());

    // The source grows by a row after its newest, and a row three days before the newest changes.
    const { rows } = await payments.query(`SELECT max(started_at) AS hi FROM public.subscriptions`);
    const hi = (rows[0].hi as Date).getTime();
    const late = new Date(hi + 3_600_000).toISOString();
    await payments.query(
      `INSERT INTO public.subscriptions (id, account_id, plan_type, region, status, amount, currency, started_at)
       VALUES ($1, 1, 'pro', 'eu', 'active', 777.00, 'EUR', $2::timestamptz)`,
      [NEW_ID, late],
    );
    const victim = await payments.query(
      `SELECT id, amount::text AS amount, started_at FROM public.subscriptions
       WHERE started_at < $1::timestamptz ORDER BY started_at DESC OFFSET 50 LIMIT 1`,
      [new Date(hi - 3 * DAY).toISOString()],
    );
    changed = { id: Number(victim.rows[0].id), amount: String(victim.rows[0].amount) };
    await payments.query('UPDATE public.subscriptions SET amount = amount + 1000 WHERE id = $1', [
      changed.id,
    ]);

    // One pass of the scheduler's refresher, as the service runs it every ROLLUP_REFRESH interval.
    expect(await refresher.pass()).toEqual({ refreshed: [rollup!.name], failed: [] });
    const after = await state();
    expect(after.buildId).toBe(before.buildId); // refreshed, not rebuilt
    expect(Date.parse(after.watermark!)).toBe(Date.parse(late) + 1); // the new row published
    // Every source row once: the changed day replaced, not added to; the new row in.
    expect(await druidCount()).toBe(await sourceCount());
    expect(after.sourceRows).toBe(await sourceCount());

    // The optimized answers read Druid and equal the source, the changed day and the new row's day included.
    await live.reload();
    const engine = createEngine({ catalog, registry, env, runtime, optimizer: optimizerFor(live.context) });
    const victimDay = new Date(Math.floor((victim.rows[0].started_at as Date).getTime() / DAY) * DAY);
    const q: MetricQuery = {
      kpi: 'revenue',
      grain: 'day',
      range: { start: victimDay.toISOString(), end: new Date(Date.parse(after.watermark!)).toISOString() },
      timezone: 'UTC',
      dimensions: ['region'],
      filters: [],
    };
    const compiled = engine.compile(q);
    expect(rollupsRead(compiled.plan)).toEqual([rollup!.name]);
    const result = await engine.run(q);
    const got = new Map(
      result.rows.map((r) => [`${String(r.time).slice(0, 10)}|${r.region}`, Number(r.value)]),
    );
    const want = await oracle(q.range.start, q.range.end);
    expect(want.get(`${late.slice(0, 10)}|eu`)).toBeGreaterThanOrEqual(777);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(Math.abs(got.get(k)! - v), k).toBeLessThan(0.005);
  }, 600_000);
});
