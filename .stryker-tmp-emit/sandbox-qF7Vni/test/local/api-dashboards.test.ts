// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/api/auth.ts';
import { ApiError } from '../../src/api/errors.ts';
import { type Harness, harness, json, revenueDef } from './api-support.ts';

const board = (tiles: unknown[] = [{ id: 't1', kpi: 'revenue', kind: 'value', width: 1 }]) => ({
  id: 'sales',
  name: 'Sales',
  tiles,
});

const put = (body: unknown, ifMatch?: string) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
  body: JSON.stringify(body),
});

describe('dashboards routes on the embedded TimescaleDB store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    expect((await h.app.request('/api/definitions', json(revenueDef))).status).toBe(201);
  }, 120_000);
  afterAll(() => h.close());

  it('creates, reads, lists, replaces with If-Match, keeps every version and deletes', async () => {
    const created = await h.app.request('/api/dashboards', json(board()));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect((await h.app.request('/api/dashboards', json(board()))).status).toBe(409);

    const read = await h.app.request('/api/dashboards/sales');
    expect(read.headers.get('etag')).toBe('"1"');
    expect((await read.json()).dashboard).toEqual(board());
    expect((await (await h.app.request('/api/dashboards')).json()).dashboards).toHaveLength(1);

    const wider = board([
      { id: 't1', kpi: 'revenue', kind: 'chart', width: 2, grain: 'month', by: 'region' },
    ]);
    expect((await h.app.request('/api/dashboards/sales', put(wider))).status).toBe(428);
    expect((await h.app.request('/api/dashboards/sales', put(wider, '"7"'))).status).toBe(412);
    const replaced = await h.app.request('/api/dashboards/sales', put(wider, '"1"'));
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    // A second writer still holding version 1 is refused, not silently overwritten.
    expect((await h.app.request('/api/dashboards/sales', put(board(), '"1"'))).status).toBe(412);

    expect((await h.app.request('/api/dashboards/sales', { method: 'DELETE' })).status).toBe(204);
    expect((await h.app.request('/api/dashboards/sales')).status).toBe(404);
    const versions = (await (await h.app.request('/api/dashboards/sales/versions')).json()).versions;
    expect(versions.map((v: { version: number; deleted: boolean }) => [v.version, v.deleted])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('refuses tiles of unknown KPIs or dimensions, unknown fields, bad ids and too many tiles with 400', async () => {
    const cases = [
      board([{ id: 't', kpi: 'nosuch', kind: 'value', width: 1 }]),
      board([{ id: 't', kpi: 'revenue', kind: 'chart', width: 1, by: 'planet' }]),
      board([{ id: 't', kpi: 'revenue', kind: 'value', width: 1, filters: { planet: 'mars' } }]),
      board([{ id: 't', kpi: 'revenue', kind: 'value', width: 9 }]),
      board([{ id: 't', kpi: 'revenue', kind: 'value', width: 1, colour: 'red' }]),
      { ...board(), id: '../etc' },
      board(Array.from({ length: 49 }, (_, i) => ({ id: `t${i}`, kpi: 'revenue', kind: 'value', width: 1 }))),
    ];
    for (const body of cases) {
      const res = await h.app.request('/api/dashboards', json(body));
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
    }
    expect((await h.app.request('/api/dashboards/x%00y')).status).toBe(400);
  });

  it('serves the web app at / and lists the dashboards routes in the OpenAPI document', async () => {
    const page = await h.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    // The page names Vite's hashed entry and stylesheet; they are served, and kept by browsers for good.
    const html = await page.text();
    const script = /<script type="module" crossorigin src="(\/app\/app-[\w-]+\.js)">/.exec(html)?.[1];
    const sheet = /<link rel="stylesheet" crossorigin href="(\/app\/[\w-]+\.css)">/.exec(html)?.[1];
    for (const [path, type] of [
      [script, /javascript/],
      [sheet, /text\/css/],
    ] as const) {
      expect(path, html).toBeTruthy();
      const asset = await h.app.request(path as string);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
    for (const bad of ['/app/secret.txt', '/app/index.html', '/app/..%2Fdone', '/app/app-x.js.gz']) {
      expect((await h.app.request(bad)).status, bad).toBe(404);
    }
    const doc = await (await h.app.request('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/dashboards', '/api/dashboards/{dashboardId}', '/api/catalog']),
    );
  });
});

describe('the web app with auth on', () => {
  let h: Harness;
  const refuseAll: Authenticator = {
    authenticate: async () => {
      throw new ApiError(401, 'unauthorized', 'a bearer token is required');
    },
  } as unknown as Authenticator;
  beforeAll(async () => {
    h = await harness({ auth: refuseAll });
  }, 120_000);
  afterAll(() => h.close());

  it('serves the page and its assets without a token, and the data routes only with one', async () => {
    const page = await h.app.request('/');
    expect(page.status).toBe(200);
    const script = /src="(\/app\/app-[\w-]+\.js)"/.exec(await page.text())?.[1];
    expect((await h.app.request(script as string)).status).toBe(200);
    expect((await h.app.request('/api/dashboards')).status).toBe(401);
    expect((await h.app.request('/api/catalog')).status).toBe(401);
  });
});
