/**
 * Time buckets of a grain in a time zone, as the engine's time bucketing draws them: a minute or hour
 * starts where the zone's wall clock shows :00 (so a fall-back day has 25 hours, both 01:00s in New
 * York), a day at local midnight (its first instant when midnight is skipped), weeks on Monday (ISO).
 * Instants are epoch milliseconds; buckets are half-open [start, end).
 */
import type { Grain } from '../ir/kpi.ts';
import { assertNever } from '../ir/kpi.ts';
import { localParts, wallToInstant } from '../shared/time.ts';

export type Bucket = readonly [start: number, end: number];

const wallDay = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

/** The start of the bucket that holds instant `ms`. */
export function bucketStart(grain: Grain, ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const subSecond = ((ms % 1000) + 1000) % 1000;
  switch (grain) {
    case 'minute':
      return ms - p.second * 1000 - subSecond;
    case 'hour':
      // Back to the wall clock's :00 by real elapsed time, not by re-reading a wall time: the second
      // 01:00 of a fall-back is its own hour.
      return ms - (p.minute * 60 + p.second) * 1000 - subSecond;
    case 'day':
      return wallToInstant(wallDay(p.year, p.month, p.day), tz);
    case 'week':
      return wallToInstant(wallDay(p.year, p.month, p.day - (p.weekday - 1)), tz);
    case 'month':
      return wallToInstant(wallDay(p.year, p.month, 1), tz);
    case 'quarter':
      return wallToInstant(wallDay(p.year, Math.floor((p.month - 1) / 3) * 3 + 1, 1), tz);
    case 'year':
      return wallToInstant(wallDay(p.year, 1, 1), tz);
    default:
      return assertNever(grain, 'grain');
  }
}

/** The end of the bucket that starts at `start` (the next bucket's start). */
export function bucketEnd(grain: Grain, start: number, tz: string): number {
  switch (grain) {
    case 'minute':
      return start + 60_000;
    case 'hour':
      return start + 3_600_000;
    case 'day':
    case 'week':
    case 'month':
    case 'quarter':
    case 'year': {
      // Well inside the bucket, read its wall date, step the calendar, back to an instant.
      const p = localParts(start + 12 * 3_600_000, tz);
      const [y, m, d] = [p.year, p.month, p.day];
      const next =
        grain === 'day'
          ? wallDay(y, m, d + 1)
          : grain === 'week'
            ? wallDay(y, m, d - (p.weekday - 1) + 7)
            : grain === 'month'
              ? wallDay(y, m + 1, 1)
              : grain === 'quarter'
                ? wallDay(y, Math.floor((m - 1) / 3) * 3 + 4, 1)
                : wallDay(y + 1, 1, 1);
      return wallToInstant(next, tz);
    }
    default:
      return assertNever(grain, 'grain');
  }
}

/** Whether `ms` is where a bucket starts. */
export const isBucketStart = (grain: Grain, ms: number, tz: string): boolean =>
  bucketStart(grain, ms, tz) === ms;

/** Every bucket that starts in [from, to), oldest first; at most `max` (then null: too many). */
export function bucketsIn(
  grain: Grain,
  from: number,
  to: number,
  tz: string,
  max = 100_000,
): Bucket[] | null {
  const out: Bucket[] = [];
  let start = bucketStart(grain, from, tz);
  if (start < from) start = bucketEnd(grain, start, tz);
  while (start < to) {
    if (out.length >= max) return null;
    const end = bucketEnd(grain, start, tz);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * The complete buckets a run at `now` is responsible for: every bucket that ended within `horizonMs`
 * before `now`, and always the last complete one (a month ends long before a day's horizon runs out).
 */
export function dueBuckets(grain: Grain, now: number, tz: string, horizonMs: number): Bucket[] {
  const lastEnd = bucketStart(grain, now, tz);
  let start = bucketStart(grain, lastEnd - 1, tz);
  const out: Bucket[] = [[start, lastEnd]];
  while (true) {
    const previous = bucketStart(grain, start - 1, tz);
    if (start <= now - horizonMs) break;
    out.push([previous, start]);
    start = previous;
  }
  return out.reverse();
}

/** The cron pattern that fires when a bucket of `frequency` completes (croner, in the schedule's zone). */
export function cronPattern(frequency: Grain): string {
  switch (frequency) {
    case 'minute':
      return '* * * * *';
    case 'hour':
      return '0 * * * *';
    case 'day':
      return '0 0 * * *';
    case 'week':
      return '0 0 * * 1';
    case 'month':
      return '0 0 1 * *';
    case 'quarter':
      return '0 0 1 */3 *';
    case 'year':
      return '0 0 1 1 *';
    default:
      return assertNever(frequency, 'grain');
  }
}
