/**
 * The Trino connection against the stack's real Trino: the user named in TRINO_URL (or TRINO_USER) and
 * the end user a query runs for reach Trino as X-Trino-User — read back from Trino's own
 * system.runtime.queries — and credentials never travel in the URL. (Password authentication over TLS,
 * against the stack Trino's HTTPS port, is trino-tls.test.ts; here, the parsing and the refusal of
 * passwords over http.)
 */
// @ts-nocheck

import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import {
  retryDelayMs,
  trinoConnection,
  trinoHeaders,
  trinoUrlWithCredentials,
} from '../../src/exec/trino-connection.ts';
import { runTrino } from '../../src/exec/trino-http.ts';

const env = inject('stackEnv');

/** Who Trino says ran the statement carrying `marker` (its own record of the X-Trino-User it received). */
async function userOf(marker: string): Promise<string> {
  const r = await runTrino(
    `SELECT "user" FROM system.runtime.queries WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime.queries%'`,
    [],
    { url: env.TRINO_URL!, timeoutMs: 120_000 },
  );
  expect(r.rows).toHaveLength(1);
  return String(r.rows[0]![0]);
}

describe('the Trino connection on the real Trino', () => {
  it('runs as the user named in TRINO_URL, and as the end user when the service names one', async () => {
    const asUrlUser = `m${randomUUID().replaceAll('-', '')}`;
    const plain = new URL(env.TRINO_URL!);
    plain.username = 'analyst_ann';
    const r = await runTrino(`SELECT 1 AS ${asUrlUser}`, [], { url: plain.href, timeoutMs: 120_000 });
    expect(r.rows).toEqual([[1]]);
    expect(await userOf(asUrlUser)).toBe('analyst_ann');

    const asEndUser = `m${randomUUID().replaceAll('-', '')}`;
    await runTrino(`SELECT 2 AS ${asEndUser}`, [], {
      url: plain.href,
      user: 'dashboard|bob',
      timeoutMs: 120_000,
    });
    expect(await userOf(asEndUser)).toBe('dashboard|bob');

    const byVariable = `m${randomUUID().replaceAll('-', '')}`;
    const url = trinoUrlWithCredentials({ TRINO_URL: env.TRINO_URL, TRINO_USER: 'svc_kpi' })!;
    await runTrino(`SELECT 3 AS ${byVariable}`, [], { url, timeoutMs: 120_000 });
    expect(await userOf(byVariable)).toBe('svc_kpi');
  });

  it('refuses a password over http (Trino takes passwords over TLS only), naming no password', async () => {
    const url = trinoUrlWithCredentials({
      TRINO_URL: env.TRINO_URL,
      TRINO_USER: 'svc',
      TRINO_PASSWORD: 's3cret',
    })!;
    await expect(runTrino('SELECT 1', [], { url, timeoutMs: 60_000 })).rejects.toThrow(
      /needs an https:\/\/ TRINO_URL/,
    );
    await expect(runTrino('SELECT 1', [], { url, timeoutMs: 60_000 })).rejects.not.toThrow(/s3cret/);
  });
});

describe('trinoConnection', () => {
  it('takes credentials out of the URL into Basic authorization; TRINO_USER/TRINO_PASSWORD win', () => {
    const c = trinoConnection({ TRINO_URL: 'https://ann:p%40ss@trino.example.com:8443/' });
    expect(c).toEqual({
      url: 'https://trino.example.com:8443',
      user: 'ann',
      authorization: `Basic ${Buffer.from('ann:p@ss').toString('base64')}`,
    });
    expect(trinoHeaders(c, 'bob')).toEqual({ 'X-Trino-User': 'bob', Authorization: c.authorization });
    expect(trinoHeaders(c)).toMatchObject({ 'X-Trino-User': 'ann' });
    const v = trinoConnection({
      TRINO_URL: trinoUrlWithCredentials({
        TRINO_URL: 'https://ann:x@trino.example.com',
        TRINO_USER: 'svc',
        TRINO_PASSWORD: 'p:w/d',
      }),
    });
    expect(v.user).toBe('svc');
    expect(v.authorization).toBe(`Basic ${Buffer.from('svc:p:w/d').toString('base64')}`);
    expect(trinoConnection({ TRINO_URL: 'http://127.0.0.1:8080' })).toEqual({
      url: 'http://127.0.0.1:8080',
      user: 'kpi-engine',
      authorization: null,
    });
  });

  it('retries only what the protocol allows: 503 always, 502/504 not after a POST, with growing backoff', () => {
    const first = retryDelayMs(503, 'POST', 0)!;
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThan(100);
    expect(retryDelayMs(502, 'POST', 0)).toBeNull(); // the statement may have reached Trino
    expect(retryDelayMs(504, 'GET', 0)).not.toBeNull();
    expect(retryDelayMs(502, 'DELETE', 1)).not.toBeNull();
    expect(retryDelayMs(500, 'GET', 0)).toBeNull();
    expect(retryDelayMs(401, 'GET', 0)).toBeNull();
    expect(retryDelayMs(503, 'GET', 3)!).toBeGreaterThanOrEqual(400);
    expect(retryDelayMs(503, 'GET', 5)).toBeNull();
  });
});
