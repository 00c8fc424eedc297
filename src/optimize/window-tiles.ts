/**
 * Stitching a windowed measure (`rolling`, `to_date`, `cumulative`, `previous`/`growth`): each spine
 * bucket reads a *window* of source rows, so the rollup can stand in only for base rows that lie wholly
 * inside or wholly outside every window. Here, in plain time arithmetic:
 * - the windows every spine bucket reads, computed as the emitters compute them (`membership` in
 *   emit/emit.ts: the spine clamped to the range, shifts and trailing spans in the zone's wall time,
 *   to-date periods truncated, cumulative from the range start) — their edges are the *cuts*;
 * - the base range `[first window start, last window end)` tiled for the rollup (tiles.ts), then every
 *   rollup bucket with a cut strictly inside it handed to the raw side, and every raw tile cut at each
 *   cut inside a rollup bucket, so no base row (a piece's bucket clipped to its tile) straddles a cut.
 * A base row then belongs to a window exactly when its start does. Where that cannot be proved — a
 * window moving by hours or minutes (engines and DST disagree on those), a wall time a DST change skips
 * or repeats, too many pieces — the reason comes back and the measure stays raw.
 */
import type { Grain } from '../ir/kpi.ts';
import type { Spine, TimeWindow, WindowOp } from '../plan/nodes.ts';
import { localParts, wallToInstant, zoneOffsetMs } from '../shared/time.ts';
import { ceilBoundary, floorBoundary, onBoundary } from './align.ts';
import { MAX_PIECES, type Tile } from './tiles.ts';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const CALENDAR: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

/** `ms` moved `amount` units of the zone's wall time (months clamp to the month's end, as SQL does). */
export function shiftWall(ms: number, amount: number, unit: Grain, zone: string): number | null {
  const p = localParts(ms, zone);
  const rest = (((ms % 1000) + 1000) % 1000) + (p.hour * 60 + p.minute) * 60_000 + p.second * 1000;
  let y = p.year;
  let m = p.month - 1;
  let d = p.day;
  if (unit === 'day' || unit === 'week') d += amount * (unit === 'week' ? 7 : 1);
  else {
    m += amount * (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12);
    y += Math.floor(m / 12);
    m = ((m % 12) + 12) % 12;
    d = Math.min(d, new Date(Date.UTC(y, m + 1, 0)).getUTCDate());
  }
  const wall = Date.UTC(y, m, d) + rest;
  // Exactly one instant shows that wall time: not skipped by a spring-forward, not repeated by a fall-back.
  const readings = new Set(
    [zoneOffsetMs(wall - DAY_MS, zone), zoneOffsetMs(wall + DAY_MS, zone)]
      .map((offset) => wall - offset)
      .filter((at) => at + zoneOffsetMs(at, zone) === wall),
  );
  return readings.size === 1 ? wallToInstant(wall, zone) : null;
}

/** The spine's buckets [lo, hi), clamped to its range, as the dialects' spines generate them. */
function spineBuckets(s: Spine): [number, number][] {
  const start = Date.parse(s.range.start);
  const end = Date.parse(s.range.end);
  if (s.grain === null) return [[start, end]];
  const out: [number, number][] = [];
  for (let at = floorBoundary(start, s.grain, s.timezone); at < end; ) {
    const next = ceilBoundary(at + 1, s.grain, s.timezone);
    out.push([Math.max(at, start), Math.min(next, end)]);
    at = next;
  }
  return out;
}

