// @ts-nocheck
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/api/auth.ts';
import { type Harness, harness, json, revenueDef } from './api-support.ts';

const AUDIENCE = 'https://api.nexpo.app';
const DOMAIN = 'tenant.example.test';
const ISSUER = `https://${DOMAIN}/`;

describe('Auth0 M2M bearer tokens (RS256, local JWKS server)', () => {
  let h: Harness;
  let server: Server;
  let sign: (
    claims: Record<string, unknown>,
    options?: { key?: CryptoKey; kid?: string; exp?: string | number | null },
  ) => Promise<string>;
  let otherKey: CryptoKey;
  let jwksHits = 0;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_, res) => {
      jwksHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    sign = (claims, options = {}) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
        .setIssuer((claims.iss as string) ?? ISSUER)
        .setAudience((claims.aud as string) ?? AUDIENCE)
        .setSubject('client@clients')
        .setIssuedAt();
      // exp: null signs a token that never expires (which must be refused).
      if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '5m');
      return jwt.sign(options.key ?? privateKey);
    };
    h = await harness({
      auth: createAuthenticator({
        domain: DOMAIN,
        audience: AUDIENCE,
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      }),
    });
    const writer = await sign({ scope: 'read:kpis write:kpis' });
    const res = await h.app.request(
      '/api/definitions',
      json(revenueDef, { authorization: `Bearer ${writer}` }),
    );
    expect(res.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await h.close();
    server.close();
  });

  /** Every route the OpenAPI document lists (but /health), with example path parameters. */
  async function protectedRoutes(): Promise<Array<{ method: string; path: string }>> {
    const token = await sign({ scope: 'read:kpis' });
    const doc = await (
      await h.app.request('/openapi.json', { headers: { authorization: `Bearer ${token}` } })
    ).json();
    // The API's documentation (/openapi.json, /docs, its assets) holds no data: it is public.
    const routes: Array<{ method: string; path: string }> = [{ method: 'GET', path: '/metrics' }];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      if (path === '/health') continue;
      for (const method of Object.keys(ops)) {
        routes.push({
          method: method.toUpperCase(),
          path: path
            .replace('{kpiId}', 'revenue')
            .replace('{reportId}', 'r1')
            .replace('{name}', 'subscriptions_daily'),
        });
      }
    }
    return routes;
  }

  it('covers every documented route', async () => {
    const routes = await protectedRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(21);
  });

  it('serves the API documentation without a token (it holds no data), with the bearer scheme in it', async () => {
    for (const path of ['/openapi.json', '/docs', '/docs/assets/swagger-ui-bundle.js', '/docs/grammar']) {
      expect({ path, status: (await h.app.request(path)).status }).toEqual({ path, status: 200 });
    }
    const doc = await (await h.app.request('/openapi.json')).json();
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  const cases: Array<[string, () => Promise<string | null>]> = [
    ['missing', async () => null],
    ['expired', () => sign({ scope: 'read:kpis write:kpis' }, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['wrong audience', () => sign({ scope: 'read:kpis write:kpis', aud: 'https://elsewhere' })],
    ['wrong issuer', () => sign({ scope: 'read:kpis write:kpis', iss: 'https://evil.example/' })],
    ['wrong key', () => sign({ scope: 'read:kpis write:kpis' }, { key: otherKey })],
    ['unknown kid', () => sign({ scope: 'read:kpis write:kpis' }, { key: otherKey, kid: 'k2' })],
    [
      'alg none',
      async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', scope: 'read:kpis write:kpis', iat: now, exp: now + 300 })}.`;
      },
    ],
    ['garbage', async () => 'not.a.jwt'],
    ['never-expiring (no exp claim)', () => sign({ scope: 'read:kpis write:kpis' }, { exp: null })],
  ];

  it.each(cases)('rejects a %s token with 401 on every protected route', async (_, make) => {
    const token = await make();
    for (const { method, path } of await protectedRoutes()) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await h.app.request(path, {
        method,
        headers,
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      const body = await res.json();
      expect(body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('needs read:kpis for reads and write:kpis for writes (403 otherwise)', async () => {
    const reader = await sign({ scope: 'read:kpis' });
    const none = await sign({ scope: 'openid' });
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    expect((await h.app.request('/api/definitions', { headers: auth(reader) })).status).toBe(200);
    expect((await h.app.request('/api/definitions', { headers: auth(none) })).status).toBe(403);
    // Building a rollup writes: a reader may look, not build.
    const build = await h.app.request('/api/rollups/subscriptions_daily/build', {
      method: 'POST',
      headers: auth(reader),
    });
    expect(build.status).toBe(403);
    const write = await h.app.request('/api/definitions', json({ ...revenueDef, id: 'r2' }, auth(reader)));
    expect(write.status).toBe(403);
    expect((await write.json()).error).toMatchObject({
      code: 'forbidden',
      details: { required: 'write:kpis' },
    });
    // Validation only computes: a reader may do it.
    expect((await h.app.request('/api/definitions/validate', json(revenueDef, auth(reader)))).status).toBe(
      200,
    );
    // Auth0 RBAC puts scopes in `permissions`.
    const rbac = await sign({ permissions: ['read:kpis'] });
    expect((await h.app.request('/api/definitions/revenue', { headers: auth(rbac) })).status).toBe(200);
  });

  it('leaves /health open and caches the JWKS', async () => {
    expect((await h.app.request('/health')).status).toBe(200);
    const before = jwksHits;
    const token = await sign({ scope: 'read:kpis' });
    for (let i = 0; i < 5; i++)
      await h.app.request('/api/definitions', { headers: { authorization: `Bearer ${token}` } });
    expect(jwksHits).toBe(before);
  });
});
