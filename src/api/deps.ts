/**
 * What the HTTP layer needs from the rest of the system, as small interfaces. `createApp(deps)` takes
 * these; src/api/bootstrap.ts builds the real ones (semantic/, exec/, store/, cache/) and tests may pass
 * their own. Mirrors the language facade (src/semantic/) and the engine facade (src/exec/).
 */
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';

export type Registry = ReadonlyMap<string, KpiIR>;

export interface Analysis {
  readonly kpis: readonly KpiIR[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The language facade: DSL and the seed's JSON KPIDefinition → KPI IR, with spanned diagnostics. */
export interface KpiLanguage {
  analyzeDsl(text: string, registry: Registry, file?: string): Analysis;
  /** One seed KPIDefinition object or an array of them. */
  analyzeDefinitions(json: unknown, registry: Registry): Analysis;
  parseFilter(text: string, registry: Registry): { expr: RowExpr | null; diagnostics: readonly Diagnostic[] };
  printKpi(ir: KpiIR): string;
}

export interface CompiledQuery {
  /** Hash of the optimized plan: the cache key's core. */
  readonly planHash: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly dialect: string;
  /** The optimized plan (plain data), shown by /api/compile. */
  readonly plan: unknown;
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
}

/** The engine facade over one registry snapshot. */
export interface KpiEngine {
  compile(query: MetricQuery): CompiledQuery | Promise<CompiledQuery>;
  run(query: MetricQuery, options?: { readonly signal?: AbortSignal }): Promise<RunResult>;
  /** EXPLAIN text (rules, rollup per variable with rejection reasons, engine, SQL) when an optimizer runs. */
  explain?(query: MetricQuery): string;
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
    readonly materialization: string;
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
}

export type RollupAction = 'build' | 'refresh';

/** The last build or refresh of a rollup in this process. */
export interface RollupJob {
  readonly action: RollupAction;
  readonly state: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly result: RollupLoad | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Rollup administration (federated mode): status, cold build, incremental refresh. */
export interface RollupAdmin {
  list(): Promise<readonly RollupInfo[]>;
  /** With the newest source time, whether rows after the watermark exist (one engine query), last job. */
  status(name: string): Promise<
    RollupInfo & {
      readonly sourceHigh: string | null;
      readonly stale: boolean;
      readonly job: RollupJob | null;
    }
  >;
  build(name: string): Promise<RollupLoad>;
  refresh(name: string): Promise<RollupLoad>;
  /** Starts a build or refresh and returns at once (404 unknown, 409 busy); its status shows the job. */
  start(name: string, action: RollupAction): RollupJob;
}
