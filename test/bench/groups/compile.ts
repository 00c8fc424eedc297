/**
 * `npm run bench -- compile`: compile latency (plan + SQL) and throughput for the demo KPIs over a mix
 * of queries, compile latency for a KPI in a registry of 1,000 KPIs, and — when the stack is up — the
 * end-to-end latency of a small federated KPI query split into compile / Trino / transfer.
 */
import { loadCatalog } from '../../../src/catalog/load.ts';
import type { Catalog } from '../../../src/catalog/types.ts';
import { readStackEnv } from '../../../src/config/stack-env.ts';
import { emitSql } from '../../../src/emit/emit.ts';
import { postgres } from '../../../src/emit/postgres.ts';
import { trino } from '../../../src/emit/trino.ts';
import { createEngine } from '../../../src/exec/engine.ts';
import type { FormulaExpr, Grain, KpiIR } from '../../../src/ir/kpi.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';
import { planQuery } from '../../../src/plan/planner.ts';
import { demoKpis, kpi, measure, ref, T } from '../../unit/compile-kpis.ts';
import { compileShapes } from '../compile-shapes.ts';
import { type BenchResult, percentile } from '../types.ts';

const catalog = loadCatalog();

async function demoRegistry(c: Catalog): Promise<Map<string, KpiIR>> {
  const registry = new Map(demoKpis(c).map((k) => [k.id, k]));
  try {
    // The language front end's demo KPIs, when it is there.
    const s = (await import('../../../src/semantic/index.ts' as string)) as {
      loadRegistry(files: unknown, catalog: Catalog): unknown;
      DEMO_KPI_FILES: unknown;
    };
    const loaded = s.loadRegistry(s.DEMO_KPI_FILES, c) as
      | { registry?: Map<string, KpiIR> }
      | Map<string, KpiIR>;
    const map = loaded instanceof Map ? loaded : loaded.registry;
    for (const [id, k] of map ?? []) registry.set(id, k);
  } catch {
    // hand-built demo KPIs only
  }
  return registry;
}

/** 1,000 KPIs: measures over every table, and derived KPIs chaining up to 8 references deep. */
function bigRegistry(c: Catalog): Map<string, KpiIR> {
  const tables = [T.subscriptions, T.expenses, T.accounts, T.events];
  const out = new Map<string, KpiIR>();
  for (let i = 0; i < 1000; i++) {
    const id = `k${i}`;
    if (i < 200 || i % 8 === 0) {
      const t = tables[i % tables.length]!;
      const col = t === T.events ? null : t === T.accounts ? 'id' : 'amount';
      out.set(id, kpi(id, ref('m'), [measure(c, 'm', col && col !== 'id' ? 'sum' : 'count', t, col)]));
    } else {
      const formula: FormulaExpr = {
        kind: 'binary',
        op: i % 2 ? '+' : '/',
        left: { kind: 'kpi_ref', id: `k${i - 1}` },
        right: { kind: 'kpi_ref', id: `k${(i * 7) % 200}` },
      };
      out.set(id, kpi(id, formula, [], { dependsOn: [`k${i - 1}`, `k${(i * 7) % 200}`] }));
    }
  }
  return out;
}

const GRAINS: (Grain | null)[] = ['day', 'week', 'month', 'quarter', null];
const TZ = ['UTC', 'Europe/Berlin', 'America/New_York'];

function queries(k: KpiIR): MetricQuery[] {
  return GRAINS.map((grain, i) => ({
    kpi: k.id,
    grain,
    range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
    timezone: TZ[i % TZ.length]!,
    dimensions: i % 2 ? k.dimensions.slice(0, 1) : [],
    filters: [],
  }));
}

function compileOnce(k: KpiIR, q: MetricQuery, registry: ReadonlyMap<string, KpiIR>): number {
  const t0 = performance.now();
  const plan = planQuery(k, q, { catalog, registry });
  try {
    emitSql(plan, trino, catalog);
  } catch {
    emitSql(plan, postgres, catalog);
  }
  return performance.now() - t0;
}

function measureCompiles(
  cases: Array<[KpiIR, MetricQuery]>,
  registry: ReadonlyMap<string, KpiIR>,
  rounds: number,
) {
  for (const [k, q] of cases) compileOnce(k, q, registry); // warm up
  const samples: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const [k, q] of cases) samples.push(compileOnce(k, q, registry));
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    n: samples.length,
    perSecond: Math.round((samples.length / wall) * 1000),
    p50us: Math.round(percentile(samples, 50) * 1000),
    p99us: Math.round(percentile(samples, 99) * 1000),
  };
}

