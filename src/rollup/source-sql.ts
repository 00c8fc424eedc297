/**
 * The SQL a rollup runs against its source: through Trino (any source engine) or directly on a
 * PostgreSQL source. Pure text builders — every identifier and literal goes through the emitter's one
 * quoting module (emit/literal.ts), so a catalog name holding a quote stays one name.
 */
import type { Catalog, Connection } from '../catalog/types.ts';
import { Expressions } from '../emit/expressions.ts';
import { quoteIdentifier, quoteQualified, sqlString } from '../emit/literal.ts';
import { type Param, ParamSink } from '../emit/params.ts';
import { trino } from '../emit/trino.ts';
import type { RowExpr } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { columnRefsOf } from '../plan/row-expr.ts';
import { sourceTable } from './names.ts';

/** A half-open range [from, to); from null: since the beginning. */
export type LoadRange = readonly [from: string | null, to: string];

export type PartitionUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

export function sourceConnection(catalog: Catalog, r: RollupDef): Connection {
  const source = catalog.sources[r.table.source]!;
  return catalog.connections[source.connection]!;
}

/** `"catalog"."schema"."table"`: the rollup's source table as Trino names it. */
export function trinoTable(catalog: Catalog, r: RollupDef): string {
  const source = catalog.sources[r.table.source]!;
  return quoteQualified(sourceConnection(catalog, r).trinoCatalog, source.schema, r.table.table);
}

/** The source table's time column, quoted. */
export const sourceTime = (catalog: Catalog, r: RollupDef): string =>
  quoteIdentifier(sourceTable(catalog, r).timeColumn);

/** The latest source time, as an ISO text (Trino). */
export const sourceHighSql = (catalog: Catalog, r: RollupDef): string =>
  `SELECT to_iso8601(max(${sourceTime(catalog, r)})) FROM ${trinoTable(catalog, r)}`;

/** Trino's predicate for rows of `time` inside any of `ranges` (half-open; no start = from the beginning). */
export function trinoWithin(time: string, ranges: readonly LoadRange[]): string {
  return ranges
    .map(([from, to]) =>
      [
        ...(from ? [`${time} >= from_iso8601_timestamp(${sqlString(from)})`] : []),
        `${time} < from_iso8601_timestamp(${sqlString(to)})`,
      ].join(' AND '),
    )
    .map((b) => `(${b})`)
    .join(' OR ');
}

/**
 * Partial aggregates of the source rows in the ranges at the rollup's grain and zone (Trino), of the
 * rows its `filter` keeps: the optimizer answers a query from a filtered rollup only when the query
 * filters the same way, so the rollup must hold exactly those rows. The filter's values are bound.
 */
export function partialAggregateSql(
  catalog: Catalog,
  r: RollupDef,
  ranges: readonly LoadRange[],
): { readonly sql: string; readonly params: readonly Param[] } {
  const time = sourceTime(catalog, r);
  const dims = r.dimensions.map(quoteIdentifier);
  // A sketch measure (approx_distinct, Druid only) is built by Druid from the values themselves: each
  // row carries one value of its column, grouped by it too, so the other measures are partial
  // aggregates of finer groups, which Druid's rollup adds up (sum, count), or takes min/max of, exactly.
  const measures = r.measures.map((m) =>
    m.fn === 'approx_distinct'
      ? quoteIdentifier(m.column!)
      : `${m.fn}(${m.column === null ? '*' : quoteIdentifier(m.column)})`,
  );
  const bucket = `date_trunc(${sqlString(r.grain)}, ${time} AT TIME ZONE ${sqlString(r.timezone)})`;
  const sink = new ParamSink();
  const kept = r.filter ? ` AND (${rollupFilterSql(r, r.filter, sink)})` : '';
  const groups = [1, ...dims.map((_, i) => i + 2)];
  r.measures.forEach((m, i) => {
    if (m.fn === 'approx_distinct') groups.push(dims.length + 2 + i);
  });
  const text = `SELECT to_iso8601(${bucket}) AS ts${dims.map((d) => `, ${d}`).join('')}${measures
    .map((m) => `, ${m}`)
    .join('')}
FROM ${trinoTable(catalog, r)} AS ${ROW_ALIAS} WHERE (${trinoWithin(time, ranges)})${kept}
GROUP BY ${groups.join(', ')}`;
  return sink.finish(text, 'question');
}

