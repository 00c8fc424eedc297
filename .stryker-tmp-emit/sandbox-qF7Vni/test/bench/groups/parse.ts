/**
 * `npm run bench -- parse`: parse + check throughput of the KPI language — the demo KPIs (DSL and the
 * seed's JSON), and a generated registry of 1,000 KPIs × 50 dimensions over a synthetic catalog
 * (MetricFlow users report minutes for 70 metrics × 100 dimensions; Cube schema compiles 10–54 s).
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { buildCatalog, loadCatalog } from '../../../src/catalog/load.ts';
import type { Catalog } from '../../../src/catalog/types.ts';
import { analyzeDefinitions, analyzeDsl, DEMO_KPI_FILES } from '../../../src/semantic/index.ts';
import { type BenchResult, percentile } from '../types.ts';

const DIMENSIONS = 50;
const FACTS = 10;

/** A star schema: FACTS fact tables with 25 dimension columns each, joined to a customers table with 25 more. */
export function syntheticCatalog(): Catalog {
  const dims = (from: number) =>
    Object.fromEntries(Array.from({ length: DIMENSIONS / 2 }, (_, i) => [`d${from + i}`, 'string']));
  const tables: Record<string, unknown> = {
    customers: {
      primaryKey: 'id',
      timeColumn: 'created_at',
      columns: { id: 'bigint', created_at: 'timestamp', ...dims(DIMENSIONS / 2) },
    },
  };
  for (let f = 0; f < FACTS; f++) {
    tables[`fact${f}`] = {
      primaryKey: 'id',
      timeColumn: 'ts',
      columns: {
        id: 'bigint',
        customer_id: 'bigint',
        ts: 'timestamp',
        ends_at: 'timestamp',
        amount: 'decimal',
        qty: 'bigint',
        status: 'string',
        ...dims(0),
      },
      joins: [{ column: 'customer_id', to: { source: 'synth', table: 'customers', column: 'id' } }],
    };
  }
  return buildCatalog({
    connections: { synth: { engine: 'postgres', env: 'SYNTH_DB_URL', trinoCatalog: 'synth' } },
    sources: { synth: { connection: 'synth', schema: 'public', tables } },
  });
}

/** 1,000 KPIs, each with every one of the 50 dimensions; one in five derives from an earlier one. */
export function syntheticProgram(count = 1000): string {
  const dims = Array.from({ length: DIMENSIONS }, (_, i) => `d${i}`).join(', ');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = `synth.fact${i % FACTS}`;
    const b = `synth.fact${(i * 7 + 3) % FACTS}`;
    const formula =
      i % 5 === 4
        ? `growth(k${i - 1}, 1 month) + k${i - 2} / nullif(count(${b}), 0)`
        : i % 3 === 0
          ? `sum(${a}.amount where status in ('paid', 'open') and d${i % 25} = 'x${i}') / count(distinct ${b}.customer_id)`
          : i % 3 === 1
            ? `sum(${a}.amount) active between ts and ends_at - rolling(sum(${b}.qty where qty > ${i}), 7 days)`
            : `round(avg(${a}.amount) * 100, 2) + percentile(${b}.amount, 0.9) + max(${a}.qty where d${i % 50} is not null)`;
    out.push(
      `kpi k${i} "Synthetic KPI ${i}" {\n  category: business\n  formula: ${formula}\n  dimensions: ${dims}\n  grains: day, month\n}`,
    );
  }
  return out.join('\n');
}

function measure(
  label: string,
  kpisPerRun: number,
  bytes: number,
  run: () => { kpis: readonly unknown[]; diagnostics: readonly { severity: string }[] },
  minMs: number,
) {
  const first = run();
  const errors = first.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || first.kpis.length !== kpisPerRun) {
    throw new Error(
      `${label}: expected ${kpisPerRun} KPIs without errors, got ${first.kpis.length} and ${JSON.stringify(errors.slice(0, 3))}`,
    );
  }
  const samples: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < 5) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  samples.sort((x, y) => x - y);
  const p50 = percentile(samples, 50);
  return {
    case: label,
    kpis: kpisPerRun,
    kB: Math.round(bytes / 1024),
    runs: samples.length,
    p50Ms: Number(p50.toFixed(2)),
    p99Ms: Number(percentile(samples, 99).toFixed(2)),
    kpisPerSecond: Math.round((kpisPerRun / p50) * 1000),
    peakHeapMB: Math.round(peakHeap / 2 ** 20),
  };
}

export async function run(): Promise<BenchResult> {
  const catalog = loadCatalog();
  const dslFile = DEMO_KPI_FILES.find((f) => f.endsWith('.kpi'))!;
  const jsonFile = DEMO_KPI_FILES.find((f) => f.endsWith('.json'))!;
  const dsl = readFileSync(dslFile, 'utf8');
  const json = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const demoCount = analyzeDsl(dsl, { catalog }).kpis.length;
  const synthCatalog = syntheticCatalog();
  const big = syntheticProgram(1000);
  const rss0 = process.memoryUsage().rss;
  const rows = [
    measure('demo .kpi file', demoCount, dsl.length, () => analyzeDsl(dsl, { catalog }), 1500),
    measure(
      'seed JSON (mrr, cac)',
      2,
      JSON.stringify(json).length,
      () => analyzeDefinitions(json, { catalog }),
      1000,
    ),
    measure(
      '1,000 KPIs × 50 dimensions',
      1000,
      big.length,
      () => analyzeDsl(big, { catalog: synthCatalog }),
      5000,
    ),
  ];
  const bigRow = rows[2]!;
  const demoRow = rows[0]!;
  return {
    group: 'parse',
    table: rows,
    headline: `parse: ${bigRow.kpisPerSecond.toLocaleString('en-US')} KPIs/s (1,000 KPIs × 50 dimensions in ${bigRow.p50Ms} ms p50, peak heap ${bigRow.peakHeapMB} MB); demo ${demoRow.kpisPerSecond.toLocaleString('en-US')} KPIs/s`,
    results: { rows, rssGrowthMB: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20) },
  };
}