type EndToEnd =
  | { compileMs: number; trinoMs: number; transferMs: number; totalMs: number }
  | { error: string };

async function endToEnd(registry: ReadonlyMap<string, KpiIR>): Promise<EndToEnd | null> {
  const env = readStackEnv();
  if (!env.TRINO_URL) return null;
  try {
    const info = await fetch(`${env.TRINO_URL}/v1/info`, { signal: AbortSignal.timeout(1500) });
    if (!info.ok || ((await info.json()) as { starting: boolean }).starting) return null;
  } catch {
    return null;
  }
  const engine = createEngine({ catalog, registry, env, dialect: 'trino', timeoutMs: 60_000 });
  const query: MetricQuery = {
    kpi: 'cac',
    grain: 'month',
    range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
  };
  try {
    await engine.run(query);
    const t: { compile: number[]; engine: number[]; transfer: number[]; total: number[] } = {
      compile: [],
      engine: [],
      transfer: [],
      total: [],
    };
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await engine.run(query);
      t.total.push(performance.now() - t0);
      t.compile.push(r.timings.compileMs);
      t.engine.push(r.timings.engineMs);
      t.transfer.push(r.timings.transferMs);
    }
    const p50 = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    return {
      compileMs: p50(t.compile),
      trinoMs: p50(t.engine),
      transferMs: p50(t.transfer),
      totalMs: p50(t.total),
    };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await engine.close();
  }
}

export async function run(): Promise<BenchResult> {
  const demo = await demoRegistry(catalog);
  const demoCases = [...demo.values()].flatMap((k) => queries(k).map((q) => [k, q] as [KpiIR, MetricQuery]));
  const compiledDemo = measureCompiles(demoCases, demo, 40);
  const big = bigRegistry(catalog);
  const deep = [...big.values()].slice(-8);
  const bigCases = deep.flatMap((k) =>
    queries(k)
      .slice(0, 3)
      .map((q) => [k, q] as [KpiIR, MetricQuery]),
  );
  const compiledBig = measureCompiles(bigCases, big, 20);
  const shapes = compileShapes(catalog);
  const e2e = await endToEnd(demo);
  const table: Array<Record<string, string | number>> = [
    {
      case: `demo KPIs (${demo.size} KPIs × ${GRAINS.length} queries)`,
      compiles: compiledDemo.n,
      'compiles/s': compiledDemo.perSecond,
      'p50 µs': compiledDemo.p50us,
      'p99 µs': compiledDemo.p99us,
    },
    {
      case: 'registry of 1,000 KPIs (derived, 8 deep)',
      compiles: compiledBig.n,
      'compiles/s': compiledBig.perSecond,
      'p50 µs': compiledBig.p50us,
      'p99 µs': compiledBig.p99us,
    },
    ...shapes,
  ];
  if (e2e && 'totalMs' in e2e) {
    table.push({
      case: 'federated cac by month via Trino (p50 of 10)',
      'compile ms': Number(e2e.compileMs.toFixed(2)),
      'trino ms': Math.round(e2e.trinoMs),
      'transfer ms': Math.round(e2e.transferMs),
      'total ms': Math.round(e2e.totalMs),
    });
  }
  const e2eText =
    e2e && 'totalMs' in e2e
      ? `; federated cac p50 ${Math.round(e2e.totalMs)} ms (compile ${e2e.compileMs.toFixed(2)} / trino ${Math.round(e2e.trinoMs)} / transfer ${Math.round(e2e.transferMs)})`
      : e2e && 'error' in e2e
        ? `; federated query failed: ${e2e.error}`
        : '; stack not up: no end-to-end figure';
  return {
    group: 'compile',
    table,
    headline: `compile: ${compiledDemo.perSecond} compiles/s, p50 ${compiledDemo.p50us} µs, p99 ${compiledDemo.p99us} µs (demo KPIs); 1,000-KPI registry p50 ${compiledBig.p50us} µs, p99 ${compiledBig.p99us} µs; chains 20/100/1,000 terms p50 ${shapes
      .slice(0, 3)
      .map((s) => s['p50 ms'])
      .join('/')} ms${e2eText}`,
    results: { demo: compiledDemo, big: compiledBig, shapes, endToEnd: e2e },
  };
}
