/**
 * Session properties without Trino (the embedded default): `SET SESSION` and `RESET SESSION` answer as
 * Trino does, through X-Trino-Set-Session / X-Trino-Clear-Session, which the clients keep and send back
 * as X-Trino-Session; a KPI statement in such a session is answered as any other.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { createSqlEndpoint } from '../../src/sql-endpoint/endpoint.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);

describe('session properties on the embedded default', () => {
  const endpoint = createSqlEndpoint({
    registry: () => registry,
    catalog,
    answer: async (query) => [{ time: query.range.start, value: 1 }],
    explain: async () => '',
    trinoUrl: null,
    defaultTimeZone: 'UTC',
  });
  const ask = async (sql: string, headers: Record<string, string> = {}) => {
    const request = new Request('http://127.0.0.1/v1/statement', {
      method: 'POST',
      body: sql,
      headers: { 'User-Agent': 'trino-cli', ...headers },
    });
    const res = await endpoint.statement(request, { subject: null, canReadKpis: true });
    return {
      headers: res.headers,
      page: (await res.json()) as { updateType?: string; data?: unknown[][]; error?: { errorName: string } },
    };
  };

  it('sets and resets a property through Trino’s response headers', async () => {
    const set = await ask("SET SESSION query_max_run_time = '10m'");
    expect(set.page.updateType).toBe('SET SESSION');
    expect(set.headers.get('x-trino-set-session')).toBe('query_max_run_time=10m');
    const catalogProperty = await ask('SET SESSION postgres.fetch_size = 500');
    expect(catalogProperty.headers.get('x-trino-set-session')).toBe('postgres.fetch_size=500');
    const flag = await ask('set session join_reordering = FALSE');
    expect(flag.headers.get('x-trino-set-session')).toBe('join_reordering=false');
    const reset = await ask('RESET SESSION query_max_run_time');
    expect(reset.page.updateType).toBe('RESET SESSION');
    expect(reset.headers.get('x-trino-clear-session')).toBe('query_max_run_time');
  });

  it('answers KPI statements in a session that carries properties', async () => {
    const r = await ask(
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-02-01'",
      { 'X-Trino-Session': 'query_max_run_time=10m' },
    );
    expect(r.page.data).toHaveLength(1);
  });

  it('refuses a value that is not a literal, with Trino’s error', async () => {
    expect((await ask('SET SESSION a = now()')).page.error?.errorName).toBe('NOT_SUPPORTED');
    expect((await ask('SET SESSION a')).page.error?.errorName).toBe('SYNTAX_ERROR');
  });
});
