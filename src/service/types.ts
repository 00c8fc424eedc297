/**
 * The narrow interfaces the edges (HTTP routes, the SQL endpoint, the CLI) see of the services: the
 * language facade, the engine facade over one registry snapshot, jobs, health. src/service builds the
 * real ones (bootstrap.ts); tests may pass their own.
 */
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import type { Approximation } from '../optimize/approximations.ts';
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
  /** The question it answers. */
  readonly query: MetricQuery;
  /** Hash of the optimized plan: the cache key's core. */
  readonly planHash: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly dialect: string;
  /** The optimized plan (plain data), shown by /api/compile. */
  readonly plan: unknown;
  /** What the plan reads: rollups by name and source tables (`source.table`, those behind rollups too). */
  readonly reads?: { readonly rollups: readonly string[]; readonly tables: readonly string[] };
  /** Its approximate variables (approx_distinct), each with how and its error bound; absent: all exact. */
  readonly approximate?: readonly Approximation[];
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
  /** Approximate variables of the plan that answered (approx_distinct), with error bounds; absent: exact. */
  readonly approximate?: readonly Approximation[];
}

/** How a compiled query runs for one caller. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  /** The end user (a token's subject) the query runs for — X-Trino-User on Trino. */
  readonly user?: string | null;
  /** Keep exact values' text (RunOptions.exactValues in src/exec). */
  readonly exactValues?: boolean;
}

/**
 * The engine facade over one registry snapshot: compile once, run what was compiled. The concurrency
 * limit and QUERY_TIMEOUT_MS apply inside `run` (src/exec), once.
 */
export interface KpiEngine {
  /** `dialect: 'trino'`: Trino SQL even where the query could run on one database directly. */
  compile(
    query: MetricQuery,
    options?: { readonly dialect?: 'trino' },
  ): CompiledQuery | Promise<CompiledQuery>;
  run(compiled: CompiledQuery, options?: RunOptions): Promise<RunResult>;
  /** EXPLAIN text (rules, rollup per variable with rejection reasons, engine, SQL) when an optimizer runs. */
  explain?(query: MetricQuery): string;
  /** Calculations running now and waiting for a slot (MAX_CONCURRENT_CALCULATIONS). */
  readonly load?: { readonly active: number; readonly queued: number };
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

export type { RollupAction, RollupAdmin, RollupInfo, RollupJob, RollupLoad } from '../rollup/admin.ts';
