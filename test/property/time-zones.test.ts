/**
 * The time helpers (src/shared/time.ts, src/optimize/align.ts) against an independent reference, over DST
 * gaps and overlaps, half-hour zones and calendar boundaries (seeded; a failure prints its seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onBoundary, sameZone } from '../../src/optimize/align.ts';
import {
  formatInZone,
  isTimeZone,
  localDate,
  localParts,
  parseInstant,
  zonedMidnight,
  zoneOffsetMs,
} from '../../src/shared/time.ts';
import {
  CALENDAR_EDGES,
  HARD_TRANSITIONS,
  HARD_ZONES,
  instantNearTransition,
  naiveText,
  referenceOffset,
  runs,
  wallNearTransition,
  zonedInstant,
} from './hard-arbitraries.ts';

const QUARTER_HOUR = 15 * 60_000;

/**
 * Reference reading of a wall time, by search: every offset on a 15-minute step from -14:00 to +14:00
 * that maps the wall time onto an instant showing it; the earliest such instant, or — in a gap — the
 * wall time read with the offset in force just before the gap (Temporal's 'compatible').
 */
function referenceInstant(wall: number, zone: string): number {
  const readings: number[] = [];
  for (let k = -56; k <= 56; k++) {
    const instant = wall - k * QUARTER_HOUR;
    if (referenceOffset(instant, zone) === k * QUARTER_HOUR) readings.push(instant);
  }
  if (readings.length > 0) return Math.min(...readings);
  const gap = HARD_TRANSITIONS.find(
    (t) => t.zone === zone && wall >= t.at + t.before && wall < t.at + t.after,
  );
  if (!gap) throw new Error(`no reading and no gap for ${naiveText(wall)} in ${zone}`);
  return wall - gap.before;
}

