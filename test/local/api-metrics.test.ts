import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/exec/errors.ts';
import { derived, type Harness, harness, json, revenueDef } from './api-support.ts';

const JAN = 'start=2025-01-01&end=2025-02-01';

describe('metric routes through the engine and the cache', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.app.request('/api/definitions', json(revenueDef));
    await h.app.request('/api/definitions', json(derived('revenue_x2', 'revenue * 2')));
  }, 120_000);
  afterAll(() => h.close());
  beforeEach(() => {
    h.engine.delayMs = 0;
    h.engine.failWith = null;
  });

  it("answers the seed's MetricResponse with value and trend, checked against SQL", async () => {
    const res = await h.app.request(`/api/metrics/revenue?${JAN}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const oracle = await h.db.query<{ cur: string; prev: string }>(
      `SELECT (SELECT sum(amount) FROM shop.orders WHERE at >= '2025-01-01Z' AND at < '2025-02-01Z') cur,
              (SELECT sum(amount) FROM shop.orders WHERE at >= '2024-12-01Z' AND at < '2025-01-01Z') prev`,
    );
    const { cur, prev } = oracle.rows[0]!;
    expect(body).toMatchObject({
      kpiId: 'revenue',
      name: 'Revenue',
      value: Number(cur),
      previousValue: Number(prev),
      trend: { direction: 'up', percentage: ((Number(cur) - Number(prev)) / Number(prev)) * 100 },
      range: { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' },
    });
  });

  it('serves the second identical request from the cache: X-Cache miss then hit, no new engine query', async () => {
    const url = `/api/metrics/revenue?start=2025-01-15&end=2025-02-15`;
    const first = await h.app.request(url);
    expect(first.headers.get('x-cache')).toBe('miss');
    const runs = h.engine.runs;
    const second = await h.app.request(url);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(h.engine.runs).toBe(runs);
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('cache-control')).toMatch(/max-age=\d+, stale-while-revalidate=60/);
    const etag = second.headers.get('etag')!;
    expect((await h.app.request(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('runs 200 identical concurrent cold requests as exactly one engine computation', async () => {
    h.engine.delayMs = 50;
    const before = h.engine.runs;
    const url = '/api/metrics/revenue?start=2025-01-03&end=2025-02-03';
    const responses = await Promise.all(Array.from({ length: 200 }, () => h.app.request(url)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // value + previous period: one computation = two engine queries.
    expect(h.engine.runs - before).toBe(2);
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(bodies.size).toBe(1);
  });

  it('returns history at a grain and dimension breakdowns', async () => {
    const hist = await (
      await h.app.request('/api/metrics/revenue/history?start=2024-12-01&end=2025-03-01&aggregation=month')
    ).json();
    // The test engine answers one total per query (no buckets): what this checks is the query the route
    // built from the URL, and that the history carries the engine's answer for it.
    expect(h.engine.lastQuery).toMatchObject({
      kpi: 'revenue',
      grain: 'month',
      range: { start: '2024-12-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
      timezone: 'UTC',
      dimensions: [],
    });
    const oracle = await h.db.query<{ total: string }>(
      `SELECT sum(amount) AS total FROM shop.orders WHERE at >= '2024-12-01Z' AND at < '2025-03-01Z'`,
    );
    expect(hist.history).toEqual([{ value: Number(oracle.rows[0]!.total) }]);
    const dims = await (await h.app.request(`/api/metrics/revenue/dimensions?${JAN}`)).json();
    expect(dims.dimensions).toEqual([
      {
        dimension: 'region',
        values: [
          { key: 'eu', value: 100 },
          { key: 'us', value: 50 },
        ],
      },
    ]);
  });

  it('invalidates exactly the KPIs that depend on an updated definition, derived ones too', async () => {
    const unrelated = derived('other', '7');
    await h.app.request(
      '/api/definitions',
      json({ ...unrelated, formula: { ...unrelated.formula, expression: '7' } }),
    );
    for (const id of ['revenue', 'revenue_x2', 'other']) await h.app.request(`/api/metrics/${id}?${JAN}`);
    for (const id of ['revenue', 'revenue_x2', 'other']) {
      expect((await h.app.request(`/api/metrics/${id}?${JAN}`)).headers.get('x-cache')).toBe('hit');
    }
    const current = (await h.app.request('/api/definitions/revenue')).headers.get('etag')!;
    const put = await h.app.request('/api/definitions/revenue', {
      ...json({ ...revenueDef, description: 'changed' }, { 'if-match': current }),
      method: 'PUT',
    });
    expect(put.status).toBe(200);
    expect((await h.app.request(`/api/metrics/revenue?${JAN}`)).headers.get('x-cache')).toBe('miss');
    expect((await h.app.request(`/api/metrics/revenue_x2?${JAN}`)).headers.get('x-cache')).toBe('miss');
    expect((await h.app.request(`/api/metrics/other?${JAN}`)).headers.get('x-cache')).toBe('hit');
    const x2 = await (await h.app.request(`/api/metrics/revenue_x2?${JAN}`)).json();
    expect(x2.value).toBe(300);
  });

  it('rejects unknown KPIs (404), dimensions and bad ranges (400) in the one error shape', async () => {
    const missing = await h.app.request('/api/metrics/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not-found');
    const dim = await h.app.request('/api/metrics/revenue/history?dimensions=planet');
    expect(dim.status).toBe(400);
    expect((await dim.json()).error).toMatchObject({
      code: 'unknown-dimension',
      details: { allowed: ['region'] },
    });
    expect((await h.app.request('/api/metrics/revenue?start=2025-02-01&end=2025-01-01')).status).toBe(400);
    expect((await h.app.request('/api/metrics/revenue?tz=Mars/Base')).status).toBe(400);
    expect((await h.app.request('/api/metrics/revenue/history?aggregation=fortnight')).status).toBe(400);
    const typo = await h.app.request('/api/metrics/revenue/history?aggregation=mnoth');
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toMatch(
      /^the request is invalid: aggregation: .*\(did you mean "month"\?\)$/,
    );
  });

  it('answers a URL seen before (validation remembered) as the first time, and a bad one always 400', async () => {
    const url = '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-03-01';
    const first = await h.app.request(url);
    const again = await h.app.request(url);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await again.json()).history).toEqual((await first.json()).history);
    for (let i = 0; i < 2; i++) {
      const bad = await h.app.request('/api/metrics/revenue/history?aggregation=fortnight&start=2025-01-01');
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.code).toBe('invalid-request');
    }
  });

  it('maps engine failures: unavailable → 503, and keeps no stack trace in the body', async () => {
    h.engine.failWith = new EngineError(
      'engine-unavailable',
      'trino',
      'revenue',
      'connect ECONNREFUSED 127.0.0.1:8080',
    );
    const res = await h.app.request('/api/metrics/revenue?start=2023-01-01&end=2023-02-01');
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('engine-unavailable');
    h.engine.failWith = new Error('boom at secret.ts:12');
    const internal = await h.app.request('/api/metrics/revenue?start=2023-03-01&end=2023-04-01');
    expect(internal.status).toBe(500);
    expect(await internal.text()).not.toContain('secret');
  });

  it('filters by dimension with a JSON object', async () => {
    const res = await h.app.request(
      `/api/metrics/revenue?${JAN}&filters=${encodeURIComponent('{"region":"eu"}')}`,
    );
    expect(res.status).toBe(200);
    const bad = await h.app.request(
      `/api/metrics/revenue?filters=${encodeURIComponent('{"planet":"mars"}')}`,
    );
    expect(bad.status).toBe(400);
  });
});

describe('query timeouts and overload', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.app.request('/api/definitions', json(revenueDef));
  }, 120_000);
  afterAll(() => h.close());

  // The deadline itself is the engine's (test/unit/exec-limits.test.ts, against a server that never answers).
  it('answers 504 when the engine exceeds QUERY_TIMEOUT_MS, and caches nothing', async () => {
    h.engine.failWith = new EngineError(
      'query-timeout',
      'trino',
      'revenue',
      'the query took longer than 50 ms',
    );
    const res = await h.app.request(`/api/metrics/revenue?${JAN}`);
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('query-timeout');
    h.engine.failWith = null;
    const after = await h.app.request(`/api/metrics/revenue?${JAN}`);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-cache')).toBe('miss');
  });
});
