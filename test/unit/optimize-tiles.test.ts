/**
 * Tiling a range for a stitched plan: the rollup answers only complete rollup buckets (in the rollup's
 * zone, DST included) below the watermark and outside dirty partitions; raw tiles cover the rest,
 * and together they tile the range exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Grain } from '../../src/ir/kpi.ts';
import { ceilBoundary, floorBoundary, onBoundary } from '../../src/optimize/align.ts';
import { estimate } from '../../src/optimize/cost.ts';
import { MAX_PIECES, rawSpanMs, tileRange } from '../../src/optimize/tiles.ts';
import { runs } from '../property/hard-arbitraries.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'America/Santiago'];
const GRAINS: Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

describe('bucket boundaries around an instant', () => {
  it('finds local midnights across DST changes', () => {
    // Berlin springs forward on 2025-03-30 (23 h day) and falls back on 2025-10-26 (25 h day).
    expect(iso(floorBoundary(at('2025-03-30T12:00:00Z'), 'day', 'Europe/Berlin'))).toBe(
      '2025-03-29T23:00:00.000Z',
    );
    expect(iso(ceilBoundary(at('2025-03-30T12:00:00Z'), 'day', 'Europe/Berlin'))).toBe(
      '2025-03-30T22:00:00.000Z',
    );
    expect(iso(ceilBoundary(at('2025-10-26T12:00:00Z'), 'day', 'Europe/Berlin'))).toBe(
      '2025-10-26T23:00:00.000Z',
    );
    // Santiago skips midnight on 2025-09-07: the day starts at 01:00 local (04:00Z), as date_trunc says.
    expect(iso(floorBoundary(at('2025-09-07T12:00:00Z'), 'day', 'America/Santiago'))).toBe(
      '2025-09-07T04:00:00.000Z',
    );
    expect(iso(floorBoundary(at('2025-05-01T10:00:00Z'), 'hour', 'Asia/Kolkata'))).toBe(
      '2025-05-01T09:30:00.000Z',
    );
    expect(iso(floorBoundary(at('2025-03-05T10:00:00Z'), 'week', 'UTC'))).toBe('2025-03-03T00:00:00.000Z');
    expect(iso(ceilBoundary(at('2025-05-01T00:00:00Z'), 'quarter', 'UTC'))).toBe('2025-07-01T00:00:00.000Z');
  });

  it('floor ≤ t ≤ ceil, both on boundaries, no boundary in between (property, five zones)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }),
        fc.constantFrom(...GRAINS),
        fc.constantFrom(...ZONES),
        (t, grain, zone) => {
          const f = floorBoundary(t, grain, zone);
          const c = ceilBoundary(t, grain, zone);
          expect(f).toBeLessThanOrEqual(t);
          expect(c).toBeGreaterThanOrEqual(t);
          expect(onBoundary(iso(f), grain, zone)).toBe(true);
          expect(onBoundary(iso(c), grain, zone)).toBe(true);
          if (c > t) expect(floorBoundary(c - 1, grain, zone)).toBe(f);
        },
      ),
      { seed: 1616, numRuns: runs(500) },
    );
  });
});

describe('tileRange', () => {
  const base = { grain: 'day' as Grain, timezone: 'UTC', dirty: [] };

  it('the default route range: 29 days from the rollup, today raw', () => {
    const t = tileRange({
      ...base,
      range: { start: '2026-11-02T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
      watermark: '2026-12-01T00:00:00.000Z',
    });
    expect(t).toEqual({
      tiles: [
        { from: 'rollup', start: '2026-11-02T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        { from: 'raw', start: '2026-12-01T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
      ],
    });
  });

  it('reads a dirty partition raw between two rollup pieces, widened to whole buckets', () => {
    const t = tileRange({
      ...base,
      range: { start: '2025-01-01T06:00:00.000Z', end: '2025-01-10T00:00:00.000Z' },
      watermark: '2025-02-01T00:00:00.000Z',
      dirty: [['2025-01-04T10:00:00.000Z', '2025-01-05T00:00:00.000Z']],
    });
    expect(
      'tiles' in t && t.tiles.map((x) => `${x.from} ${x.start.slice(5, 13)}-${x.end.slice(5, 13)}`),
    ).toEqual([
      'raw 01-01T06-01-02T00',
      'rollup 01-02T00-01-04T00',
      'raw 01-04T00-01-05T00',
      'rollup 01-05T00-01-10T00',
    ]);
  });

  it('goes raw when dirty partitions would cut it into too many pieces, or cover it all', () => {
    const dirty = Array.from(
      { length: MAX_PIECES },
      (_, i) =>
        [
          iso(at('2025-01-02T00:00:00Z') + i * 2 * 86_400_000),
          iso(at('2025-01-03T00:00:00Z') + i * 2 * 86_400_000),
        ] as const,
    );
    const many = tileRange({
      ...base,
      range: { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' },
      watermark: '2025-03-01T00:00:00Z',
      dirty,
    });
    expect('reason' in many && many.reason).toMatch(/pieces \(at most 9\)/);
    const all = tileRange({
      ...base,
      range: { start: '2025-01-01T00:00:00Z', end: '2025-01-03T00:00:00Z' },
      watermark: '2025-03-01T00:00:00Z',
      dirty: [['2025-01-01T00:00:00Z', '2025-01-03T00:00:00Z']],
    });
    expect('reason' in all && all.reason).toMatch(/is dirty/);
  });

  it('allows exactly MAX_PIECES tiles', () => {
    // Four dirty days inside an aligned range: 4 raw tiles between 5 rollup tiles, 9 in all.
    const dirty = [3, 5, 7, 9].map(
      (d) =>
        [`2025-01-0${d}T00:00:00.000Z`, `2025-01-${String(d + 1).padStart(2, '0')}T00:00:00.000Z`] as const,
    );
    const t = tileRange({
      ...base,
      range: { start: '2025-01-01T00:00:00.000Z', end: '2025-02-01T00:00:00.000Z' },
      watermark: '2025-03-01T00:00:00.000Z',
      dirty,
    });
    expect(MAX_PIECES).toBe(9);
    expect('tiles' in t && t.tiles.length).toBe(MAX_PIECES);
  });

  it('names the dirty partition that covers the range, and counts only those that overlap it', () => {
    const reasonOf = (dirty: (readonly [string, string])[]) => {
      const t = tileRange({
        ...base,
        range: { start: '2025-01-01T00:00:00.000Z', end: '2025-01-03T00:00:00.000Z' },
        watermark: '2025-03-01T00:00:00.000Z',
        dirty,
      });
      return 'reason' in t ? t.reason : t.tiles;
    };
    const tail = 'is dirty: its source changed and it is being re-loaded';
    expect(reasonOf([['2025-01-01T00:00:00.000Z', '2025-01-03T00:00:00.000Z']])).toBe(
      `partition [2025-01-01T00:00:00.000Z, 2025-01-03T00:00:00.000Z) ${tail}`,
    );
    // Listed first: one starting exactly at the range's end and one ending exactly at its start — they
    // touch the range but do not overlap it, so they are neither named nor counted.
    expect(
      reasonOf([
        ['2025-01-03T00:00:00.000Z', '2025-01-04T00:00:00.000Z'],
        ['2024-12-31T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
        ['2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z'],
        ['2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z'],
      ]),
    ).toBe(`partition [2025-01-01T00:00:00.000Z, 2025-01-02T00:00:00.000Z) and 1 more ${tail}`);
  });

  it('calls a range starting exactly at the watermark stale, not short of a bucket', () => {
    const t = tileRange({
      ...base,
      range: { start: '2025-01-05T00:00:00.000Z', end: '2025-01-06T00:00:00.000Z' },
      watermark: '2025-01-05T00:00:00.000Z',
    });
    expect(t).toEqual({
      reason:
        'stale for [2025-01-05T00:00:00.000Z, 2025-01-06T00:00:00.000Z): the whole range is after its watermark',
    });
  });

  it('rawSpanMs sums the raw tiles only', () => {
    expect(
      rawSpanMs([
        { from: 'raw', start: '2025-01-01T00:00:00.000Z', end: '2025-01-01T01:00:00.000Z' },
        { from: 'rollup', start: '2025-01-01T01:00:00.000Z', end: '2025-01-01T03:00:00.000Z' },
        { from: 'raw', start: '2025-01-01T03:00:00.000Z', end: '2025-01-01T03:30:00.000Z' },
      ]),
    ).toBe(90 * 60_000);
  });

  it('tiles any range exactly; rollup tiles are whole buckets below the watermark, clear of dirty partitions (property)', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2026-01-01T00:00:00Z') }),
        fc.integer({ min: 3_600_000, max: 400 * day }),
        fc.integer({ min: -30 * day, max: 430 * day }),
        fc.constantFrom<Grain>('hour', 'day', 'week', 'month'),
        fc.constantFrom(...ZONES),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 * day }), fc.integer({ min: 1, max: 5 * day })), {
          maxLength: 3,
        }),
        (start, length, wmOffset, grain, zone, dirtyAt) => {
          const end = start + length;
          const watermark = iso(start + wmOffset);
          const dirty = dirtyAt.map(([o, n]) => [iso(start + o), iso(start + o + n)] as const);
          const t = tileRange({
            range: { start: iso(start), end: iso(end) },
            grain,
            timezone: zone,
            watermark,
            dirty,
          });
          if ('reason' in t) return;
          let cursor = start;
          for (const tile of t.tiles) {
            expect(Date.parse(tile.start)).toBe(cursor);
            cursor = Date.parse(tile.end);
            expect(cursor).toBeGreaterThan(Date.parse(tile.start));
            if (tile.from !== 'rollup') continue;
            expect(onBoundary(tile.start, grain, zone) && onBoundary(tile.end, grain, zone)).toBe(true);
            expect(cursor).toBeLessThanOrEqual(Date.parse(watermark));
            for (const [ds, de] of dirty)
              expect(Date.parse(tile.start) >= Date.parse(de) || cursor <= Date.parse(ds)).toBe(true);
          }
          expect(cursor).toBe(end);
          expect(t.tiles.some((x) => x.from === 'rollup')).toBe(true);
          expect(rawSpanMs(t.tiles)).toBeLessThan(length);
        },
      ),
      { seed: 1617, numRuns: runs(500) },
    );
  });
});

describe('cost estimate', () => {
  const range = { start: '2025-01-01T00:00:00.000Z', end: '2025-01-11T00:00:00.000Z' };
  const tiles = [
    { from: 'rollup' as const, start: range.start, end: '2025-01-10T00:00:00.000Z' },
    { from: 'raw' as const, start: '2025-01-10T00:00:00.000Z', end: range.end },
  ];
  it('weighs the rollup by its rows per source row: a rollup nearly as big as its source loses to raw', () => {
    const small = estimate(range, tiles, { watermark: null, rows: 1_000, sourceRows: 100_000, buildId: '1' });
    expect(small.relative).toBeCloseTo(0.1 + 0.9 * 0.01 * 2.5, 9);
    const big = estimate(range, tiles, { watermark: null, rows: 62_917, sourceRows: 100_000, buildId: '1' });
    expect(big.relative).toBeGreaterThan(1);
    expect(estimate(range, tiles, { watermark: null, rows: 5, buildId: '1' }).relative).toBeCloseTo(0.1, 9);
    // No facts at all (a rollup never recorded): free, its size unknown.
    expect(estimate(range, tiles, undefined)).toMatchObject({
      rollupRows: Number.MAX_SAFE_INTEGER,
      text: expect.stringContaining('rollup size unknown'),
    });
  });

  it('prints a raw share under 1 % with two decimals, 1 % and more whole', () => {
    const share = (rawMs: number) => {
      const split = new Date(Date.parse('2025-01-01T00:16:40.000Z') - rawMs).toISOString();
      const r = { start: '2025-01-01T00:00:00.000Z', end: '2025-01-01T00:16:40.000Z' }; // 1,000 s
      const t = [
        { from: 'rollup' as const, start: r.start, end: split },
        { from: 'raw' as const, start: split, end: r.end },
      ];
      return /raw ([\d.]+%) of the range/.exec(estimate(r, t, undefined).text)?.[1];
    };
    expect(share(5_000)).toBe('0.50%');
    expect(share(10_000)).toBe('1%');
    expect(share(500_000)).toBe('50%');
  });
});