describe('time helpers over DST changes, half-hour zones and calendar edges', () => {
  it('finds the DST changes the generators need (Santiago skips midnight, Lord Howe moves 30 min)', () => {
    const zones = new Set(HARD_TRANSITIONS.map((t) => t.zone));
    expect([...zones].sort()).toEqual(HARD_ZONES.filter((z) => z !== 'Asia/Kolkata').sort());
    const santiago = HARD_TRANSITIONS.find((t) => t.zone === 'America/Santiago' && t.after > t.before)!;
    expect(formatInZone(santiago.at, 'America/Santiago')).toMatch(/T01:00:00-03:00$/);
    const lordHowe = HARD_TRANSITIONS.filter((t) => t.zone === 'Australia/Lord_Howe');
    expect(lordHowe.every((t) => Math.abs(t.after - t.before) === 30 * 60_000)).toBe(true);
  });

  it('zoneOffsetMs agrees with Intl offset names at and around every change', () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone, ms }) => {
        expect(zoneOffsetMs(ms, zone)).toBe(referenceOffset(ms, zone));
      }),
      { seed: 7301, numRuns: runs(2000) },
    );
  });

  it('formatInZone prints the wall time and offset that read back as the same instant', () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone, ms }) => {
        const whole = Math.floor(ms / 1000) * 1000;
        const text = formatInZone(whole, zone);
        expect(Date.parse(text)).toBe(whole);
        const p = localParts(whole, zone);
        expect(text.slice(0, 19)).toBe(
          `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}T${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}`,
        );
      }),
      { seed: 7302, numRuns: runs(2000) },
    );
  });

  it('parseInstant reads local wall times as Temporal does: earlier in an overlap, shifted past a gap', () => {
    fc.assert(
      fc.property(wallNearTransition, ({ zone, wall }) => {
        expect(parseInstant(naiveText(wall), zone)).toBe(referenceInstant(wall, zone));
      }),
      { seed: 7303, numRuns: runs(1500) },
    );
  });

  it('parseInstant examples: New York spring-forward, Berlin fall-back, Kolkata, Lord Howe', () => {
    const at = (text: string, zone: string) => new Date(parseInstant(text, zone)!).toISOString();
    expect(at('2025-03-09T03:00', 'America/New_York')).toBe('2025-03-09T07:00:00.000Z'); // first EDT minute
    expect(at('2025-03-09T01:59:59', 'America/New_York')).toBe('2025-03-09T06:59:59.000Z');
    expect(at('2025-03-09T02:30', 'America/New_York')).toBe('2025-03-09T07:30:00.000Z'); // in the gap
    expect(at('2025-10-26T02:30', 'Europe/Berlin')).toBe('2025-10-26T00:30:00.000Z'); // repeated: the first
    expect(at('2025-10-26T03:00', 'Europe/Berlin')).toBe('2025-10-26T02:00:00.000Z');
    expect(at('2025-06-01', 'Asia/Kolkata')).toBe('2025-05-31T18:30:00.000Z');
    expect(at('2025-10-05T02:15', 'Australia/Lord_Howe')).toBe('2025-10-04T15:45:00.000Z'); // 30-min gap
    expect(at('2025-04-06T01:45', 'Australia/Lord_Howe')).toBe('2025-04-05T14:45:00.000Z'); // 30-min overlap
    expect(at('2025-03-01T12:00:00.250', 'UTC')).toBe('2025-03-01T12:00:00.250Z');
    expect(at('2025-03-01T12:00:00+05:30', 'UTC')).toBe('2025-03-01T06:30:00.000Z');
    // An impossible date is refused, never moved (2025-02-30 used to become 2025-03-02).
    expect(parseInstant('2025-02-30', 'UTC')).toBeUndefined();
    expect(parseInstant('yesterday', 'UTC')).toBeUndefined();
  });

  it('a local midnight is the first instant of its local day, also where midnight is skipped (Santiago)', () => {
    const days = fc
      .tuple(fc.constantFrom<string>(...HARD_ZONES, 'UTC'), fc.integer({ min: 0, max: 3 * 366 }))
      .map(([zone, n]) => ({
        zone,
        date: new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10),
      }));
    const transitionDays = HARD_TRANSITIONS.map((t) => ({ zone: t.zone, date: localDate(t.at, t.zone) }));
    fc.assert(
      fc.property(fc.oneof(days, fc.constantFrom(...transitionDays)), ({ zone, date }) => {
        const ms = Date.parse(zonedMidnight(date, zone));
        expect(localDate(ms, zone)).toBe(date);
        expect(localDate(ms - 1, zone) < date).toBe(true);
      }),
      { seed: 7304, numRuns: runs(1500) },
    );
    expect(zonedMidnight('2025-09-07', 'America/Santiago')).toBe('2025-09-07T01:00:00-03:00');
  });

  it('onBoundary knows year, quarter and ISO week starts, week 53 included, and nothing else', () => {
    for (const y of CALENDAR_EDGES.yearStarts) {
      const iso = new Date(y).toISOString();
      expect(onBoundary(iso, 'year', 'UTC'), iso).toBe(true);
      expect(onBoundary(new Date(y - 1000).toISOString(), 'year', 'UTC')).toBe(false);
    }
    for (const q of CALENDAR_EDGES.quarterStarts) {
      const iso = new Date(q).toISOString();
      expect(onBoundary(iso, 'quarter', 'UTC'), iso).toBe(true);
      expect(onBoundary(iso, 'year', 'UTC'), iso).toBe(new Date(q).getUTCMonth() === 0);
    }
    for (const m of [1, 2, 4, 5, 7, 8, 10, 11]) {
      const iso = new Date(Date.UTC(2025, m, 1)).toISOString();
      expect(onBoundary(iso, 'month', 'UTC')).toBe(true);
      expect(onBoundary(iso, 'quarter', 'UTC'), iso).toBe(false);
      expect(onBoundary(iso, 'year', 'UTC'), iso).toBe(false);
    }
    for (const w of [...CALENDAR_EDGES.isoWeek53, ...CALENDAR_EDGES.isoWeek1After53]) {
      expect(onBoundary(new Date(w).toISOString(), 'week', 'UTC')).toBe(true);
      for (let d = 1; d < 7; d++)
        expect(onBoundary(new Date(w + d * 86_400_000).toISOString(), 'week', 'UTC')).toBe(false);
    }
    // A year start in a half-hour zone and in New York; not the UTC one.
    expect(onBoundary('2024-12-31T18:30:00Z', 'year', 'Asia/Kolkata')).toBe(true);
    expect(onBoundary('2025-01-01T00:00:00Z', 'year', 'Asia/Kolkata')).toBe(false);
    expect(onBoundary('2025-01-01T05:00:00Z', 'year', 'America/New_York')).toBe(true);
    expect(onBoundary('2025-04-01T04:00:00Z', 'quarter', 'America/New_York')).toBe(true);
    expect(onBoundary('2025-04-01T04:00:00Z', 'year', 'America/New_York')).toBe(false);
  });

  it('onBoundary at each grain matches a boundary computed from the local wall clock', () => {
    fc.assert(
      fc.property(
        instantNearTransition,
        fc.constantFrom('minute', 'hour', 'day', 'week', 'month', 'quarter', 'year' as const),
        ({ zone, ms }, grain) => {
          const whole = Math.floor(ms / 60_000) * 60_000;
          const offset = referenceOffset(whole, zone);
          const w = new Date(whole + offset);
          const [mo, d, h, mi] = [w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes()];
          const expected = {
            minute: true,
            hour: mi === 0,
            day: mi === 0 && h === 0,
            week: mi === 0 && h === 0 && w.getUTCDay() === 1,
            month: mi === 0 && h === 0 && d === 1,
            quarter: mi === 0 && h === 0 && d === 1 && mo % 3 === 0,
            year: mi === 0 && h === 0 && d === 1 && mo === 0,
          }[grain];
          expect(onBoundary(new Date(whole).toISOString(), grain, zone)).toBe(expected);
        },
      ),
      { seed: 7305, numRuns: runs(2000) },
    );
  });

  it('small cases the mutation run found untested', () => {
    expect(formatInZone(0, 'UTC')).toBe('1970-01-01T00:00:00Z'); // offset 0 prints Z
    expect(formatInZone(Date.UTC(2025, 5, 1), 'America/Santiago')).toBe('2025-05-31T20:00:00-04:00');
    expect(localParts(Date.UTC(2025, 0, 5, 12), 'UTC').weekday).toBe(7); // a Sunday
    expect(localParts(Date.UTC(2025, 0, 6, 12), 'UTC').weekday).toBe(1); // a Monday
    expect(localParts(Date.UTC(2025, 0, 5, 23, 30), 'Asia/Kolkata').weekday).toBe(1); // Monday there
    expect(() => zonedMidnight('not a date', 'UTC')).toThrow(RangeError);
    expect(isTimeZone('Mars/Base')).toBe(false);
    expect(isTimeZone("UTC'; DROP TABLE x; --")).toBe(false);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(sameZone('Europe/Berlin', 'Europe/Berlin')).toBe(true);
    expect(sameZone('Europe/Berlin', 'Europe/Paris')).toBe(false);
    expect(onBoundary('2025-03-01T00:00:30Z', 'minute', 'UTC')).toBe(false);
    expect(onBoundary('2025-03-01T00:01:00Z', 'minute', 'UTC')).toBe(true);
  });
});
