/**
 * The cache follows the data an answer was computed from: a hit whose stamp no longer holds (a rollup
 * it read was rebuilt or repaired) is recomputed, and an answer whose tags were invalidated while it
 * was computed is answered but not kept. Partition arithmetic of change detection, in the zone.
 */
import { describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/cache/memory-backend.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import { changedRollups } from '../../src/optimize/live.ts';
import {
  changedPartitions,
  coalesce,
  type Fingerprint,
  partitionStartOf,
  partitionsCovering,
} from '../../src/rollup/partitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import {
  encodeStamp,
  mergeStamps,
  stampAsOf,
  stampHolds,
  stampRollups,
} from '../../src/service/data-stamp.ts';

describe('cached answers follow the data they read', () => {
  it('recomputes a hit whose rollup moved to another version, and serves it again once stamped anew', async () => {
    const cache = new ResultCache(memoryBackend(), { ttlSeconds: 60 });
    let version = '7.1';
    let computed = 0;
    const compute = async () => ({
      body: `v${++computed}`,
      stamp: encodeStamp({ asOf: '2026-07-01T00:00:00.000Z', rollups: { subscriptions_daily: version } }),
    });
    const accept = (stamp: string) => stampHolds(stamp, () => version);
    expect(await cache.getOrCompute('k', [], compute, accept)).toMatchObject({ body: 'v1', outcome: 'miss' });
    expect(await cache.getOrCompute('k', [], compute, accept)).toMatchObject({ body: 'v1', outcome: 'hit' });
    version = '7.2'; // a partition was repaired
    const again = await cache.getOrCompute('k', [], compute, accept);
    expect(again).toMatchObject({ body: 'v2', outcome: 'miss' });
    expect(stampAsOf(again.stamp)).toBe('2026-07-01T00:00:00.000Z');
    expect(await cache.getOrCompute('k', [], compute, accept)).toMatchObject({ body: 'v2', outcome: 'hit' });
  });

  it('keeps no entry for an answer whose tags were invalidated while it was computed', async () => {
    const backend = memoryBackend();
    const cache = new ResultCache(backend, { ttlSeconds: 60 });
    let computed = 0;
    const slow = async () => {
      computed++;
      // The rollup is repaired while the answer is being computed from its old data.
      await cache.invalidate(['rollup:subscriptions_daily']);
      return `v${computed}`;
    };
    expect(await cache.getOrCompute('k', ['rollup:subscriptions_daily'], slow)).toMatchObject({ body: 'v1' });
    expect(await backend.get('k')).toBeNull();
    const fast = async () => `v${++computed}`;
    expect(await cache.getOrCompute('k', ['rollup:subscriptions_daily'], fast)).toMatchObject({
      outcome: 'miss',
    });
    expect(await cache.getOrCompute('k', ['rollup:subscriptions_daily'], fast)).toMatchObject({
      outcome: 'hit',
    });
    expect(await cache.invalidate(['table:payments.subscriptions'])).toBe(0);
    expect(await cache.invalidate(['rollup:subscriptions_daily'])).toBe(1);
  });

  it('names the rollups an answer read (the X-Data-Rollups header), none for an answer from the sources', () => {
    const both = encodeStamp({ asOf: '2026-07-01T00:00:00.000Z', rollups: { b: '2.3', a: '1.0' } });
    expect(stampRollups(both)).toBe('a=1.0,b=2.3');
    expect(stampRollups(encodeStamp({ asOf: '2026-07-01T00:00:00.000Z', rollups: {} }))).toBeNull();
    expect(stampRollups('')).toBeNull();
  });

  it('reads entries stored before stamps existed, and merges stamps to the earliest as-of', () => {
    expect(stampHolds('', () => null)).toBe(true);
    expect(stampAsOf('')).toBeNull();
    const merged = mergeStamps(
      [
        { asOf: '2026-07-02T00:00:00.000Z', rollups: { a: '1.0' } },
        undefined,
        { asOf: '2026-07-01T00:00:00.000Z', rollups: { b: '2.3' } },
      ],
      '2026-07-03T00:00:00.000Z',
    );
    expect(encodeStamp(merged)).toBe('2026-07-01T00:00:00.000Z|a=1.0,b=2.3');
    expect(stampHolds(encodeStamp(merged), (n) => (n === 'a' ? '1.0' : '2.3'))).toBe(true);
    expect(stampHolds(encodeStamp(merged), (n) => (n === 'a' ? '1.0' : null))).toBe(false);
  });

  it('tells which rollups changed between two readings of rollup_state', () => {
    const s = (over: Partial<RollupState>): RollupState =>
      ({
        name: 'r',
        watermark: '2026-07-01T00:00:00.000Z',
        buildId: '1',
        revision: '0',
        definition: 'd',
        ...over,
      }) as RollupState;
    const map = (...states: RollupState[]) => new Map(states.map((x) => [x.name, x]));
    expect(changedRollups(map(s({})), map(s({ watermark: '2026-07-02T00:00:00.000Z' })))).toEqual([]);
    expect(changedRollups(map(s({})), map(s({ revision: '1' })))).toEqual(['r']);
    expect(changedRollups(map(s({})), map(s({ buildId: '2' })))).toEqual(['r']);
    expect(changedRollups(map(s({})), map(s({ watermark: null })))).toEqual(['r']);
    expect(changedRollups(map(s({})), map())).toEqual(['r']);
  });
});

describe('rollup partitions', () => {
  it('cuts partitions at local midnight, ISO Monday, month and quarter starts of the zone', () => {
    const at = Date.parse('2025-03-30T12:00:00Z'); // Berlin's spring-forward day (23 hours)
    expect(new Date(partitionStartOf(at, 'day', 'Europe/Berlin')).toISOString()).toBe(
      '2025-03-29T23:00:00.000Z',
    );
    expect(new Date(partitionStartOf(at, 'week', 'UTC')).toISOString()).toBe('2025-03-24T00:00:00.000Z');
    expect(new Date(partitionStartOf(at, 'month', 'America/New_York')).toISOString()).toBe(
      '2025-03-01T05:00:00.000Z',
    );
    expect(new Date(partitionStartOf(at, 'quarter', 'UTC')).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(partitionsCovering(at, at + 36 * 3_600_000, 'day', 'Europe/Berlin')).toEqual([
      ['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
      ['2025-03-30T22:00:00.000Z', '2025-03-31T22:00:00.000Z'],
      ['2025-03-31T22:00:00.000Z', '2025-04-01T22:00:00.000Z'],
    ]);
  });

  it('finds partitions that differ, appeared or disappeared, and merges adjacent ranges', () => {
    const f = (day: number, rows: number, checksum = 'x'): [number, Fingerprint] => {
      const start = `2025-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      return [Date.parse(start), { start, end: start, rows, checksum }];
    };
    const source = new Map([f(1, 3), f(2, 3, 'y'), f(4, 1)]);
    const stored = new Map([f(1, 3), f(2, 3), f(3, 5)]);
    expect(changedPartitions(source, stored).map((k) => new Date(k).getUTCDate())).toEqual([2, 3, 4]);
    expect(
      coalesce([
        ['2025-01-03T00:00:00Z', '2025-01-04T00:00:00Z'],
        ['2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'],
        ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z'],
        ['2025-01-09T00:00:00Z', '2025-01-10T00:00:00Z'],
      ]),
    ).toEqual([
      ['2025-01-01T00:00:00Z', '2025-01-04T00:00:00Z'],
      ['2025-01-09T00:00:00Z', '2025-01-10T00:00:00Z'],
    ]);
  });
});