const ROW_ALIAS = quoteIdentifier('r');

/** The rollup's filter in Trino SQL over its own table's columns (a rollup reads no joined table). */
function rollupFilterSql(r: RollupDef, filter: RowExpr, sink: ParamSink): string {
  for (const c of columnRefsOf(filter)) {
    if (c.table.source !== r.table.source || c.table.table !== r.table.table) {
      throw new Error(
        `rollup ${r.name}: its filter reads ${c.table.source}.${c.table.table}.${c.column}; a rollup filter may use only columns of ${r.table.source}.${r.table.table}`,
      );
    }
  }
  return new Expressions(trino, sink).row(filter, () => ROW_ALIAS);
}

/** The columns a rollup's answers depend on: its time column, dimensions and measured columns. */
export function fingerprintColumns(catalog: Catalog, r: RollupDef): string[] {
  const columns = [sourceTable(catalog, r).timeColumn, ...r.dimensions];
  for (const m of r.measures) if (m.column !== null) columns.push(m.column);
  return [...new Set(columns)];
}

const TRINO_STEP: Readonly<Record<PartitionUnit, string>> = {
  day: "INTERVAL '1' DAY",
  week: "INTERVAL '7' DAY",
  month: "INTERVAL '1' MONTH",
  quarter: "INTERVAL '3' MONTH",
  year: "INTERVAL '1' YEAR",
};
const PG_STEP: Readonly<Record<PartitionUnit, string>> = {
  day: "interval '1 day'",
  week: "interval '7 days'",
  month: "interval '1 month'",
  quarter: "interval '3 months'",
  year: "interval '1 year'",
};

/** Per-partition row count and checksum of the fingerprinted columns, through Trino (`checksum`). */
export function trinoFingerprintSql(
  catalog: Catalog,
  r: RollupDef,
  unit: PartitionUnit,
  ranges: readonly LoadRange[],
): string {
  const time = sourceTime(catalog, r);
  const part = `date_trunc(${sqlString(unit)}, ${time} AT TIME ZONE ${sqlString(r.timezone)})`;
  const columns = fingerprintColumns(catalog, r).map(quoteIdentifier);
  const hashed = columns.length === 1 ? columns[0] : `ROW(${columns.join(', ')})`;
  return `SELECT to_iso8601(${part}) AS p, to_iso8601(${part} + ${TRINO_STEP[unit]}) AS e, count(*) AS n,
  to_hex(checksum(${hashed})) AS c
FROM ${trinoTable(catalog, r)} WHERE ${trinoWithin(time, ranges)} GROUP BY 1, 2`;
}

/** The same fingerprints straight from a PostgreSQL source (a sum of row hashes); values bound. */
export function postgresFingerprintSql(
  catalog: Catalog,
  r: RollupDef,
  unit: PartitionUnit,
  ranges: readonly LoadRange[],
): { text: string; values: unknown[] } {
  const time = sourceTime(catalog, r);
  const table = quoteQualified(catalog.sources[r.table.source]!.schema, r.table.table);
  const values: unknown[] = [r.timezone];
  const part = `date_trunc(${sqlString(unit)}, ${time}, $1)`;
  const within = ranges
    .map(([from, to]) => {
      const lo = from === null ? '' : `${time} >= $${values.push(from)}::timestamptz AND `;
      return `(${lo}${time} < $${values.push(to)}::timestamptz)`;
    })
    .join(' OR ');
  // Epoch seconds keep the row text independent of the session's TimeZone.
  const timeColumn = sourceTable(catalog, r).timeColumn;
  const columns = fingerprintColumns(catalog, r).map((c) =>
    c === timeColumn ? `extract(epoch FROM ${time})` : quoteIdentifier(c),
  );
  const text = `SELECT ${part} AS p, ((${part} AT TIME ZONE $1) + ${PG_STEP[unit]}) AT TIME ZONE $1 AS e,
  count(*) AS n, sum(hashtextextended(ROW(${columns.join(', ')})::text, 0)::numeric)::text AS c
FROM ${table} WHERE ${within} GROUP BY 1, 2`;
  return { text, values };
}
