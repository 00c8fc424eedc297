/**
 * Where a rollup lives and how the optimizer sees it: a catalog source `rollups` on the `metrics`
 * connection whose tables are the continuous aggregates (one per rollup), with the bucket start as time
 * column, the dimensions, and one column per stored measure; Druid-backed rollups (`target: druid`) are
 * the tables of a source `druid_rollups` on the `druid` connection (DRUID_URL, Trino's `druid` catalog):
 * one datasource per rollup, named like it, with Druid's `__time` as the bucket start.
 */
import type { Catalog, ColumnType, SourceDef, TableDef, TableRef } from '../catalog/types.ts';
import { quoteIdentifier, quoteQualified } from '../emit/literal.ts';
import { type RollupDef, type RollupMeasure, rollupTarget } from '../ir/rollup.ts';
import { deepFreeze } from '../shared/freeze.ts';

export const ROLLUP_SOURCE = 'rollups';
export const ROLLUP_SCHEMA = 'kpi_rollups';
export const METRICS_CONNECTION = 'metrics';
export const BUCKET_COLUMN = 'bucket';
export const DRUID_ROLLUP_SOURCE = 'druid_rollups';
export const DRUID_CONNECTION = 'druid';
/** Druid's time column: every datasource has it, holding the bucket start. */
export const DRUID_TIME_COLUMN = '__time';
/** The Druid connection as the catalog sees it when a catalog file names none. */
const DRUID_DEFAULT_CONNECTION = Object.freeze({
  name: DRUID_CONNECTION,
  engine: 'druid' as const,
  env: 'DRUID_URL',
  trinoCatalog: 'druid',
});

/** Whether a catalog source holds rollups (the metrics store's or Druid's). */
export const isRollupSource = (source: string): boolean =>
  source === ROLLUP_SOURCE || source === DRUID_ROLLUP_SOURCE;

/** The rollup schema and a table in it, as metrics-store SQL names them. */
export const STORE_SCHEMA = quoteIdentifier(ROLLUP_SCHEMA);
export const storeTable = (table: string): string => quoteQualified(ROLLUP_SCHEMA, table);

/** `sum_amount`, `count_all` (count(*)), `count_amount`, `min_amount`, `max_amount`. */
export const measureColumn = (m: Pick<RollupMeasure, 'fn' | 'column'>): string =>
  `${m.fn}_${m.column ?? 'all'}`;

export const rollupRef = (r: RollupDef): TableRef => ({
  source: rollupTarget(r) === 'druid' ? DRUID_ROLLUP_SOURCE : ROLLUP_SOURCE,
  table: r.name,
});
/** The column holding each bucket's start. */
export const rollupTimeColumn = (r: RollupDef): string =>
  rollupTarget(r) === 'druid' ? DRUID_TIME_COLUMN : BUCKET_COLUMN;
export const factsTable = (r: RollupDef): string => `${r.name}_facts`;

export function sourceTable(catalog: Catalog, r: RollupDef): TableDef {
  const t = catalog.sources[r.table.source]?.tables[r.table.table];
  if (!t) throw new Error(`rollup ${r.name}: ${r.table.source}.${r.table.table} is not in the catalog`);
  return t;
}

/** Column types of the aggregate's columns as the catalog describes them. */
export function rollupColumns(catalog: Catalog, r: RollupDef): Record<string, ColumnType> {
  const t = sourceTable(catalog, r);
  const cols: Record<string, ColumnType> = { [rollupTimeColumn(r)]: 'timestamp' };
  for (const d of r.dimensions) cols[d] = t.columns[d] ?? 'string';
  for (const m of r.measures) {
    // count → bigint, sum → exact decimal (a sum of integers too), min/max keep the column's type.
    cols[measureColumn(m)] =
      m.fn === 'count' ? 'bigint' : m.fn === 'sum' ? 'decimal' : (t.columns[m.column ?? ''] ?? 'decimal');
  }
  return cols;
}

/**
 * The catalog plus the `rollups` source (and `druid_rollups` for Druid-backed ones), so plans over
 * rollups plan, emit and choose engines as usual.
 */
export function withRollups(catalog: Catalog, rollups: readonly RollupDef[]): Catalog {
  const inStore = catalog.connections[METRICS_CONNECTION]
    ? rollups.filter((r) => rollupTarget(r) === 'timescale')
    : [];
  const inDruid = rollups.filter((r) => rollupTarget(r) === 'druid');
  if (inStore.length === 0 && inDruid.length === 0) return catalog;
  const sources: Record<string, SourceDef> = { ...catalog.sources };
  const connections = { ...catalog.connections };
  if (inStore.length > 0)
    sources[ROLLUP_SOURCE] = rollupSource(catalog, inStore, ROLLUP_SOURCE, METRICS_CONNECTION, ROLLUP_SCHEMA);
  if (inDruid.length > 0) {
    connections[DRUID_CONNECTION] ??= DRUID_DEFAULT_CONNECTION;
    // Trino's druid connector shows every datasource in its schema `druid`; Druid SQL in `druid` too.
    sources[DRUID_ROLLUP_SOURCE] = rollupSource(
      catalog,
      inDruid,
      DRUID_ROLLUP_SOURCE,
      DRUID_CONNECTION,
      'druid',
    );
  }
  return deepFreeze({ connections, sources });
}

function rollupSource(
  catalog: Catalog,
  rollups: readonly RollupDef[],
  name: string,
  connection: string,
  schema: string,
): SourceDef {
  const tables: Record<string, TableDef> = {};
  for (const r of rollups) {
    tables[r.name] = {
      source: name,
      name: r.name,
      primaryKey: rollupTimeColumn(r),
      timeColumn: rollupTimeColumn(r),
      columns: rollupColumns(catalog, r),
      joins: [],
    };
  }
  return { name, connection, schema, tables };
}
