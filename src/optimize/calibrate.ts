/**
 * Keeps the cost estimate's row cost (what reading one rollup row costs in source rows, cost.ts) fresh
 * from the runtimes a running service observes. Each run of a plan is one observation: the rows it read
 * by estimate (`rowsRead`: raw source rows and rollup rows, from the rollups' recorded counts) and its
 * wall time. A least-squares fit of
 *
 *   ms ≈ fixed + msPerSourceRow × source rows + msPerRollupRow × rollup rows
 *
 * over recent runs (older ones fade: each new run weighs 1, the one before FORGET, …) gives the factor
 * msPerRollupRow / msPerSourceRow. The fixed term absorbs what every query pays whatever it reads
 * (Trino's planning, round trips), which would otherwise make small reads look expensive per row. The
 * fit is used only once it rests on enough runs of both kinds and both slopes are positive; the factor
 * is clamped to [MIN_FACTOR, MAX_FACTOR] so one odd run cannot flip every plan.
 */
import { type Aggregate, aggregatesOf, type Plan, type TimeWindow } from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { DRUID_ROLLUP_SOURCE, isRollupSource } from '../rollup/names.ts';
import type { OptimizeContext, RowCost } from './types.ts';

export const FORGET = 0.97;
export const MIN_RUNS = 8;
/** Runs that read only source rows, and runs that read rollup rows, needed before the fit is trusted. */
export const MIN_RUNS_EACH = 3;
export const MIN_FACTOR = 0.25;
export const MAX_FACTOR = 40;
/** Features in millions of rows: keeps the normal equations well scaled. */
const UNIT = 1e6;

export interface RowsRead {
  readonly raw: number;
  readonly rollup: number;
}

const overlap = (w: TimeWindow, lo: number, hi: number) =>
  Math.max(0, Math.min(Date.parse(w.end), hi) - Math.max(Date.parse(w.start), lo));

/**
 * The rows a plan reads by estimate, or null when some read cannot be estimated (a windowed or
 * interval-valid instance, or a table no rollup with recorded counts describes). Source rows per unit
 * of time come from a rollup of the table (its source rows between its first partition and its
 * watermark, and the same density after it); rollup rows likewise from the rollup's own rows.
 */
export function rowsRead(plan: Plan, ctx: OptimizeContext): RowsRead | null {
  let raw = 0;
  let rollup = 0;
  for (const m of plan.root.input.inputs) {
    for (const a of aggregatesOf(m)) {
      // Druid rollup rows have their own price (cost.ts's druidEstimate): their runtimes would skew the fit.
      if (a.input.input.table.source === DRUID_ROLLUP_SOURCE) return null;
      const rows = aggregateRowsRead(a, ctx);
      if (!rows) return null;
      raw += rows.raw;
      rollup += rows.rollup;
    }
  }
  return { raw, rollup };
}

/** The rows one aggregate (a plan's instance or a stitch piece) reads by estimate; see rowsRead. */
export function aggregateRowsRead(a: Aggregate, ctx: OptimizeContext): RowsRead | null {
  if (a.bucketing.kind !== 'truncate') return null;
  const window = a.bucketing.range;
  const table = a.input.input.table;
  if (isRollupSource(table.source)) {
    const f = ctx.facts.get(table.table);
    if (!f?.watermark || !f.sourceStart) return null;
    const lo = Date.parse(f.sourceStart);
    const hi = Date.parse(f.watermark);
    if (!(hi > lo)) return null;
    return { raw: 0, rollup: (f.rows * overlap(window, lo, hi)) / (hi - lo) };
  }
  const described = ctx.rollups
    .filter((r) => tableKey(r.table) === tableKey(table))
    .map((r) => ctx.facts.get(r.name))
    .find((f) => f?.watermark && f.sourceStart && f.sourceRows !== undefined);
  if (!described) return null;
  const lo = Date.parse(described.sourceStart!);
  const hi = Date.parse(described.watermark!);
  if (!(hi > lo)) return null;
  return {
    raw: (described.sourceRows! * overlap(window, lo, Number.POSITIVE_INFINITY)) / (hi - lo),
    rollup: 0,
  };
}

/** Solves the 3×3 system m·x = v (Cramer's rule); null when singular. */
function solve3(m: readonly number[][], v: readonly number[]): [number, number, number] | null {
  const det = (a: readonly number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(m);
  const scale = Math.max(...m.flat().map(Math.abs), 1e-300);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12 * scale ** 3) return null;
  const col = (i: number) => m.map((row, r) => row.map((x, c) => (c === i ? v[r]! : x)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

export class RowCostCalibration {
  /** Weighted normal equations over x = [1, source rows, rollup rows] (in millions). */
  private readonly xx = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  private readonly xy = [0, 0, 0];
  private runs = 0;
  private rawRuns = 0;
  private rollupRuns = 0;

  /** One run: what it read (by estimate) and how long it took. */
  observe(rows: RowsRead, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || !(rows.raw + rows.rollup > 0)) return;
    const x = [1, rows.raw / UNIT, rows.rollup / UNIT];
    for (let i = 0; i < 3; i++) {
      this.xy[i] = this.xy[i]! * FORGET + x[i]! * ms;
      for (let j = 0; j < 3; j++) this.xx[i]![j] = this.xx[i]![j]! * FORGET + x[i]! * x[j]!;
    }
    this.runs++;
    if (rows.rollup > 0) this.rollupRuns++;
    else this.rawRuns++;
  }

  /** The fitted row cost, or null while the runs seen cannot tell it. */
  current(): RowCost | null {
    if (this.runs < MIN_RUNS || this.rawRuns < MIN_RUNS_EACH || this.rollupRuns < MIN_RUNS_EACH) return null;
    const fit = solve3(this.xx, this.xy);
    if (!fit) return null;
    const [, perSourceRow, perRollupRow] = fit;
    if (!(perSourceRow > 0) || !(perRollupRow > 0)) return null;
    const factor = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, perRollupRow / perSourceRow));
    return Object.freeze({ factor, basis: `calibrated from ${this.runs} runs` });
  }
}
