/** When scheduled reports are due (croner, in the schedule's zone) and what period they cover, across DST. */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { lastDue, nextDue, periodOf, type ReportSchedule } from '../../src/reports/schedule.ts';

const at = (s: string) => new Date(s);
const daily = (time: string, timezone: string): ReportSchedule => ({
  frequency: 'daily',
  time,
  timezone,
  recipients: [],
});

describe('report schedules', () => {
  it('is due at the local time in its zone, and exactly at that instant', () => {
    const s = daily('08:00', 'Europe/Berlin');
    expect(nextDue(s, at('2026-01-10T06:00:00Z'))).toEqual(at('2026-01-10T07:00:00Z')); // CET
    expect(nextDue(s, at('2026-07-10T05:00:00Z'))).toEqual(at('2026-07-10T06:00:00Z')); // CEST
    expect(lastDue(s, at('2026-07-10T06:00:00Z'))).toEqual(at('2026-07-10T06:00:00Z'));
    expect(lastDue(s, at('2026-07-10T05:59:59.999Z'))).toEqual(at('2026-07-09T06:00:00Z'));
  });

  it('fires once across DST changes: after the gap when the time is skipped, at the first of two', () => {
    const berlin = daily('02:30', 'Europe/Berlin');
    // 2026-03-29: 02:00 → 03:00, so 02:30 does not exist; it fires at 03:00 CEST.
    expect(nextDue(berlin, at('2026-03-28T12:00:00Z'))).toEqual(at('2026-03-29T01:00:00Z'));
    // 2026-10-25: 02:30 happens twice (CEST, then CET); it fires at the first only, then the next day.
    const first = nextDue(berlin, at('2026-10-24T12:00:00Z'))!;
    expect(first).toEqual(at('2026-10-25T00:30:00Z'));
    expect(nextDue(berlin, first)).toEqual(at('2026-10-26T01:30:00Z'));
    const ny = daily('02:30', 'America/New_York');
    // 2026-03-08: 02:00 → 03:00 in New York.
    expect(nextDue(ny, at('2026-03-07T12:00:00Z'))).toEqual(at('2026-03-08T07:00:00Z'));
  });

  it('weekly is on Mondays, monthly on the 1st; each covers the period that had just ended', () => {
    const weekly: ReportSchedule = {
      frequency: 'weekly',
      time: '09:15',
      timezone: 'America/New_York',
      recipients: [],
    };
    const due = nextDue(weekly, at('2026-03-05T00:00:00Z'))!; // a Thursday
    expect(due).toEqual(at('2026-03-09T13:15:00Z')); // Monday 09:15 EDT (DST began on the 8th)
    // The week before: Monday 2 March 00:00 EST to Monday 9 March 00:00 EDT (a week of 167 hours).
    expect(periodOf(weekly, due)).toEqual({
      start: '2026-03-02T00:00:00-05:00',
      end: '2026-03-09T00:00:00-04:00',
    });
    const monthly: ReportSchedule = {
      frequency: 'monthly',
      time: '00:00',
      timezone: 'Asia/Kolkata',
      recipients: [],
    };
    const m = nextDue(monthly, at('2026-02-10T00:00:00Z'))!;
    expect(m).toEqual(at('2026-02-28T18:30:00Z')); // 1 March 00:00 IST
    expect(periodOf(monthly, m)).toEqual({
      start: '2026-02-01T00:00:00+05:30',
      end: '2026-03-01T00:00:00+05:30',
    });
    // Daily on the spring-forward day in Berlin covers the 23-hour day before.
    expect(periodOf(daily('08:00', 'Europe/Berlin'), at('2026-03-30T06:00:00Z'))).toEqual({
      start: '2026-03-29T00:00:00+01:00',
      end: '2026-03-30T00:00:00+02:00',
    });
  });
});
