/**
 * When the row-cost fit refuses to answer: runs that lie almost on one line cannot separate the fixed
 * cost from the two per-row costs (a nearly singular system, not only an exactly singular one), and a
 * per-row cost fitted to exactly 0 would make the factor 0 or infinite.
 */
import { describe, expect, it } from 'vitest';
import { RowCostCalibration, type RowsRead } from '../../src/optimize/calibrate.ts';

/** A run's time when every query costs 800 ms, a source row 1 µs and a rollup row 7 µs. */
const runtime = (rows: RowsRead) => 800 + rows.raw / 1_000 + (rows.rollup * 7) / 1_000;

const fitOf = (runs: readonly RowsRead[], ms: (rows: RowsRead) => number, rounds = 4) => {
  const c = new RowCostCalibration();
  for (let i = 0; i < rounds; i++) for (const rows of runs) c.observe(rows, ms(rows));
  return c.current();
};

describe('the row-cost fit on a nearly singular system', () => {
  // Three kinds of run, enough of each (raw-only and rollup-reading), each reading ten thousand rows or
  // so: the third reads 5,000 source and 5,100 rollup rows, 1 % off the line `source + rollup = 10,000`
  // the other two lie on. Those 100 rows are all that tells the fixed cost from the per-row costs: a
  // millisecond of jitter in one run would swing the factor, so the fit is not trusted.
  const onALine: RowsRead[] = [
    { raw: 10_000, rollup: 0 },
    { raw: 0, rollup: 10_000 },
  ];

  it('refuses runs that lie almost on one line', () => {
    expect(fitOf([...onALine, { raw: 5_000, rollup: 5_100 }], runtime)).toBeNull();
  });

  it('fits the same runs with the third well off the line', () => {
    // The control, at the same scale: the factor 7 the runtimes were made with, so the refusal above
    // is the nearly singular system's, not too few runs or rows.
    expect(fitOf([...onALine, { raw: 20_000, rollup: 30_000 }], runtime)!.factor).toBeCloseTo(7, 6);
  });
});

describe('the row-cost fit with a per-row cost of exactly 0', () => {
  // Runtimes proportional to one kind of row (4 ms a million, no fixed cost): the other kind's fitted
  // cost is exactly 0 (the right-hand side is a power-of-two multiple of one column of the system, so
  // Cramer's rule gives an exact 0), and a factor from it would be 0 or infinite.
  const runs: RowsRead[] = [
    { raw: 1_000_000, rollup: 0 },
    { raw: 2_000_000, rollup: 0 },
    { raw: 3_000_000, rollup: 0 },
    { raw: 0, rollup: 1_000_000 },
    { raw: 1_000_000, rollup: 2_000_000 },
    { raw: 2_000_000, rollup: 1_000_000 },
    { raw: 0, rollup: 3_000_000 },
    { raw: 3_000_000, rollup: 3_000_000 },
  ];
  const perMillion = (rows: number) => (4 * rows) / 1_000_000;

  it('says nothing when source rows seem to cost nothing', () => {
    expect(fitOf(runs, (r) => perMillion(r.rollup), 2)).toBeNull();
  });

  it('says nothing when rollup rows seem to cost nothing', () => {
    expect(fitOf(runs, (r) => perMillion(r.raw), 2)).toBeNull();
  });

  it('fits the same runs once both kinds of row cost something', () => {
    // The control: 4 ms a million source rows and 8 a million rollup rows give the factor 2.
    expect(fitOf(runs, (r) => perMillion(r.raw) + 2 * perMillion(r.rollup), 2)!.factor).toBeCloseTo(2, 6);
  });
});
