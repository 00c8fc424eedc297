/**
 * Moving source rows into a rollup: partial aggregates computed by Trino (the sources may be on any
 * engine) for a set of time ranges, written to the facts hypertable, and the aggregate recomputed for
 * the buckets they touched — refresh_continuous_aggregate outside any transaction, as TimescaleDB
 * requires, or the plain-table fallback's two statements in one.
 */
// @ts-nocheck

import type pg from 'pg';
import type { Catalog } from '../catalog/types.ts';
import { sqlString } from '../emit/literal.ts';
import { runTrino } from '../exec/trino-http.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { toIso, trinoTable } from './connect.ts';
import { INTERVALS, type Materialization, pgIdent, pgType, tableRefreshSql } from './ddl.ts';
import { factsTable, measureColumn, ROLLUP_SCHEMA, rollupColumns, sourceTable } from './names.ts';

const S = pgIdent(ROLLUP_SCHEMA);

/** A half-open range [from, to); from null: since the beginning. */
export type LoadRange = readonly [from: string | null, to: string];

/** Partial aggregates of the source rows in the ranges, at the rollup's grain, computed by Trino. */
export async function loadRows(
  catalog: Catalog,
  r: RollupDef,
  trinoUrl: string,
  ranges: readonly LoadRange[],
): Promise<readonly (readonly unknown[])[]> {
  if (ranges.length === 0) return [];
  const time = `"${sourceTable(catalog, r).timeColumn}"`;
  const dims = r.dimensions.map((d) => `"${d}"`);
  const measures = r.measures.map((m) => `${m.fn}(${m.column === null ? '*' : `"${m.column}"`})`);
  const within = trinoWithin(time, ranges);
  const select = `SELECT to_iso8601(date_trunc('${r.grain}', ${time} AT TIME ZONE ${sqlString(r.timezone)})) AS ts${dims
    .map((d) => `, ${d}`)
    .join('')}${measures.map((m) => `, ${m}`).join('')}
FROM ${trinoTable(catalog, r)} WHERE ${within}
GROUP BY ${[1, ...dims.map((_, i) => i + 2)].join(', ')}`;
  return (await runTrino(select, [], { url: trinoUrl, timeoutMs: 3_600_000 })).rows;
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
      `INSERT INTO ${S}.${pgIdent(factsTable(r))} (${names.map(pgIdent).join(', ')})
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
    `DELETE FROM ${S}.${pgIdent(factsTable(r))} WHERE ts >= $1::timestamptz AND ts < $2::timestamptz`,
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
  const step = `INTERVAL '${INTERVALS[r.grain]}'`;
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
      `CALL refresh_continuous_aggregate('${ROLLUP_SCHEMA}.${r.name}', ${loText ? `'${loText}'::timestamptz` : 'NULL'}, '${hiText}'::timestamptz)`,
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
