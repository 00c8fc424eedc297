/**
 * window-tiles.ts: the windows a windowed measure's spine buckets read (as the emitters compute them),
 * and the rollup tiles cut so no base row straddles a window edge. Equivalence of whole plans on a real
 * engine is test/local/optimize-stitch-pglite.test.ts; these pin the arithmetic and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { tileRange } from '../../src/optimize/tiles.ts';
import { cutTiles, shiftWall, windowReads, windowsOf } from '../../src/optimize/window-tiles.ts';
import { spine, type WindowOp } from '../../src/plan/nodes.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const daySpine = (start: string, end: string, timezone = 'UTC') =>
  spine({ grain: 'day', timezone, range: { start, end } });

describe('shiftWall', () => {
  it('moves months in wall time and clamps to the month end, as SQL intervals do', () => {
    expect(iso(shiftWall(at('2026-03-31T00:00:00Z'), -1, 'month', 'UTC')!)).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(shiftWall(at('2024-02-29T12:00:00Z'), 1, 'year', 'UTC')!)).toBe('2025-02-28T12:00:00.000Z');
    expect(iso(shiftWall(at('2026-01-15T00:00:00Z'), -1, 'quarter', 'UTC')!)).toBe(
      '2025-10-15T00:00:00.000Z',
    );
  });

  it('keeps local midnight across a DST change (a 23-hour day in Berlin)', () => {
    // 2026-03-30 00:00 CEST minus 1 day is 2026-03-29 00:00 CET: 23 hours earlier.
    const from = at('2026-03-29T22:00:00Z');
    expect(iso(shiftWall(from, -1, 'day', 'Europe/Berlin')!)).toBe('2026-03-28T23:00:00.000Z');
  });

  it('refuses a wall time the zone skips or repeats', () => {
    // New York 2026-03-08 02:30 does not exist; 2026-11-01 01:30 happens twice.
    expect(shiftWall(at('2026-03-09T06:30:00Z'), -1, 'day', 'America/New_York')).toBeNull();
    expect(shiftWall(at('2026-11-02T06:30:00Z'), -1, 'day', 'America/New_York')).toBeNull();
  });
});

describe('windowsOf', () => {
  const trailing: WindowOp[] = [{ op: 'trailing', amount: 7, unit: 'day' }];

  it('reads 7 days up to each clamped bucket end for rolling 7 days', () => {
    const w = windowsOf(daySpine('2026-06-01T00:00:00Z', '2026-06-03T10:00:00Z'), trailing);
    expect(Array.isArray(w) && w.map(([lo, hi]) => [iso(lo), iso(hi)])).toEqual([
      ['2026-05-26T00:00:00.000Z', '2026-06-02T00:00:00.000Z'],
      ['2026-05-27T00:00:00.000Z', '2026-06-03T00:00:00.000Z'],
      ['2026-05-27T10:00:00.000Z', '2026-06-03T10:00:00.000Z'],
    ]);
  });

  it('reads from the range start for cumulative, and from the period start for to_date', () => {
    const s = daySpine('2026-06-03T06:00:00Z', '2026-06-05T00:00:00Z');
    const cumulative = windowsOf(s, [{ op: 'cumulative' }]);
    expect(Array.isArray(cumulative) && cumulative.map(([lo]) => iso(lo))).toEqual([
      '2026-06-03T06:00:00.000Z',
      '2026-06-03T06:00:00.000Z',
    ]);
    const mtd = windowsOf(s, [{ op: 'to_date', period: 'month' }]);
    expect(Array.isArray(mtd) && mtd.map(([lo]) => iso(lo))).toEqual([
      '2026-06-01T00:00:00.000Z',
      '2026-06-01T00:00:00.000Z',
    ]);
  });

  it('refuses windows in hours and spines finer than a day', () => {
    expect(
      windowsOf(daySpine('2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z'), [
        { op: 'trailing', amount: 36, unit: 'hour' },
      ]),
    ).toEqual({ reason: expect.stringContaining('moves by hours') });
    const hourly = spine({
      grain: 'hour',
      timezone: 'UTC',
      range: { start: '2026-06-01T00:00:00Z', end: '2026-06-02T00:00:00Z' },
    });
    expect(windowsOf(hourly, trailing)).toEqual({ reason: expect.stringContaining('hours') });
  });
});

describe('cutTiles', () => {
  it('hands a rollup bucket holding a window edge to the raw side, cut at the edge', () => {
    const reads = windowReads(daySpine('2026-06-01T00:00:00Z', '2026-06-30T10:00:00Z'), [
      { op: 'trailing', amount: 7, unit: 'day' },
    ]);
    if ('reason' in reads) throw new Error(reads.reason);
    expect(reads.range).toEqual({ start: '2026-05-26T00:00:00.000Z', end: '2026-06-30T10:00:00.000Z' });
    const tiled = tileRange({
      range: reads.range,
      grain: 'day',
      timezone: 'UTC',
      watermark: '2026-06-30T00:00:00.000Z',
      dirty: [],
    });
    if ('reason' in tiled) throw new Error(tiled.reason);
    const cut = cutTiles(tiled.tiles, reads.cuts, 'day', 'UTC');
    if ('reason' in cut) throw new Error(cut.reason);
    expect(cut.tiles.map((t) => `${t.from} ${t.start.slice(5, 16)}..${t.end.slice(5, 16)}`)).toEqual([
      'rollup 05-26T00:00..06-23T00:00',
      'raw 06-23T00:00..06-23T10:00',
      'raw 06-23T10:00..06-24T00:00',
      'rollup 06-24T00:00..06-30T00:00',
      'raw 06-30T00:00..06-30T10:00',
    ]);
  });

  it('refuses when window edges leave no whole rollup bucket or too many pieces', () => {
    const tiles = [
      { from: 'rollup' as const, start: '2026-06-01T00:00:00.000Z', end: '2026-06-02T00:00:00.000Z' },
    ];
    expect(cutTiles(tiles, [at('2026-06-01T10:00:00Z')], 'day', 'UTC')).toEqual({
      reason: expect.stringContaining('every complete day bucket'),
    });
    const long = [
      { from: 'rollup' as const, start: '2026-06-01T00:00:00.000Z', end: '2026-06-21T00:00:00.000Z' },
    ];
    const cuts = Array.from({ length: 6 }, (_, i) =>
      at(`2026-06-${String(2 + 3 * i).padStart(2, '0')}T10:00:00Z`),
    );
    expect(cutTiles(long, cuts, 'day', 'UTC')).toEqual({ reason: expect.stringContaining('at most 9') });
  });
});
