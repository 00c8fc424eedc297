/**
 * The federated cache: Redis through ioredis. Commands fail fast while Redis is unreachable (no offline
 * queue, short command timeout) so requests fall back to computing instead of waiting; ioredis keeps
 * reconnecting in the background and the cache comes back by itself.
 */
// @ts-nocheck

import { Redis } from 'ioredis';
import type { CacheBackend } from './backend.ts';

const PREFIX = 'kpi-engine:';

/**
 * A KPI's tag: a sorted set of its entries' keys, each scored by when the entry expires. A plain set
 * (as before) only ever grew: entries expired but stayed members, and the set's own TTL was renewed
 * by every new entry, so a KPI asked about often kept every key it ever had.
 */
export const redisTagKey = (tag: string) => `${PREFIX}tags:${tag}`;
/** How often a tag was invalidated (INCR), shared by every instance on this Redis. */
const tagVersionKey = (tag: string) => `${PREFIX}tagver:${tag}`;

export function redisBackend(
  url: string,
  options: { commandTimeoutMs?: number; now?: () => number } = {},
): CacheBackend {
  const now = options.now ?? Date.now;
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    lazyConnect: false,
    // Commands issued in the same tick (concurrent requests' GETs) go out in one write: on a busy
    // service the socket writes to Redis, not the lookups, are the cost of a cache hit.
    enableAutoPipelining: true,
  });
  // Errors surface on each command; the connection-level event must not crash the process.
  redis.on('error', () => {});
  return {
    kind: 'redis',
    async get(key) {
      return redis.get(PREFIX + key);
    },
    async set(key, value, ttlMs) {
      await redis.set(PREFIX + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async tag(key, kpis, ttlMs) {
      const ms = Math.max(1, Math.round(ttlMs));
      const at = now();
      const multi = redis.multi();
      for (const t of kpis) {
        multi.zadd(redisTagKey(t), at + ms, key);
        // Drop members expired a whole TTL ago: the margin keeps a process whose clock runs ahead of
        // the others' from dropping entries that still live in Redis (and could then not be invalidated).
        multi.zremrangebyscore(redisTagKey(t), '-inf', `(${at - ms}`);
        // The tag lives as long as its newest entry.
        multi.pexpire(redisTagKey(t), ms);
      }
      await multi.exec();
    },
    async invalidateTags(kpis) {
      let n = 0;
      for (const t of kpis) {
        // First: a computation that read the old data and stores after the deletes below sees it moved.
        await redis.incr(tagVersionKey(t));
        const keys = await redis.zrange(redisTagKey(t), 0, -1);
        if (keys.length > 0) n += await redis.del(...keys.map((k) => PREFIX + k));
        await redis.del(redisTagKey(t));
      }
      return n;
    },
    async tagVersions(list) {
      if (list.length === 0) return '';
      return (await redis.mget(...list.map(tagVersionKey))).map((v) => v ?? '0').join(',');
    },
    async delete(key) {
      await redis.del(PREFIX + key);
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
