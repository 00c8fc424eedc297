/**
 * Druid benchmark: revenue's day history over the whole data range, side by side in one run — from a
 * Druid-backed rollup (Druid SQL on /druid/v2/sql), from the same rollup in the metrics store
 * (TimescaleDB, direct), and raw through Trino — plus the cold build and an empty refresh of the Druid
 * rollup; and distinct paying accounts by month over the whole range from a Druid rollup's HLL sketches
 * vs the exact count distinct raw through Trino, side by side, with the sketch's worst relative error
 * against the exact answer. Brings the stack up with Druid and loads the payments source at KPI_BENCH_SCALE (default 1)
 * when it is empty; a stack already holding data is measured at the scale it holds (printed).
 */
import { loadCatalog } from '../../../src/catalog/load.ts';
import { loadDemoData } from '../../../src/data/load.ts';
import { createEngine, createRuntime, type KpiEngine } from '../../../src/exec/engine.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';
import { loadOptimizeContext, optimizerFor } from '../../../src/optimize/context.ts';
import { buildRollup } from '../../../src/rollup/build.ts';
import { parseRollups } from '../../../src/rollup/definitions.ts';
import { refreshRollup } from '../../../src/rollup/refresh.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../../src/semantic/index.ts';
import { stackUp } from '../../../src/stack/up.ts';
import { type BenchResult, percentile } from '../types.ts';

const RUNS = Number(process.env.KPI_BENCH_RUNS ?? 9);
const MEASURES = ['sum(amount)', 'count(*)', 'count(amount)', 'min(amount)', 'max(amount)'];

async function time(engine: KpiEngine, q: MetricQuery) {
  const samples: number[] = [];
  let rows = 0;
  let used = '';
  for (let i = 0; i < RUNS + 2; i++) {
    const t0 = performance.now();
    const r = await engine.run(q);
    if (i >= 2) samples.push(performance.now() - t0); // two warm-up runs
    rows = r.rows.length;
    used = r.dialect;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p90: percentile(samples, 90), rows, dialect: used };
}

