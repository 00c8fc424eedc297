/**
 * The SQL endpoint remembers mapped KPI statements (src/sql-endpoint/plan-cache.ts): a statement sent
 * again is answered with the MetricQuery mapped the first time — but only in a session that maps it the
 * same way. Each test changes one thing the mapping reads (time zone, session catalog/schema, prepared
 * statements, the definitions, the clock) and checks that the answer follows it.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { KpiIR } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { createSqlEndpoint } from '../../src/sql-endpoint/endpoint.ts';

interface Results {
  nextUri?: string;
  data?: unknown[][];
  error?: { errorName: string; message: string };
}

const catalog = loadCatalog();
const demo = loadRegistry(DEMO_KPI_FILES, catalog).registry;
const day = 86_400_000;

function harness() {
  let registry: ReadonlyMap<string, KpiIR> = demo;
  let now = new Date('2025-06-15T12:00:00Z');
  const asked: MetricQuery[] = [];
  const endpoint = createSqlEndpoint({
    registry: () => registry,
    catalog,
    answer: async (query) => {
      asked.push(query);
      const start = Date.parse(query.range.start);
      return [{ time: new Date(start).toISOString(), value: 1 }];
    },
    explain: async () => '',
    trinoUrl: null,
    defaultTimeZone: 'UTC',
    now: () => now,
    maxWaitMs: 1_000,
  });
  const caller = { subject: null, canReadKpis: true };
  /** One statement as the Python client sends it (the answer comes in the POST's own response). */
  const ask = async (sql: string, headers: Record<string, string> = {}) => {
    const request = new Request('http://127.0.0.1/v1/statement', {
      method: 'POST',
      body: sql,
      headers: { 'User-Agent': 'Trino Python Client/0.340.0', ...headers },
    });
    const page = (await (await endpoint.statement(request, caller)).json()) as Results;
    expect(page.nextUri).toBeUndefined();
    return page;
  };
  return {
    ask,
    asked,
    setRegistry: (r: ReadonlyMap<string, KpiIR>) => {
      registry = r;
    },
    setNow: (d: Date) => {
      now = d;
    },
    close: () => endpoint.close(),
  };
}

const MONTHS =
  "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-03-01' AND time_month < DATE '2025-05-01'";

describe('the SQL endpoint’s plan cache', () => {
  it('answers a statement sent again with the MetricQuery mapped the first time', async () => {
    const h = harness();
    await h.ask(MONTHS);
    await h.ask(MONTHS);
    expect(h.asked).toHaveLength(2);
    expect(h.asked[1]).toBe(h.asked[0]);
    h.close();
  });

  it('maps the same text again in another time zone (bucket starts follow the zone)', async () => {
    const h = harness();
    const utc = await h.ask(MONTHS, { 'X-Trino-Time-Zone': 'UTC' });
    const berlin = await h.ask(MONTHS, { 'X-Trino-Time-Zone': 'Europe/Berlin' });
    expect(h.asked.map((q) => [q.timezone, q.range.start])).toEqual([
      ['UTC', '2025-03-01T00:00:00Z'],
      ['Europe/Berlin', '2025-03-01T00:00:00+01:00'],
    ]);
    expect(utc.data?.[0]?.[0]).toBe('2025-03-01 00:00:00.000 UTC');
    expect(berlin.data?.[0]?.[0]).toBe('2025-03-01 00:00:00.000 Europe/Berlin');
    h.close();
  });

  it('resolves unqualified names in each session’s own catalog and schema', async () => {
    const h = harness();
    const sql =
      "SELECT time_month, value FROM revenue WHERE time_month >= DATE '2025-03-01' AND time_month < DATE '2025-05-01'";
    const ok = await h.ask(sql, { 'X-Trino-Catalog': 'kpi', 'X-Trino-Schema': 'default' });
    expect(ok.data).toHaveLength(1);
    const other = await h.ask(sql, { 'X-Trino-Catalog': 'kpi', 'X-Trino-Schema': 'information_schema' });
    expect(other.error?.errorName).toBe('TABLE_NOT_FOUND');
    h.close();
  });

  it('runs the prepared statement the client sends now, not the one it sent before under the same name', async () => {
    const h = harness();
    const prepared = (text: string) => ({ 'X-Trino-Prepared-Statement': `s=${encodeURIComponent(text)}` });
    const execute = "EXECUTE s USING 'eu'";
    await h.ask(execute, prepared(`${MONTHS} AND region = ?`));
    await h.ask(execute, prepared(`${MONTHS} AND plan_type = ?`));
    await h.ask(execute, prepared(`${MONTHS} AND plan_type = ?`));
    expect(h.asked.map((q) => JSON.stringify(q.filters))).toEqual([
      expect.stringContaining('"region"'),
      expect.stringContaining('"plan_type"'),
      expect.stringContaining('"plan_type"'),
    ]);
    // The same statement with the same prepared text: mapped once.
    expect(h.asked[2]).toBe(h.asked[1]);
    h.close();
  });

  it('maps again once the definitions change', async () => {
    const h = harness();
    const days =
      "SELECT time_day, value FROM kpi.default.revenue WHERE time_day >= DATE '2025-03-01' AND time_day < DATE '2025-03-02'";
    expect((await h.ask(days)).data).toHaveLength(1);
    // revenue redefined without the day grain: its table has no time_day any more.
    const changed = new Map(demo);
    changed.set('revenue', { ...demo.get('revenue')!, grains: ['month'] });
    h.setRegistry(changed);
    expect((await h.ask(days)).error?.errorName).toBe('COLUMN_NOT_FOUND');
    h.close();
  });

  it('maps a statement that reads the clock each time it is sent', async () => {
    const h = harness();
    const recent = "SELECT value FROM kpi.default.revenue WHERE time_day >= current_date - INTERVAL '7' DAY";
    await h.ask(recent);
    h.setNow(new Date(Date.parse('2025-06-15T12:00:00Z') + 3 * day));
    await h.ask(recent);
    expect(h.asked.map((q) => q.range)).toEqual([
      { start: '2025-06-08T00:00:00Z', end: '2025-06-16T00:00:00Z' },
      { start: '2025-06-11T00:00:00Z', end: '2025-06-19T00:00:00Z' },
    ]);
    h.close();
  });
});
