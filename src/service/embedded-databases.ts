import type { ServiceConfig } from '../config/env.ts';
import { demoEnd } from '../data/settings.ts';
import { openDataDir } from '../embedded/data-dir.ts';
import { EmbeddedSources } from '../embedded/sources-engine.ts';
import { createEmbeddedDb, pgliteClient } from '../store/pglite-client.ts';
import type { SqlClient } from '../store/sql-client.ts';

/**
 * The embedded default uses two PGlite databases: the metrics store (definitions, reports, kpi_metrics)
 * on disk in KPI_DATA_DIR, queried in-process, and the demo sources on a worker thread, served to the
 * engine over a local socket (src/embedded/). Separate because a socket client holds its PGlite
 * exclusively while connected, and because only the sources may be restarted to stop a query.
 */
export async function embeddedDatabases(
  config: ServiceConfig,
  log: (line: string) => void,
): Promise<{ store: SqlClient; sources: EmbeddedSources; release: () => void }> {
  const dir = openDataDir(config.KPI_DATA_DIR);
  try {
    const [store, sources] = await Promise.all([
      createEmbeddedDb(dir.storeDir),
      EmbeddedSources.start({
        scale: config.DEMO_SCALE,
        end: demoEnd({ DEMO_END: config.DEMO_END }),
        snapshot: dir.snapshot,
        log,
      }),
    ]);
    await store.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
    log(`metrics store: ${dir.storeDir} (KPI_DATA_DIR)`);
    return {
      store: pgliteClient(store, { durableDir: dir.storeDir }),
      sources,
      release: () => dir.release(),
    };
  } catch (error) {
    dir.release();
    throw error;
  }
}
