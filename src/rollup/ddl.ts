/**
 * The metrics-store DDL of a rollup, rendered from the templates in sql/rollups/: bookkeeping, the facts
 * hypertable, the continuous aggregate, and (real TimescaleDB only) its refresh policy.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog, ColumnType } from '../catalog/types.ts';
import { quoteIdentifier, sqlString } from '../emit/literal.ts';
import type { Grain } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { factsTable, measureColumn, rollupColumns, STORE_SCHEMA, storeTable } from './names.ts';

const SQL_DIR = fileURLToPath(new URL('../../sql/rollups/', import.meta.url));

const INTERVALS: Readonly<Record<Grain, string>> = {
  minute: '1 minute',
  hour: '1 hour',
  day: '1 day',
  week: '1 week',
  month: '1 month',
  quarter: '3 months',
  year: '1 year',
};

const CHUNKS: Readonly<Record<Grain, string>> = {
  minute: '1 day',
  hour: '7 days',
  day: '90 days',
  week: '365 days',
  month: '365 days',
  quarter: '3650 days',
  year: '3650 days',
};

/** `INTERVAL '1 day'`: one bucket of the grain, in the metrics store's SQL. */
export const intervalLiteral = (grain: Grain): string => `INTERVAL ${sqlString(INTERVALS[grain])}`;

export function pgType(t: ColumnType): string {
  switch (t) {
    case 'bigint':
      return 'bigint';
    case 'double':
      return 'double precision';
    case 'decimal':
      return 'numeric(38,6)';
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamptz';
    case 'date':
      return 'date';
  }
}

function render(file: string, vars: Record<string, string>): string {
  const text = readFileSync(`${SQL_DIR}${file}`, 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`sql/rollups/${file}: no value for {{${key}}}`);
    return v;
  });
}

export const stateDdl = (): string => render('001_state.sql', { schema: STORE_SCHEMA });

function vars(catalog: Catalog, r: RollupDef): Record<string, string> {
  const cols = rollupColumns(catalog, r);
  const dims = r.dimensions.map(quoteIdentifier);
  // Every name and value below is quoted here; the templates only place them.
  return {
    schema: STORE_SCHEMA,
    name: quoteIdentifier(r.name),
    facts: quoteIdentifier(factsTable(r)),
    bucket_index: quoteIdentifier(`${r.name}_bucket`),
    /** The relation names as text literals, for functions taking a regclass. */
    name_text: sqlString(storeTable(r.name)),
    facts_text: sqlString(storeTable(factsTable(r))),
    interval: intervalLiteral(r.grain),
    timezone: sqlString(r.timezone),
    chunk: `INTERVAL ${sqlString(CHUNKS[r.grain])}`,
    dimension_columns: r.dimensions
      .map((d) => `,\n  ${quoteIdentifier(d)} ${pgType(cols[d] ?? 'string')}`)
      .join(''),
    measure_columns: r.measures
      .map((m) => `,\n  ${quoteIdentifier(measureColumn(m))} ${pgType(cols[measureColumn(m)] ?? 'decimal')}`)
      .join(''),
    dimension_select: dims.map((d) => `, ${d}`).join(''),
    dimension_group: dims.map((d) => `, ${d}`).join(''),
    measure_select: r.measures
      .map((m) => {
        const c = quoteIdentifier(measureColumn(m));
        const type = pgType(cols[measureColumn(m)] ?? 'decimal');
        // Casts keep a precise type: Trino's PostgreSQL connector skips numeric columns without one.
        const combine = m.fn === 'count' || m.fn === 'sum' ? 'sum' : m.fn;
        return `,\n  CAST(${combine}(${c}) AS ${type}) AS ${c}`;
      })
      .join(''),
  };
}

/** How a rollup is kept: a continuous aggregate, a table refreshed by kpi-engine, or a Druid datasource. */
export type Materialization = 'continuous' | 'table' | 'druid';

/** Facts table + hypertable, and the aggregate: a continuous aggregate, or the plain-table fallback. */
export function rollupDdl(
  catalog: Catalog,
  r: RollupDef,
  o: { materialization?: Materialization; policy?: boolean } = {},
): { facts: string; aggregate: string; policy: string | null } {
  const v = vars(catalog, r);
  const table = o.materialization === 'table';
  return {
    facts: render('002_facts.sql', v),
    aggregate: render(table ? '003_aggregate_table.sql' : '003_aggregate.sql', v),
    policy: o.policy && !table ? render('004_policy.sql', v) : null,
  };
}

/** The fallback table's refresh of buckets in [$1, $2): two statements, run in one transaction. */
export function tableRefreshSql(catalog: Catalog, r: RollupDef): string[] {
  return render('005_refresh_table.sql', vars(catalog, r))
    .split(/;\s*\n/)
    .map((s) => s.replace(/^(\s*--[^\n]*\n)+/, '').trim())
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/;$/, ''));
}

/** Everything `build` would create, for reading (`kpi rollup ddl`). */
export function ddlPreview(catalog: Catalog, r: RollupDef, o: { policy?: boolean } = {}): string {
  const d = rollupDdl(catalog, r, { policy: o.policy });
  return [stateDdl(), d.facts, d.aggregate, d.policy ?? ''].filter(Boolean).join('\n');
}
