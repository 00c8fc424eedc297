/**
 * `kpi query` with nothing configured: the embedded default, as `npm start` runs it — the demo data set
 * in PGlite on a worker thread (src/embedded/sources-engine.ts, the service's own), served over a local
 * socket, every source mapped onto that one connection (embeddedCatalog), so the compiler's direct
 * PostgreSQL path answers. The statement runs off the CLI's event loop, so QUERY_TIMEOUT_MS can stop it
 * (by terminating the worker: PGlite cannot cancel a statement). The loaded database is kept as a
 * snapshot in the cache directory (KPI_CACHE_DIR, default ~/.cache/kpi-engine) keyed by the data set's
 * settings, so only the first query pays for the load.
 */

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/types.ts';
import { readCliEnv } from '../config/cli-env.ts';
import { DEMO_DATA, demoEnd, GENERATOR_VERSION } from '../data/settings.ts';
import { EmbeddedSources } from '../embedded/sources-engine.ts';
import { EMBEDDED_ENV, embeddedCatalog } from '../service/engine-binding.ts';

export interface EmbeddedDemo {
  readonly env: Readonly<Record<string, string>>;
  /** The demo catalog with every source on the embedded connection. */
  readonly catalog: Catalog;
  /** Stops whatever the worker runs, at once, and frees it (the CLI's query timeout). */
  close(): Promise<void>;
}

export const HOW_TO_CONFIGURE =
  'to query your own sources: `npm run stack:up` (the local stack, written to .stack/env), or set TRINO_URL ' +
  '(federated) and/or PAYMENTS_DB_URL, USERS_DB_URL, ANALYTICS_DB_URL, TIMESCALE_URL';

export async function embeddedDemo(scale: number, log: (line: string) => void): Promise<EmbeddedDemo> {
  const cacheDir = readCliEnv().cacheDir;
  const key = `demo-sources-s${scale}-seed${DEMO_DATA.seed}-g${GENERATOR_VERSION}-${DEMO_DATA.start}-${DEMO_DATA.end}`;
  mkdirSync(cacheDir, { recursive: true });
  const snapshot = { tarball: join(cacheDir, `${key}.tar`), key: join(cacheDir, `${key}.json`) };
  if (!existsSync(snapshot.tarball)) {
    log(`-- loading the demo data set (scale ${scale}) into ${snapshot.tarball} (once)`);
  }
  // The data ends today (DEMO_END pins it): the worker regenerates the snapshot when its key says another end.
  const sources = await EmbeddedSources.start({
    scale,
    end: demoEnd({ DEMO_END: readCliEnv().demoEnd }),
    snapshot,
    log: (line) => log(`-- ${line}`),
  });
  return {
    env: { [EMBEDDED_ENV]: sources.url },
    catalog: embeddedCatalog(),
    close: () => sources.close(),
  };
}
