/**
 * What every request passes through: CORS for browser dashboards (only configured origins, preflights
 * answered before auth, credentials), a request id echoed in X-Request-Id, and the structured log —
 * one record per 5xx with its stack and request id, secrets never written.
 */
// @ts-nocheck

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, logServerError, redactUrls } from '../../src/api/logger.ts';
import { loadConfig } from '../../src/config/env.ts';
import { type Harness, harness } from './api-support.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _e, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('CORS', () => {
  let none: Harness;
  let listed: Harness;
  let local: Harness;
  let any: Harness;
  beforeAll(async () => {
    none = await harness();
    [listed, local, any] = await Promise.all([
      harness({ db: none.db, cors: ['https://dash.example.com'] }),
      harness({ db: none.db, cors: 'localhost' }),
      harness({ db: none.db, cors: '*' }),
    ]);
  }, 120_000);
  afterAll(async () => none.close());

  const from = (origin: string) => ({ headers: { origin } });

  it('sends no CORS headers when no origin is configured (the production default)', async () => {
    const res = await none.app.request('/health', from('https://dash.example.com'));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins, with credentials, and no others', async () => {
    const ok = await listed.app.request('/api/definitions', from('https://dash.example.com'));
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    // Where a /history answer came from (materialized or live): a dashboard may show it.
    expect(ok.headers.get('access-control-expose-headers')).toContain('X-Data-Source');
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    const evil = await listed.app.request('/api/definitions', from('https://evil.example.com'));
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight with the methods and headers a dashboard needs', async () => {
    const res = await listed.app.request('/api/query', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dash.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('in development allows local pages on any port, nothing else', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://localhost']) {
      const res = await local.app.request('/health', from(origin));
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    }
    for (const origin of ['https://localhost.evil.com', 'http://localhost:5173.evil.com', 'null']) {
      const res = await local.app.request('/health', from(origin));
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('with * allows any origin but never with credentials', async () => {
    const res = await any.app.request('/health', from('https://anything.example'));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('CORS_ORIGINS: none in production, localhost in development, a list, or refused when malformed', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsOrigins).toBe('localhost');
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://b.example:8080/' }).corsOrigins).toEqual(
      ['https://a.example.com', 'http://b.example:8080'],
    );
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example.com' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('request ids and the structured log', () => {
  let h: Harness;
  const log = capture();
  beforeAll(async () => {
    const logger = createLogger({ level: 'info', format: 'json', name: 'kpi-test', destination: log.stream });
    h = await harness({ logError: logServerError(logger) });
    h.app.get('/test/boom', () => {
      throw new Error('boom: the engine fell over');
    });
  }, 120_000);
  afterAll(async () => h.close());

  it('gives every response an X-Request-Id, keeping a sane incoming one', async () => {
    const fresh = await h.app.request('/health');
    expect(fresh.headers.get('x-request-id')).toMatch(UUID);
    const kept = await h.app.request('/api/definitions', { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const replaced = await h.app.request('/health', { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
    const notFound = await h.app.request('/nope');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-request-id')).toMatch(UUID);
  });

  it('writes one JSON record per 5xx, with the stack and the request id the client saw', async () => {
    log.lines.length = 0;
    const res = await h.app.request('/test/boom', { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(JSON.stringify(await res.json())).not.toContain('fell over');
    expect(log.lines).toHaveLength(1);
    const record = JSON.parse(log.lines[0]!);
    expect(record).toMatchObject({ level: 'error', requestId: 'req-42', status: 500, path: '/test/boom' });
    expect(record.err.stack).toMatch(/boom: the engine fell over\n\s+at /);
    // 4xx answers are the client's business: no record.
    await h.app.request('/api/definitions/nope');
    expect(log.lines).toHaveLength(1);
  });

  it('never writes secrets: auth headers, passwords, tokens, credentials in URLs', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'json', name: 't', destination: out.stream });
    logger.info({ req: { headers: { authorization: 'Bearer eyJsecret', cookie: 's=1' } } }, 'request');
    logger.info({ config: { TRINO_PASSWORD: 'hunter2', AUTH0_CLIENT_SECRET: 'shh' } }, 'config');
    logger.info('connecting to postgresql://kpi:p4ss@db.internal:5432/payments and https://u:t0k@trino:8443');
    const text = out.lines.join('\n');
    for (const secret of ['eyJsecret', 's=1', 'hunter2', 'shh', 'p4ss', 't0k'])
      expect(text).not.toContain(secret);
    expect(text).toContain('postgresql://kpi:***@db.internal:5432/payments');
    expect(redactUrls('http://a@b/c')).toBe('http://a@b/c');
  });

  it('in development writes readable lines, an error with its stack', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'pretty', name: 't', destination: out.stream });
    logger.info('listening on http://127.0.0.1:3004');
    logger.error({ err: new Error('kaput'), requestId: 'r1' }, '500 internal: GET /x');
    expect(out.lines[0]).toBe('kpi-engine: listening on http://127.0.0.1:3004');
    expect(out.lines[1]).toBe('kpi-engine: ERROR 500 internal: GET /x requestId=r1');
    expect(out.lines[2]).toMatch(/^\s+Error: kaput$/);
  });
});
