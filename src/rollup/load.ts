/**
 * Moving source rows into a rollup: partial aggregates computed by Trino (the sources may be on any
 * engine) for a set of time ranges, written to the facts hypertable, and the aggregate recomputed for
 * the buckets they touched — refresh_continuous_aggregate outside any transaction, as TimescaleDB
 * requires, or the plain-table fallback's two statements in one.
 */
import type pg from 'pg';
import type { Catalog } from '../catalog/types.ts';
import { quoteIdentifier, sqlString } from '../emit/literal.ts';
import { runTrino } from '../exec/trino-http.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { toIso } from './connect.ts';
import { intervalLiteral, type Materialization, pgType, tableRefreshSql } from './ddl.ts';
import { factsTable, measureColumn, rollupColumns, storeTable } from './names.ts';
import { type LoadRange, partialAggregateSql } from './source-sql.ts';

/** Partial aggregates of the source rows in the ranges, at the rollup's grain, computed by Trino. */
export async function loadRows(
  catalog: Catalog,
  r: RollupDef,
  trinoUrl: string,
  ranges: readonly LoadRange[],
): Promise<readonly (readonly unknown[])[]> {
  if (ranges.length === 0) return [];
  const { sql, params } = partialAggregateSql(catalog, r, ranges);
  return (await runTrino(sql, params, { url: trinoUrl, timeoutMs: 3_600_000 })).rows;
}

/** Appends partial-aggregate rows to the facts (inside the caller's transaction). */
export async function writeFacts(
  c: pg.ClientBase,
  catalog: Catalog,
  r: RollupDef,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const cols = rollupColumns(catalog, r);
  const names = ['ts', ...r.dimensions, ...r.measures.map(measureColumn)];
  const types = ['timestamptz', ...names.slice(1).map((n) => pgType(cols[n] ?? 'decimal'))];
  const batch = 200;
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    const arrays = names.map((_, j) => part.map((row) => (j === 0 ? toIso(row[0]) : (row[j] ?? null))));
    await c.query(
      `INSERT INTO ${storeTable(factsTable(r))} (${names.map(quoteIdentifier).join(', ')})
       SELECT * FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`,
      arrays,
    );
  }
}

/** Deletes the facts of buckets in [start, end) (inside the caller's transaction). */
export async function deleteFacts(
  c: pg.ClientBase,
  r: RollupDef,
  start: string,
  end: string,
): Promise<number> {
  const res = await c.query(
    `DELETE FROM ${storeTable(factsTable(r))} WHERE ts >= $1::timestamptz AND ts < $2::timestamptz`,
    [start, end],
  );
  return res.rowCount ?? 0;
}

/** Recomputes the aggregate's buckets touched by [from, to), one bucket of slack on each side. */
export async function refreshWindow(
  c: pg.ClientBase,
  catalog: Catalog,
  r: RollupDef,
  materialization: Materialization,
  from: string | null,
  to: string,
): Promise<void> {
  const step = intervalLiteral(r.grain);
  const w = await c.query(
    `SELECT CASE WHEN $1::timestamptz IS NULL THEN '-infinity'::timestamptz ELSE $1::timestamptz - ${step} END AS lo,
            $2::timestamptz + ${step} AS hi,
            (CASE WHEN $1::timestamptz IS NULL THEN NULL ELSE $1::timestamptz - ${step} END)::text AS lo_text,
            ($2::timestamptz + ${step})::text AS hi_text`,
    [from, to],
  );
  const { lo, hi, lo_text: loText, hi_text: hiText } = w.rows[0];
  if (materialization === 'continuous') {
    // refresh_continuous_aggregate refuses to run inside a transaction block: autocommit here.
    await c.query(
      `CALL refresh_continuous_aggregate(${sqlString(storeTable(r.name))}, ${loText ? `${sqlString(loText)}::timestamptz` : 'NULL'}, ${sqlString(hiText)}::timestamptz)`,
    );
    return;
  }
  await c.query('BEGIN');
  try {
    for (const statement of tableRefreshSql(catalog, r)) await c.query(statement, [lo, hi]);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  }
}
