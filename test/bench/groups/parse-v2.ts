/**
 * `npm run bench -- parse-v2`: parse + check throughput of the v2 language — the demo KPI files, and a
 * generated registry of 1,000 KPIs × 50 dimensions over a synthetic catalog (20 fact tables joined
 * to a 50-column dimension table). Time and memory; the last line is `parse: N KPIs/s …`.
 */
import { readFileSync } from 'node:fs';
import { buildCatalog, loadCatalog } from '../../../src/catalog/load.ts';
import * as lang from '../../../src/semantic/v2/index.ts';
import { type BenchResult, percentile } from '../types.ts';

const DIMS = 50;
const FACTS = 20;

function syntheticCatalog() {
  const dimColumns = Object.fromEntries(
    Array.from({ length: DIMS }, (_, i) => [`dim_${i}`, 'string']).concat([['id', 'bigint']]),
  );
  const facts = Object.fromEntries(
    Array.from({ length: FACTS }, (_, i) => [
      `fact_${i}`,
      {
        primaryKey: 'id',
        timeColumn: 'ts',
        columns: {
          id: 'bigint',
          customer_id: 'bigint',
          amount: 'decimal',
          qty: 'bigint',
          ts: 'timestamp',
          ends_at: 'timestamp',
          dim_0: 'string',
          dim_1: 'string',
        },
        joins: [{ column: 'customer_id', to: { source: 'warehouse', table: 'customers', column: 'id' } }],
      },
    ]),
  );
  return buildCatalog({
    connections: { wh: { engine: 'postgres', env: 'WH_URL', trinoCatalog: 'wh' } },
    sources: {
      warehouse: {
        connection: 'wh',
        schema: 'public',
        tables: {
          ...facts,
          customers: { primaryKey: 'id', timeColumn: 'id', columns: dimColumns, joins: [] },
        },
      },
    },
  });
}

/** 1,000 KPIs, each with 50 dimensions; one in four derives from earlier ones. */
function syntheticProgram(): string {
  const dims = Array.from({ length: DIMS }, (_, i) => `dim_${i}`).join(', ');
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = `warehouse.fact_${i % FACTS}`;
    const formula =
      i >= 8 && i % 4 === 0
        ? `k${i - 1} / nullif(k${i - 5}, 0) + growth(k${i - 2}, 1 month)`
        : i % 3 === 0
          ? `sum(${t}.amount where dim_0 in ('a', 'b') and qty > 2) / count(distinct ${t}.customer_id)`
          : i % 3 === 1
            ? `rolling(sum(${t}.amount * qty) active between ts and ends_at, 7 days)`
            : `to_date(count(${t}.* where dim_1 like 'x%'), month) - percentile(${t}.amount, 0.9)`;
    out.push(
      `kpi k${i} 'KPI ${i}' {\n  category: business\n  formula: ${formula}\n  dimensions: ${dims}\n  grains: day, month\n}\n`,
    );
  }
  return out.join('\n');
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

function timeIt(run: () => void, minMs: number): number[] {
  const samples: number[] = [];
  const until = performance.now() + minMs;
  do {
    const a = performance.now();
    run();
    samples.push(performance.now() - a);
  } while (performance.now() < until || samples.length < 3);
  return samples.sort((x, y) => x - y);
}

export async function run(): Promise<BenchResult> {
  const catalog = loadCatalog();
  const [seedPath, dslPath] = lang.DEMO_KPI_FILES as [string, string];
  const dsl = readFileSync(dslPath, 'utf8');
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  const demoCount =
    lang.analyzeDsl(dsl, { catalog }).kpis.length + lang.analyzeDefinitions(seed, { catalog }).kpis.length;
  const demo = timeIt(() => {
    lang.analyzeDefinitions(seed, { catalog });
    lang.analyzeDsl(dsl, { catalog });
  }, 3000);

  const big = syntheticCatalog();
  const text = syntheticProgram();
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const first = lang.analyzeDsl(text, { catalog: big });
  const heapAfter = process.memoryUsage().heapUsed;
  if (first.diagnostics.length > 0 || first.kpis.length !== 1000) {
    throw new Error(
      `synthetic registry did not check: ${first.diagnostics[0]?.message} (${first.kpis.length} KPIs)`,
    );
  }
  const large = timeIt(() => lang.analyzeDsl(text, { catalog: big }), 5000);
  const rss = process.memoryUsage().rss;

  const p50 = (s: number[]) => percentile(s, 50);
  const demoRate = Math.round((demoCount / p50(demo)) * 1000);
  const largeRate = Math.round((1000 / p50(large)) * 1000);
  const table: Record<string, string | number>[] = [
    {
      case: `demo (${demoCount} KPIs, 2 files)`,
      runs: demo.length,
      p50_ms: p50(demo),
      p99_ms: percentile(demo, 99),
      kpis_per_s: demoRate,
    },
    {
      case: `synthetic 1,000 KPIs × ${DIMS} dims (${Math.round(text.length / 1024)} KiB)`,
      runs: large.length,
      p50_ms: p50(large),
      p99_ms: percentile(large, 99),
      kpis_per_s: largeRate,
      heap_mb: mb(heapAfter - heapBefore),
      rss_mb: mb(rss),
    },
  ];
  return {
    group: 'parse-v2',
    table,
    headline: `parse: ${largeRate} KPIs/s (v2; 1,000 KPIs × ${DIMS} dimensions parsed + checked in ${p50(large).toFixed(0)} ms p50, heap +${mb(heapAfter - heapBefore)} MB, rss ${mb(rss)} MB; demo ${demoRate} KPIs/s)`,
    results: { table, textBytes: text.length },
  };
}
