/**
 * Golden SQL fixtures: fixtures/golden/sql/*.txt hold a query and the expected plan and SQL per dialect
 * (trino, postgres, timescale) side by side. `UPDATE_GOLDEN=1 npx vitest run --project unit test/golden/emit-sql.test.ts` rewrites
 * them; review the diff like code.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { druid } from '../../src/emit/druid.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres, timescale } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import { type Diagnostic, formatDiagnostic } from '../../src/ir/diagnostic.ts';
import type { Grain, KpiIR, RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { printPlan } from '../../src/plan/print.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { featureKpis } from '../unit/compile-kpis.ts';
import { manifest } from './golden-files.ts';

export const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/sql/', import.meta.url));
/** `oracle` (hand-written SQL run beside the postgres SQL, see test/local/emit-sql-run.test.ts) is never generated. */
export const SECTIONS = ['query', 'plan', 'trino', 'postgres', 'timescale', 'druid', 'oracle'] as const;
/** The dialect sections a golden pins (timescale: the metrics store's dialect, PostgreSQL's SQL today). */
export const DIALECT_SECTIONS = ['trino', 'postgres', 'timescale', 'druid'] as const;
/** A timescale section that equals the postgres one says so instead of repeating it. */
export const SAME_AS_POSTGRES = '(same as postgres)';

export interface GoldenCase {
  readonly file: string;
  readonly title: string;
  readonly sections: Readonly<Record<string, string>>;
}

/**
 * The cases manifest.json lists. A listed file that is missing reads as an empty case, which fails
 * (its sections are absent); the query lives in the file, so UPDATE_GOLDEN cannot recreate it.
 */
export function readGoldens(): GoldenCase[] {
  return manifest('sql')
    .filter((f) => f.endsWith('.txt'))
    .map((file) => {
      const path = join(GOLDEN_DIR, file);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const title = /^# title: (.*)$/m.exec(text)?.[1] ?? file;
      const sections: Record<string, string> = {};
      const parts = text.split(/^--- (\w+)\n/m);
      for (let i = 1; i < parts.length; i += 2) sections[parts[i]!] = parts[i + 1]!.trimEnd();
      return { file, title, sections };
    });
}

export function writeGolden(c: GoldenCase, generated: Record<string, string>): void {
  const sections: Record<string, string> = { ...generated };
  if (c.sections.oracle) sections.oracle = c.sections.oracle;
  const body = SECTIONS.filter((s) => sections[s] !== undefined)
    .map((s) => `--- ${s}\n${sections[s]}\n`)
    .join('');
  writeFileSync(join(GOLDEN_DIR, c.file), `# title: ${c.title}\n${body}`);
}

export interface GoldenEnv {
  readonly catalog: Catalog;
  readonly registry: ReadonlyMap<string, KpiIR>;
  /** KPI IR for inline DSL (`dsl:` lines). */
  readonly dsl: (text: string) => KpiIR;
  readonly filter: (text: string) => RowExpr;
}

/** Parses the `--- query` section: `key: value` lines (kpi|dsl, grain, from, to, tz, dims, where). */
export function queryOf(text: string, env: GoldenEnv): { kpi: KpiIR; query: MetricQuery } {
  const v: Record<string, string> = {};
  const where: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'where') where.push(m[2]!);
    else v[m[1]!] = m[2]!;
  }
  const kpi = v.dsl ? env.dsl(v.dsl) : env.registry.get(v.kpi ?? '');
  if (!kpi) throw new Error(`golden query names no known KPI: ${text}`);
  return {
    kpi,
    query: {
      kpi: kpi.id,
      grain: !v.grain || v.grain === 'none' ? null : (v.grain as Grain),
      range: { start: v.from ?? '2025-01-01T00:00:00Z', end: v.to ?? '2025-04-01T00:00:00Z' },
      timezone: v.tz ?? 'UTC',
      dimensions: (v.dims ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
      filters: where.map(env.filter),
    },
  };
}

const attempt = (f: () => string): string => {
  try {
    return f();
  } catch (error) {
    if (error instanceof CompileError) return `error ${error.code}: ${error.message}`;
    throw error;
  }
};

/** What the compiler produces today for a golden's query. */
export function render(c: GoldenCase, env: GoldenEnv): Record<string, string> {
  const { kpi, query } = queryOf(c.sections.query ?? '', env);
  const registry = new Map(env.registry);
  registry.set(kpi.id, kpi);
  const ctx = { catalog: env.catalog, registry };
  const planned = (() => {
    try {
      return planQuery(kpi, query, ctx);
    } catch (error) {
      if (error instanceof CompileError) return `error ${error.code}: ${error.message}`;
      throw error;
    }
  })();
  const out: Record<string, string> = { query: c.sections.query ?? '' };
  if (typeof planned === 'string') {
    out.plan = planned;
    return out;
  }
  out.plan = printPlan(planned);
  for (const d of [trino, postgres, timescale]) {
    out[d.name] = attempt(() => {
      const e = emitSql(planned, d, env.catalog);
      return `${e.sql}\n-- params: ${JSON.stringify(e.params.map((p) => p.value))}`;
    });
  }
  if (out.timescale === out.postgres) out.timescale = SAME_AS_POSTGRES;
  // Druid SQL reads only Druid datasources (Druid-backed rollups): the same plan as if every table were one.
  out.druid = attempt(() => {
    const e = emitSql(planned, druid, asDruidDatasources(env.catalog));
    return `${e.sql}\n-- params: ${JSON.stringify(e.params.map((p) => p.value))}`;
  });
  return out;
}

/** The catalog with every source on one Druid (its tables as datasources), for the druid section of the goldens. */
export function asDruidDatasources(catalog: Catalog): Catalog {
  const sources = Object.fromEntries(
    Object.entries(catalog.sources).map(([name, s]) => [
      name,
      { ...s, connection: 'druid', schema: 'druid' },
    ]),
  );
  return {
    connections: { druid: { name: 'druid', engine: 'druid', env: 'DRUID_URL', trinoCatalog: 'druid' } },
    sources,
  };
}

const failOn = (what: string, diagnostics: readonly Diagnostic[]) => {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => formatDiagnostic(what, d)).join('\n'));
};

/**
 * The real front end: demo definitions (seed mrr and cac, fixtures/demo-kpis.kpi) and inline DSL; plus a
 * few KPIs built as IR for what the DSL keeps from reaching the planner (KPI-level filters, cycles).
 */
export function goldenEnv(): GoldenEnv {
  const catalog = loadCatalog();
  const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
  for (const k of featureKpis(catalog)) {
    if (['eu_purchases', 'eu_arpa', 'loop_a', 'loop_b'].includes(k.id)) registry.set(k.id, k);
  }
  return {
    catalog,
    registry,
    dsl: (text) => {
      const r = analyzeFormula(text, { catalog, registry });
      failOn('dsl', r.diagnostics);
      return r.kpis[0]!;
    },
    filter: (text) => {
      const r = parseFilter(text, { catalog, registry });
      failOn('where', r.diagnostics);
      return r.expr!;
    },
  };
}
