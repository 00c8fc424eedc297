/**
 * What the endpoint is given (SqlEndpointDeps, wired in service/sql-endpoint-wiring.ts) and what one
 * statement runs with (RunContext): types only, so the endpoint, the local runner and federation import
 * them without importing each other.
 */
import type { Catalog } from '../catalog/types.ts';
import type { KpiIR } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import type { EngineRow } from './kpi-rows.ts';
import type { TrinoUpstream } from './pass-through.ts';
import type { Session } from './session.ts';

export interface SqlEndpointDeps {
  /** The live KPI registry: tables appear and change with the definitions, no restart. */
  readonly registry: () => ReadonlyMap<string, KpiIR>;
  /** Source catalog (dimension column types). */
  readonly catalog: Catalog;
  /**
   * Answers one MetricQuery through the service's cached engine path, with exact values' text
   * (`valueText`); `user`: the authenticated end user Trino runs it as (null: auth is off).
   */
  readonly answer: (
    query: MetricQuery,
    signal: AbortSignal,
    user: string | null,
  ) => Promise<readonly EngineRow[]>;
  /** EXPLAIN text for a MetricQuery (optimizer steps and SQL). */
  readonly explain: (query: MetricQuery) => Promise<string>;
  /** A MetricQuery as Trino SQL with its values in place: KPI tables in federated statements. */
  readonly compileForTrino?: (query: MetricQuery) => Promise<string>;
  /** null: the embedded default — only the kpi catalog is served. */
  readonly trinoUrl: string | null;
  readonly defaultTimeZone: string;
  readonly now?: () => Date;
  /** A query nobody polls for this long is cancelled (default 5 min, Trino's query.client.timeout). */
  readonly abandonAfterMs?: number;
  readonly pageRows?: number;
  /** How long a poll waits for a result before answering "still running" (default 1 s, as Trino). */
  readonly maxWaitMs?: number;
  readonly maxQueries?: number;
  /** Mapped KPI statements remembered (plan-cache.ts); default 1,000. */
  readonly planCacheSize?: number;
}

export interface RunContext {
  readonly session: Session;
  readonly zone: string;
  readonly now: Date;
  readonly registry: ReadonlyMap<string, KpiIR>;
  readonly catalog: Catalog;
  readonly deps: SqlEndpointDeps;
  readonly upstream: TrinoUpstream | null;
  /** The authenticated end user KPI queries run for on Trino (null: auth is off). */
  readonly user: string | null;
}
