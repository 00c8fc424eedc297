/**
 * Small cases for the time helpers (src/shared/time.ts, src/optimize/align.ts) that the mutation run of
 * part time-1 found unchecked: date validation messages (the CLI and the planner show them as they are),
 * fractions of a second, the hour floor in quarter-hour zones, the bucket bound. Named optimize-* so the
 * `time` mutation group (TESTS.time globs test/unit/optimize-*.test.ts) runs it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { floorBoundary, onBoundary } from '../../src/optimize/align.ts';
import {
  bucketsBound,
  dateProblem,
  isTimeZone,
  localParts,
  parseInstant,
  zonedMidnight,
} from '../../src/shared/time.ts';

const HOUR = 3_600_000;

describe('dateProblem', () => {
  it('accepts real dates and date-times, with offsets up to ±14:00 and minutes up to 59', () => {
    expect(dateProblem('2024-02-29')).toBeNull(); // 2024 is a leap year
    expect(dateProblem('1900-01-01')).toBeNull(); // MIN_YEAR itself
    expect(dateProblem('2025-12-31T23:59:59')).toBeNull();
    expect(dateProblem('2025-01-01T00:00+14:00')).toBeNull(); // Kiritimati's offset, the largest in use
    expect(dateProblem('2025-01-01T00:00-12:00')).toBeNull();
    expect(dateProblem('2025-01-01T00:00+05:59')).toBeNull();
    expect(dateProblem('2025-01-01T00:00:00Z')).toBeNull();
  });

  it('says what is wrong with each field', () => {
    expect(dateProblem('yesterday')).toBe('is not a date (YYYY-MM-DD) or an ISO 8601 date-time');
    expect(dateProblem('1899-12-31')).toBe('has year 1899; years before 1900 are not supported');
    expect(dateProblem('2025-00-10')).toBe('has month 00; months are 01–12');
    expect(dateProblem('2025-13-10')).toBe('has month 13; months are 01–12');
    expect(dateProblem('2025-02-29')).toBe('has day 29; 2025-02 has 28 days'); // 2025 is not a leap year
    expect(dateProblem('2025-04-00')).toBe('has day 00; 2025-04 has 30 days');
    expect(dateProblem('2025-04-31')).toBe('has day 31; 2025-04 has 30 days');
    expect(dateProblem('2025-01-01T24:00:00')).toBe('has time 24:00:00; not a time of day');
    expect(dateProblem('2025-01-01T23:60:00')).toBe('has time 23:60:00; not a time of day');
    expect(dateProblem('2025-01-01T23:59:60')).toBe('has time 23:59:60; not a time of day');
    // Seconds left out read as 0, and the message shows them so.
    expect(dateProblem('2025-01-01T10:61')).toBe('has time 10:61:0; not a time of day');
  });

  it('refuses offsets beyond ±14:00, with or without the colon', () => {
    expect(dateProblem('2025-01-01T00:00+15:00')).toBe('has offset +15:00; offsets are within ±14:00');
    expect(dateProblem('2025-01-01T00:00-1500')).toBe('has offset -1500; offsets are within ±14:00');
    expect(dateProblem('2025-01-01T00:00:00+10:60')).toBe('has offset +10:60; offsets are within ±14:00');
  });
});

describe('parseInstant and zonedMidnight', () => {
  it('reads a fraction of a second as the leading digits of milliseconds', () => {
    // `.5` is half a second, not 5 ms; digits past the third are dropped.
    expect(parseInstant('2025-01-01T00:00:00.5', 'UTC')).toBe(Date.UTC(2025, 0, 1, 0, 0, 0, 500));
    expect(parseInstant('2025-01-01T00:00:00.25', 'UTC')).toBe(Date.UTC(2025, 0, 1, 0, 0, 0, 250));
    expect(parseInstant('2025-01-01T00:00:00.1239', 'UTC')).toBe(Date.UTC(2025, 0, 1, 0, 0, 0, 123));
  });

  it('names the text it could not read', () => {
    expect(() => zonedMidnight('2025-02-30', 'UTC')).toThrow('not a date: 2025-02-30');
  });
});

describe('localParts in UTC', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does not go through Intl (loading its zone data slows the CLI start-up)', () => {
    const viaIntl = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    // 2025-03-09 was a Sunday: weekday 7.
    expect(localParts(Date.UTC(2025, 2, 9, 13, 4, 5, 600), 'UTC')).toEqual({
      year: 2025,
      month: 3,
      day: 9,
      hour: 13,
      minute: 4,
      second: 5,
      weekday: 7,
    });
    expect(viaIntl).not.toHaveBeenCalled();
  });

  it('accepts the name UTC without building an Intl formatter', () => {
    // Nothing in this file asks Intl about UTC, so a formatter for it would be built here. (Not through
    // vi.resetModules: a fresh import would run the module's constants under test, see the mutation docs.
    // Under vitest.mutation.config.ts, which shares modules between files, an earlier file may have built it.)
    const built = vi.spyOn(Intl, 'DateTimeFormat');
    expect(isTimeZone('UTC')).toBe(true);
    expect(built).not.toHaveBeenCalled();
  });
});

describe('bucket arithmetic', () => {
  it('floors to local hours in a zone 45 minutes off the hour', () => {
    // Asia/Kathmandu is UTC+05:45 all year: 10:00Z is 15:45 there, whose hour began at 15:00 = 09:15Z.
    expect(floorBoundary(Date.UTC(2025, 5, 1, 10), 'hour', 'Asia/Kathmandu')).toBe(
      Date.UTC(2025, 5, 1, 9, 15),
    );
    // Australia/Eucla is UTC+08:45: 00:20Z is 09:05 there, whose hour began at 09:00 = 00:15Z.
    expect(floorBoundary(Date.UTC(2025, 5, 1, 0, 20), 'hour', 'Australia/Eucla')).toBe(
      Date.UTC(2025, 5, 1, 0, 15),
    );
  });

  it('says no boundary for a text that is not an instant, in any zone', () => {
    expect(onBoundary('not a time', 'day', 'Europe/Berlin')).toBe(false);
    expect(onBoundary('', 'hour', 'America/New_York')).toBe(false);
  });

  it('bounds the buckets a range overlaps from above', () => {
    // [10:30, 11:30) UTC overlaps two UTC hours (10 and 11).
    expect(
      bucketsBound('hour', Date.UTC(2025, 0, 1, 10, 30), Date.UTC(2025, 0, 1, 11, 30)),
    ).toBeGreaterThanOrEqual(2);
    // A calendar day from Berlin noon to noon overlaps two Berlin days.
    expect(bucketsBound('day', Date.UTC(2025, 0, 1, 11), Date.UTC(2025, 0, 2, 11))).toBeGreaterThanOrEqual(2);
    expect(bucketsBound(null, 0, 365 * 24 * HOUR)).toBe(1); // a total is one row
  });
});
