/**
 * Result cache with single-flight and stale-while-revalidate.
 *
 * An entry is fresh for `ttlSeconds`, then served stale (while one refresh runs in the background) for
 * as long again, then gone. Identical concurrent misses in one process share one computation; across
 * processes the first to take a short lock computes while the others poll for its entry. When the
 * backend fails, every operation degrades to "not cached" and the computation still runs.
 */
import type { CacheBackend } from './backend.ts';

export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface CachedResult {
  readonly body: string;
  readonly outcome: CacheOutcome;
  readonly storedAt: number;
  readonly freshUntil: number;
}

export interface ResultCacheOptions {
  readonly ttlSeconds: number;
  /** How long a cross-process compute lock lives (should exceed the query timeout). */
  readonly lockMs?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly onOutcome?: (outcome: CacheOutcome) => void;
  readonly onBackendError?: (error: unknown) => void;
}

const encode = (storedAt: number, freshUntil: number, body: string) => `${storedAt}:${freshUntil}\n${body}`;

function decode(raw: string): { storedAt: number; freshUntil: number; body: string } | null {
  const nl = raw.indexOf('\n');
  const colon = raw.indexOf(':');
  if (nl < 0 || colon < 0 || colon > nl) return null;
  return {
    storedAt: Number(raw.slice(0, colon)),
    freshUntil: Number(raw.slice(colon + 1, nl)),
    body: raw.slice(nl + 1),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ResultCache {
  private readonly inflight = new Map<string, Promise<CachedResult>>();
  private readonly ttlMs: number;
  private readonly lockMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;

  constructor(
    readonly backend: CacheBackend,
    private readonly options: ResultCacheOptions,
  ) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.lockMs = options.lockMs ?? 30_000;
    this.pollMs = options.pollMs ?? 25;
    this.now = options.now ?? Date.now;
  }

  async getOrCompute(
    key: string,
    tags: readonly string[],
    compute: () => Promise<string>,
  ): Promise<CachedResult> {
    const raw = await this.safe(() => this.backend.get(key), null);
    const entry = raw === null ? null : decode(raw);
    if (entry) {
      const now = this.now();
      if (now < entry.freshUntil) return this.report({ ...entry, outcome: 'hit' });
      if (now < entry.freshUntil + this.ttlMs) {
        // Serve the stale value now; one background refresh replaces it.
        this.singleFlight(key, tags, compute, false).catch(() => {});
        return this.report({ ...entry, outcome: 'stale' });
      }
    }
    return this.report(await this.singleFlight(key, tags, compute, true));
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    return this.safe(() => this.backend.invalidateTags(tags), 0);
  }

  status(): Promise<'ok' | 'degraded'> {
    return this.backend.status().catch(() => 'degraded' as const);
  }

  private singleFlight(
    key: string,
    tags: readonly string[],
    compute: () => Promise<string>,
    waitForOthers: boolean,
  ): Promise<CachedResult> {
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fill(key, tags, compute, waitForOthers).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async fill(
    key: string,
    tags: readonly string[],
    compute: () => Promise<string>,
    waitForOthers: boolean,
  ): Promise<CachedResult> {
    // A backend failure counts as holding the lock: compute locally rather than wait on a dead Redis.
    const locked = await this.safe(() => this.backend.tryLock(key, this.lockMs), true);
    if (!locked) {
      if (!waitForOthers) throw new Error('another process is refreshing this entry');
      const deadline = this.now() + this.lockMs;
      while (this.now() < deadline) {
        await sleep(this.pollMs);
        const raw = await this.safe(() => this.backend.get(key), null);
        const entry = raw === null ? null : decode(raw);
        if (entry && this.now() < entry.freshUntil) return { ...entry, outcome: 'miss' };
        // The lock holder died or gave up: take over.
        if (await this.safe(() => this.backend.tryLock(key, this.lockMs), true)) break;
      }
    }
    try {
      const body = await compute();
      const storedAt = this.now();
      const freshUntil = storedAt + this.ttlMs;
      await this.safe(
        () => this.backend.set(key, encode(storedAt, freshUntil, body), 2 * this.ttlMs),
        undefined,
      );
      if (tags.length > 0) await this.safe(() => this.backend.tag(key, tags, 2 * this.ttlMs), undefined);
      return { body, outcome: 'miss', storedAt, freshUntil };
    } finally {
      await this.safe(() => this.backend.unlock(key), undefined);
    }
  }

  private report(result: CachedResult): CachedResult {
    this.options.onOutcome?.(result.outcome);
    return result;
  }

  private async safe<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await op();
    } catch (error) {
      this.options.onBackendError?.(error);
      return fallback;
    }
  }
}
