/**
 * `kpi query` with nothing configured: the embedded default, as `npm start` runs it — the demo data set
 * in an in-process PGlite served over a local socket, every source mapped onto that one connection
 * (embeddedCatalog), so the compiler's direct PostgreSQL path answers. The loaded database is kept in
 * the cache directory (KPI_CACHE_DIR, default ~/.cache/kpi-engine) keyed by the data set's settings, so
 * only the first query pays for the load.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_ENV, embeddedCatalog } from '../api/engine-adapter.ts';
import type { Catalog } from '../catalog/types.ts';
import { loadDemoDataIntoPglite } from '../data/load.ts';
import { DEMO_DATA, GENERATOR_VERSION } from '../data/settings.ts';
import { serveEmbedded } from '../store/embedded-socket.ts';
import { createEmbeddedDb } from '../store/pglite-client.ts';

export interface EmbeddedDemo {
  readonly env: Readonly<Record<string, string>>;
  /** The demo catalog with every source on the embedded connection. */
  readonly catalog: Catalog;
  close(): Promise<void>;
}

export const HOW_TO_CONFIGURE =
  'to query your own sources: `npm run stack:up` (the local stack, written to .stack/env), or set TRINO_URL ' +
  '(federated) and/or PAYMENTS_DB_URL, USERS_DB_URL, ANALYTICS_DB_URL, TIMESCALE_URL';

export async function embeddedDemo(scale: number, log: (line: string) => void): Promise<EmbeddedDemo> {
  const cacheDir = process.env.KPI_CACHE_DIR || join(homedir(), '.cache', 'kpi-engine');
  const key = `demo-db-s${scale}-seed${DEMO_DATA.seed}-g${GENERATOR_VERSION}-${DEMO_DATA.start}-${DEMO_DATA.end}`;
  const dir = join(cacheDir, key);
  if (!existsSync(join(dir, 'ready'))) {
    const started = Date.now();
    log(`-- loading the demo data set (scale ${scale}) into ${dir} (once)`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const db = await createEmbeddedDb(join(tmp, 'pgdata'));
    await loadDemoDataIntoPglite(db, { scale });
    await db.close();
    writeFileSync(join(tmp, 'ready'), `${new Date().toISOString()}\n`);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process loaded it first
    }
    log(`-- loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const db = await createEmbeddedDb(join(dir, 'pgdata'));
  const socket = await serveEmbedded(db);
  return {
    env: { [EMBEDDED_ENV]: socket.url },
    catalog: embeddedCatalog(),
    async close() {
      await socket.close();
      await db.close();
    },
  };
}
