/**
 * The embedded metrics store: PGlite built with TimescaleDB (the npm override), in-process, in memory or
 * in a data folder on disk.
 *
 * Durability on disk: PGlite's Node filesystem (Emscripten NODEFS) hands every write to the OS at once,
 * so a committed transaction survives the process being killed; but its fsync is a no-op, so the
 * commit would not survive a power cut. A client made with `durableDir` therefore fsyncs the WAL after
 * each write before returning, i.e. before the HTTP layer acknowledges it.
 */
// @ts-nocheck

import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import type { SqlClient } from './sql-client.ts';

export async function createEmbeddedDb(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
}

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

/** fsync of the WAL segments and of the WAL folder (new segments' directory entries). */
export function syncWal(dataDir: string): void {
  const wal = join(dataDir, 'pg_wal');
  for (const entry of readdirSync(wal, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const fd = openSync(join(wal, entry.name), 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const dir = openSync(wal, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

const READ_ONLY = /^\s*(select|show|explain|values)\b/i;

function wrap(db: Queryable, root: PGlite | null, afterWrite: () => void): SqlClient {
  return {
    kind: 'pglite',
    async query(sql, params = []) {
      const result = await db.query(sql, params as unknown[]);
      if (root && !READ_ONLY.test(sql)) afterWrite();
      return result.rows as never[];
    },
    async exec(sql) {
      await db.exec(sql);
      if (root) afterWrite();
    },
    async transaction(fn) {
      // PGlite runs one statement at a time anyway; nested transactions reuse the outer one.
      if (!root) return fn(wrap(db, null, afterWrite));
      const result = await root.transaction((tx) => fn(wrap(tx, null, afterWrite)));
      afterWrite();
      return result;
    },
    async close() {
      if (root && !root.closed) await root.close();
    },
  };
}

/** `durableDir`: the data folder `db` was created on; each write is fsynced there before it returns. */
export function pgliteClient(db: PGlite, o: { readonly durableDir?: string } = {}): SqlClient {
  const dir = o.durableDir;
  return wrap(db, db, dir ? () => syncWal(dir) : () => {});
}
