/**
 * With auth on, a metric route runs its Trino queries as the end user: the token's subject reaches Trino
 * as X-Trino-User (read back from Trino's own system.runtime.queries), and since Trino may let two users
 * see different things, one user's cached answer is never served to another. The numbers are checked
 * against hand-written SQL on the two source databases. Real stack, `npm start`, RS256 tokens checked
 * against a local JWKS server as Auth0's would be.
 */
// @ts-nocheck

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runTrino } from '../../src/exec/trino-http.ts';
import { cacOracle, type RunningService, startService } from '../e2e/api-support.ts';

const env = inject('stackEnv');
const AUDIENCE = 'https://kpi-engine.test';
const DOMAIN = 'tenant.example.test';
// Unique per run, so Trino's query history of earlier runs cannot answer for this one.
const ANN = `ann-${randomUUID().slice(0, 8)}@example.test`;
const BOB = `bob-${randomUUID().slice(0, 8)}@example.test`;
// cac reads two databases (finance in payments, accounts in users): only Trino can answer it raw.
const ROUTE = '/api/metrics/cac?start=2025-01-01&end=2025-04-01';

/** The users Trino ran kpi-engine's statements for, among those given. */
async function trinoUsers(...users: string[]): Promise<string[]> {
  const list = users.map((u) => `'${u}'`).join(', ');
  const r = await runTrino(
    `SELECT DISTINCT "user" FROM system.runtime.queries WHERE source = 'kpi-engine' AND "user" IN (${list}) ORDER BY 1`,
    [],
    { url: env.TRINO_URL!, timeoutMs: 120_000 },
  );
  return r.rows.map((row) => String(row[0]));
}

describe('metric routes with auth on run on Trino as the end user', () => {
  let service: RunningService;
  let jwks: Server;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    for (const subject of [ANN, BOB]) {
      tokens[subject] = await new SignJWT({ scope: 'read:kpis' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(`https://${DOMAIN}/`)
        .setAudience(AUDIENCE)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime('30m')
        .sign(privateKey);
    }
    service = await startService({
      ...(env as Record<string, string>),
      // The process's own cache: no answer another test left in the shared Redis can stand in.
      REDIS_URL: '',
      ENABLE_SCHEDULER: 'false',
      // Raw plans: a rollup in the metrics store (PostgreSQL directly, one role) would not go to Trino.
      ENABLE_OPTIMIZER: 'false',
      AUTH0_DOMAIN: DOMAIN,
      AUTH0_AUDIENCE: AUDIENCE,
      AUTH0_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    });
  }, 600_000);

  afterAll(async () => {
    jwks?.close();
    await service?.stop();
  });

  const get = (subject: string) =>
    fetch(`${service.url}${ROUTE}`, { headers: { authorization: `Bearer ${tokens[subject]}` } });

  it("sends the token's subject as X-Trino-User and keeps each user's answers apart", async () => {
    const first = await get(ANN);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    const value = ((await first.json()) as { value: number }).value;
    expect(value).toBeCloseTo(await cacOracle(env as Record<string, string>, '2025-01-01', '2025-04-01'), 6);
    expect(await trinoUsers(ANN, BOB)).toEqual([ANN]);

    // Bob asks the same: computed again, as Bob — not Ann's answer from the cache.
    const second = await get(BOB);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('miss');
    expect(((await second.json()) as { value: number }).value).toBe(value);
    expect(await trinoUsers(ANN, BOB)).toEqual([ANN, BOB].sort());

    // Ann again: her own cached answer.
    const third = await get(ANN);
    expect(third.headers.get('x-cache')).toBe('hit');
    expect(((await third.json()) as { value: number }).value).toBe(value);
  });
});
