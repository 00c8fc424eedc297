/**
 * The federated cache: Redis through ioredis. Commands fail fast while Redis is unreachable (no offline
 * queue, short command timeout) so requests fall back to computing instead of waiting; ioredis keeps
 * reconnecting in the background and the cache comes back by itself.
 */
import { Redis } from 'ioredis';
import type { CacheBackend } from './backend.ts';

const PREFIX = 'kpi-engine:';

export function redisBackend(url: string, options: { commandTimeoutMs?: number } = {}): CacheBackend {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    lazyConnect: false,
  });
  // Errors surface on each command; the connection-level event must not crash the process.
  redis.on('error', () => {});
  const tagKey = (t: string) => `${PREFIX}tag:${t}`;
  return {
    kind: 'redis',
    async get(key) {
      return redis.get(PREFIX + key);
    },
    async set(key, value, ttlMs) {
      await redis.set(PREFIX + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async tag(key, kpis, ttlMs) {
      const multi = redis.multi();
      for (const t of kpis) {
        multi.sadd(tagKey(t), key);
        // The tag set lives as long as its newest entry.
        multi.pexpire(tagKey(t), Math.max(1, Math.round(ttlMs)));
      }
      await multi.exec();
    },
    async invalidateTags(kpis) {
      let n = 0;
      for (const t of kpis) {
        const keys = await redis.smembers(tagKey(t));
        if (keys.length > 0) n += await redis.del(...keys.map((k) => PREFIX + k));
        await redis.del(tagKey(t));
      }
      return n;
    },
    async tryLock(key, ttlMs) {
      return (await redis.set(`${PREFIX}lock:${key}`, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK';
    },
    async unlock(key) {
      await redis.del(`${PREFIX}lock:${key}`);
    },
    async status() {
      if (redis.status !== 'ready') return 'degraded';
      try {
        await redis.ping();
        return 'ok';
      } catch {
        return 'degraded';
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
