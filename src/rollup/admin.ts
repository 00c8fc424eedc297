/**
 * Rollup administration as its users see it (the HTTP routes, the scheduler's refresher): status, cold
 * build, incremental refresh, verification. Plain types; src/service/rollup-admin.ts implements them.
 */

/** A rollup as /api/rollups shows it: its definition and what the metrics store says of it. */
export interface RollupInfo {
  readonly name: string;
  readonly on: string;
  readonly grain: string;
  readonly timezone: string;
  readonly dimensions: readonly string[];
  readonly measures: readonly string[];
  /** null: never built with this definition (the optimizer does not use it). */
  readonly state: {
    readonly watermark: string | null;
    readonly loadedTo: string | null;
    readonly builtAt: string | null;
    readonly factRows: number;
    readonly aggRows: number;
    /** Source rows the rollup summarizes (the optimizer's cost estimate); null: not recorded yet. */
    readonly sourceRows: number | null;
    readonly materialization: string;
    /** Moves whenever published data below the watermark may change (dirty or repaired partitions). */
    readonly revision: string;
    /** When a refresh last compared it with its source, and when a full verification last did. */
    readonly checkedAt: string | null;
    readonly verifiedAt: string | null;
    /** Partitions being re-loaded because their source changed: the optimizer does not read them. */
    readonly dirtyPartitions: readonly (readonly [string, string])[];
    /** The source's identity it was loaded from (the demo data's seed, scale and load time). */
    readonly sourceIdentity: string | null;
    /** The change-capture log id consumed so far (null: capture not installed, or not read yet). */
    readonly captureSeen: string | null;
  } | null;
}

/** What a build or refresh did. */
export interface RollupLoad {
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  readonly ms: number;
  readonly materialization: string;
  /** What was compared with the source (window, capture log, or everything) and what it cost. */
  readonly checked: {
    readonly mode: string;
    readonly from: string | null;
    readonly partitions: number;
    readonly rowsScanned: number;
    readonly ms: number;
  };
  /** Published partitions [start, end) whose source had changed, re-loaded. */
  readonly repaired: readonly (readonly [string, string])[];
  /** Why everything was checked (a source reload, a failed verification), when that was the case. */
  readonly reason: string | null;
}

export type RollupAction = 'build' | 'refresh' | 'verify';

/** The last build or refresh of a rollup in this process. */
export interface RollupJob {
  readonly action: RollupAction;
  readonly state: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly result: RollupLoad | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Rollup administration (federated mode): status, cold build, incremental refresh, verification. */
export interface RollupAdmin {
  list(): Promise<readonly RollupInfo[]>;
  /** With the newest source time, whether rows after the watermark exist (one engine query), last job. */
  status(name: string): Promise<
    RollupInfo & {
      readonly sourceHigh: string | null;
      /** May differ from the source; `staleReasons` says why. */
      readonly stale: boolean;
      readonly staleReasons: readonly string[];
      readonly job: RollupJob | null;
    }
  >;
  build(name: string): Promise<RollupLoad>;
  refresh(name: string): Promise<RollupLoad>;
  /** Compares every partition with the source and repairs those that differ. */
  verify(name: string): Promise<RollupLoad>;
  /** Built rollups whose source's change-capture log has entries they have not loaded yet. */
  /**
   * Rollups whose capture log moved past what they consumed. `first`: the log was never read by the
   * rollup (capture just installed) — a refresh records the position, but nothing changed that it knew.
   */
  captured(): Promise<readonly { readonly name: string; readonly table: string; readonly first: boolean }[]>;
  /** Starts a build or refresh and returns at once (404 unknown, 409 busy); its status shows the job. */
  start(name: string, action: RollupAction): RollupJob;
}
