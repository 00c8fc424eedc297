/**
 * With auth on, metric routes pass the token's subject to the engine as the end user (X-Trino-User on
 * Trino), and cache what Trino computes per user — Trino's access control may answer two users
 * differently — while answers from PostgreSQL directly (one role for everyone) stay shared.
 */
// @ts-nocheck

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/api/auth.ts';
import { type Harness, harness, json, revenueDef } from './api-support.ts';

/** `Bearer <name>` is user <name> with both scopes. */
const byName: Authenticator = {
  authenticate: async (header) => ({
    subject: header?.replace(/^Bearer /, '') ?? '',
    scopes: new Set(['read:kpis', 'write:kpis']),
  }),
};
const as = (user: string) => ({ headers: { authorization: `Bearer ${user}` } });

describe('metric routes run as the end user', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ auth: byName });
    const created = await h.app.request('/api/definitions', {
      ...json(revenueDef),
      headers: { ...json(revenueDef).headers, authorization: 'Bearer admin' },
    });
    expect(created.status).toBe(201);
  }, 120_000);
  afterAll(() => h.close());

  it('on Trino: runs as each user and never serves one user the answer computed for another', async () => {
    h.engine.dialect = 'trino';
    const url = '/api/metrics/revenue?start=2025-03-01&end=2025-04-01';
    const before = h.engine.users.length;
    const ann = await h.app.request(url, as('ann'));
    expect(ann.headers.get('x-cache')).toBe('miss');
    const bob = await h.app.request(url, as('bob'));
    expect(bob.headers.get('x-cache')).toBe('miss');
    const value = async (r: Response) => ((await r.json()) as { value: number }).value;
    expect(await value(bob)).toBe(await value(ann));
    // value + previous period: two engine queries per user, each as that user.
    expect(h.engine.users.slice(before)).toEqual(['ann', 'ann', 'bob', 'bob']);
    expect((await h.app.request(url, as('ann'))).headers.get('x-cache')).toBe('hit');
    expect(h.engine.users.length - before).toBe(4);
  });

  it('on PostgreSQL directly: one cached answer for everyone', async () => {
    h.engine.dialect = 'postgres';
    const url = '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-04-01';
    expect((await h.app.request(url, as('ann'))).headers.get('x-cache')).toBe('miss');
    expect((await h.app.request(url, as('bob'))).headers.get('x-cache')).toBe('hit');
  });
});