/** Every window [lo, hi) the measure's spine buckets read, or why they cannot be computed exactly. */
export function windowsOf(s: Spine, ops: readonly WindowOp[]): [number, number][] | { reason: string } {
  if (s.grain !== null && !CALENDAR.includes(s.grain)) {
    return { reason: `its spine is in ${s.grain}s, finer than the rollup's calendar cuts` };
  }
  const start = Date.parse(s.range.start);
  const out: [number, number][] = [];
  for (const [bucketLo, bucketHi] of spineBuckets(s)) {
    let lo: number | null = bucketLo;
    let hi: number | null = bucketHi;
    for (const w of ops) {
      if ((w.op === 'shift' || w.op === 'trailing') && !CALENDAR.includes(w.unit)) {
        return { reason: `its window moves by ${w.unit}s, which engines shift differently across DST` };
      }
      if (w.op === 'shift') {
        lo = lo === null ? null : shiftWall(lo, -w.amount, w.unit, s.timezone);
        hi = hi === null ? null : shiftWall(hi, -w.amount, w.unit, s.timezone);
      } else if (w.op === 'trailing') lo = hi === null ? null : shiftWall(hi, -w.amount, w.unit, s.timezone);
      else if (w.op === 'to_date') lo = lo === null ? null : floorBoundary(lo, w.period, s.timezone);
      else lo = start;
      if (lo === null || hi === null) {
        return {
          reason: `a window edge of bucket ${iso(bucketLo)} falls on a wall time DST skips or repeats`,
        };
      }
    }
    out.push([lo!, hi!]);
  }
  return out;
}

/**
 * The range the windows read and their cuts, for tileRange; then `cutTiles` adapts its tiles.
 * An empty spine (no bucket) reads nothing: no range.
 */
export function windowReads(
  s: Spine,
  ops: readonly WindowOp[],
): { range: TimeWindow; cuts: number[] } | { reason: string } {
  const windows = windowsOf(s, ops);
  if (!Array.isArray(windows)) return windows;
  const live = windows.filter(([lo, hi]) => lo < hi);
  if (live.length === 0) return { reason: 'its windows read no time at all' };
  const lo = Math.min(...live.map((w) => w[0]));
  const hi = Math.max(...live.map((w) => w[1]));
  const cuts = [...new Set(live.flat())].sort((a, b) => a - b);
  return { range: { start: iso(lo), end: iso(hi) }, cuts };
}

/**
 * `tiles` (of the windows' range) with every rollup bucket a cut falls inside read raw, and every raw
 * tile cut where a cut falls inside a `grain` bucket — or why too many pieces would be left.
 */
export function cutTiles(
  tiles: readonly Tile[],
  cuts: readonly number[],
  grain: Grain,
  zone: string,
): { tiles: readonly Tile[] } | { reason: string } {
  const inside = cuts.filter((c) => !onBoundary(iso(c), grain, zone));
  // Rollup spans minus the buckets holding an inside cut.
  const spans: { from: Tile['from']; s: number; e: number }[] = [];
  for (const t of tiles) {
    let s = Date.parse(t.start);
    const e = Date.parse(t.end);
    if (t.from === 'rollup') {
      for (const c of inside.filter((c) => c > s && c < e)) {
        const b0 = floorBoundary(c, grain, zone);
        const b1 = ceilBoundary(c, grain, zone);
        if (b0 < s) continue; // already handed over by an earlier cut of the same bucket
        if (s < b0) spans.push({ from: 'rollup', s, e: b0 });
        spans.push({ from: 'raw', s: b0, e: b1 });
        s = b1;
      }
    }
    if (s < e) spans.push({ from: t.from, s, e });
  }
  // Adjacent raw spans merged, then cut at every inside cut.
  const out: Tile[] = [];
  let open: { s: number; e: number } | null = null;
  const flush = () => {
    if (!open) return;
    let at = open.s;
    for (const c of inside.filter((c) => c > open!.s && c < open!.e)) {
      out.push({ from: 'raw', start: iso(at), end: iso(c) });
      at = c;
    }
    out.push({ from: 'raw', start: iso(at), end: iso(open.e) });
    open = null;
  };
  for (const x of spans) {
    if (x.from === 'raw') {
      open = open ? { s: open.s, e: x.e } : { s: x.s, e: x.e };
      continue;
    }
    flush();
    out.push({ from: 'rollup', start: iso(x.s), end: iso(x.e) });
  }
  flush();
  if (!out.some((t) => t.from === 'rollup')) {
    return { reason: `every complete ${grain} bucket of the windows holds a window edge` };
  }
  if (out.length > MAX_PIECES) {
    return {
      reason: `window edges inside ${grain} buckets cut the windows' range into ${out.length} pieces (at most ${MAX_PIECES})`,
    };
  }
  return { tiles: Object.freeze(out.map((x) => Object.freeze(x))) };
}
