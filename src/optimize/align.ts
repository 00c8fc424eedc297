/**
 * Bucket arithmetic for matching: does a query grain cover whole rollup buckets, and does an instant fall
 * on a rollup bucket boundary (in the rollup's zone)?
 */
import type { Grain } from '../ir/kpi.ts';
import { formatInZone } from '../plan/time.ts';

/** Query grains that are unions of a rollup grain's buckets (in the same zone). */
const COVERS: Readonly<Record<Grain, readonly Grain[]>> = {
  minute: ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'],
  hour: ['hour', 'day', 'week', 'month', 'quarter', 'year'],
  day: ['day', 'week', 'month', 'quarter', 'year'],
  week: ['week'],
  month: ['month', 'quarter', 'year'],
  quarter: ['quarter', 'year'],
  year: ['year'],
};

/** null query grain = one total over the range: a union of any buckets. */
export const grainCovers = (rollup: Grain, query: Grain | null): boolean =>
  query === null || COVERS[rollup].includes(query);

/** Time zone names that are UTC all year. */
const UTC = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);
export const sameZone = (a: string, b: string): boolean => a === b || (UTC.has(a) && UTC.has(b));

/** Is `iso` (an instant) the start of a `grain` bucket in `zone`? */
export function onBoundary(iso: string, grain: Grain, zone: string): boolean {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return false;
  const local = formatInZone(ms, zone); // 2025-03-30T00:00:00+01:00
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(local);
  if (!m || ms % 1000 !== 0) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  if (s !== 0) return false;
  if (grain === 'minute') return true;
  if (mi !== 0) return false;
  if (grain === 'hour') return true;
  if (h !== 0) return false;
  if (grain === 'day') return true;
  if (grain === 'week') return new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDay() === 1;
  if (d !== 1) return false;
  if (grain === 'month') return true;
  if (grain === 'quarter') return (mo! - 1) % 3 === 0;
  return mo === 1;
}
