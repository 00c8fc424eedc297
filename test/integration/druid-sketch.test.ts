/**
 * Sketch-backed distinct counts on the stack's real Druid: Druid rollups storing an HLL sketch of
 * `account_id` per day (UTC and New York, whose days cross DST) answer `approx_distinct` by day, week,
 * month, quarter and in total, with and without a dimension and a filter, on Druid SQL directly; every
 * value lies within the stated error bound of the exact count written by hand in SQL on the source
 * PostgreSQL; EXPLAIN states the approximation and its bound; exact count distinct stays raw.
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine, createRuntime } from '../../src/exec/engine.ts';
import type { Grain, KpiIR } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { approximationsOf } from '../../src/optimize/approximations.ts';
import { ANY_ROLLUP, loadOptimizeContext, optimizerFor } from '../../src/optimize/context.ts';
import { explain } from '../../src/optimize/explain.ts';
import { rollupsRead } from '../../src/optimize/live.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { parseRollups } from '../../src/rollup/definitions.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { rowKey } from './support/equivalence.ts';

const env = inject('stackEnv');
const druidUrl = env.DRUID_URL;
const catalog = loadCatalog();

const sketchRollup = (name: string, timezone: string) => ({
  name,
  on: 'payments.subscriptions',
  grain: 'day',
  timezone,
  target: 'druid',
  dimensions: ['plan_type', 'region'],
  measures: ['count(*)', 'approx_distinct(account_id)'],
});
const rollups = parseRollups(
  {
    rollups: [
      sketchRollup('subscriptions_sketch_utc_druid', 'UTC'),
      sketchRollup('subscriptions_sketch_ny_druid', 'America/New_York'),
    ],
  },
  catalog,
);

const base = loadRegistry(DEMO_KPI_FILES, catalog).registry;
const extra = analyzeDsl(
  `kpi sketch_paying_accounts = approx_distinct(payments.subscriptions.account_id)
   kpi sketch_paying_accounts_exact = count(distinct payments.subscriptions.account_id)`,
  { catalog, registry: base },
);
const registry = new Map<string, KpiIR>(base);
for (const k of extra.kpis ?? []) registry.set(k.id, k);

const runtime = createRuntime({ env, maxConcurrent: 2 });
let ctx: OptimizeContext;
let engine: ReturnType<typeof createEngine>;

beforeAll(async () => {
  if (!druidUrl) return;
  for (const r of rollups) await buildRollup(catalog, r, env);
  ctx = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL, ANY_ROLLUP);
  engine = createEngine({
    catalog,
    registry,
    env,
    dialect: 'auto',
    timeoutMs: 120_000,
    runtime,
    optimizer: optimizerFor(ctx),
  });
}, 900_000);

afterAll(async () => {
  await runtime.close();
});

/** Exact distinct accounts per bucket (and region) of [start, end) in `zone`, by hand on PostgreSQL. */
async function exact(q: MetricQuery, planType: string | null): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
  await c.connect();
  try {
    const bucket = q.grain
      ? `extract(epoch FROM date_trunc('${q.grain}', started_at AT TIME ZONE $3) AT TIME ZONE $3) * 1000`
      : 'NULL::numeric';
    const region = q.dimensions.includes('region') ? 'region' : 'NULL::text';
    const res = await c.query<{ b: string | null; region: string | null; n: string }>(
      `SELECT ${bucket} AS b, ${region} AS region, count(DISTINCT account_id) AS n
       FROM public.subscriptions
       WHERE started_at >= $1::timestamptz AND started_at < $2::timestamptz
         AND ($3::text IS NOT NULL) AND ($4::text IS NULL OR plan_type = $4)
       GROUP BY 1, 2`,
      [q.range.start, q.range.end, q.timezone, planType],
    );
    // Keyed as the engine's rows are (support/equivalence.ts's rowKey).
    const byRegion = q.dimensions.includes('region');
    return new Map(
      res.rows.map((r) => [
        JSON.stringify([r.b === null ? null : Number(r.b), ...(byRegion ? [r.region] : [])]),
        Number(r.n),
      ]),
    );
  } finally {
    await c.end();
  }
}

