/** The embedded metrics store: PGlite built with TimescaleDB (the npm override), in-process. */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import type { SqlClient } from './sql-client.ts';

export async function createEmbeddedDb(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
}

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(db: Queryable, root: PGlite | null): SqlClient {
  return {
    kind: 'pglite',
    async query(sql, params = []) {
      const result = await db.query(sql, params as unknown[]);
      return result.rows as never[];
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async transaction(fn) {
      // PGlite runs one statement at a time anyway; nested transactions reuse the outer one.
      if (!root) return fn(wrap(db, null));
      return root.transaction((tx) => fn(wrap(tx, null)));
    },
    async close() {
      if (root && !root.closed) await root.close();
    },
  };
}

export function pgliteClient(db: PGlite): SqlClient {
  return wrap(db, db);
}
