/**
 * A rollup declaration (`rollup NAME on source.table { grain: day; … }`): a pre-aggregated table the
 * optimizer may answer queries from when that gives the same answer. Plain frozen data.
 */
import type { TableRef } from '../catalog/types.ts';
import type { AggregateFn, Grain, RowExpr } from './kpi.ts';

export interface RollupMeasure {
  readonly fn: AggregateFn;
  /** null for count(*). */
  readonly column: string | null;
}

/** Where a rollup is stored: the metrics store (TimescaleDB) or an Apache Druid datasource. */
export type RollupTarget = 'timescale' | 'druid';

export interface RollupDef {
  readonly name: string;
  readonly table: TableRef;
  readonly grain: Grain;
  readonly timezone: string;
  readonly dimensions: readonly string[];
  readonly measures: readonly RollupMeasure[];
  /** Rows the rollup keeps (`filter: status = 'active'`); null keeps all. */
  readonly filter: RowExpr | null;
  /**
   * How many days before its load watermark a refresh re-checks the source for changes (Cube's
   * `updateWindow`); absent: 7. Not part of what the rollup holds, so changing it needs no rebuild.
   */
  readonly mutableWindowDays?: number;
  /**
   * `druid`: the rollup is a Druid datasource of the same name, loaded by native batch ingestion with
   * Druid's own rollup at the grain; absent: the metrics store (TimescaleDB). Part of what the rollup
   * holds (a build on another target is another build).
   */
  readonly target?: 'druid';
}

export const rollupTarget = (r: Pick<RollupDef, 'target'>): RollupTarget => r.target ?? 'timescale';
