/**
 * Where a rollup can answer inside a query's range: the range cut into tiles, `rollup` for the
 * complete rollup buckets below the watermark and outside every dirty partition, `raw` for the rest
 * (the partial head and tail, the dirty partitions, everything after the watermark). A pure function
 * of the range and the rollup's facts; select-rollups turns the tiles into a stitched instance.
 */
// @ts-nocheck

import type { Grain } from '../ir/kpi.ts';
import type { TimeWindow } from '../plan/nodes.ts';
import { ceilBoundary, floorBoundary, onBoundary } from './align.ts';

export interface Tile extends TimeWindow {
  readonly from: 'rollup' | 'raw';
}

/** Most pieces one stitched instance may have (each is a scan): many dirty partitions go raw whole. */
export const MAX_PIECES = 9;

export interface TileInput {
  readonly range: TimeWindow;
  readonly grain: Grain;
  readonly timezone: string;
  /** Exclusive; null = never loaded. */
  readonly watermark: string | null;
  readonly dirty: readonly (readonly [string, string])[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The tiles of `range` in order (they tile it exactly), or why the rollup answers no part of it. */
export function tileRange(t: TileInput): { tiles: readonly Tile[] } | { reason: string } {
  if (!t.watermark) return { reason: 'not built' };
  const start = Date.parse(t.range.start);
  const end = Date.parse(t.range.end);
  const watermark = Date.parse(t.watermark);
  const lo = ceilBoundary(start, t.grain, t.timezone);
  const hi = floorBoundary(Math.min(end, watermark), t.grain, t.timezone);
  if (!(lo < hi) || !onBoundary(iso(lo), t.grain, t.timezone) || !onBoundary(iso(hi), t.grain, t.timezone)) {
    return {
      reason:
        start >= watermark
          ? `stale for [${t.watermark}, ${t.range.end}): the whole range is after its watermark`
          : `no complete ${t.grain} bucket (in ${t.timezone}) of [${t.range.start}, ${t.range.end}) lies below its watermark ${t.watermark}`,
    };
  }
  // The rollup's span minus the dirty partitions, each widened to whole rollup buckets.
  let spans: [number, number][] = [[lo, hi]];
  const dirty = t.dirty
    .map(([s, e]) => [
      floorBoundary(Date.parse(s), t.grain, t.timezone),
      ceilBoundary(Date.parse(e), t.grain, t.timezone),
    ])
    .filter(([s, e]) => s! < hi && e! > lo);
  for (const [ds, de] of dirty) {
    spans = spans.flatMap(([s, e]): [number, number][] =>
      de! <= s || ds! >= e
        ? [[s, e]]
        : [
            ...(ds! > s ? [[s, ds!] as [number, number]] : []),
            ...(de! < e ? [[de!, e] as [number, number]] : []),
          ],
    );
  }
  if (spans.length === 0) {
    const [s, e] = t.dirty.find(([s, e]) => Date.parse(s) < hi && Date.parse(e) > lo)!;
    return {
      reason: `partition [${s}, ${e})${dirty.length > 1 ? ` and ${dirty.length - 1} more` : ''} is dirty: its source changed and it is being re-loaded`,
    };
  }
  const tiles: Tile[] = [];
  let at = start;
  for (const [s, e] of spans) {
    if (at < s) tiles.push({ from: 'raw', start: iso(at), end: iso(s) });
    tiles.push({ from: 'rollup', start: iso(s), end: iso(e) });
    at = e;
  }
  if (at < end) tiles.push({ from: 'raw', start: iso(at), end: iso(end) });
  if (tiles.length > MAX_PIECES) {
    return {
      reason: `${dirty.length} dirty partitions cut the range into ${tiles.length} pieces (at most ${MAX_PIECES})`,
    };
  }
  return { tiles: Object.freeze(tiles.map((x) => Object.freeze(x))) };
}

/** Milliseconds of the range read raw: the cost that grows with source rows. */
export const rawSpanMs = (tiles: readonly Tile[]): number =>
  tiles.filter((x) => x.from === 'raw').reduce((n, x) => n + Date.parse(x.end) - Date.parse(x.start), 0);
