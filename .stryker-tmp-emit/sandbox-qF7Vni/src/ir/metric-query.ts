/**
 * A MetricQuery asks one KPI a question: at which grain, over which half-open range, in which
 * time zone, broken down by which dimensions, restricted by which filters.
 */
// @ts-nocheck

import type { Grain, RowExpr } from './kpi.ts';

export interface TimeRange {
  /** Inclusive start, ISO 8601 with offset or `Z`. */
  readonly start: string;
  /** Exclusive end. */
  readonly end: string;
}

export interface MetricQuery {
  /** KPI id in the registry. */
  readonly kpi: string;
  /** null: one total over the whole range. */
  readonly grain: Grain | null;
  readonly range: TimeRange;
  /** IANA zone; buckets are computed in it (default SCHEDULER_TIMEZONE, else UTC). */
  readonly timezone: string;
  readonly dimensions: readonly string[];
  /** Conjunction of row filters over dimensions (DimensionRef) and literals. */
  readonly filters: readonly RowExpr[];
}
