/** Turns the routes' `start`/`end`/`tz` parameters into a MetricQuery's half-open ISO range. */
import { dateProblem, localDate, zonedMidnight } from '../shared/time.ts';
import { InvalidInput } from './errors.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Today's date (`YYYY-MM-DD`) in `tz`. */
export const today = (tz: string, now: Date = new Date()): string => localDate(now.getTime(), tz);

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function normalize(value: string, tz: string, name: string): string {
  const problem = dateProblem(value);
  if (problem && (DATE.test(value) || DATETIME.test(value))) {
    throw new InvalidInput('invalid-request', `${name} ${problem}`, { parameter: name, value });
  }
  if (DATE.test(value)) return zonedMidnight(value, tz);
  if (DATETIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new InvalidInput(
    'invalid-request',
    `${name} must be a date (YYYY-MM-DD) or an ISO date-time with offset`,
    { parameter: name, value: value.slice(0, 100) },
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
  const derived = (date: string) => {
    // The default start is 30 days before the end: it must be a supported date too.
    const problem = dateProblem(date);
    if (problem) {
      throw new InvalidInput('invalid-request', `start (30 days before end) ${problem}; give start`, {
        parameter: 'start',
        value: date,
      });
    }
    return zonedMidnight(date, tz);
  };
  const start = params.start
    ? normalize(params.start, tz, 'start')
    : params.end && DATE.test(params.end)
      ? derived(addDays(params.end, -30))
      : derived(addDays(endDate(), -30));
  if (Date.parse(start) >= Date.parse(end)) {
    throw new InvalidInput('invalid-request', 'start must be before end (ranges are [start, end))', {
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
