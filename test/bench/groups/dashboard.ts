/**
 * Dashboard benchmark (issue 16): the questions dashboards ask most — the metric routes' default range
 * ("the last 30 days including today") and "the last 12 months until now", at day grain — for revenue
 * and a two-source ratio (cac_marketing: marketing expenses / new accounts), answered raw through Trino
 * and as the optimizer chooses by cost (stitched: rollups for the complete days up to yesterday, raw
 * rows for today), cold (no result cache), side by side in one run — both the chosen plan as one Trino
 * statement and as the engine runs it by default: a split plan (each piece directly on its own engine —
 * the rollup on the metrics store, the raw tail and raw variables on PostgreSQL — combined in process)
 * when that is cheaper by estimate than one Trino statement. "Today" is the demo data's last day (2026-06-30), and
 * the rollups count as built up to its midnight. The optimized engine chooses by cost with the counts the
 * builds recorded (cac_marketing's rollups are nearly as large as their sources); where its choice
 * differs from the stitched plan, that plan is measured too (forced: any exact rollup plan wins), so the
 * run shows whether the choice was right.
 * Loads payments and users at KPI_BENCH_SCALE (default 1) into the stack unless they hold that data set.
 */
import { loadCatalog } from '../../../src/catalog/load.ts';
import { loadDemoData } from '../../../src/data/load.ts';
import { createEngine, createRuntime, type KpiEngine } from '../../../src/exec/engine.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';
import { ANY_ROLLUP, loadOptimizeContext, optimizerFor } from '../../../src/optimize/context.ts';
import { optimize } from '../../../src/optimize/optimize.ts';
import type { OptimizeContext } from '../../../src/optimize/types.ts';
import { planQuery } from '../../../src/plan/planner.ts';
import { buildRollup } from '../../../src/rollup/build.ts';
import { loadRollups } from '../../../src/rollup/definitions.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../../src/semantic/index.ts';
import { stackUp } from '../../../src/stack/up.ts';
import { type BenchResult, percentile } from '../types.ts';

const RUNS = Number(process.env.KPI_BENCH_RUNS ?? 7);
const TODAY = '2026-06-30T00:00:00.000Z';
const NOW = '2026-06-30T15:00:00.000Z';
const TOMORROW = '2026-07-01T00:00:00.000Z';

async function time(engine: KpiEngine, q: MetricQuery, dialect: 'trino' | 'auto' = 'trino') {
  const samples: number[] = [];
  let rows: readonly Record<string, unknown>[] = [];
  let ran = '';
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = performance.now();
    const r = await engine.run(q, { dialect });
    ran = r.dialect;
    if (i >= 1) samples.push(performance.now() - t0); // one warm-up run (Trino's plan caches)
    rows = r.rows;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p90: percentile(samples, 90), rows, ran };
}

const sameRows = (a: readonly Record<string, unknown>[], b: readonly Record<string, unknown>[]) =>
  a.length === b.length &&
  a.every((r, i) => {
    const x = Number(r.value);
    const y = Number(b[i]?.value);
    return r.time === b[i]?.time && (x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)));
  });

