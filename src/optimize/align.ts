/**
 * Bucket arithmetic for matching: does a query grain cover whole rollup buckets, and does an instant fall
 * on a rollup bucket boundary (in the rollup's zone)? Where are the boundaries around an instant?
 */
import type { Grain } from '../ir/kpi.ts';
import { formatInZone, localParts, wallToInstant, zoneOffsetMs } from '../shared/time.ts';

const DAY_MS = 86_400_000;

/** Query grains that are unions of a rollup grain's buckets (in the same zone). */
const COVERS: Readonly<Record<Grain, readonly Grain[]>> = {
  minute: ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'],
  hour: ['hour', 'day', 'week', 'month', 'quarter', 'year'],
  day: ['day', 'week', 'month', 'quarter', 'year'],
  week: ['week'],
  month: ['month', 'quarter', 'year'],
  quarter: ['quarter', 'year'],
  year: ['year'],
};

/** null query grain = one total over the range: a union of any buckets. */
export const grainCovers = (rollup: Grain, query: Grain | null): boolean =>
  query === null || COVERS[rollup].includes(query);

/** Time zone names that are UTC all year. */
const UTC = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);
export const sameZone = (a: string, b: string): boolean => a === b || (UTC.has(a) && UTC.has(b));

/** Is `iso` (an instant) the start of a `grain` bucket in `zone`? */
export function onBoundary(iso: string, grain: Grain, zone: string): boolean {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return false;
  const local = formatInZone(ms, zone); // 2025-03-30T00:00:00+01:00
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(local);
  if (!m || ms % 1000 !== 0) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  if (s !== 0) return false;
  if (grain === 'minute') return true;
  if (mi !== 0) return false;
  if (grain === 'hour') return true;
  if (h !== 0) return false;
  if (grain === 'day') return true;
  if (grain === 'week') return new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDay() === 1;
  if (d !== 1) return false;
  if (grain === 'month') return true;
  if (grain === 'quarter') return (mo! - 1) % 3 === 0;
  return mo === 1;
}

const HOUR_MS = 3_600_000;

/** The last `grain` bucket start in `zone` at or before `ms` (what date_trunc gives, as an instant). */
export function floorBoundary(ms: number, grain: Grain, zone: string): number {
  if (grain === 'minute') return ms - (((ms % 60_000) + 60_000) % 60_000);
  if (grain === 'hour') {
    // Local hours: the offset in force at `ms` (a fall-back's second 01:00 is its own bucket).
    const local = ms + zoneOffsetMs(ms, zone);
    return ms - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS);
  }
  const p = localParts(ms, zone);
  let wall: number;
  if (grain === 'day') wall = Date.UTC(p.year, p.month - 1, p.day);
  else if (grain === 'week') wall = Date.UTC(p.year, p.month - 1, p.day - (p.weekday - 1));
  else if (grain === 'month') wall = Date.UTC(p.year, p.month - 1, 1);
  else if (grain === 'quarter') wall = Date.UTC(p.year, p.month - 1 - ((p.month - 1) % 3), 1);
  else wall = Date.UTC(p.year, 0, 1);
  const at = wallToInstant(wall, zone);
  // A start skipped by a spring-forward can read later than `ms`: the bucket before, then.
  return at <= ms ? at : floorBoundary(at - DAY_MS, grain, zone);
}

/** The first `grain` bucket start in `zone` at or after `ms`. */
export function ceilBoundary(ms: number, grain: Grain, zone: string): number {
  const floor = floorBoundary(ms, grain, zone);
  if (floor === ms) return ms;
  // Longer than any bucket of `grain` from its start: the next bucket's start is the floor of that.
  const step: Record<Grain, number> = {
    minute: 60_000,
    hour: HOUR_MS,
    day: 26 * HOUR_MS,
    week: 8 * DAY_MS,
    month: 32 * DAY_MS,
    quarter: 93 * DAY_MS,
    year: 367 * DAY_MS,
  };
  return floorBoundary(floor + step[grain], grain, zone);
}
