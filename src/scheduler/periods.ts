/** The last complete period of a grain before `now`, in a time zone, as a half-open ISO range. */

import type { Grain } from '../ir/kpi.ts';
import { zonedMidnight, localParts as zoneParts } from '../plan/time.ts';

function localParts(now: Date, tz: string): { y: number; m: number; d: number; dow: number } {
  const p = zoneParts(now.getTime(), tz);
  return { y: p.year, m: p.month, d: p.day, dow: p.weekday };
}

const date = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

export function lastCompletePeriod(grain: Grain, now: Date, tz: string): { start: string; end: string } {
  switch (grain) {
    case 'minute':
    case 'hour': {
      const step = grain === 'minute' ? 60_000 : 3_600_000;
      // Whole-hour offsets make hour buckets align in UTC; zones with :30 offsets shift by design.
      const end = Math.floor(now.getTime() / step) * step;
      return { start: new Date(end - step).toISOString(), end: new Date(end).toISOString() };
    }
    case 'day': {
      const { y, m, d } = localParts(now, tz);
      return { start: zonedMidnight(date(y, m, d - 1), tz), end: zonedMidnight(date(y, m, d), tz) };
    }
    case 'week': {
      const { y, m, d, dow } = localParts(now, tz);
      const monday = d - (dow - 1);
      return { start: zonedMidnight(date(y, m, monday - 7), tz), end: zonedMidnight(date(y, m, monday), tz) };
    }
    case 'month': {
      const { y, m } = localParts(now, tz);
      return { start: zonedMidnight(date(y, m - 1, 1), tz), end: zonedMidnight(date(y, m, 1), tz) };
    }
    case 'quarter': {
      const { y, m } = localParts(now, tz);
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      return { start: zonedMidnight(date(y, q - 3, 1), tz), end: zonedMidnight(date(y, q, 1), tz) };
    }
    case 'year': {
      const { y } = localParts(now, tz);
      return { start: zonedMidnight(date(y - 1, 1, 1), tz), end: zonedMidnight(date(y, 1, 1), tz) };
    }
  }
}
