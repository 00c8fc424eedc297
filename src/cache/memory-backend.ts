/** The embedded default's cache: an in-process LRU bounded by entry count and size. */
import { LRUCache } from 'lru-cache';
import type { CacheBackend } from './backend.ts';

export function memoryBackend(options: { maxEntries?: number; maxBytes?: number } = {}): CacheBackend {
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (value, key) => value.length + key.length,
  });
  const tags = new Map<string, Set<string>>();
  const locks = new Map<string, number>();
  return {
    kind: 'memory',
    async get(key) {
      return entries.get(key) ?? null;
    },
    async set(key, value, ttlMs) {
      entries.set(key, value, { ttl: ttlMs });
    },
    async tag(key, kpis) {
      for (const t of kpis) {
        const set = tags.get(t) ?? new Set<string>();
        tags.set(t, set);
        set.add(key);
      }
    },
    async invalidateTags(kpis) {
      let n = 0;
      for (const t of kpis) {
        for (const key of tags.get(t) ?? []) if (entries.delete(key)) n++;
        tags.delete(t);
      }
      return n;
    },
    async tryLock(key, ttlMs) {
      const now = Date.now();
      const until = locks.get(key);
      if (until !== undefined && until > now) return false;
      locks.set(key, now + ttlMs);
      return true;
    },
    async unlock(key) {
      locks.delete(key);
    },
    async status() {
      return 'ok';
    },
    async close() {
      entries.clear();
    },
  };
}
