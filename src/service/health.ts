/** The storage checks /health reports: the metrics store (required), the cache, Druid. */
import type { ResultCache } from '../cache/result-cache.ts';
import type { ServiceConfig } from '../config/env.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { HealthCheck } from './types.ts';

export function storageChecks(config: ServiceConfig, sql: SqlClient, cache: ResultCache): HealthCheck[] {
  return [
    {
      name: 'timescale',
      required: true,
      check: async () => ((await sql.query('SELECT 1 AS ok')).length === 1 ? 'ok' : 'down'),
    },
    {
      name: 'cache',
      required: false,
      check: () => cache.status(),
    },
    {
      name: 'druid',
      required: false,
      check: async () => {
        if (!config.DRUID_URL) return 'not_configured';
        const res = await fetch(new URL('/status/health', config.DRUID_URL), {
          signal: AbortSignal.timeout(1_500),
        });
        return res.ok ? 'ok' : 'down';
      },
    },
  ];
}
