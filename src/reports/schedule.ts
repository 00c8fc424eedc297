/**
 * When a scheduled report is due, with croner: the seed's `schedule` (`daily`, `weekly` on Mondays,
 * `monthly` on the 1st, at `time` in `timezone`) as a cron pattern in that zone. Across DST changes a
 * time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) fires at the first
 * instant after the gap, and a time that happens twice fires once, at its first occurrence.
 */
import { Cron } from 'croner';
import type { Grain } from '../ir/kpi.ts';
import { bucketStart } from '../scheduler/buckets.ts';
import { formatInZone } from '../shared/time.ts';

export interface ReportSchedule {
  readonly frequency: 'daily' | 'weekly' | 'monthly';
  /** HH:MM, local time in `timezone`. */
  readonly time: string;
  readonly timezone: string;
  readonly recipients: readonly string[];
}

const DAY_PART: Readonly<Record<ReportSchedule['frequency'], string>> = {
  daily: '* * *',
  weekly: '* * 1',
  monthly: '1 * *',
};

/** The period a run reports on: the day, ISO week or month that had just ended when it was due. */
export const GRAIN_OF: Readonly<Record<ReportSchedule['frequency'], Grain>> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};

const cronOf = (s: ReportSchedule): Cron => {
  const [hh, mm] = s.time.split(':').map(Number);
  return new Cron(`${mm} ${hh} ${DAY_PART[s.frequency]}`, { timezone: s.timezone, paused: true });
};

/** The latest instant the report was due at or before `now` (null: never yet). */
export function lastDue(s: ReportSchedule, now: Date): Date | null {
  const cron = cronOf(s);
  // previousRuns looks strictly before its reference: 1 ms later includes an instant exactly at `now`.
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The next instant after `now` the report is due at. */
export function nextDue(s: ReportSchedule, now: Date): Date | null {
  return cronOf(s).nextRun(now);
}

/** What a run due at `due` reports on. */
export function periodOf(s: ReportSchedule, due: Date): { start: string; end: string } {
  const grain = GRAIN_OF[s.frequency];
  const end = bucketStart(grain, due.getTime(), s.timezone);
  const start = bucketStart(grain, end - 1, s.timezone);
  return { start: formatInZone(start, s.timezone), end: formatInZone(end, s.timezone) };
}
