/**
 * Rollup benchmark: a KPI's history at day grain over the whole data range, answered raw through Trino,
 * from the rollup through Trino (metrics catalog), and from the rollup directly on the metrics store;
 * plus the cold cost of building each rollup, of a refresh with nothing new (its 7-day mutable window
 * fingerprinted in the source), of a full verification, and how long a captured source change takes to
 * reach an answer. Brings the stack up and
 * loads the payments source (subscriptions, expenses — what the two KPIs read) at KPI_BENCH_SCALE
 * (default 1: 1,000,000 subscriptions); the other sources keep what they hold (MongoDB at scale 1 takes
 * about half an hour to load, and no KPI measured here reads it).
 */
import { loadCatalog } from '../../../src/catalog/load.ts';
import { loadDemoData } from '../../../src/data/load.ts';
import { createEngine, createRuntime, type KpiEngine } from '../../../src/exec/engine.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';
import { loadOptimizeContext, optimizerFor } from '../../../src/optimize/context.ts';
import { buildRollup } from '../../../src/rollup/build.ts';
import { loadRollups } from '../../../src/rollup/definitions.ts';
import { refreshRollup, verifyRollup } from '../../../src/rollup/refresh.ts';
import { readStates } from '../../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../../src/semantic/index.ts';
import { stackUp } from '../../../src/stack/up.ts';
import { type BenchResult, percentile } from '../types.ts';
import { capturedChangeLatency } from './rollup-capture.ts';

const RUNS = Number(process.env.KPI_BENCH_RUNS ?? 9);

async function time(engine: KpiEngine, q: MetricQuery, dialect?: 'trino') {
  const samples: number[] = [];
  let rows = 0;
  let used = '';
  for (let i = 0; i < RUNS + 2; i++) {
    const t0 = performance.now();
    const r = await engine.run(q, dialect ? { dialect } : {});
    const ms = performance.now() - t0;
    if (i >= 2) samples.push(ms); // two warm-up runs
    rows = r.rows.length;
    used = r.dialect;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p90: percentile(samples, 90), rows, dialect: used };
}

