/**
 * Adapts the engine facade (src/exec) to the service's EngineFactory. Embedded mode: the demo database
 * is served over a local socket and a catalog variant maps every source onto that one connection, so
 * the compiler's single-engine PostgreSQL path runs everything. Federated mode: the seed's variables.
 */

import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { buildCatalog, DEMO_CATALOG_PATH } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import type { ServiceConfig } from '../config/env.ts';
import { createEngine, createRuntime } from '../exec/engine.ts';
import { serveEmbedded } from '../store/embedded-socket.ts';
import type { EngineFactory, HealthCheck, KpiEngine } from './deps.ts';

export const EMBEDDED_ENV = 'KPI_EMBEDDED_DB_URL';

/** Every source on one PostgreSQL connection, each in the schema named after it (as src/data loads them). */
export function embeddedCatalog(path: string = DEMO_CATALOG_PATH): Catalog {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  file.connections = { embedded: { engine: 'postgres', env: EMBEDDED_ENV, trinoCatalog: 'embedded' } };
  for (const [name, source] of Object.entries(
    file.sources as Record<string, { connection: string; schema: string }>,
  )) {
    source.connection = 'embedded';
    source.schema = name;
  }
  return buildCatalog(file);
}

export interface EngineBinding {
  readonly factory: EngineFactory;
  readonly health: HealthCheck[];
  close(): Promise<void>;
}

export async function engineFactoryFor(
  config: ServiceConfig,
  catalog: Catalog,
  embeddedDb: PGlite | null,
): Promise<EngineBinding> {
  const closers: Array<() => Promise<void>> = [];
  let env: Record<string, string | undefined>;
  let engineCatalog = catalog;
  if (embeddedDb) {
    const socket = await serveEmbedded(embeddedDb);
    closers.push(() => socket.close());
    // Also as TIMESCALE_URL: the engine then keeps one connection to it and never opens a second one
    // to cancel (the embedded socket serves one connection at a time).
    env = { [EMBEDDED_ENV]: socket.url, TIMESCALE_URL: socket.url };
    engineCatalog = embeddedCatalog();
  } else {
    env = {
      TRINO_URL: config.TRINO_URL,
      PAYMENTS_DB_URL: config.PAYMENTS_DB_URL,
      USERS_DB_URL: config.USERS_DB_URL,
      ANALYTICS_DB_URL: config.ANALYTICS_DB_URL,
      TIMESCALE_URL: config.TIMESCALE_URL,
      DRUID_URL: config.DRUID_URL,
    };
  }
  const runtime = createRuntime({ env, maxConcurrent: config.MAX_CONCURRENT_CALCULATIONS });
  closers.push(() => runtime.close());
  const factory: EngineFactory = (registry): KpiEngine => {
    const engine = createEngine({
      catalog: engineCatalog,
      registry,
      env,
      timeoutMs: config.QUERY_TIMEOUT_MS,
      runtime,
    });
    return {
      compile: (query) => {
        const { plan, planHash, sql, params, dialect } = engine.compile(query);
        return { plan, planHash, sql, params, dialect };
      },
      run: (query, options) => engine.run(query, options?.signal ? { signal: options.signal } : {}),
    };
  };
  const health: HealthCheck[] = config.TRINO_URL
    ? [
        {
          name: 'trino',
          required: false,
          check: async () => {
            const res = await fetch(new URL('/v1/info', config.TRINO_URL), {
              signal: AbortSignal.timeout(1_500),
            });
            if (!res.ok) return 'down';
            return ((await res.json()) as { starting?: boolean }).starting ? 'degraded' : 'ok';
          },
        },
      ]
    : [];
  return {
    factory,
    health,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
