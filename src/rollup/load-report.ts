/**
 * What a rollup load (build, refresh, verification) reports and the errors it throws — shared by the
 * metrics-store rollups (refresh.ts) and the Druid-backed ones (druid-load.ts).
 */
import type { Materialization } from './ddl.ts';
import type { TimeRange } from './state.ts';

/** Cube's `updateWindow`: how far back a refresh re-checks the source unless the rollup says otherwise. */
export const DEFAULT_MUTABLE_WINDOW_DAYS = 7;

/** Another build or refresh of the same rollup won: nothing was written; run again if still needed. */
export class RollupConflictError extends Error {
  override readonly name = 'RollupConflictError';
}

/** A refresh of a rollup that was never built with its current definition. */
export class RollupNotBuiltError extends Error {
  override readonly name = 'RollupNotBuiltError';
}

export interface LoadReport {
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  readonly loadMs: number;
  readonly refreshMs: number;
  readonly ddlMs: number;
  readonly materialization: Materialization;
  /** What was compared with the source: partitions, source rows read, and how long it took. */
  readonly checked: {
    readonly mode: 'window' | 'capture' | 'full';
    readonly from: string | null;
    readonly partitions: number;
    readonly rowsScanned: number;
    readonly ms: number;
  };
  /** Published partitions whose source had changed, re-loaded. */
  readonly repaired: readonly TimeRange[];
  /** Why every partition was checked although a window was asked for (a reload, a failed verification). */
  readonly reason: string | null;
}

export interface RefreshOptions {
  /** Check every partition: a full verification. */
  readonly full?: boolean;
  /** Days before the load watermark whose partitions are re-checked (default: the rollup's, else 7). */
  readonly mutableWindowDays?: number;
}
