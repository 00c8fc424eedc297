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
import type { TimeWindow } from '../plan/nodes.ts';
import { DEFAULT_ENGINE_COSTS, type EngineCosts } from './split.ts';
import type { Tile } from './tiles.ts';
import type { RollupFacts, RowCost } from './types.ts';

// Measured side by side with Trino at scale 1 on one (heavily loaded) machine, medians of 7–9 runs:
// Druid SQL over 1 day of the day rollup 256 ms, over all its 12,937 rows 720 ms; raw Trino over 1 day
// of subscriptions 1,280 ms, over all 1,000,000 rows 7,800 ms. Druid's fixed cost is 0.20× Trino's and
// a rollup row 5.5× a source row through Trino (whose aggregation PostgreSQL does), applied to
// split.ts's Trino figures (300 ms, 0.0009 ms a row).
const DRUID_FIXED_MS = 60;
const DRUID_ROW_MS = 0.005;
const DRUID_BASIS = 'Druid costs 60 ms + 0.005 ms a rollup row (measured against Trino at scale 1)';

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

/**
 * Druid's own costs: a query on /druid/v2/sql pays a small fixed cost (broker planning, one round trip
 * to the historical) and little per rollup row (columnar segments, rows pre-aggregated), where raw
 * Trino pays its planning and start-up (split.ts's trinoFixedMs) and its rows. Per-row figures cannot
 * price that (a Druid answer costs mostly its fixed part), so a Druid rollup is priced in milliseconds
 * against the raw plan's (the measurement is beside DRUID_FIXED_MS).
 */
export interface DruidCosts {
  readonly fixedMs: number;
  readonly rowMs: number;
  readonly basis: string;
}

export const DRUID_COSTS: DruidCosts = Object.freeze({
  fixedMs: DRUID_FIXED_MS,
  rowMs: DRUID_ROW_MS,
  basis: DRUID_BASIS,
});

/**
 * A Druid rollup's candidate against the raw plan, in estimated milliseconds: alone, Druid SQL's fixed
 * cost plus its rows; stitched with raw pieces, one Trino statement (Trino's fixed cost, the raw
 * pieces' source rows and the rollup's rows through the druid catalog, each at Trino's row cost).
 * Rows come from the rollup's recorded counts, spread evenly over its span; unknown counts: free.
 */
export function druidEstimate(
  range: TimeWindow,
  tiles: readonly Tile[],
  facts: RollupFacts | undefined,
  druid: DruidCosts = DRUID_COSTS,
  trino: EngineCosts = DEFAULT_ENGINE_COSTS,
): Estimate {
  const total = ms(range);
  const rawShare = tiles.filter((t) => t.from === 'raw').reduce((n, t) => n + ms(t), 0) / total;
  const span =
    facts?.sourceStart && facts.watermark ? Date.parse(facts.watermark) - Date.parse(facts.sourceStart) : 0;
  if (!facts || facts.sourceRows === undefined || span <= 0) {
    return {
      relative: rawShare,
      rollupRows: facts?.rows ?? Number.MAX_SAFE_INTEGER,
      text: `cost ${rawShare.toFixed(3)} of raw (raw ${pct(rawShare)} of the range; Druid rollup size unknown: source rows not recorded)`,
    };
  }
  const sourceRows = (facts.sourceRows * total) / span;
  const rollupRows = (facts.rows * (1 - rawShare) * total) / span;
  const rawMs = trino.trinoFixedMs + trino.trinoRowMs * sourceRows;
  const planMs =
    rawShare === 0
      ? druid.fixedMs + druid.rowMs * rollupRows
      : trino.trinoFixedMs + trino.trinoRowMs * (rawShare * sourceRows + rollupRows);
  const relative = planMs / rawMs;
  const how = rawShare === 0 ? 'Druid SQL' : 'one Trino statement (Druid through its druid catalog + raw)';
  return {
    relative,
    rollupRows: facts.rows,
    text: `cost ${relative.toFixed(3)} of raw (raw ${pct(rawShare)} of the range; ${how} ${planMs.toFixed(1)} ms for ${Math.round(rollupRows)} rollup rows vs raw Trino ${rawMs.toFixed(1)} ms for ${Math.round(sourceRows)} source rows by estimate; ${druid.basis})`,
  };
}
