/**
 * The cost estimate that picks among exact plans for one measure instance: the raw plan, the rollup
 * alone, or rollup + raw pieces. In units of "the raw plan's cost" (reading the range's source rows):
 *
 *   relative = raw share of the range + rollup share × (rollup rows / source rows) × row cost
 *
 * Source rows are taken as spread evenly over time (the share is a share of the range's duration);
 * rollup rows per source row is the rollup's own count: rollup_state's agg_rows over its source_rows,
 * which every publish records from the partitions' fingerprints (computed by the source engine). A
 * rollup row costs more than a source row (it is read from the metrics store, often through Trino, and
 * is wider): the default factor is calibrated from the issue-16 measurement at scale 1 — 62,917 rollup
 * rows read in 166 ms against 100,000 source rows in 87 ms, ≈ 3× per row — rounded down so a rollup
 * that halves the rows still wins; a running service replaces it with the factor fitted to the
 * runtimes it observes (calibrate.ts). A plan below 1 beats raw. Unknown counts (a rollup built before
 * source rows were recorded) count as free.
 */
// @ts-nocheck

import type { TimeWindow } from '../plan/nodes.ts';
import type { Tile } from './tiles.ts';
import type { RollupFacts, RowCost } from './types.ts';

export const DEFAULT_ROW_COST: RowCost = Object.freeze({ factor: 2.5, basis: 'default' });

export interface Estimate {
  /** Estimated cost relative to the raw plan's (1 = raw). */
  readonly relative: number;
  /** The rollup's rows (tie-break: the smaller rollup). */
  readonly rollupRows: number;
  /** For EXPLAIN. */
  readonly text: string;
}

const ms = (w: TimeWindow) => Date.parse(w.end) - Date.parse(w.start);
const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 0)}%`;

export function estimate(
  range: TimeWindow,
  tiles: readonly Tile[],
  facts: RollupFacts | undefined,
  rowCost: RowCost = DEFAULT_ROW_COST,
): Estimate {
  const total = ms(range);
  const rawShare = tiles.filter((t) => t.from === 'raw').reduce((n, t) => n + ms(t), 0) / total;
  const rows = facts?.rows ?? Number.MAX_SAFE_INTEGER;
  const sourceRows = facts?.sourceRows ?? 0;
  const perSourceRow = sourceRows > 0 && facts ? facts.rows / sourceRows : 0;
  const relative = rawShare + (1 - rawShare) * perSourceRow * rowCost.factor;
  const density =
    sourceRows > 0
      ? `${facts!.rows} rollup rows / ${sourceRows} source rows × row cost ${rowCost.factor.toFixed(2)} (${rowCost.basis})`
      : 'rollup size unknown: source rows not recorded';
  return {
    relative,
    rollupRows: rows,
    text: `cost ${relative.toFixed(3)} of raw (raw ${pct(rawShare)} of the range; ${density})`,
  };
}