export async function run(): Promise<BenchResult> {
  const scale = Number(process.env.KPI_BENCH_SCALE ?? 1);
  const log = (line: string) => console.log(`[stack] ${line}`);
  const env = (await stackUp({ skipData: true, log })) as Record<string, string>;
  await loadDemoData({ scale, env, sources: ['payments', 'users'], onlyIfEmpty: true, log });
  const catalog = loadCatalog();
  const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
  const rollups = loadRollups(catalog).filter((r) =>
    ['subscriptions_daily', 'expenses_daily', 'accounts_daily'].includes(r.name),
  );
  // Cold builds: the sources may just have been (re)loaded at this scale.
  for (const r of rollups) await buildRollup(catalog, r, env);
  const loaded = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL);
  // Built up to yesterday: the plans read the rollups below today's midnight only.
  const ctx: OptimizeContext = {
    ...loaded,
    facts: new Map([...loaded.facts].map(([name, f]) => [name, { ...f, watermark: TODAY }])),
  };
  const runtime = createRuntime({ env, maxConcurrent: 2 });
  const raw = createEngine({ catalog, registry, env, dialect: 'trino', runtime, timeoutMs: 600_000 });
  const forcedCtx: OptimizeContext = { ...ctx, rowCost: ANY_ROLLUP };
  const optimized = (c: OptimizeContext) =>
    createEngine({ catalog, registry, env, runtime, timeoutMs: 600_000, optimizer: optimizerFor(c) });
  const stitched = optimized(ctx);
  const forced = optimized(forcedCtx);
  const table: Record<string, string | number>[] = [];
  const results: Record<string, unknown> = {};
  const ranges = {
    'default range (last 30 days incl. today)': { start: '2026-06-01T00:00:00Z', end: TOMORROW },
    'last 12 months until now': { start: '2025-07-01T00:00:00Z', end: NOW },
  };
  const speedups: Record<string, number[]> = {};
  const trinoSpeedups: Record<string, number[]> = {};
  let choices = 0;
  let rightChoices = 0;
  try {
    for (const kpi of ['revenue', 'cac_marketing']) {
      for (const [label, range] of Object.entries(ranges)) {
        const q: MetricQuery = { kpi, grain: 'day', range, timezone: 'UTC', dimensions: [], filters: [] };
        const planned = planQuery(registry.get(kpi)!, q, { catalog, registry });
        const o = optimize(planned, ctx);
        const describe = (x: typeof o) =>
          x.choices
            .map(
              (c) =>
                `${c.instance}: ${c.chosen ? `${c.chosen} + ${(c.pieces ?? []).filter((t) => t.from === 'raw').length} raw` : 'raw'}`,
            )
            .join('; ');
        const pieces = describe(o);
        const f = optimize(planned, forcedCtx);
        const r = await time(raw, q);
        const viaTrino = await time(stitched, q);
        const s = await time(stitched, q, 'auto');
        const equal = sameRows(r.rows, s.rows) && sameRows(r.rows, viaTrino.rows);
        // Where cost chose otherwise than stitching everything, the stitched plan it declined is
        // measured too: the choice was right when the declined plan is the slower one.
        const declined = describe(f) !== pieces ? await time(forced, q, 'auto') : null;
        const speedup = r.p50 / s.p50;
        speedups[label] = [...(speedups[label] ?? []), speedup];
        trinoSpeedups[label] = [...(trinoSpeedups[label] ?? []), r.p50 / viaTrino.p50];
        results[`${kpi} ${label}`] = {
          raw: r.p50,
          chosenViaTrino: viaTrino.p50,
          chosen: s.p50,
          engine: s.ran,
          rows: r.rows.length,
          equal,
          pieces,
        };
        table.push(
          {
            case: `${kpi}, ${label}: raw via Trino`,
            p50_ms: +r.p50.toFixed(1),
            p90_ms: +r.p90.toFixed(1),
            rows: r.rows.length,
            note: '',
          },
          {
            case: `${kpi}, ${label}: chosen plan as one Trino statement`,
            p50_ms: +viaTrino.p50.toFixed(1),
            p90_ms: +viaTrino.p90.toFixed(1),
            rows: viaTrino.rows.length,
            note: `${(r.p50 / viaTrino.p50).toFixed(1)}x; ${pieces}`,
          },
          {
            case: `${kpi}, ${label}: chosen by cost (${s.ran})`,
            p50_ms: +s.p50.toFixed(1),
            p90_ms: +s.p90.toFixed(1),
            rows: s.rows.length,
            note: `${speedup.toFixed(1)}x; ${equal ? 'same rows' : 'ROWS DIFFER'}; ${pieces}`,
          },
        );
        if (declined) {
          const right = s.p50 <= declined.p50;
          choices++;
          if (right) rightChoices++;
          results[`${kpi} ${label} declined stitch`] = { stitched: declined.p50, pieces: describe(f), right };
          table.push({
            case: `${kpi}, ${label}: stitched, declined by cost`,
            p50_ms: +declined.p50.toFixed(1),
            p90_ms: +declined.p90.toFixed(1),
            rows: declined.rows.length,
            note: `${(r.p50 / declined.p50).toFixed(1)}x; ${sameRows(r.rows, declined.rows) ? 'same rows' : 'ROWS DIFFER'}; ${describe(f)}; declining it was ${right ? 'right' : 'WRONG'}`,
          });
        }
      }
    }
  } finally {
    await runtime.close();
  }
  const geo = (xs: number[]) => Math.exp(xs.reduce((n, x) => n + Math.log(x), 0) / xs.length);
  const [dflt, year] = Object.keys(ranges).map((k) => geo(speedups[k] ?? [Number.NaN]));
  const [dfltTrino, yearTrino] = Object.keys(ranges).map((k) => geo(trinoSpeedups[k] ?? [Number.NaN]));
  const engines = [
    ...new Set(
      Object.values(results)
        .map((x) => (x as { engine?: string }).engine)
        .filter(Boolean),
    ),
  ];
  return {
    group: 'dashboard',
    table,
    headline: `dashboard: ${dflt!.toFixed(1)}x faster than raw on the default range (revenue and cac_marketing, day grain, chosen by cost (ran ${engines.join('/')}) vs raw via Trino, cold; last 12 months until now ${year!.toFixed(1)}x; the chosen plans as one Trino statement ${dfltTrino!.toFixed(1)}x / ${yearTrino!.toFixed(1)}x; cost choice right in ${rightChoices}/${choices} cases where it declined a stitch; scale ${scale})`,
    results: { scale, runs: RUNS, today: TODAY, queries: results, choices, rightChoices },
  };
}
