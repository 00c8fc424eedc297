/** Turns the routes' `start`/`end`/`tz` parameters into a MetricQuery's half-open ISO range. */
import { ApiError } from './errors.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone (and purpose).
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const midnights = new Map<string, string>();

function formatFor(cache: Map<string, Intl.DateTimeFormat>, tz: string, make: () => Intl.DateTimeFormat) {
  let format = cache.get(tz);
  if (!format) {
    format = make();
    cache.set(tz, format);
  }
  return format;
}

/** Offset of `tz` at `instant`, as `+HH:MM`. */
function offsetAt(instant: Date, tz: string): string {
  const part = formatFor(
    offsetFormats,
    tz,
    () => new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }),
  )
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d{2}:\d{2})?/.exec(part ?? '');
  return m?.[1] ?? '+00:00';
}

/** Midnight of a calendar date in `tz`, as ISO with the zone's offset on that day. */
export function zonedMidnight(date: string, tz: string): string {
  const key = `${date}|${tz}`;
  const known = midnights.get(key);
  if (known) return known;
  if (midnights.size > 10_000) midnights.clear();
  // The offset at UTC midnight is right except on DST days near midnight; re-check with the guess.
  const guess = new Date(`${date}T00:00:00Z`);
  const first = offsetAt(guess, tz);
  const second = offsetAt(new Date(`${date}T00:00:00${first}`), tz);
  const result = `${date}T00:00:00${second}`;
  midnights.set(key, result);
  return result;
}

export function today(tz: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function normalize(value: string, tz: string, name: string): string {
  if (DATE.test(value)) return zonedMidnight(value, tz);
  if (DATETIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new ApiError(
    400,
    'invalid-request',
    `${name} must be a date (YYYY-MM-DD) or an ISO date-time with offset`,
    {
      parameter: name,
      value,
    },
  );
}

export interface RangeParams {
  readonly start?: string | undefined;
  readonly end?: string | undefined;
}

/**
 * Defaults to the last 30 whole days including today, in `tz`: the range only moves at midnight, so
 * repeated requests share cache entries.
 */
export function resolveRange(
  params: RangeParams,
  tz: string,
  now: Date = new Date(),
): { start: string; end: string } {
  const endDate = () => addDays(today(tz, now), 1);
  const end = params.end ? normalize(params.end, tz, 'end') : zonedMidnight(endDate(), tz);
  const start = params.start
    ? normalize(params.start, tz, 'start')
    : params.end && DATE.test(params.end)
      ? zonedMidnight(addDays(params.end, -30), tz)
      : zonedMidnight(addDays(endDate(), -30), tz);
  if (Date.parse(start) >= Date.parse(end)) {
    throw new ApiError(400, 'invalid-request', 'start must be before end (ranges are [start, end))', {
      start,
      end,
    });
  }
  return { start, end };
}

/** The range of equal length that ends where this one starts (for trends). */
export function previousRange(range: { start: string; end: string }): { start: string; end: string } {
  const length = Date.parse(range.end) - Date.parse(range.start);
  return { start: new Date(Date.parse(range.start) - length).toISOString(), end: range.start };
}
