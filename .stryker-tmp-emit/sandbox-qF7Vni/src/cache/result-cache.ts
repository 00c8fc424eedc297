/**
 * Result cache with single-flight and stale-while-revalidate.
 *
 * An entry is fresh for `ttlSeconds`, then served stale (while one refresh runs in the background) for
 * as long again, then gone. Identical concurrent misses in one process share one computation; across
 * processes the first to take a short lock computes while the others poll for its entry. When the
 * backend fails, every operation degrades to "not cached" and the computation still runs.
 */
// @ts-nocheck

import type { CacheBackend } from './backend.ts';

export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface CachedResult {
  readonly body: string;
  readonly outcome: CacheOutcome;
  readonly storedAt: number;
  readonly freshUntil: number;
  /** What the computation said of the data it read (opaque here; '' when it said nothing). */
  readonly stamp: string;
}

/** A computed body with a stamp describing the data it was computed from. */
export interface Computed {
  readonly body: string;
  readonly stamp: string;
}

/**
 * Whether an entry's stamp still describes current data (and, for callers that want an answer younger
 * than the TTL, whether it was stored recently enough); a rejected entry is never served (it is
 * recomputed as on a miss).
 */
export type StampCheck = (stamp: string, storedAt: number) => boolean;

export interface ResultCacheOptions {
  readonly ttlSeconds: number;
  /** How long a cross-process compute lock lives (should exceed the query timeout). */
  readonly lockMs?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly onOutcome?: (outcome: CacheOutcome) => void;
  readonly onBackendError?: (error: unknown) => void;
}

/** `storedAt:freshUntil:stampLength\n<stamp><body>` (entries without a stamp length have none). */
const encode = (storedAt: number, freshUntil: number, stamp: string, body: string) =>
  `${storedAt}:${freshUntil}:${stamp.length}\n${stamp}${body}`;

function decode(raw: string): { storedAt: number; freshUntil: number; stamp: string; body: string } | null {
  const nl = raw.indexOf('\n');
  if (nl < 0) return null;
  const [storedAt, freshUntil, stampLength] = raw.slice(0, nl).split(':');
  if (freshUntil === undefined) return null;
  const n = stampLength === undefined ? 0 : Number(stampLength);
  return {
    storedAt: Number(storedAt),
    freshUntil: Number(freshUntil),
    stamp: raw.slice(nl + 1, nl + 1 + n),
    body: raw.slice(nl + 1 + n),
  };
}

const computed = (v: string | Computed): Computed => (typeof v === 'string' ? { body: v, stamp: '' } : v);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One computation shared by every caller asking for its key meanwhile. It is cancelled (its signal
 * aborted) only when every caller that brought a signal has given up and none came without one.
 */
interface Flight {
  readonly promise: Promise<CachedResult>;
  readonly controller: AbortController;
  waiters: number;
  /** A caller without a signal (a metric route, a background refresh) waits to the end. */
  pinned: boolean;
}

const canceled = () => Object.assign(new Error('the query was canceled'), { code: 'engine-canceled' });

export class ResultCache {
  private readonly inflight = new Map<string, Flight>();
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

  /**
   * With `signal`: this caller may give up; the computation (its engine query) is cancelled when the
   * last caller still waiting on it gives up.
   */
  async getOrCompute(
    key: string,
    tags: readonly string[],
    compute: (signal: AbortSignal) => Promise<string | Computed>,
    accept?: StampCheck,
    signal?: AbortSignal,
  ): Promise<CachedResult> {
    if (signal?.aborted) throw canceled();
    const raw = await this.safe(() => this.backend.get(key), null);
    const decoded = raw === null ? null : decode(raw);
    // An entry computed from data that has changed since is never served, fresh or stale.
    const entry = decoded && (!accept || accept(decoded.stamp, decoded.storedAt)) ? decoded : null;
    if (entry) {
      const now = this.now();
      if (now < entry.freshUntil) return this.report({ ...entry, outcome: 'hit' });
      if (now < entry.freshUntil + this.ttlMs) {
        // Serve the stale value now; one background refresh replaces it.
        this.singleFlight(key, tags, compute, false, accept).catch(() => {});
        return this.report({ ...entry, outcome: 'stale' });
      }
    }
    return this.report(await this.singleFlight(key, tags, compute, true, accept, signal));
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
    compute: (signal: AbortSignal) => Promise<string | Computed>,
    waitForOthers: boolean,
    accept?: StampCheck,
    signal?: AbortSignal,
  ): Promise<CachedResult> {
    let flight = this.inflight.get(key);
    if (!flight) {
      const controller = new AbortController();
      const promise = this.fill(
        key,
        tags,
        () => compute(controller.signal),
        waitForOthers,
        accept,
        controller.signal,
      );
      const created: Flight = { promise, controller, waiters: 0, pinned: false };
      promise
        .finally(() => {
          if (this.inflight.get(key) === created) this.inflight.delete(key);
        })
        .catch(() => {});
      this.inflight.set(key, created);
      flight = created;
    }
    return this.join(key, flight, signal);
  }

  private join(key: string, flight: Flight, signal: AbortSignal | undefined): Promise<CachedResult> {
    if (!signal) {
      flight.pinned = true;
      return flight.promise;
    }
    flight.waiters++;
    return new Promise<CachedResult>((resolve, reject) => {
      const leave = () => {
        signal.removeEventListener('abort', onAbort);
        flight.waiters--;
      };
      const onAbort = () => {
        leave();
        if (flight.waiters === 0 && !flight.pinned) {
          // Nobody waits any more: stop the engine query, and let a new caller start afresh.
          if (this.inflight.get(key) === flight) this.inflight.delete(key);
          flight.controller.abort();
        }
        reject(canceled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (result) => {
          leave();
          resolve(result);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  private async fill(
    key: string,
    tags: readonly string[],
    compute: () => Promise<string | Computed>,
    waitForOthers: boolean,
    accept?: StampCheck,
    signal?: AbortSignal,
  ): Promise<CachedResult> {
    // A backend failure counts as holding the lock: compute locally rather than wait on a dead Redis.
    const locked = await this.safe(() => this.backend.tryLock(key, this.lockMs), true);
    if (!locked) {
      if (!waitForOthers) throw new Error('another process is refreshing this entry');
      const deadline = this.now() + this.lockMs;
      while (this.now() < deadline) {
        if (signal?.aborted) throw canceled();
        await sleep(this.pollMs);
        const raw = await this.safe(() => this.backend.get(key), null);
        const entry = raw === null ? null : decode(raw);
        if (entry && this.now() < entry.freshUntil && (!accept || accept(entry.stamp, entry.storedAt)))
          return { ...entry, outcome: 'miss' };
        // The lock holder died or gave up: take over.
        if (await this.safe(() => this.backend.tryLock(key, this.lockMs), true)) break;
      }
    }
    try {
      const before = await this.safe(() => this.backend.tagVersions(tags), null);
      const { body, stamp } = computed(await compute());
      const storedAt = this.now();
      const freshUntil = storedAt + this.ttlMs;
      await this.safe(
        () => this.backend.set(key, encode(storedAt, freshUntil, stamp, body), 2 * this.ttlMs),
        undefined,
      );
      if (tags.length > 0) await this.safe(() => this.backend.tag(key, tags, 2 * this.ttlMs), undefined);
      // Invalidated while it computed (the data it read may be gone): answer it, but keep no entry.
      const after = await this.safe(() => this.backend.tagVersions(tags), null);
      if (before === null || after !== before) await this.safe(() => this.backend.delete(key), undefined);
      return { body, outcome: 'miss', storedAt, freshUntil, stamp };
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
