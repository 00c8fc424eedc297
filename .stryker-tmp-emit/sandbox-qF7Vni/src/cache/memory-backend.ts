/** The embedded default's cache: an in-process LRU bounded by entry count and size. */
// @ts-nocheck

import { LRUCache } from 'lru-cache';
import type { CacheBackend } from './backend.ts';

export interface MemoryBackend extends CacheBackend {
  /** (tag, key) pairs recorded for invalidation: bounded by the live entries, not by every key ever set. */
  tagMemberships(): number;
}

export function memoryBackend(options: { maxEntries?: number; maxBytes?: number } = {}): MemoryBackend {
  const tags = new Map<string, Set<string>>();
  /** Each entry's tags, so an entry that leaves the LRU also leaves its tag sets. */
  const tagsOf = new Map<string, readonly string[]>();
  const untag = (key: string) => {
    for (const t of tagsOf.get(key) ?? []) {
      const set = tags.get(t);
      set?.delete(key);
      if (set?.size === 0) tags.delete(t);
    }
    tagsOf.delete(key);
  };
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (value, key) => value.length + key.length,
    // Evicted, expired, deleted or replaced: without this the tag sets kept every key ever cached
    // (one per distinct query and day), growing for as long as the process lived.
    dispose: (_value, key) => untag(key),
  });
  const locks = new Map<string, number>();
  /** Invalidations per tag (tags never invalidated are absent: version 0). Bounded by the tags in use. */
  const versions = new Map<string, number>();
  return {
    kind: 'memory',
    async get(key) {
      return entries.get(key) ?? null;
    },
    async set(key, value, ttlMs) {
      entries.set(key, value, { ttl: ttlMs });
    },
    async tag(key, kpis) {
      // An entry already gone has nothing to invalidate; recording it would never be undone.
      if (!entries.has(key)) return;
      const all = [...new Set([...(tagsOf.get(key) ?? []), ...kpis])];
      tagsOf.set(key, all);
      for (const t of all) {
        const set = tags.get(t) ?? new Set<string>();
        tags.set(t, set);
        set.add(key);
      }
    },
    async invalidateTags(kpis) {
      let n = 0;
      for (const t of kpis) {
        versions.set(t, (versions.get(t) ?? 0) + 1);
        // A copy: each delete's dispose edits the tag sets.
        for (const key of [...(tags.get(t) ?? [])]) if (entries.delete(key)) n++;
        tags.delete(t);
      }
      return n;
    },
    async tagVersions(list) {
      return list.map((t) => versions.get(t) ?? 0).join(',');
    },
    async delete(key) {
      entries.delete(key);
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
    tagMemberships() {
      let n = 0;
      for (const set of tags.values()) n += set.size;
      return n;
    },
  };
}
