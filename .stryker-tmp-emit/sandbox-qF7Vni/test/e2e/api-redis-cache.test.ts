/**
 * The Redis cache against a real redis-server of this test's own (so stopping it harms nobody):
 * cross-process single-flight, and Redis stopped mid-run then restarted.
 */
// @ts-nocheck

import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBackend } from '../../src/cache/redis-backend.ts';
import { type Harness, harness, json, revenueDef } from '../local/api-support.ts';
import { freePort, startRedis, stopChild as stop } from './api-support.ts';

const until = async (what: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
};

describe('Redis cache (own redis-server)', () => {
  let port: number;
  let redis: ChildProcess;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    a = await harness({ backend: redisBackend(url) });
    await a.app.request('/api/definitions', json(revenueDef));
    // A second "process": its own app, engine and Redis connection over the same store and Redis.
    b = await harness({ backend: redisBackend(url), db: a.db });
    await until(async () => (await a.cache.status()) === 'ok' && (await b.cache.status()) === 'ok');
  });
  afterAll(async () => {
    await a.cache.backend.close();
    await b.cache.backend.close();
    await a.close();
    if (redis.exitCode === null) await stop(redis);
  });

  it('shares entries between processes and computes 200 concurrent cold requests once across both', async () => {
    a.engine.delayMs = 100;
    b.engine.delayMs = 100;
    const url = '/api/metrics/revenue?start=2025-01-01&end=2025-02-01';
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).app.request(url)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    // One computation = value + previous range = 2 engine queries, in exactly one of the processes.
    expect(a.engine.runs + b.engine.runs).toBe(2);
    expect(new Set(await Promise.all(responses.map((r) => r.text()))).size).toBe(1);
    expect((await b.app.request(url)).headers.get('x-cache')).toBe('hit');
  });

  it('keeps answering uncached while Redis is down, reports degraded, and recovers when it returns', async () => {
    a.engine.delayMs = 0;
    const url = '/api/metrics/revenue?start=2025-02-01&end=2025-03-01';
    expect((await a.app.request(url)).headers.get('x-cache')).toBe('miss');
    expect((await a.app.request(url)).headers.get('x-cache')).toBe('hit');

    await stop(redis);
    await until(async () => (await a.cache.status()) === 'degraded');
    const runs = a.engine.runs;
    const down = await a.app.request(url);
    expect(down.status).toBe(200);
    expect(down.headers.get('x-cache')).toBe('miss');
    expect(a.engine.runs).toBe(runs + 2);
    expect((await down.json()).value).toBe(50);
    const health = await a.app.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      service: 'degraded',
      storage: { cache: 'degraded', timescale: 'ok' },
    });
    // Definitions live in the store, not the cache: writes still work and are kept.
    const created = await a.app.request('/api/definitions', json({ ...revenueDef, id: 'revenue_copy' }));
    expect(created.status).toBe(201);

    redis = await startRedis(port);
    await until(async () => (await a.cache.status()) === 'ok');
    expect((await a.app.request('/health')).status).toBe(200);
    expect((await a.app.request(url)).headers.get('x-cache')).toBe('miss');
    expect((await a.app.request(url)).headers.get('x-cache')).toBe('hit');
    expect((await a.app.request('/api/definitions/revenue_copy')).status).toBe(200);
  });
});