// Ranges aligned to the zone's midnights, across DST changes (New York: 2024-11-03, 2025-03-09).
const CASES: readonly { zone: string; start: string; end: string; grains: readonly (Grain | null)[] }[] = [
  {
    zone: 'America/New_York',
    start: '2024-10-01T04:00:00Z',
    end: '2025-04-01T04:00:00Z',
    grains: ['month', 'quarter', null],
  },
  {
    zone: 'America/New_York',
    start: '2025-03-03T05:00:00Z',
    end: '2025-03-17T04:00:00Z',
    grains: ['day', 'week'],
  },
  {
    zone: 'UTC',
    start: '2024-01-01T00:00:00Z',
    end: '2026-01-01T00:00:00Z',
    grains: ['month', 'quarter', 'year', null],
  },
  { zone: 'UTC', start: '2025-06-02T00:00:00Z', end: '2025-06-30T00:00:00Z', grains: ['day', 'week'] },
];

describe.skipIf(!druidUrl)('sketch-backed distinct counts on the real Druid', () => {
  it('are within their stated error bound of the exact count, across grains, dimensions and a DST zone', async () => {
    const stats = { values: 0, exactValues: 0, worst: 0 };
    for (const k of CASES) {
      for (const grain of k.grains) {
        for (const [dimensions, planType] of [
          [[], null],
          [['region'], null],
          [['region'], 'pro'],
        ] as const) {
          const filters = planType
            ? [parseFilter(`plan_type = '${planType}'`, { catalog, registry }).expr!]
            : [];
          const q: MetricQuery = {
            kpi: 'sketch_paying_accounts',
            grain,
            range: { start: k.start, end: k.end },
            timezone: k.zone,
            dimensions: [...dimensions],
            filters,
          };
          const label = `${k.zone} ${grain ?? 'total'} [${dimensions}] ${planType ?? ''}`;
          const compiled = engine.compile(q);
          expect(rollupsRead(compiled.plan), label).toEqual([
            k.zone === 'UTC' ? 'subscriptions_sketch_utc_druid' : 'subscriptions_sketch_ny_druid',
          ]);
          const result = await engine.run(q);
          expect(result.dialect, label).toBe('druid');
          const [bound] = approximationsOf(compiled.plan);
          expect(bound?.method, label).toMatch(/HLL sketches/);
          const want = await exact(q, planType);
          const got = new Map(result.rows.map((r) => [rowKey(r, q.dimensions), r.value]));
          expect([...got.keys()].sort(), label).toEqual([...want.keys()].sort());
          for (const [key, n] of want) {
            const v = got.get(key)!;
            const error = Math.abs(v - n) / n;
            stats.values++;
            if (v === n) stats.exactValues++;
            stats.worst = Math.max(stats.worst, error);
            expect(error, `${label} ${key}: sketch ${v}, exact ${n}`).toBeLessThanOrEqual(
              bound!.relativeError,
            );
          }
        }
      }
    }
    console.log(
      `druid sketches: ${stats.values} values, ${stats.exactValues} equal to the exact count, worst relative error ${(stats.worst * 100).toFixed(3)}% (bound ${(approximationsOf(engine.compile({ kpi: 'sketch_paying_accounts', grain: null, range: { start: CASES[0]!.start, end: CASES[0]!.end }, timezone: CASES[0]!.zone, dimensions: [], filters: [] }).plan)[0]!.relativeError * 100).toFixed(3)}%)`,
    );
    expect(stats.values).toBeGreaterThan(100);
  }, 600_000);

  it('says so in EXPLAIN, and exact count distinct stays raw', () => {
    const q: MetricQuery = {
      kpi: 'sketch_paying_accounts',
      grain: 'month',
      range: { start: CASES[0]!.start, end: CASES[0]!.end },
      timezone: 'America/New_York',
      dimensions: [],
      filters: [],
    };
    const text = explain({ catalog, registry, context: ctx, env }, q).text;
    expect(text).toMatch(
      /== approximate\n {2}sketch_paying_accounts\.m\d: ±4\.875% at 99\.7% confidence, HLL sketches/,
    );
    expect(text).toMatch(/== engine druid on druid/);
    expect(text).toMatch(/APPROX_COUNT_DISTINCT_DS_HLL\(t0\."approx_distinct_account_id"\)/);
    const exactText = explain(
      { catalog, registry, context: ctx, env },
      { ...q, kpi: 'sketch_paying_accounts_exact' },
    ).text;
    expect(exactText).not.toMatch(/== approximate/);
    expect(exactText).toMatch(/count distinct cannot be re-aggregated from a rollup/);
  });
});
