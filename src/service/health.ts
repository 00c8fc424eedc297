/** The storage checks /health reports: the metrics store (required), the cache, Druid. */
import type { ResultCache } from '../cache/result-cache.ts';
import type { ServiceConfig } from '../config/env.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { CheckStatus, HealthCheck } from './types.ts';

/**
 * Druid's real state: the router answers (`/status/health`) and a query goes through it to a broker
 * that sees a historical serving segments (`sys.servers`, the broker's own discovery) — `ok`; the router
 * answers but no query runs, or no historical is there (Druid SQL would answer from no segments) —
 * `degraded`; nothing answers — `down`.
 */
async function druidState(url: string): Promise<CheckStatus> {
  const router = await fetch(new URL('/status/health', url), { signal: AbortSignal.timeout(1_500) }).catch(
    () => null,
  );
  if (!router?.ok) return 'down';
  const sql = await fetch(new URL('/druid/v2/sql', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: "SELECT COUNT(*) AS n FROM sys.servers WHERE server_type = 'historical'",
      context: { timeout: 1_000 },
    }),
    signal: AbortSignal.timeout(1_500),
  }).catch(() => null);
  if (!sql?.ok) return 'degraded';
  const rows = (await sql.json().catch(() => [])) as Array<{ n?: number }>;
  return Number(rows[0]?.n ?? 0) > 0 ? 'ok' : 'degraded';
}

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
      check: () => (config.DRUID_URL ? druidState(config.DRUID_URL) : Promise.resolve('not_configured')),
    },
  ];
}
