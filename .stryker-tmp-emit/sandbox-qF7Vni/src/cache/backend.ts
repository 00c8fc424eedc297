/** Where cache entries live. Every method may throw when the backend is down; ResultCache copes. */
// @ts-nocheck

export interface CacheBackend {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Records that `key` belongs to each tag (a KPI id), for invalidation. */
  tag(key: string, tags: readonly string[], ttlMs: number): Promise<void>;
  /**
   * Deletes every key recorded under any of the tags and moves each tag's version (tagVersions), so a
   * computation that started before the invalidation can tell; returns how many keys.
   */
  invalidateTags(tags: readonly string[]): Promise<number>;
  /** The tags' versions as one comparable string: changes whenever one of them is invalidated. */
  tagVersions(tags: readonly string[]): Promise<string>;
  delete(key: string): Promise<void>;
  /** SET NX PX: true when this caller now holds the lock. */
  tryLock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
  /** 'ok' when usable now; 'degraded' when configured but unreachable. */
  status(): Promise<'ok' | 'degraded'>;
  close(): Promise<void>;
}
