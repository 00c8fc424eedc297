/**
 * The real service in-process: buildService's embedded default (PGlite with the demo data, the KPI
 * language, the engine, the in-process cache) driven through app.request — the DSL paths the route
 * tests' small JSON language does not cover, with numbers checked against SQL on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../../src/api/bootstrap.ts';
import { loadConfig } from '../../src/config/env.ts';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { DEMO_DATA } from '../../src/data/settings.ts';
import { createEmbeddedDb } from '../../src/store/pglite-client.ts';

const text = (body: string, method = 'POST', headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'text/plain', ...headers },
  body,
});
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const EU_REVENUE = `kpi eu_rev "EU revenue" {
  category: business
  formula: sum(payments.subscriptions.amount where region = 'eu')
  dimensions: plan_type, region
  grains: month
}
`;

describe('the embedded service with the real language and engine', () => {
  let service: Service;
  let oracle: PGlite;
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-service-'));
  beforeAll(async () => {
    [service, oracle] = await Promise.all([
      // The oracle holds the pinned data set: pin the service's too, and no live rows.
      buildService(
        loadConfig({
          DEMO_SCALE: '0.01',
          KPI_DATA_DIR: dataDir,
          DEMO_END: new Date(DEMO_DATA.end).toISOString(),
          DEMO_LIVE: '0',
        }),
      ),
      createEmbeddedDb(),
    ]);
    await loadDemoDataIntoPglite(oracle, { scale: 0.01 });
  }, 600_000);
  afterAll(async () => {
    await service?.close();
    await oracle?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 600_000);
  const request = (path: string, init?: RequestInit) => service.app.request(path, init);

  it('seeds the demo KPIs, the seed JSON ones included', async () => {
    const ids = (await (await request('/api/definitions')).json()).definitions.map(
      (d: { id: string }) => d.id,
    );
    expect(ids).toEqual(expect.arrayContaining(['mrr', 'cac', 'mrr_active', 'revenue']));
  });

  it('creates a KPI from DSL text and answers it as SQL on the same data does', async () => {
    const created = await request('/api/definitions', text(EU_REVENUE));
    expect(created.status).toBe(201);
    expect((await created.json()).format).toBe('dsl');
    const res = await request(
      '/api/metrics/eu_rev/history?aggregation=month&start=2025-01-01&end=2025-04-01',
    );
    const { history } = await res.json();
    const expected = await oracle.query<{ v: string | null }>(`
      SELECT (SELECT sum(amount) FROM payments.subscriptions
              WHERE region = 'eu' AND started_at >= m AND started_at < m + interval '1 month') AS v
      FROM generate_series('2025-01-01'::timestamptz, '2025-03-01', '1 month') m ORDER BY m`);
    expect(history.map((r: { value: number | null }) => r.value)).toEqual(
      expected.rows.map((r) => (r.v === null ? null : Number(r.v))),
    );
  });

  it('answers 400 with spanned diagnostics for bad DSL, and validate reports them without storing', async () => {
    const bad = 'kpi broken {\n  formula: sum(payments.subscriptions.amout)\n}\n';
    const res = await request('/api/definitions', text(bad));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid-definition');
    const d = error.details.diagnostics[0];
    expect(d).toMatchObject({ severity: 'error', span: { start: { line: 2 } } });
    const validated = await (await request('/api/definitions/validate', text(bad))).json();
    expect(validated.valid).toBe(false);
    expect(validated.diagnostics[0].span.start.line).toBe(2);
    expect((await request('/api/definitions/broken')).status).toBe(404);
  });

  it('filters with DSL text exactly as with the JSON object form', async () => {
    const base = '/api/metrics/mrr/history?aggregation=month&start=2025-01-01&end=2025-03-01';
    const dsl = await (await request(`${base}&filters=${encodeURIComponent("region = 'eu'")}`)).json();
    const obj = await (await request(`${base}&filters=${encodeURIComponent('{"region":"eu"}')}`)).json();
    expect(dsl.history).toEqual(obj.history);
    const all = await (await request(base)).json();
    expect(dsl.history[0].value).toBeLessThan(all.history[0].value);
    const bad = await request(`${base}&filters=${encodeURIComponent('region = ')}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.diagnostics.length).toBeGreaterThan(0);
  });

  it('compiles each query of a cache miss once, and a hit not at all', async () => {
    const compiles = async () => {
      const text = await (await request('/metrics')).text();
      return Number(/^kpi_compile_duration_seconds_count (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    };
    const before = await compiles();
    // The value route runs two queries (the range and the one before it, for the trend).
    const miss = await request('/api/metrics/mrr?start=2025-02-01&end=2025-03-01');
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('miss');
    expect((await compiles()) - before).toBe(2);
    const hit = await request('/api/metrics/mrr?start=2025-02-01&end=2025-03-01');
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect((await compiles()) - before).toBe(2);
  });

  it('compiles and runs ad-hoc DSL without storing it', async () => {
    const body = {
      dsl: 'kpi adhoc_spend { formula: sum(finance.expenses.amount) }',
      grain: 'month',
      start: '2025-01-01',
      end: '2025-02-01',
    };
    const compiled = await (await request('/api/compile', json(body))).json();
    expect(compiled).toMatchObject({ kpiId: 'adhoc_spend', dialect: 'postgres' });
    expect(compiled.sql).toContain('"finance"."expenses"');
    const ran = await (await request('/api/query', json(body))).json();
    const expected = await oracle.query<{ v: string }>(
      `SELECT sum(amount) AS v FROM finance.expenses WHERE spent_at >= '2025-01-01Z' AND spent_at < '2025-02-01Z'`,
    );
    expect(ran.rows[0].value).toBeCloseTo(Number(expected.rows[0]!.v), 6);
    expect((await request('/api/definitions/adhoc_spend')).status).toBe(404);
  });

  it('refuses to delete a KPI that others derive from, naming them', async () => {
    const res = await request('/api/definitions/mrr_active', { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect((await res.json()).error.details.dependents).toEqual(expect.arrayContaining(['mrr_growth_mom']));
  });
});
