/**
 * Time-zone arithmetic the planner and the result shaping need, on Intl only (no tz database of ours):
 * validate zones, read local times as instants, print instants with the zone's offset.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True for IANA names Intl knows (`UTC`, `Europe/Berlin`); rejects anything with SQL-significant characters. */
export function isTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone: month 1–12, weekday 1 (Monday) – 7 (Sunday). */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

export function localParts(ms: number, zone: string): LocalParts {
  // UTC, the default, without Intl: creating the first DateTimeFormat loads ICU's zone data, a fifth
  // of the CLI's `kpi compile` start-up.
  if (zone === 'UTC') {
    const d = new Date(Math.floor(ms / 1000) * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: ((d.getUTCDay() + 6) % 7) + 1,
    };
  }
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const year = Number(p.year);
  const month = Number(p.month);
  const day = Number(p.day);
  return {
    year,
    month,
    day,
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1,
  };
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds (Berlin summer: +7_200_000). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const p = localParts(ms, zone);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return local - Math.floor(ms / 1000) * 1000;
}

/** The calendar date (`YYYY-MM-DD`) of instant `ms` in `zone`. */
export function localDate(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The earliest year accepted: JavaScript reads years 0–99 as 1900–1999, and nothing we store is older. */
export const MIN_YEAR = 1900;

const FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * Why `text` is not a real date or date-time (`2025-02-30`, `2025-13-45`, `0001-01-01`, hour 24), or
 * null. Without this check JavaScript silently moved such dates (2025-02-30 became 2025-03-02).
 */
export function dateProblem(text: string): string | null {
  if (!NAIVE.test(text) && !ZONED.test(text)) {
    return 'is not a date (YYYY-MM-DD) or an ISO 8601 date-time';
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = FIELDS.exec(text)!;
  const year = Number(y);
  const month = Number(mo);
  if (year < MIN_YEAR) return `has year ${y}; years before ${MIN_YEAR} are not supported`;
  if (month < 1 || month > 12) return `has month ${mo}; months are 01–12`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (Number(d) < 1 || Number(d) > days) return `has day ${d}; ${y}-${mo} has ${days} days`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return `has time ${h}:${mi}:${s}; not a time of day`;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (ZONED.test(text) && offset && (Number(offset[2]) > 14 || Number(offset[3]) > 59)) {
    return `has offset ${offset[0]}; offsets are within ±14:00`;
  }
  return null;
}

/**
 * Reads an ISO timestamp as an instant: with `Z`/offset as given; a naive date or date-time as local
 * time in `zone` (so `2025-03-01` in Europe/Berlin is Berlin midnight). Undefined when unparseable.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  if (dateProblem(text) !== null) return undefined;
  if (ZONED.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = NAIVE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, +frac.padEnd(3, '0'));
  if (Number.isNaN(wall)) return undefined;
  return wallToInstant(wall, zone);
}

const DAY_MS = 86_400_000;

/**
 * The instant when `zone`'s wall clock shows `wall` (its fields read as UTC), disambiguated as Temporal's
 * default ('compatible') does: a time repeated by a fall-back is its earlier instant; a time skipped by a
 * spring-forward moves forward by the gap (New York 02:30 on its DST day is 03:30 EDT). So a skipped
 * midnight (America/Santiago in September) reads as the first instant of that local day, 01:00 — where
 * PostgreSQL's and Trino's date_trunc put the day's start too.
 */
export function wallToInstant(wall: number, zone: string): number {
  // The offsets in force a day either side; a wall time has at most two readings, one per offset.
  const before = zoneOffsetMs(wall - DAY_MS, zone);
  const after = zoneOffsetMs(wall + DAY_MS, zone);
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  if (zoneOffsetMs(early, zone) === wall - early) return early;
  if (zoneOffsetMs(late, zone) === wall - late) return late;
  return wall - before; // in a gap: read with the offset before it, which lands after it
}

/** `2025-03-30T00:00:00+01:00` — the instant in `zone`'s wall time with its offset (`Z` when 0). */
export function formatInZone(ms: number, zone: string): string {
  const offset = zoneOffsetMs(ms, zone);
  const d = new Date(ms + offset);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
  if (offset === 0) return `${base}Z`;
  const mins = Math.round(offset / 60_000);
  return `${base}${mins < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(mins) / 60))}:${pad(Math.abs(mins) % 60)}`;
}

const midnights = new Map<string, string>();

/**
 * Midnight of a calendar date (`YYYY-MM-DD`) in `zone`, printed as formatInZone does. Memoized: metric
 * routes resolve their ranges with it on every request, cache hits included.
 */
export function zonedMidnight(date: string, zone: string): string {
  const key = `${date}|${zone}`;
  let known = midnights.get(key);
  if (known === undefined) {
    const ms = parseInstant(date, zone);
    if (ms === undefined) throw new RangeError(`not a date: ${date}`);
    if (midnights.size > 10_000) midnights.clear();
    known = formatInZone(ms, zone);
    midnights.set(key, known);
  }
  return known;
}

const SHORTEST_BUCKET_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 23 * 3_600_000,
  week: 7 * 23 * 3_600_000,
  month: 28 * 86_400_000,
  quarter: 89 * 86_400_000,
  year: 365 * 86_400_000,
};

/** An upper bound on the buckets of `grain` overlapping [startMs, endMs) in any zone (1 for a total). */
export function bucketsBound(grain: string | null, startMs: number, endMs: number): number {
  if (grain === null) return 1;
  return Math.ceil((endMs - startMs) / (SHORTEST_BUCKET_MS[grain] ?? 60_000)) + 1;
}
