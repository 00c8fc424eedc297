/**
 * Equivalence with Druid-backed rollups (`target: druid`) on the stack's real Druid: the demo sources'
 * rollups loaded by native batch ingestion (UTC, New York and Berlin days, UTC hours), then seeded
 * generated MetricQueries — grains, time zones with DST, dimensions, filters, aligned and unaligned
 * ranges — whose optimized plans (Druid SQL on /druid/v2/sql when Druid alone answers, Trino's druid
 * catalog when a plan stitches Druid with raw rows or joins other sources) must equal the raw Trino
 * plan: counts exact, sums to the cent, ratios to 1e-9, approx_distinct from HLL sketches within the
 * stated bounds. Also: a refresh re-loads its window without
 * counting anything twice, and the watermark is published only once Druid serves the whole load.
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { druidSql } from '../../src/exec/druid-client.ts';
import { createEngine, createRuntime } from '../../src/exec/engine.ts';
import type { Grain, KpiIR, RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { approximationsOf } from '../../src/optimize/approximations.ts';
import { ANY_ROLLUP, loadOptimizeContext, optimizerFor } from '../../src/optimize/context.ts';
import { explain } from '../../src/optimize/explain.ts';
import { rollupsRead } from '../../src/optimize/live.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { parseRollups } from '../../src/rollup/definitions.ts';
import { refreshRollup } from '../../src/rollup/refresh.ts';
import { readStates } from '../../src/rollup/state.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { compareAnswers } from './support/equivalence.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const druidUrl = env.DRUID_URL;
const catalog = loadCatalog();

const SUBSCRIPTION_MEASURES = [
  'sum(amount)',
  'count(*)',
  'count(amount)',
  'min(amount)',
  'max(amount)',
  // An HLL sketch per bucket: approx_distinct answers are compared by their stated bounds.
  'approx_distinct(account_id)',
];
const rollups = parseRollups(
  {
    rollups: [
      {
        name: 'subscriptions_daily_druid',
        on: 'payments.subscriptions',
        grain: 'day',
        target: 'druid',
        dimensions: ['plan_type', 'region'],
        measures: SUBSCRIPTION_MEASURES,
      },
      {
        name: 'subscriptions_daily_ny_druid',
        on: 'payments.subscriptions',
        grain: 'day',
        timezone: 'America/New_York',
        target: 'druid',
        dimensions: ['plan_type', 'region'],
        measures: SUBSCRIPTION_MEASURES,
      },
      {
        name: 'expenses_daily_druid',
        on: 'finance.expenses',
        grain: 'day',
        target: 'druid',
        dimensions: ['category', 'channel', 'campaign'],
        measures: ['sum(amount)', 'count(*)', 'count(amount)'],
      },
      {
        name: 'accounts_daily_berlin_druid',
        on: 'users.accounts',
        grain: 'day',
        timezone: 'Europe/Berlin',
        target: 'druid',
        dimensions: ['region', 'channel', 'campaign', 'plan_type'],
        measures: ['count(*)', 'count(id)'],
      },
      {
        name: 'events_hourly_druid',
        on: 'analytics.events',
        grain: 'hour',
        target: 'druid',
        dimensions: ['type', 'region'],
        measures: ['count(*)', 'count(account_id)'],
      },
    ],
  },
  catalog,
);

const EXTRA = `
kpi druid_avg_amount = avg(payments.subscriptions.amount)
kpi druid_amount_spread = max(payments.subscriptions.amount) - min(payments.subscriptions.amount)
kpi druid_events_per_account = count(analytics.events) / count(users.accounts)
kpi druid_paying_accounts = approx_distinct(payments.subscriptions.account_id)
kpi druid_revenue_per_session = sum(payments.subscriptions.amount) / count(analytics.sessions)
`;

function registryOf(): Map<string, KpiIR> {
  const { registry, diagnostics } = loadRegistry(DEMO_KPI_FILES, catalog);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(diagnostics));
  const extra = analyzeDsl(EXTRA, { catalog, registry });
  if (extra.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(JSON.stringify(extra.diagnostics));
  for (const k of extra.kpis ?? []) registry.set(k.id, k);
  return registry as Map<string, KpiIR>;
}
const registry = registryOf();

const KPIS = [
  'revenue',
  'new_subscriptions',
  'signups',
  'expenses_by_channel',
  'cac_marketing',
  'eu_pro_revenue',
  'purchase_conversion',
  'druid_avg_amount',
  'druid_amount_spread',
  'druid_events_per_account',
  'druid_paying_accounts',
];
const VALUES: Record<string, readonly string[]> = {
  region: ['eu', 'us', 'apac'],
  plan_type: ['pro', 'basic', 'enterprise'],
  channel: ['ads', 'organic', 'referral'],
  category: ['marketing', 'sales'],
  type: ['signup', 'purchase'],
};

const runtime = createRuntime({ env, maxConcurrent: 2 });
const raw = createEngine({ catalog, registry, env, dialect: 'trino', timeoutMs: 120_000, runtime });
let ctx: OptimizeContext;
let optimized: ReturnType<typeof createEngine>;

beforeAll(async () => {
  if (!druidUrl) return;
  for (const r of rollups) await buildRollup(catalog, r, env);
  ctx = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL, ANY_ROLLUP);
  optimized = createEngine({
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

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 1);
const LAST = Date.UTC(2026, 5, 30);

const queryArb = fc
  .record({
    kpi: fc.constantFrom(...KPIS),
    grain: fc.constantFrom<Grain | null>(null, 'hour', 'day', 'day', 'week', 'month', 'month', 'quarter'),
    startDay: fc.integer({ min: 0, max: Math.floor((LAST - FIRST) / DAY) - 1 }),
    days: fc.integer({ min: 1, max: 400 }),
    alignedStart: fc.constantFrom(true, true, true, false),
    alignedEnd: fc.constantFrom(true, true, true, false),
    offsetHours: fc.integer({ min: 1, max: 23 }),
    // The rollups' zones (DST in New York and Berlin), so most queries can read one.
    timezone: fc.constantFrom('UTC', 'UTC', 'America/New_York', 'Europe/Berlin'),
    dimPick: fc.array(fc.nat(), { maxLength: 2 }),
    filterPick: fc.option(fc.record({ dim: fc.nat(), value: fc.nat() }), { nil: null }),
  })
  .map((g): MetricQuery => {
    const kpi = registry.get(g.kpi)!;
    const dims = [
      ...new Set(g.dimPick.map((i) => kpi.dimensions[i % Math.max(1, kpi.dimensions.length)])),
    ].filter((d): d is string => typeof d === 'string');
    const days = g.grain === 'hour' ? Math.min(g.days, 14) : g.days;
    // Midnight in the query's zone, roughly: the zone's offset moves aligned starts onto its days.
    const zoneShift = g.timezone === 'America/New_York' ? 5 : g.timezone === 'Europe/Berlin' ? -1 : 0;
    const start =
      FIRST + g.startDay * DAY + (g.alignedStart ? zoneShift * 3_600_000 : g.offsetHours * 3_600_000);
    const end = Math.min(start + days * DAY + (g.alignedEnd ? 0 : g.offsetHours * 3_600_000 + 60_000), LAST);
    const filters: RowExpr[] = [];
    if (g.filterPick && kpi.dimensions.length > 0) {
      const dim = kpi.dimensions[g.filterPick.dim % kpi.dimensions.length]!;
      const values = VALUES[dim];
      if (values) {
        const r = parseFilter(`${dim} = '${values[g.filterPick.value % values.length]}'`, {
          catalog,
          registry,
        });
        if (r.expr) filters.push(r.expr);
      }
    }
    return {
      kpi: g.kpi,
      grain: g.grain,
      range: {
        start: new Date(start).toISOString(),
        end: new Date(Math.max(end, start + 3_600_000)).toISOString(),
      },
      timezone: g.timezone,
      dimensions: dims,
      filters,
    };
  });

describe.skipIf(!druidUrl)('optimizer equivalence with Druid-backed rollups on the real Druid', () => {
  it('answers from Druid rollups exactly what the raw Trino plan answers (seeded generated queries)', async () => {
    const stats = { cases: 0, druidRead: 0, druidDirect: 0, viaTrino: 0, sketch: 0 };
    const seed = Number(process.env.KPI_PROPERTY_SEED ?? 20261202);
    const runs = Number(process.env.KPI_DRUID_PROPERTY_RUNS ?? 60);
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        stats.cases++;
        const a = await raw.run(q);
        const b = await optimized.run(q);
        const compiled = optimized.compile(q);
        if (rollupsRead(compiled.plan).length > 0) {
          stats.druidRead++;
          if (b.dialect === 'druid') stats.druidDirect++;
          else stats.viaTrino++;
        }
        // Only approx_distinct KPIs have approximations; their bound is the sum of both answers'.
        const bound = [...approximationsOf(raw.compile(q).plan), ...approximationsOf(compiled.plan)].reduce(
          (sum, x) => sum + x.relativeError,
          0,
        );
        if (approximationsOf(compiled.plan).some((x) => /HLL sketches/.test(x.method))) stats.sketch++;
        const diff = compareAnswers(q, a.rows, b.rows, { bound });
        if (diff) throw new Error(`${JSON.stringify(q)}\n${diff}\n${b.dialect}: ${b.sql}`);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    console.log(
      `druid equivalence: ${stats.cases} queries, ${stats.druidRead} read a Druid rollup (${stats.druidDirect} on Druid SQL directly, ${stats.viaTrino} through Trino's druid catalog, ${stats.sketch} from HLL sketches)`,
    );
    expect(stats.cases).toBe(runs);
    // Worth something only if Druid answered a good share, on both paths.
    expect(stats.druidRead).toBeGreaterThanOrEqual(stats.cases / 4);
    expect(stats.druidDirect).toBeGreaterThan(0);
    expect(stats.viaTrino).toBeGreaterThan(0);
  }, 1_200_000);

  it('chooses Druid on cost without a pinned row cost, and EXPLAIN says which path and why', async () => {
    // The optimizer as the service runs it by default: no pinned row cost, Druid priced by its own costs.
    const unpinned = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL);
    expect(unpinned.rowCost?.pinned).not.toBe(true);
    const engine = createEngine({
      catalog,
      registry,
      env,
      dialect: 'auto',
      timeoutMs: 120_000,
      runtime,
      optimizer: optimizerFor(unpinned),
    });
    const ask = (kpi: string, start: string, end: string): MetricQuery => ({
      kpi,
      grain: 'month',
      range: { start, end },
      timezone: 'UTC',
      dimensions: [],
      filters: [],
    });
    const cases = [
      // Inside the watermark: Druid alone, on Druid SQL.
      {
        q: ask('revenue', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
        dialect: 'druid',
        engine:
          /== engine druid on druid \(every table is a Druid datasource on druid: Druid SQL on \/druid\/v2\/sql\)/,
        estimate:
          /rollup subscriptions_daily_druid \(cost 0\.\d+ of raw \(raw 0% of the range; Druid SQL [\d.]+ ms for \d+ rollup rows vs raw Trino [\d.]+ ms/,
      },
      // Past the watermark (the sources end on 2026-07-01): stitched with the raw tail in one Trino
      // statement, the rollup read through Trino's druid catalog.
      {
        q: ask('revenue', '2026-01-01T00:00:00Z', '2026-09-01T00:00:00Z'),
        dialect: 'trino',
        engine: /== engine trino \(.*druid catalog/,
        estimate:
          /stitched, rollup subscriptions_daily_druid \(cost 0\.\d+ of raw \(raw \d+% of the range; one Trino statement \(Druid through its druid catalog \+ raw\)/,
      },
      // Joined with a source no rollup covers: through Trino, the rollup by its druid catalog.
      {
        q: ask('druid_revenue_per_session', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
        dialect: 'trino',
        engine: /== engine trino \(.*druid catalog/,
        estimate: /rollup subscriptions_daily_druid \(cost/,
      },
    ];
    for (const k of cases) {
      const label = `${k.q.kpi} [${k.q.range.start}, ${k.q.range.end})`;
      const text = explain({ catalog, registry, context: unpinned, env }, k.q).text;
      expect(text, label).toMatch(k.engine);
      expect(text, label).toMatch(k.estimate);
      const got = await engine.run(k.q);
      expect(got.dialect, label).toBe(k.dialect);
      expect(rollupsRead(engine.compile(k.q).plan), label).toContain('subscriptions_daily_druid');
      const want = await raw.run(k.q);
      expect(want.rows.length, label).toBeGreaterThan(0);
      expect(compareAnswers(k.q, want.rows, got.rows), label).toBeNull();
    }
  }, 600_000);

  it('publishes only a complete load, and a refresh re-loads its window without counting twice', async () => {
    const r = rollups.find((x) => x.name === 'subscriptions_daily_druid')!;
    const [source] = await trinoRows(
      env.TRINO_URL!,
      'SELECT count(*) AS n, to_iso8601(max(started_at)) AS hi FROM payments.public.subscriptions',
    );
    const stored = async () =>
      Number(
        (await druidSql(druidUrl!, 'SELECT SUM(count_all) AS n FROM "druid"."subscriptions_daily_druid"'))[0]!
          .n,
      );
    const state = (await readStates(env.TIMESCALE_URL!)).get(r.name)!;
    // The watermark covers the newest source row, and Druid serves every source row below it.
    expect(Date.parse(state.watermark!)).toBe(Date.parse(String(source!.hi)) + 1);
    expect(state.materialization).toBe('druid');
    expect(await stored()).toBe(Number(source!.n));

    const first = await refreshRollup(catalog, r, env);
    expect(first.checked.mode).toBe('window');
    expect(first.factRows).toBeGreaterThan(0); // the window's buckets were loaded again …
    expect(await stored()).toBe(Number(source!.n)); // … and replaced, not added
    await refreshRollup(catalog, r, env);
    expect(await stored()).toBe(Number(source!.n));
    const after = (await readStates(env.TIMESCALE_URL!)).get(r.name)!;
    expect(after.buildId).toBe(state.buildId);
    expect(after.watermark).toBe(state.watermark);
    expect(after.sourceRows).toBe(Number(source!.n));
  }, 300_000);
});
