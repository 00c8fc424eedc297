import { describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/cache/memory-backend.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('result cache: freshness, stale-while-revalidate, single-flight', () => {
  it('serves fresh entries as hits, then stale while one refresh runs, then misses after twice the TTL', async () => {
    let now = 1_000_000;
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 10, now: () => now });
    let computed = 0;
    const compute = async () => `v${++computed}`;
    expect(await cache.getOrCompute('k', [], compute)).toMatchObject({ body: 'v1', outcome: 'miss' });
    now += 9_000;
    expect(await cache.getOrCompute('k', [], compute)).toMatchObject({ body: 'v1', outcome: 'hit' });
    now += 2_000;
    expect(await cache.getOrCompute('k', [], compute)).toMatchObject({ body: 'v1', outcome: 'stale' });
    await tick();
    expect(computed).toBe(2);
    expect(await cache.getOrCompute('k', [], compute)).toMatchObject({ body: 'v2', outcome: 'hit' });
  });

  it('shares one computation among concurrent misses, and across caches sharing a backend (lock)', async () => {
    const backend = memoryBackend();
    const a = new ResultCache(backend, { ttlSeconds: 60, pollMs: 2 });
    const b = new ResultCache(backend, { ttlSeconds: 60, pollMs: 2 });
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 30));
      return 'value';
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).getOrCompute('k', [], compute)),
    );
    expect(computed).toBe(1);
    expect(results.every((r) => r.body === 'value')).toBe(true);
  });

  it('does not cache failures and lets the next caller retry', async () => {
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 60 });
    await expect(cache.getOrCompute('k', [], async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(await cache.getOrCompute('k', [], async () => 'ok')).toMatchObject({
      body: 'ok',
      outcome: 'miss',
    });
  });

  it('cancels a shared computation only when the last caller with a signal gives up', async () => {
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 60 });
    let computeSignal: AbortSignal | undefined;
    let finish: (body: string) => void = () => {};
    const compute = (signal: AbortSignal) => {
      computeSignal = signal;
      return new Promise<string>((resolve, reject) => {
        finish = resolve;
        signal.addEventListener('abort', () => reject(new Error('engine query cancelled')));
      });
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.getOrCompute('k', [], compute, undefined, a.signal);
    const second = cache.getOrCompute('k', [], compute, undefined, b.signal);
    await expect.poll(() => computeSignal).toBeDefined();
    a.abort();
    await expect(first).rejects.toMatchObject({ code: 'engine-canceled' });
    expect(computeSignal!.aborted).toBe(false); // b still waits
    finish('rows');
    expect(await second).toMatchObject({ body: 'rows', outcome: 'miss' });

    // Both give up: the computation is cancelled, and the next caller computes afresh.
    computeSignal = undefined;
    const c = new AbortController();
    const d = new AbortController();
    const third = cache.getOrCompute('j', [], compute, undefined, c.signal);
    const fourth = cache.getOrCompute('j', [], compute, undefined, d.signal);
    await expect.poll(() => computeSignal).toBeDefined();
    const shared = computeSignal!;
    c.abort();
    expect(shared.aborted).toBe(false);
    d.abort();
    expect(shared.aborted).toBe(true);
    await expect(third).rejects.toMatchObject({ code: 'engine-canceled' });
    await expect(fourth).rejects.toMatchObject({ code: 'engine-canceled' });
    const again = cache.getOrCompute('j', [], async () => 'fresh');
    expect(await again).toMatchObject({ body: 'fresh', outcome: 'miss' });
  });

  it('never cancels a computation a caller without a signal waits on', async () => {
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 60 });
    let computeSignal: AbortSignal | undefined;
    let finish: (body: string) => void = () => {};
    const compute = (signal: AbortSignal) => {
      computeSignal = signal;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const route = cache.getOrCompute('k', [], compute);
    const sql = new AbortController();
    const statement = cache.getOrCompute('k', [], compute, undefined, sql.signal);
    await expect.poll(() => computeSignal).toBeDefined();
    sql.abort();
    await expect(statement).rejects.toMatchObject({ code: 'engine-canceled' });
    expect(computeSignal!.aborted).toBe(false);
    finish('rows');
    expect(await route).toMatchObject({ body: 'rows' });
  });

  it('invalidates by tag only the entries recorded under it', async () => {
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 60 });
    await cache.getOrCompute('a', ['revenue'], async () => 'a');
    await cache.getOrCompute('b', ['other'], async () => 'b');
    expect(await cache.invalidate(['revenue'])).toBe(1);
    expect((await cache.getOrCompute('a', ['revenue'], async () => 'a2')).outcome).toBe('miss');
    expect((await cache.getOrCompute('b', ['other'], async () => 'b2')).outcome).toBe('hit');
  });
});
