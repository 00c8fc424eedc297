/** What optimizer rules see and return: plain data, so every step can be printed and golden-tested. */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { Plan } from '../plan/nodes.ts';
import type { Tile } from './tiles.ts';

/** What the optimizer knows of a built rollup (from the metrics store's rollup_state). */
export interface RollupFacts {
  /** Exclusive: every source row with time before it is in the rollup; null = never loaded. */
  readonly watermark: string | null;
  /** Rows of the aggregate: the estimate used to pick among several matching rollups. */
  readonly rows: number;
  /**
   * Source rows the rollup summarizes (recorded at every publish from its partitions' fingerprints),
   * when known; unknown: the rollup counts as free.
   */
  readonly sourceRows?: number;
  /** Start of its first partition: with sourceRows and the watermark, the source's rows per unit of time. */
  readonly sourceStart?: string;
  /** The cold build this is about (rollup_state.build_id): an answer planned on another build is void. */
  readonly buildId: string;
  /** rollup_state.revision: moves when data below the watermark may change; another one voids an answer. */
  readonly revision?: string;
  /** Partitions [start, end) being re-loaded because their source changed: never read. */
  readonly dirty?: readonly (readonly [string, string])[];
}

export interface OptimizeContext {
  /** The source catalog; rules that read rollups see it extended with the `rollups` source. */
  readonly catalog: Catalog;
  readonly rollups: readonly RollupDef[];
  readonly facts: ReadonlyMap<string, RollupFacts>;
  /** What a rollup row costs relative to a source row; absent: cost.ts's measured default. */
  readonly rowCost?: RowCost;
  /** Engine costs fitted to observed runs (engine-calibrate.ts); absent: split.ts's defaults. */
  readonly engineCosts?: FittedEngineCosts;
}

/** The cost of reading one rollup row in source rows, and where the figure comes from (for EXPLAIN). */
export interface RowCost {
  readonly factor: number;
  /** `calibrated from N runs` or `default`. */
  readonly basis: string;
  /**
   * Pinned by the caller (OPTIMIZER_ROW_COST, tests' ANY_ROLLUP): then it prices Druid rollup rows too;
   * otherwise a Druid rollup is priced by cost.ts's druidEstimate.
   */
  readonly pinned?: true;
}

/** The choice made for one measure instance (a variable of the KPI). */
export interface RollupChoice {
  /** Aggregate output column (`m0`) and the `kpi.measure` it computes. */
  readonly instance: string;
  readonly source: string;
  readonly chosen: string | null;
  /** One line per rollup considered and not chosen (or every rollup, when none was). */
  readonly rejected: readonly string[];
  /** With a chosen rollup: the tiles of the range it reads (rollup) and reads raw (more than one: stitched). */
  readonly pieces?: readonly Tile[];
  /** With a chosen rollup: its cost estimate against the raw plan. */
  readonly estimate?: string;
  /** A windowed instance stitched as a base series (its pieces tile the range its windows read). */
  readonly windowed?: boolean;
}

export interface RuleResult {
  readonly plan: Plan;
  readonly notes: readonly string[];
  readonly choices?: readonly RollupChoice[];
  /** The engine chosen (choose-engine). */
  readonly engine?: { readonly dialect: string; readonly connection: string | null; readonly reason: string };
}

export interface Rule {
  readonly name: string;
  apply(plan: Plan, ctx: OptimizeContext): RuleResult;
}

/**
 * Milliseconds per engine, for choosing a split plan or one Trino statement (split.ts's estimate):
 * Trino's fixed cost and cost per row, a direct statement's fixed cost and per row on each engine.
 */
export interface EngineCosts {
  readonly trinoFixedMs: number;
  readonly trinoRowMs: number;
  readonly directFixedMs: number;
  readonly directRowMs: Readonly<Record<'postgres' | 'timescale', number>>;
}

/** Engine costs and where they come from (engine-calibrate.ts), for EXPLAIN. */
export interface FittedEngineCosts {
  readonly costs: EngineCosts;
  /** `default`, or what the figures were fitted from. */
  readonly basis: string;
}
