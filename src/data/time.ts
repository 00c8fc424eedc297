/**
 * Time for the demo data: when rows happen (growth, weekly and yearly seasonality) and the instants that
 * sit exactly on bucket boundaries — UTC month/quarter/year starts, Monday week starts, and the local midnights, month starts
 * and DST changes of Europe/Berlin and America/New_York — so that bucketing bugs show in the numbers.
 */
import { zoneOffsetMs } from '../shared/time.ts';
import type { Random } from './random.ts';

const DAY = 86_400_000;

/** The instant when the local wall clock in `zone` shows y-m-d 00:00 (m is 1-based). */
export function localMidnight(y: number, m: number, d: number, zone: string): number {
  const naive = Date.UTC(y, m - 1, d);
  let instant = naive - zoneOffsetMs(naive, zone);
  instant = naive - zoneOffsetMs(instant, zone);
  return instant;
}

/** Day of month of the n-th (1-based; -1 = last) Sunday of month m (1-based) in year y. */
function sunday(y: number, m: number, n: number): number {
  if (n === -1) {
    const last = new Date(Date.UTC(y, m, 0));
    return last.getUTCDate() - last.getUTCDay();
  }
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  return 1 + ((7 - first) % 7) + (n - 1) * 7;
}

/** DST change instants: EU at 01:00 UTC on the last Sundays of March and October; US at 02:00 local. */
export function dstChanges(year: number): { zone: string; instant: number }[] {
  return [
    { zone: 'Europe/Berlin', instant: Date.UTC(year, 2, sunday(year, 3, -1), 1) },
    { zone: 'Europe/Berlin', instant: Date.UTC(year, 9, sunday(year, 10, -1), 1) },
    { zone: 'America/New_York', instant: Date.UTC(year, 2, sunday(year, 3, 2), 7) },
    { zone: 'America/New_York', instant: Date.UTC(year, 10, sunday(year, 11, 1), 6) },
  ];
}

const ZONES = ['Europe/Berlin', 'America/New_York'] as const;

/** Sorted, distinct boundary instants inside [start, end). */
export function boundaryInstants(start: number, end: number): number[] {
  const out = new Set<number>();
  const first = new Date(start);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); Date.UTC(y, m, 1) < end; m++) {
    if (m === 12) {
      m = 0;
      y++;
    }
    out.add(Date.UTC(y, m, 1));
    for (const zone of ZONES) out.add(localMidnight(y, m + 1, 1, zone));
  }
  // ISO week starts (Monday 00:00 UTC), for `by week` buckets.
  const monday = start + ((8 - new Date(start).getUTCDay()) % 7) * DAY;
  for (let t = monday; t < end; t += 7 * DAY) out.add(t);
  for (let y = first.getUTCFullYear(); Date.UTC(y, 0, 1) < end; y++) {
    for (const { zone, instant } of dstChanges(y)) {
      out.add(instant);
      out.add(instant - 1000); // the last second before the change
      const d = new Date(instant);
      out.add(localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), zone));
      out.add(localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate() + 1, zone));
    }
  }
  return [...out].filter((t) => t >= start && t < end).sort((a, b) => a - b);
}

/**
 * Relative activity at `t`: linear growth (×2.5 over the span), quieter weekends, a December peak and
 * an August dip. Its maximum is below DENSITY_MAX, which rejection sampling relies on.
 */
export function density(t: number, start: number, end: number): number {
  const growth = 1 + 1.5 * ((t - start) / (end - start));
  const weekday = new Date(t).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.6 : 1;
  const month = new Date(t).getUTCMonth();
  const yearly = month === 11 ? 1.3 : month === 7 ? 0.8 : 1;
  return growth * weekly * yearly;
}
const DENSITY_MAX = 2.5 * 1.3;

/** A time in [start, end) drawn with `density`, to the second. */
export function sampleTime(rng: Random, start: number, end: number): number {
  for (;;) {
    const t = start + Math.floor((rng.next() * (end - start)) / 1000) * 1000;
    if (rng.next() * DENSITY_MAX < density(t, start, end)) return t;
  }
}

export { DAY };