export async function run(): Promise<BenchResult> {
  const scaleFactor = Number(process.env.KPI_BENCH_SCALE ?? 1);
  const log = (line: string) => console.log(`[stack] ${line}`);
  const env = (await stackUp({ skipData: true, log })) as Record<string, string>;
  await loadDemoData({ scale: scaleFactor, env, sources: ['payments'], onlyIfEmpty: true, log });
  const catalog = loadCatalog();
  const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
  const rollups = loadRollups(catalog);
  const scale = `${scaleFactor} (payments)`;

  const table: Record<string, string | number>[] = [];
  const builds: Record<string, unknown>[] = [];
  for (const r of rollups) {
    const b = await buildRollup(catalog, r, env);
    const again = await refreshRollup(catalog, r, env);
    const verified = await verifyRollup(catalog, r, env);
    builds.push({ rollup: r.name, build: b, emptyRefresh: again, verify: verified });
    table.push({
      case: `build ${r.name} (cold)`,
      p50_ms: Math.round(b.ddlMs + b.loadMs + b.refreshMs),
      p90_ms: '',
      rows: b.aggRows,
      engine: `load ${Math.round(b.loadMs)} ms, refresh ${Math.round(b.refreshMs)} ms (${b.materialization})`,
    });
    table.push({
      case: `refresh ${r.name} (nothing new; 7-day window fingerprinted)`,
      p50_ms: Math.round(Math.max(again.checked.ms, again.loadMs) + again.refreshMs),
      p90_ms: '',
      rows: again.factRows,
      engine: `fingerprints of ${again.checked.partitions} partitions, ${again.checked.rowsScanned} source rows read in ${Math.round(again.checked.ms)} ms`,
    });
    table.push({
      case: `verify ${r.name} (full history)`,
      p50_ms: Math.round(Math.max(verified.checked.ms, verified.loadMs) + verified.refreshMs),
      p90_ms: '',
      rows: verified.repaired.length,
      engine: `fingerprints of ${verified.checked.partitions} partitions, ${verified.checked.rowsScanned} source rows read in ${Math.round(verified.checked.ms)} ms; ${verified.repaired.length} repaired`,
    });
  }
  const captured = await capturedChangeLatency(catalog, rollups, env);
  table.push({
    case: 'captured change → answer (subscriptions_daily)',
    p50_ms: Math.round(captured.ms),
    p90_ms: '',
    rows: captured.repaired,
    engine: `UPDATE of one old row → triggers log it → refresh re-loads ${captured.repaired} partition (${captured.checked} checked) → the optimized answer has it`,
  });
  const states = await readStates(env.TIMESCALE_URL!);
  const watermark = states.get('subscriptions_daily')?.watermark ?? '2026-06-30T00:00:00Z';
  const end = `${watermark.slice(0, 10)}T00:00:00Z`;

  const runtime = createRuntime({ env, maxConcurrent: 2 });
  const ctx = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL);
  const rawEngine = createEngine({ catalog, registry, env, dialect: 'trino', runtime, timeoutMs: 600_000 });
  const optEngine = createEngine({
    catalog,
    registry,
    env,
    runtime,
    timeoutMs: 600_000,
    optimizer: optimizerFor(ctx),
  });
  const directRaw = createEngine({ catalog, registry, env, runtime, timeoutMs: 600_000 });
  const results: Record<string, unknown> = {};
  const headlines: string[] = [];
  try {
    for (const kpi of ['revenue', 'expenses_by_channel']) {
      const q: MetricQuery = {
        kpi,
        grain: 'day',
        range: { start: '2024-01-01T00:00:00Z', end },
        timezone: 'UTC',
        dimensions: [],
        filters: [],
      };
      const raw = await time(rawEngine, q);
      const rollTrino = await time(optEngine, q, 'trino');
      const rollDirect = await time(optEngine, q);
      const rawDirect = await time(directRaw, q);
      results[kpi] = { raw, rollTrino, rollDirect, rawDirect };
      const ratio = (x: { p50: number }) => `${(raw.p50 / x.p50).toFixed(1)}x`;
      table.push(
        {
          case: `${kpi} day history: raw via Trino`,
          p50_ms: +raw.p50.toFixed(1),
          p90_ms: +raw.p90.toFixed(1),
          rows: raw.rows,
          engine: raw.dialect,
        },
        {
          case: `${kpi}: raw direct (bypass)`,
          p50_ms: +rawDirect.p50.toFixed(1),
          p90_ms: +rawDirect.p90.toFixed(1),
          rows: rawDirect.rows,
          engine: `${rawDirect.dialect}, ${ratio(rawDirect)}`,
        },
        {
          case: `${kpi}: rollup via Trino`,
          p50_ms: +rollTrino.p50.toFixed(1),
          p90_ms: +rollTrino.p90.toFixed(1),
          rows: rollTrino.rows,
          engine: `${rollTrino.dialect}, ${ratio(rollTrino)}`,
        },
        {
          case: `${kpi}: rollup direct`,
          p50_ms: +rollDirect.p50.toFixed(1),
          p90_ms: +rollDirect.p90.toFixed(1),
          rows: rollDirect.rows,
          engine: `${rollDirect.dialect}, ${ratio(rollDirect)}`,
        },
      );
      if (kpi === 'revenue') {
        const best =
          rollDirect.p50 < rollTrino.p50
            ? { path: 'rollup direct on the metrics store', r: rollDirect }
            : { path: 'rollup via Trino', r: rollTrino };
        headlines.push(
          `rollup: ${(raw.p50 / best.r.p50).toFixed(1)}x faster than raw Trino (${best.path}, revenue day history ${raw.rows} days: ${best.r.p50.toFixed(0)} ms vs ${raw.p50.toFixed(0)} ms p50; rollup via Trino ${(raw.p50 / rollTrino.p50).toFixed(1)}x; scale ${scale})`,
        );
      }
    }
  } finally {
    await runtime.close();
  }
  return {
    group: 'rollup',
    table,
    headline: headlines[0] ?? 'rollup: no figure',
    results: { scale, builds, queries: results, captured },
  };
}
