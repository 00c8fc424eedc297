// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { grainCovers, onBoundary, sameZone } from '../../src/optimize/align.ts';

describe('rollup bucket alignment', () => {
  it('knows which query grains are unions of rollup buckets', () => {
    expect(grainCovers('day', 'week')).toBe(true);
    expect(grainCovers('day', 'quarter')).toBe(true);
    expect(grainCovers('day', 'hour')).toBe(false);
    expect(grainCovers('week', 'month')).toBe(false); // weeks straddle months
    expect(grainCovers('hour', 'day')).toBe(true);
    expect(grainCovers('month', null)).toBe(true);
  });

  it('finds bucket boundaries in the rollup zone, not in UTC', () => {
    expect(onBoundary('2025-03-01T00:00:00Z', 'day', 'UTC')).toBe(true);
    expect(onBoundary('2025-03-01T06:00:00Z', 'day', 'UTC')).toBe(false);
    expect(onBoundary('2025-03-01T05:00:00Z', 'day', 'America/New_York')).toBe(true);
    expect(onBoundary('2025-03-03T00:00:00Z', 'week', 'UTC')).toBe(true); // a Monday
    expect(onBoundary('2025-03-04T00:00:00Z', 'week', 'UTC')).toBe(false);
    expect(onBoundary('2025-04-01T00:00:00Z', 'quarter', 'UTC')).toBe(true);
    expect(onBoundary('2025-05-01T00:00:00Z', 'quarter', 'UTC')).toBe(false);
    expect(onBoundary('2025-05-01T00:00:00.500Z', 'minute', 'UTC')).toBe(false);
    expect(onBoundary('not a time', 'day', 'UTC')).toBe(false);
  });

  it('treats only zones that are UTC all year as UTC', () => {
    expect(sameZone('UTC', 'Etc/UTC')).toBe(true);
    expect(sameZone('UTC', 'Europe/London')).toBe(false);
  });
});
