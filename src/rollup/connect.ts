/**
 * How rollup code reaches its engines: the metrics store (a pool the caller shares, or a client of its
 * own), Trino, and — for fingerprints and change capture — a PostgreSQL source directly, when its URL
 * is known. Small helpers every rollup step shares.
 */
import pg from 'pg';
import type { Catalog } from '../catalog/types.ts';
import { runTrino } from '../exec/trino-http.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { sourceTable } from './names.ts';
import { sourceConnection, sourceHighSql } from './source-sql.ts';

export interface RollupEnv {
  readonly TRINO_URL?: string | undefined;
  readonly TIMESCALE_URL?: string | undefined;
  /**
   * The metrics store's connections come from this pool (the service passes its own, so a build waits
   * its turn with the service's queries instead of for a gap between them on a single-connection
   * store); without it, each step opens a client to TIMESCALE_URL.
   */
  readonly pool?: pg.Pool | undefined;
  /** Source URLs by the catalog connection's `env` name (PAYMENTS_DB_URL, …): PostgreSQL sources are
   * then fingerprinted and captured directly instead of through Trino. */
  readonly [env: string]: unknown;
}

export function need(env: RollupEnv, key: 'TRINO_URL' | 'TIMESCALE_URL'): string {
  const v = env[key];
  if (typeof v !== 'string' || !v) throw new Error(`${key} is not set (run npm run stack:up, or set it)`);
  return v;
}

export async function withClient<T>(url: string, f: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** A connection to the metrics store: from env.pool when there is one, else a client of its own. */
export async function withStore<T>(env: RollupEnv, f: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!env.pool) return withClient(need(env, 'TIMESCALE_URL'), f);
  const client = await env.pool.connect();
  try {
    // A pooled connection may carry an engine query's statement_timeout; loads may take longer.
    await client.query('SET statement_timeout = 0');
    return await f(client);
  } finally {
    client.release();
  }
}

/** Runs `f` in a transaction on `c`: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(c: pg.ClientBase, f: () => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    const result = await f();
    await c.query('COMMIT');
    return result;
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  }
}

export const toIso = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const text = String(v);
  // Trino's to_iso8601 of a zone-less timestamp has no offset; every session here is UTC.
  return /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`;
};

/** A PostgreSQL source reached directly: its URL and the source table's names (unquoted). */
export interface DirectPostgres {
  readonly url: string;
  readonly schema: string;
  readonly table: string;
  readonly timeColumn: string;
}

/** The source's URL and names when the source is PostgreSQL and its URL is known; else null. */
export function directPostgres(catalog: Catalog, r: RollupDef, env: RollupEnv): DirectPostgres | null {
  const connection = sourceConnection(catalog, r);
  const url = env[connection.env];
  if (connection.engine !== 'postgres' || typeof url !== 'string' || !url) return null;
  return {
    url,
    schema: catalog.sources[r.table.source]!.schema,
    table: r.table.table,
    timeColumn: sourceTable(catalog, r).timeColumn,
  };
}

/** The latest source time + 1 ms: an exclusive watermark covering every row there is now. */
export async function sourceHigh(catalog: Catalog, r: RollupDef, trinoUrl: string): Promise<string | null> {
  const res = await runTrino(sourceHighSql(catalog, r), [], {
    url: trinoUrl,
    timeoutMs: 600_000,
  });
  const max = toIso(res.rows[0]?.[0]);
  return max === null ? null : new Date(Date.parse(max) + 1).toISOString();
}
