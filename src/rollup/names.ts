/**
 * Where a rollup lives in the metrics store and how the optimizer sees it: a catalog source `rollups`
 * on the `metrics` connection whose tables are the continuous aggregates (one per rollup), with the
 * bucket start as time column, the dimensions, and one column per stored measure.
 */
import type { Catalog, ColumnType, SourceDef, TableDef, TableRef } from '../catalog/types.ts';
import { quoteIdentifier, quoteQualified } from '../emit/literal.ts';
import type { RollupDef, RollupMeasure } from '../ir/rollup.ts';
import { deepFreeze } from '../shared/freeze.ts';

export const ROLLUP_SOURCE = 'rollups';
export const ROLLUP_SCHEMA = 'kpi_rollups';
export const METRICS_CONNECTION = 'metrics';
export const BUCKET_COLUMN = 'bucket';

/** The rollup schema and a table in it, as metrics-store SQL names them. */
export const STORE_SCHEMA = quoteIdentifier(ROLLUP_SCHEMA);
export const storeTable = (table: string): string => quoteQualified(ROLLUP_SCHEMA, table);

/** `sum_amount`, `count_all` (count(*)), `count_amount`, `min_amount`, `max_amount`. */
export const measureColumn = (m: Pick<RollupMeasure, 'fn' | 'column'>): string =>
  `${m.fn}_${m.column ?? 'all'}`;

export const rollupRef = (r: RollupDef): TableRef => ({ source: ROLLUP_SOURCE, table: r.name });
export const factsTable = (r: RollupDef): string => `${r.name}_facts`;

export function sourceTable(catalog: Catalog, r: RollupDef): TableDef {
  const t = catalog.sources[r.table.source]?.tables[r.table.table];
  if (!t) throw new Error(`rollup ${r.name}: ${r.table.source}.${r.table.table} is not in the catalog`);
  return t;
}

/** Column types of the aggregate's columns as the catalog describes them. */
export function rollupColumns(catalog: Catalog, r: RollupDef): Record<string, ColumnType> {
  const t = sourceTable(catalog, r);
  const cols: Record<string, ColumnType> = { [BUCKET_COLUMN]: 'timestamp' };
  for (const d of r.dimensions) cols[d] = t.columns[d] ?? 'string';
  for (const m of r.measures) {
    // count → bigint, sum → exact decimal (a sum of integers too), min/max keep the column's type.
    cols[measureColumn(m)] =
      m.fn === 'count' ? 'bigint' : m.fn === 'sum' ? 'decimal' : (t.columns[m.column ?? ''] ?? 'decimal');
  }
  return cols;
}

/** The catalog plus the `rollups` source, so plans over rollups plan, emit and choose engines as usual. */
export function withRollups(catalog: Catalog, rollups: readonly RollupDef[]): Catalog {
  if (rollups.length === 0 || !catalog.connections[METRICS_CONNECTION]) return catalog;
  const tables: Record<string, TableDef> = {};
  for (const r of rollups) {
    tables[r.name] = {
      source: ROLLUP_SOURCE,
      name: r.name,
      primaryKey: BUCKET_COLUMN,
      timeColumn: BUCKET_COLUMN,
      columns: rollupColumns(catalog, r),
      joins: [],
    };
  }
  const source: SourceDef = {
    name: ROLLUP_SOURCE,
    connection: METRICS_CONNECTION,
    schema: ROLLUP_SCHEMA,
    tables,
  };
  return deepFreeze({
    connections: catalog.connections,
    sources: { ...catalog.sources, [ROLLUP_SOURCE]: source },
  });
}
