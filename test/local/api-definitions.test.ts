import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derived, type Harness, harness, json, revenueDef } from './api-support.ts';

describe('definitions routes on the embedded TimescaleDB store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  }, 120_000);
  afterAll(() => h.close());

  it('creates a KPI from the seed JSON and returns it with ETag = version 1', async () => {
    const res = await h.app.request('/api/definitions', json(revenueDef));
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe('/api/definitions/revenue');
    const body = await res.json();
    expect(body).toMatchObject({ id: 'revenue', version: 1, format: 'json', dimensions: ['region'] });
    expect(body.definition).toEqual(revenueDef);
  });

  it('refuses a second KPI with the same id with 409', async () => {
    const res = await h.app.request('/api/definitions', json(revenueDef));
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('exists');
  });

  it('answers 400 with diagnostics for an invalid definition and stores nothing', async () => {
    const res = await h.app.request('/api/definitions', json(derived('broken', 'nosuch / 2')));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid-definition');
    expect(body.error.details.diagnostics[0]).toMatchObject({ severity: 'error', code: 'unknown-name' });
    expect(body.error.details.diagnostics[0].span.start.line).toBe(1);
    expect((await h.app.request('/api/definitions/broken')).status).toBe(404);
  });

  it('validates without storing: valid flag and diagnostics', async () => {
    const ok = await (
      await h.app.request('/api/definitions/validate', json(derived('v', 'revenue * 2')))
    ).json();
    expect(ok).toMatchObject({ valid: true, kpis: [{ id: 'v', dependsOn: ['revenue'] }], diagnostics: [] });
    const bad = await (await h.app.request('/api/definitions/validate', json(derived('v', 'nope')))).json();
    expect(bad.valid).toBe(false);
    expect(bad.diagnostics).toHaveLength(1);
    expect((await h.app.request('/api/definitions/v')).status).toBe(404);
  });

  it('PUT without If-Match is 428, with a stale ETag 412, with the current one a new version', async () => {
    const next = { ...revenueDef, name: 'Revenue (gross)' };
    const put = (headers: Record<string, string>) =>
      h.app.request('/api/definitions/revenue', { ...json(next, headers), method: 'PUT' });
    const missing = await put({});
    expect(missing.status).toBe(428);
    expect((await missing.json()).error.details.currentVersion).toBe(1);
    expect((await put({ 'if-match': '"7"' })).status).toBe(412);
    const ok = await put({ 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect((await ok.json()).name).toBe('Revenue (gross)');
    // The same ETag again is now stale: two writers cannot both win.
    expect((await put({ 'if-match': '"1"' })).status).toBe(412);
  });

  it('keeps every version', async () => {
    const res = await h.app.request('/api/definitions/revenue/versions');
    const { versions } = await res.json();
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(JSON.parse(versions[0].source).name).toBe('Revenue');
  });

  it('DELETE of a KPI others derive from is 409 and lists them', async () => {
    expect((await h.app.request('/api/definitions', json(derived('revenue_x2', 'revenue * 2')))).status).toBe(
      201,
    );
    expect(
      (await h.app.request('/api/definitions', json(derived('revenue_x4', 'revenue_x2 * 2')))).status,
    ).toBe(201);
    const res = await h.app.request('/api/definitions/revenue', { method: 'DELETE' });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'has-dependents', details: { dependents: ['revenue_x2'] } });
  });

  it('deletes leaf KPIs (204), keeps their history, and re-creation continues the versions', async () => {
    expect((await h.app.request('/api/definitions/revenue_x4', { method: 'DELETE' })).status).toBe(204);
    expect((await h.app.request('/api/definitions/revenue_x4')).status).toBe(404);
    const again = await h.app.request('/api/definitions', json(derived('revenue_x4', 'revenue_x2 * 2')));
    expect(again.headers.get('etag')).toBe('"3"');
    const { versions } = await (await h.app.request('/api/definitions/revenue_x4/versions')).json();
    expect(versions.map((v: { deleted: boolean }) => v.deleted)).toEqual([false, true, false]);
  });

  it('lists current definitions and survives a restart (reloaded from the store)', async () => {
    const ids = (await (await h.app.request('/api/definitions')).json()).definitions.map(
      (d: { id: string }) => d.id,
    );
    expect(ids).toEqual(['revenue', 'revenue_x2', 'revenue_x4']);
    const again = await harness({ db: h.db });
    const reloaded = await (await again.app.request('/api/definitions/revenue')).json();
    expect(reloaded).toMatchObject({ version: 2, name: 'Revenue (gross)' });
  });

  it('uses one error shape for unknown routes, bad ids and malformed JSON, never a stack', async () => {
    const notFound = await h.app.request('/api/nope');
    expect(notFound.status).toBe(404);
    expect(Object.keys((await notFound.json()).error).sort()).toEqual(['code', 'details', 'message']);
    const badId = await h.app.request('/api/definitions/not-an-id!');
    expect(badId.status).toBe(400);
    expect((await badId.json()).error.code).toBe('invalid-request');
    const malformed = await h.app.request('/api/definitions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id": ',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(await malformed.json())).not.toMatch(/at .*\.ts/);
  });
});

describe('several service instances on one store', () => {
  it("picks up another instance's writes on sync", async () => {
    const a = await harness();
    const b = await harness({ db: a.db });
    await a.app.request('/api/definitions', json(revenueDef));
    expect((await b.app.request('/api/definitions/revenue')).status).toBe(404);
    expect(await b.definitions.sync()).toBe(true);
    expect((await b.app.request('/api/definitions/revenue')).status).toBe(200);
    expect(await b.definitions.sync()).toBe(false);
    await a.close();
  });

  // A reload re-analyzes every KPI and moves the generation, which throws away every memoized plan
  // (the next hit of every metric route compiles again): an instance's own writes must not cause one.
  it('does not reload for its own writes, and still does for a write of another in between', async () => {
    const a = await harness();
    const b = await harness({ db: a.db });
    const put = (h: Harness, body: unknown, version: number) =>
      h.app.request('/api/definitions/revenue', {
        ...json(body),
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
      });
    expect((await a.app.request('/api/definitions', json(revenueDef))).status).toBe(201);
    expect((await a.app.request('/api/definitions', json(derived('revenue_x2', 'revenue * 2')))).status).toBe(
      201,
    );
    expect((await put(a, { ...revenueDef, name: 'Revenue (gross)' }, 1)).status).toBe(200);
    expect((await a.app.request('/api/definitions/revenue_x2', { method: 'DELETE' })).status).toBe(204);
    const generation = a.definitions.generation;
    expect(await a.definitions.sync()).toBe(false);
    expect(a.definitions.generation).toBe(generation);

    expect(await b.definitions.sync()).toBe(true);
    expect((await put(b, { ...revenueDef, name: 'Revenue (net)' }, 2)).status).toBe(200);
    expect((await put(a, { ...revenueDef, name: 'Revenue (stale)' }, 2)).status).toBe(412);
    expect(await a.definitions.sync()).toBe(true);
    expect((await (await a.app.request('/api/definitions/revenue')).json()).name).toBe('Revenue (net)');
    await a.close();
  });
});
