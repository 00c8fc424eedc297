// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, json, revenueDef } from './api-support.ts';

describe('health, Prometheus metrics, OpenAPI and reports', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.app.request('/api/definitions', json(revenueDef));
  }, 120_000);
  afterAll(() => h.close());

  it("reports /health in the seed's shape", async () => {
    const res = await h.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      service: 'ok',
      storage: { timescale: 'ok', cache: 'ok' },
      scheduler: 'disabled',
      activeCalculations: 0,
    });
  });

  it('exposes request latency, cache outcomes and engine time to Prometheus', async () => {
    await h.app.request('/api/metrics/revenue?start=2025-01-01&end=2025-02-01');
    await h.app.request('/api/metrics/revenue?start=2025-01-01&end=2025-02-01');
    const res = await h.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /kpi_http_request_duration_seconds_count\{method="GET",route="\/api\/metrics\/:kpiId",status="200"\} 2/,
    );
    expect(text).toMatch(/kpi_cache_requests_total\{outcome="hit"\} 1/);
    expect(text).toMatch(/kpi_cache_requests_total\{outcome="miss"\} 1/);
    expect(text).toMatch(/kpi_engine_query_duration_seconds_count\{outcome="ok"\} 2/);
    expect(text).toMatch(/kpi_active_calculations 0/);
  });

  it('answers 501 in the error shape for rollups when the service has none (the embedded default)', async () => {
    for (const [method, path] of [
      ['GET', '/api/rollups'],
      ['GET', '/api/rollups/subscriptions_daily'],
      ['POST', '/api/rollups/subscriptions_daily/build'],
    ] as const) {
      const res = await h.app.request(path, { method });
      expect(res.status).toBe(501);
      expect((await res.json()).error.code).toBe('rollups-unavailable');
    }
    const bad = await h.app.request('/api/rollups/Not-A-Name', { method: 'POST' });
    expect(bad.status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas, and a docs page', async () => {
    const doc = await (await h.app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/definitions',
        '/api/definitions/{kpiId}',
        '/api/definitions/validate',
        '/api/metrics/{kpiId}',
        '/api/metrics/{kpiId}/history',
        '/api/metrics/{kpiId}/dimensions',
        '/api/query',
        '/api/compile',
        '/api/reports',
        '/api/reports/{reportId}',
        '/api/reports/{reportId}/run',
        '/api/rollups',
        '/api/rollups/{name}',
        '/api/rollups/{name}/build',
        '/api/rollups/{name}/refresh',
        '/health',
      ]),
    );
    // The one error shape every route documents: {error: {code, message, details}}, code and message required.
    expect(doc.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' } },
          required: expect.arrayContaining(['code', 'message']),
        },
      },
    });
    expect(await (await h.app.request('/docs')).text()).toContain('/openapi.json');
  });

  it('creates, lists and runs a report as JSON and as streamed CSV', async () => {
    const report = {
      id: 'monthly',
      name: 'Monthly',
      kpis: ['revenue'],
      format: 'csv',
      filters: { region: 'eu' },
    };
    expect((await h.app.request('/api/reports', json(report))).status).toBe(201);
    expect((await h.app.request('/api/reports', json(report))).status).toBe(409);
    expect((await h.app.request('/api/reports', json({ ...report, id: 'x', kpis: ['nope'] }))).status).toBe(
      422,
    );
    expect((await h.app.request('/api/reports', json({ ...report, id: 'y', format: 'xls' }))).status).toBe(
      400,
    );
    expect((await (await h.app.request('/api/reports')).json()).reports).toEqual([report]);
    expect(await (await h.app.request('/api/reports/monthly')).json()).toEqual(report);
    expect((await h.app.request('/api/reports/none')).status).toBe(404);

    // The test engine computes totals only (the real engine's grains have their own suites).
    const range = 'start=2025-01-01&end=2025-03-01';
    const rows = await (await h.app.request(`/api/reports/monthly/run?format=json&${range}`)).json();
    expect(rows.rows).toEqual([
      expect.objectContaining({ kpiId: 'revenue', value: 200, time: '2025-01-01T00:00:00Z' }),
    ]);
    const csv = await h.app.request(`/api/reports/monthly/run?${range}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\n')).toEqual([
      'kpi_id,name,time,value',
      'revenue,Revenue,2025-01-01T00:00:00Z,200',
    ]);
  });

  it('runs and compiles ad-hoc queries on stored KPIs', async () => {
    const body = { kpi: 'revenue', start: '2025-01-01', end: '2025-02-01', dimensions: ['region'] };
    const run = await (await h.app.request('/api/query', json(body))).json();
    expect(run.rows).toEqual([
      { region: 'eu', value: 100 },
      { region: 'us', value: 50 },
    ]);
    const compiled = await (await h.app.request('/api/compile', json(body))).json();
    expect(compiled).toMatchObject({ kpiId: 'revenue', dialect: 'postgres' });
    expect(compiled.sql).toContain('shop.orders');
    const adhoc = {
      definition: {
        ...revenueDef,
        id: 'double_rev',
        formula: { ...revenueDef.formula, expression: 'revenue * 2', variables: [] },
      },
      start: '2025-01-01',
      end: '2025-02-01',
    };
    expect((await (await h.app.request('/api/query', json(adhoc))).json()).rows).toEqual([{ value: 300 }]);
    expect((await h.app.request('/api/definitions/double_rev')).status).toBe(404);
    expect((await h.app.request('/api/query', json({ kpi: 'revenue', dsl: 'x' }))).status).toBe(400);
  });
});

describe('request limits', () => {
  it('refuses bodies over 1 MiB with 413 in the error shape', async () => {
    const h = await harness();
    const res = await h.app.request('/api/definitions', json({ id: 'x', padding: 'x'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload-too-large');
    await h.close();
  });
});
