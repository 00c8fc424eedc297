/** The metrics store on a real PostgreSQL/TimescaleDB (or the stack's PGlite socket server) via `pg`. */
// @ts-nocheck

import type pg from 'pg';
import type { SqlClient } from './sql-client.ts';

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

/**
 * The store on a `pg` pool — the service shares the engine's pool for the metrics store, so a
 * single-connection server is never asked for two connections at once. Closes the pool only when
 * `owned`. An idle client losing its server must not crash the process: the next query reconnects.
 */
export function pgClientOnPool(pool: pg.Pool, o: { owned: boolean }): SqlClient {
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
      if (o.owned) await pool.end();
    },
  };
}
