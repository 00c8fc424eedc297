/**
 * What the HTTP layer needs from the rest of the system, as small interfaces. `createApp(deps)` takes
 * these; src/api/bootstrap.ts builds the real ones (semantic/, exec/, store/, cache/) and tests may pass
 * their own. Mirrors the language facade (src/semantic/) and the engine facade (src/exec/).
 */
// @ts-nocheck

import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import type { BackfillRecord, RunFilter } from '../store/job-store.ts';
import type { DataStamp } from './data-stamp.ts';

export type Registry = ReadonlyMap<string, KpiIR>;

export interface Analysis {
  readonly kpis: readonly KpiIR[];
  readonly diagnostics: readonly Diagnostic[];
  /** Each KPI printed as DSL (same order as kpis), when printed off the event loop already. */
  readonly printed?: readonly string[];
}

/** The language facade: DSL and the seed's JSON KPIDefinition → KPI IR, with spanned diagnostics. */
export interface KpiLanguage {
  analyzeDsl(text: string, registry: Registry, file?: string): Analysis;
  /** One seed KPIDefinition object or an array of them. */
  analyzeDefinitions(json: unknown, registry: Registry): Analysis;
  parseFilter(text: string, registry: Registry): { expr: RowExpr | null; diagnostics: readonly Diagnostic[] };
  printKpi(ir: KpiIR): string;
  /**
   * Request-supplied definitions, analyzed off the event loop (src/offload): a 1 MiB body of DSL takes
   * seconds to lex and analyze. Without it, requests are analyzed with the synchronous methods above.
   */
  analyzeRequest?(submission: DefinitionSubmission, registry: Registry): Promise<Analysis>;
  close?(): Promise<void>;
}

export type DefinitionSubmission =
  | { readonly format: 'dsl'; readonly text: string }
  | { readonly format: 'json'; readonly json: unknown };

export interface CompiledQuery {
  /** Hash of the optimized plan: the cache key's core. */
  readonly planHash: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly dialect: string;
  /** The optimized plan (plain data), shown by /api/compile. */
  readonly plan: unknown;
  /** What the plan reads: rollups by name and source tables (`source.table`, those behind rollups too). */
  readonly reads?: { readonly rollups: readonly string[]; readonly tables: readonly string[] };
}

export interface ResultRow {
  readonly time?: string | null;
  readonly value: number | null;
  readonly [dimension: string]: unknown;
}

export interface RunResult {
  readonly rows: readonly ResultRow[];
  readonly sql: string;
  readonly timings?: Readonly<Record<string, number>>;
  /** The data it rests on: as of when, and the rollup versions it read (none when answered raw). */
  readonly data?: DataStamp;
}

/** The engine facade over one registry snapshot. */
export interface KpiEngine {
  /** `dialect: 'trino'`: Trino SQL even where the query could run on one database directly. */
  compile(
    query: MetricQuery,
    options?: { readonly dialect?: 'trino' },
  ): CompiledQuery | Promise<CompiledQuery>;
  /** `user`: the end user (a token's subject) the query runs for — X-Trino-User on Trino. */
  run(
    query: MetricQuery,
    options?: {
      readonly signal?: AbortSignal;
      readonly user?: string | null;
      /** Keep exact values' text (RunOptions.exactValues in src/exec). */
      readonly exactValues?: boolean;
    },
  ): Promise<RunResult>;
  /** EXPLAIN text (rules, rollup per variable with rejection reasons, engine, SQL) when an optimizer runs. */
  explain?(query: MetricQuery): string;
}

/** The scheduler's runs and back-fills as the API sees them (src/scheduler, src/store/job-store.ts). */
export interface JobsApi {
  runs(filter: RunFilter): Promise<readonly Record<string, unknown>[]>;
  backfill(id: string): Promise<BackfillRecord | null>;
  /** Starts a back-fill of [start, end) (epoch ms); null when no scheduler runs in this instance. */
  readonly requestBackfill: ((kpiId: string, start: number, end: number) => Promise<BackfillRecord>) | null;
  /** The time zone a KPI's schedule buckets in (bare dates of a back-fill are read there); null: unscheduled. */
  scheduleTimezone(kpiId: string): string | null;
}

/** Materialized KPI history (src/scheduler/materialized.ts). */
export interface MaterializedHistory {
  /** The rows of `query` when materialized history covers it exactly (at `version`); null: compute live. */
  lookup(query: MetricQuery, kpi: KpiIR, version: string): Promise<readonly Record<string, unknown>[] | null>;
}

/** Builds an engine for a registry snapshot (definitions change at run time). */
export type EngineFactory = (registry: Registry) => KpiEngine;

export type CheckStatus = 'ok' | 'degraded' | 'down' | 'not_configured';

export interface HealthCheck {
  /** Name under `storage` in /health (druid, timescale, cache, …). */
  readonly name: string;
  /** A required part being down makes /health 503; an optional one only reports. */
  readonly required: boolean;
  check(): Promise<CheckStatus>;
}

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
