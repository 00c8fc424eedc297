/**
 * druidEstimate on its own: a Druid rollup priced in milliseconds against the raw Trino plan
 * (cost.ts): the source's rows spread evenly over the rollup's span, alone on Druid SQL (Druid's fixed
 * cost + its rows) or stitched with raw pieces in one Trino statement (Trino's fixed cost + the raw
 * pieces' source rows + the rollup's rows), and "free" (the raw share) when the counts are unknown.
 * Round costs are passed in so every expected number below is worked out by hand from those formulas.
 */
import { describe, expect, it } from 'vitest';
import { type DruidCosts, druidEstimate } from '../../src/optimize/cost.ts';
import type { Tile } from '../../src/optimize/tiles.ts';
import type { EngineCosts, RollupFacts } from '../../src/optimize/types.ts';

const DRUID: DruidCosts = { fixedMs: 50, rowMs: 0.01, basis: 'test basis' };
const TRINO: EngineCosts = {
  trinoFixedMs: 200,
  trinoRowMs: 0.002,
  directFixedMs: 5,
  directRowMs: { postgres: 0.0004, timescale: 0.002 },
};

// 10 days of range; the rollup spans 100 days (2025-01-01 to 2025-04-11), so the range holds a tenth
// of its rows: 1,000,000 source rows → 100,000, 20,000 rollup rows → 2,000.
const RANGE = { start: '2025-01-01T00:00:00Z', end: '2025-01-11T00:00:00Z' };
const FACTS: RollupFacts = {
  watermark: '2025-04-11T00:00:00Z',
  sourceStart: '2025-01-01T00:00:00Z',
  rows: 20_000,
  sourceRows: 1_000_000,
  buildId: '1',
};
const WHOLE: Tile[] = [{ from: 'rollup', ...RANGE }];
// 3 days raw (the head), 7 days from the rollup.
const MIXED: Tile[] = [
  { from: 'raw', start: '2025-01-01T00:00:00Z', end: '2025-01-04T00:00:00Z' },
  { from: 'rollup', start: '2025-01-04T00:00:00Z', end: '2025-01-11T00:00:00Z' },
];
const est = (tiles: readonly Tile[], facts: RollupFacts | undefined) =>
  druidEstimate(RANGE, tiles, facts, DRUID, TRINO);

describe('druidEstimate with known counts', () => {
  it('prices the rollup alone on Druid SQL: fixed cost + its rows, against raw Trino over the source rows', () => {
    // Druid: 50 + 0.01 × 2,000 = 70 ms; raw Trino: 200 + 0.002 × 100,000 = 400 ms; 70 / 400 = 0.175.
    const e = est(WHOLE, FACTS);
    expect(e.relative).toBeCloseTo(0.175, 9);
    // The tie-break is the rollup's own size, not the rows of the range.
    expect(e.rollupRows).toBe(20_000);
    expect(e.text).toBe(
      'cost 0.175 of raw (raw 0% of the range; Druid SQL 70.0 ms for 2000 rollup rows vs raw Trino 400.0 ms for 100000 source rows by estimate; test basis)',
    );
  });

  it('prices rollup + raw pieces as one Trino statement reading both at Trino row cost', () => {
    // Raw share 0.3: 30,000 source rows raw; the rollup answers 0.7 of the range: 1,400 of its rows.
    // Plan: 200 + 0.002 × (30,000 + 1,400) = 262.8 ms; raw 400 ms; 262.8 / 400 = 0.657.
    const e = est(MIXED, FACTS);
    expect(e.relative).toBeCloseTo(0.657, 9);
    expect(e.rollupRows).toBe(20_000);
    expect(e.text).toBe(
      'cost 0.657 of raw (raw 30% of the range; one Trino statement (Druid through its druid catalog + raw) 262.8 ms for 1400 rollup rows vs raw Trino 400.0 ms for 100000 source rows by estimate; test basis)',
    );
  });

  it('uses the measured Druid and Trino costs by default', () => {
    // Druid 60 + 0.005 × 2,000 = 70 ms; Trino 300 + 0.0009 × 100,000 = 390 ms.
    const e = druidEstimate(RANGE, WHOLE, FACTS);
    expect(e.relative).toBeCloseTo(70 / 390, 9);
    expect(e.text).toContain('Druid costs 60 ms + 0.005 ms a rollup row');
  });
});

describe('druidEstimate with unknown counts: the rollup is free, only the raw share counts', () => {
  const unknown = (rawShare: string, rollupRows: number) => ({
    relative: Number(rawShare),
    rollupRows,
    text: `cost ${rawShare} of raw (raw ${Math.round(Number(rawShare) * 100)}% of the range; Druid rollup size unknown: source rows not recorded)`,
  });

  it('without facts (a rollup never published)', () => {
    expect(est(MIXED, undefined)).toEqual(unknown('0.300', Number.MAX_SAFE_INTEGER));
    expect(est(WHOLE, undefined)).toEqual(unknown('0.000', Number.MAX_SAFE_INTEGER));
  });

  it('without source rows, or without the span they were counted over', () => {
    const { sourceRows: _rows, ...noRows } = FACTS;
    expect(est(MIXED, noRows)).toEqual(unknown('0.300', 20_000));
    const { sourceStart: _start, ...noStart } = FACTS;
    expect(est(MIXED, noStart)).toEqual(unknown('0.300', 20_000));
    expect(est(MIXED, { ...FACTS, watermark: null })).toEqual(unknown('0.300', 20_000));
  });

  it('with an empty or inverted span (watermark at or before the first partition)', () => {
    expect(est(MIXED, { ...FACTS, watermark: FACTS.sourceStart! })).toEqual(unknown('0.300', 20_000));
    expect(est(MIXED, { ...FACTS, watermark: '2024-12-01T00:00:00Z' })).toEqual(unknown('0.300', 20_000));
  });
});
