// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { bucketEnd, bucketStart, bucketsIn, dueBuckets } from '../../src/scheduler/buckets.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('scheduler buckets', () => {
  it.each([
    ['day', 'UTC', '2025-03-12T10:30:00Z', '2025-03-12T00:00:00.000Z', '2025-03-13T00:00:00.000Z'],
    ['week', 'UTC', '2025-03-12T10:30:00Z', '2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z'],
    [
      'month',
      'Europe/Berlin',
      '2025-03-12T10:30:00Z',
      '2025-02-28T23:00:00.000Z',
      '2025-03-31T22:00:00.000Z',
    ],
    ['quarter', 'UTC', '2025-03-12T10:30:00Z', '2025-01-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['year', 'UTC', '2025-03-12T10:30:00Z', '2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['hour', 'Asia/Kolkata', '2025-03-12T10:10:00Z', '2025-03-12T09:30:00.000Z', '2025-03-12T10:30:00.000Z'],
    // Berlin springs forward on 2025-03-30: that day has 23 hours; on 2025-10-26 it has 25.
    ['day', 'Europe/Berlin', '2025-03-30T12:00:00Z', '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
    ['day', 'Europe/Berlin', '2025-10-26T12:00:00Z', '2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z'],
    // Santiago skips midnight on 2025-09-07: the day starts at 01:00 local.
    [
      'day',
      'America/Santiago',
      '2025-09-07T12:00:00Z',
      '2025-09-07T04:00:00.000Z',
      '2025-09-08T03:00:00.000Z',
    ],
  ] as const)('the %s bucket in %s holding %s', (grain, tz, instant, start, end) => {
    const s = bucketStart(grain, at(instant), tz);
    expect([iso(s), iso(bucketEnd(grain, s, tz))]).toEqual([start, end]);
  });

  it('gives New York 25 hour buckets on its fall-back day, both 01:00s among them', () => {
    const hours = bucketsIn(
      'hour',
      at('2025-11-02T04:00:00Z'),
      at('2025-11-03T05:00:00Z'),
      'America/New_York',
    )!;
    expect(hours).toHaveLength(25);
    expect(hours.map(([s]) => iso(s))).toContain('2025-11-02T05:00:00.000Z'); // 01:00 EDT
    expect(hours.map(([s]) => iso(s))).toContain('2025-11-02T06:00:00.000Z'); // 01:00 EST
  });

  it('is due for every bucket that ended within the horizon, and always the last complete one', () => {
    const now = at('2025-03-12T10:30:00Z');
    expect(dueBuckets('hour', now, 'UTC', 3 * 3_600_000).map(([s]) => iso(s))).toEqual([
      '2025-03-12T07:00:00.000Z',
      '2025-03-12T08:00:00.000Z',
      '2025-03-12T09:00:00.000Z',
    ]);
    // A month ended long before a day's horizon: still due (the last complete one).
    expect(dueBuckets('month', now, 'UTC', 86_400_000).map(([s, e]) => [iso(s), iso(e)])).toEqual([
      ['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
    ]);
  });

  it('refuses to enumerate more buckets than asked for', () => {
    expect(bucketsIn('minute', 0, 10 * 86_400_000, 'UTC', 1_000)).toBeNull();
  });
});
