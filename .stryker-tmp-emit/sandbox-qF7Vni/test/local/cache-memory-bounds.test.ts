/**
 * What the cache keeps for invalidation stays bounded by the entries that still live: many distinct
 * keys over a long life (new ranges, a new "last 30 days" each day) must not pile up, in the process
 * (embedded default) or in Redis. Against a real redis-server of the test's own.
 */
// @ts-nocheck

import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/cache/memory-backend.ts';
import { redisBackend, redisTagKey } from '../../src/cache/redis-backend.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import { freePort, startRedis, stopChild } from '../e2e/api-support.ts';

describe('memory backend: tags follow the entries', () => {
  it('forgets the tags of evicted entries, so 1,000 distinct keys leave at most maxEntries behind', async () => {
    const backend = memoryBackend({ maxEntries: 10 });
    const cache = new ResultCache(backend, { ttlSeconds: 60 });
    for (let i = 0; i < 1_000; i++) {
      await cache.getOrCompute(`value:mrr:${i}`, ['mrr', 'arr'], async () => `{"v":${i}}`);
    }
    expect(backend.tagMemberships()).toBe(20);
    // The live entries are still invalidated through their tag, and their tags go with them.
    expect(await backend.invalidateTags(['mrr'])).toBe(10);
    expect(backend.tagMemberships()).toBe(0);
    expect(await backend.get('value:mrr:999')).toBeNull();
  });

  it('records no tag for an entry that is not there, and none twice for a replaced entry', async () => {
    const backend = memoryBackend();
    await backend.tag('ghost', ['mrr'], 1_000);
    expect(backend.tagMemberships()).toBe(0);
    await backend.set('k', 'one', 60_000);
    await backend.tag('k', ['mrr'], 60_000);
    await backend.set('k', 'two', 60_000);
    await backend.tag('k', ['mrr', 'arr'], 60_000);
    expect(backend.tagMemberships()).toBe(2);
    expect(await backend.invalidateTags(['arr'])).toBe(1);
    expect(backend.tagMemberships()).toBe(0);
  });
});

describe('redis backend: tags follow the entries', () => {
  let server: ChildProcess;
  let url: string;
  let raw: Redis;

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedis(port);
    url = `redis://127.0.0.1:${port}`;
    raw = new Redis(url);
  });
  afterAll(async () => {
    raw?.disconnect();
    if (server) await stopChild(server);
  });

  it('drops members whose entries expired a TTL ago, so a hot tag holds only recent keys', async () => {
    let now = 1_000_000;
    const backend = redisBackend(url, { now: () => now });
    try {
      // No offline queue in the backend: wait for its connection.
      while ((await backend.status()) !== 'ok') await new Promise((r) => setTimeout(r, 20));
      await raw.del(redisTagKey('mrr'));
      for (let i = 0; i < 100; i++) {
        await backend.set(`k${i}`, 'v', 60_000);
        await backend.tag(`k${i}`, ['mrr'], 60_000);
        now += 10_000; // 100 keys over 1,000 s; each entry lives 60 s
      }
      // Kept: entries tagged within the last two TTLs (expired less than a TTL ago, or alive).
      expect(await raw.zcard(redisTagKey('mrr'))).toBeLessThanOrEqual(13);
      expect(await raw.zscore(redisTagKey('mrr'), 'k99')).not.toBeNull();
      expect(await raw.zscore(redisTagKey('mrr'), 'k0')).toBeNull();
      // Invalidation still finds the live entry.
      expect(await backend.invalidateTags(['mrr'])).toBeGreaterThanOrEqual(1);
      expect(await backend.get('k99')).toBeNull();
      expect(await raw.exists(redisTagKey('mrr'))).toBe(0);
    } finally {
      await backend.close();
    }
  });
});
