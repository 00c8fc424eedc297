/**
 * What the demo data loaders share: the sources' DDL (sql/sources/), the marker table, load rates, and
 * dropping secondary indexes before a bulk load (the DDL rebuilds them after).
 */
import { readFileSync } from 'node:fs';

export const ddl = (name: string) =>
  readFileSync(new URL(`../../sql/sources/${name}.sql`, import.meta.url), 'utf8');
export const MARKER_DDL = `CREATE TABLE IF NOT EXISTS public._kpi_engine_demo (scale double precision NOT NULL, seed integer NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE public._kpi_engine_demo ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;
ALTER TABLE public._kpi_engine_demo ADD COLUMN IF NOT EXISTS ends_at timestamptz;`;

export const rate = (rows: number, ms: number) =>
  `${rows} rows in ${(ms / 1000).toFixed(1)}s (${Math.round(rows / (ms / 1000 || 1e-3))}/s)`;

/** Drops the non-unique secondary indexes of `tables`: a bulk load runs faster without them. */
export async function dropSecondaryIndexes(
  client: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> },
  tables: readonly string[],
): Promise<void> {
  const { rows } = await client.query(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique`,
    [tables],
  );
  for (const row of rows) await client.query(`DROP INDEX ${(row as { name: string }).name}`);
}

/** What a source holds: nothing, the demo data at some scale and seed, or rows we did not load. */