export async function run(): Promise<BenchResult> {
  process.env.KPI_WITH_DRUID = '1';
  const scaleFactor = Number(process.env.KPI_BENCH_SCALE ?? 1);
  const log = (line: string) => console.log(`[stack] ${line}`);
  const env = (await stackUp({ skipData: true, log })) as Record<string, string>;
  if (!env.DRUID_URL) throw new Error('the stack runs without Druid');
  await loadDemoData({ scale: scaleFactor, env, sources: ['payments'], onlyIfEmpty: true, log });
  const catalog = loadCatalog();
  const base = loadRegistry(DEMO_KPI_FILES, catalog).registry;
  const registry = new Map(base);
  const distinct = analyzeDsl(
    `kpi bench_paying_accounts = approx_distinct(payments.subscriptions.account_id)
     kpi bench_paying_accounts_exact = count(distinct payments.subscriptions.account_id)`,
    { catalog, registry: base },
  );
  for (const k of distinct.kpis ?? []) registry.set(k.id, k);
  const def = (name: string, target: 'druid' | 'timescale') => ({
    name,
    on: 'payments.subscriptions',
    grain: 'day',
    target,
    dimensions: ['plan_type', 'region'],
    measures: MEASURES,
  });
  const [druidRollup, storeRollup, sketchRollup] = parseRollups(
    {
      rollups: [
        def('bench_subscriptions_druid', 'druid'),
        def('bench_subscriptions_store', 'timescale'),
        {
          ...def('bench_subscriptions_sketch_druid', 'druid'),
          measures: ['count(*)', 'approx_distinct(account_id)'],
        },
      ],
    },
    catalog,
  );
  const table: Record<string, string | number>[] = [];
  const build = await buildRollup(catalog, druidRollup!, env);
  const refresh = await refreshRollup(catalog, druidRollup!, env);
  await buildRollup(catalog, storeRollup!, env);
  const sketchBuild = await buildRollup(catalog, sketchRollup!, env);
  table.push(
    {
      case: 'build the Druid rollup (cold, native batch)',
      p50_ms: Math.round(build.ddlMs + build.loadMs + build.refreshMs),
      p90_ms: '',
      rows: build.aggRows,
      engine: `Trino ${Math.round(build.loadMs)} ms, ingestion until served ${Math.round(build.refreshMs)} ms`,
    },
    {
      case: 'refresh the Druid rollup (its window re-loaded)',
      p50_ms: Math.round(refresh.loadMs + refresh.refreshMs),
      p90_ms: '',
      rows: refresh.factRows,
      engine: `${refresh.checked.partitions} chunks replaced`,
    },
  );

  const runtime = createRuntime({ env, maxConcurrent: 2 });
  const engineWith = async (rollups: (typeof druidRollup)[]) => {
    const list = rollups.filter((r) => r !== undefined);
    const ctx = await loadOptimizeContext(catalog, list, env.TIMESCALE_URL);
    return createEngine({
      catalog,
      registry,
      env,
      runtime,
      timeoutMs: 600_000,
      optimizer: optimizerFor(ctx),
    });
  };
  const raw = createEngine({ catalog, registry, env, dialect: 'trino', runtime, timeoutMs: 600_000 });
  const druid = await engineWith([druidRollup]);
  const store = await engineWith([storeRollup]);
  const sketch = await engineWith([sketchRollup]);
  const end = `${(build.to ?? '2026-07-01T00:00:00Z').slice(0, 10)}T00:00:00Z`;
  const q: MetricQuery = {
    kpi: 'revenue',
    grain: 'day',
    range: { start: '2024-01-01T00:00:00Z', end },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
  };
  try {
    const r = await time(raw, q);
    const d = await time(druid, q);
    const s = await time(store, q);
    const row = (name: string, x: typeof r) => ({
      case: `revenue day history: ${name}`,
      p50_ms: +x.p50.toFixed(1),
      p90_ms: +x.p90.toFixed(1),
      rows: x.rows,
      engine: `${x.dialect}, ${(r.p50 / x.p50).toFixed(1)}x of raw`,
    });
    table.push(row('raw via Trino', r), row('Druid rollup', d), row('TimescaleDB rollup', s));

    // Distinct paying accounts by month: HLL sketches on Druid vs the exact count distinct raw on Trino.
    const m: MetricQuery = { ...q, kpi: 'bench_paying_accounts', grain: 'month' };
    const exactQ: MetricQuery = { ...m, kpi: 'bench_paying_accounts_exact' };
    const ex = await time(raw, exactQ);
    const sk = await time(sketch, m);
    const exactRows = new Map((await raw.run(exactQ)).rows.map((x) => [x.time, x.value]));
    let worst = 0;
    for (const x of (await sketch.run(m)).rows) {
      const want = exactRows.get(x.time) ?? null;
      if (want && x.value !== null) worst = Math.max(worst, Math.abs(x.value - want) / want);
    }
    table.push(
      {
        case: 'build the Druid sketch rollup (cold)',
        p50_ms: Math.round(sketchBuild.ddlMs + sketchBuild.loadMs + sketchBuild.refreshMs),
        p90_ms: '',
        rows: sketchBuild.aggRows,
        engine: `${sketchBuild.factRows} rows loaded (one per bucket, dimensions and account)`,
      },
      {
        case: 'distinct accounts by month: exact count distinct raw via Trino',
        p50_ms: +ex.p50.toFixed(1),
        p90_ms: +ex.p90.toFixed(1),
        rows: ex.rows,
        engine: ex.dialect,
      },
      {
        case: 'distinct accounts by month: approx_distinct from Druid HLL sketches',
        p50_ms: +sk.p50.toFixed(1),
        p90_ms: +sk.p90.toFixed(1),
        rows: sk.rows,
        engine: `${sk.dialect}, ${(ex.p50 / sk.p50).toFixed(1)}x of exact raw, worst error ${(worst * 100).toFixed(2)}% (bound ±4.875%)`,
      },
    );
    const headline = `druid: ${(r.p50 / d.p50).toFixed(1)}x faster than raw Trino (revenue day history, ${d.rows} days from the Druid rollup on ${d.dialect}: ${d.p50.toFixed(0)} ms vs ${r.p50.toFixed(0)} ms p50; TimescaleDB rollup ${s.p50.toFixed(0)} ms, ${(r.p50 / s.p50).toFixed(1)}x; distinct accounts by month from sketches ${sk.p50.toFixed(0)} ms vs exact raw ${ex.p50.toFixed(0)} ms, ${(ex.p50 / sk.p50).toFixed(1)}x, worst error ${(worst * 100).toFixed(2)}%; ${build.checked.rowsScanned} source rows, KPI_BENCH_SCALE ${scaleFactor} unless the stack held data)`;
    return {
      group: 'druid',
      table,
      headline,
      results: {
        build,
        refresh,
        raw: r,
        druid: d,
        store: s,
        sketchBuild,
        exactDistinct: ex,
        sketch: sk,
        worst,
      },
    };
  } finally {
    await runtime.close();
  }
}
