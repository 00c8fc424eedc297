/** The metrics store on a real PostgreSQL/TimescaleDB (or the stack's PGlite socket server) via `pg`. */
import pg from 'pg';
import type { SqlClient } from './sql-client.ts';

export interface PgClientOptions {
  /** The PGlite socket server accepts one connection at a time: use 1 there. */
  readonly max?: number;
  readonly connectionTimeoutMillis?: number;
  /** Release idle connections this fast; short for single-connection servers so others get a turn. */
  readonly idleTimeoutMillis?: number;
}

function onClient(client: pg.PoolClient): SqlClient {
  return {
    kind: 'pg',
    async query(sql, params = []) {
      return (await client.query(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await client.query(sql);
    },
    async transaction(fn) {
      return fn(onClient(client));
    },
    async close() {},
  };
}

export function pgClient(url: string, options: PgClientOptions = {}): SqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 10_000,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    kind: 'pg',
    async query(sql, params = []) {
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(onClient(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
