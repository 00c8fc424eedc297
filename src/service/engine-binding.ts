/**
 * Adapts the engine facade (src/exec) to the service's EngineFactory. Embedded mode: the demo database
 * is served over a local socket and a catalog variant maps every source onto that one connection, so
 * the compiler's single-engine PostgreSQL path runs everything. Federated mode: the seed's variables.
 */

import { readFileSync } from 'node:fs';
import { buildCatalog, DEMO_CATALOG_PATH } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import type { ServiceConfig } from '../config/env.ts';
import type { EmbeddedSources } from '../embedded/sources-engine.ts';
import { DruidAvailability } from '../exec/druid-availability.ts';
import {
  type Compiled,
  createEngine,
  createRuntime,
  type KpiEngine as ExecEngine,
  type ExecuteOptions,
} from '../exec/engine.ts';
import type { PgPools } from '../exec/postgres-run.ts';
import { trinoConnection, trinoHeaders } from '../exec/trino-connection.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { approximationsOf } from '../optimize/approximations.ts';
import { optimizerFor } from '../optimize/context.ts';
import { explain } from '../optimize/explain.ts';
import { druidRollupsRead, LiveOptimizer, rollupsRead, rollupVersion, tablesRead } from '../optimize/live.ts';
import type { Plan } from '../plan/nodes.ts';
import { stateDdl } from '../rollup/ddl.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStatesWith } from '../rollup/state.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { runCompiledChecked } from './checked-run.ts';
import type { DataStamp } from './data-stamp.ts';
import type {
  CompiledQuery,
  EngineFactory,
  HealthCheck,
  KpiEngine,
  RunOptions as ServiceRunOptions,
} from './types.ts';

export const EMBEDDED_ENV = 'KPI_EMBEDDED_DB_URL';

/** Every source on one PostgreSQL connection, each in the schema named after it (as src/data loads them). */
export function embeddedCatalog(path: string = DEMO_CATALOG_PATH): Catalog {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  file.connections = { embedded: { engine: 'postgres', env: EMBEDDED_ENV, trinoCatalog: 'embedded' } };
  for (const [name, source] of Object.entries(
    file.sources as Record<string, { connection: string; schema: string }>,
  )) {
    source.connection = 'embedded';
    source.schema = name;
  }
  return buildCatalog(file);
}

export interface EngineBinding {
  readonly factory: EngineFactory;
  readonly health: HealthCheck[];
  /** Federated with ENABLE_OPTIMIZER: rollups and their state; null when plans run as planned. */
  readonly optimizer: LiveOptimizer | null;
  /** The connection URLs the engine (and rollup builds) use. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Changes when the optimizer's context does: engines, plans and cache keys made before are stale. */
  generation(): number;
  close(): Promise<void>;
}

/** The optimizer over the metrics store's rollup_state, read through the service's own connection. */
async function liveOptimizer(
  config: ServiceConfig,
  catalog: Catalog,
  store: SqlClient,
  log: (line: string) => void,
): Promise<LiveOptimizer> {
  const rollups = loadRollups(catalog, config.ROLLUPS_FILE);
  await store.exec(stateDdl());
  return LiveOptimizer.start({
    catalog,
    rollups,
    readStates: () => readStatesWith((sql) => store.query(sql)),
    intervalMs: config.ROLLUP_STATE_POLL_MS,
    ...(config.OPTIMIZER_ROW_COST !== undefined
      ? {
          rowCost: { factor: config.OPTIMIZER_ROW_COST, basis: 'pinned by OPTIMIZER_ROW_COST', pinned: true },
        }
      : {}),
    onError: (error) => log(`optimizer: cannot read rollup state: ${(error as Error).message}`),
  });
}

export async function engineFactoryFor(
  config: ServiceConfig,
  catalog: Catalog,
  /** The embedded default's demo sources (a worker thread serving PGlite); null when federated. */
  embedded: EmbeddedSources | null,
  store: SqlClient,
  log: (line: string) => void = () => {},
  /** Pools made by the caller (the store already uses the metrics store's); closed with the engine. */
  pools?: PgPools,
  hooks: {
    /** Told of every run that read rollups: its answer kept, or void and answered raw. */
    readonly onRollupRun?: (outcome: 'kept' | 'void') => void;
    /** Told of every compile and its duration. */
    readonly onCompile?: (ms: number) => void;
  } = {},
): Promise<EngineBinding> {
  const onRollupRun = hooks.onRollupRun ?? (() => {});
  const closers: Array<() => Promise<void>> = [];
  let env: Record<string, string | undefined>;
  let engineCatalog = catalog;
  let interrupters: ReadonlyMap<string, () => Promise<void>> | undefined;
  if (embedded) {
    // Also as TIMESCALE_URL: the engine then keeps one connection to it and never opens a second one
    // to cancel (the embedded socket serves one connection at a time). A timed-out statement is
    // stopped by restarting the worker that runs it.
    env = { [EMBEDDED_ENV]: embedded.url, TIMESCALE_URL: embedded.url };
    interrupters = new Map([[embedded.url, () => embedded.interrupt('a query timed out or was canceled')]]);
    engineCatalog = embeddedCatalog();
  } else {
    env = {
      TRINO_URL: config.TRINO_URL,
      PAYMENTS_DB_URL: config.PAYMENTS_DB_URL,
      USERS_DB_URL: config.USERS_DB_URL,
      ANALYTICS_DB_URL: config.ANALYTICS_DB_URL,
      TIMESCALE_URL: config.TIMESCALE_URL,
      DRUID_URL: config.DRUID_URL,
    };
  }
  const runtime = createRuntime({
    env,
    maxConcurrent: config.MAX_CONCURRENT_CALCULATIONS,
    ...(pools ? { pools } : {}),
    ...(interrupters ? { interrupters } : {}),
  });
  closers.push(() => runtime.close());
  // Rollups are built by Trino into the metrics store: the embedded default has neither.
  const live =
    !embedded && config.ENABLE_OPTIMIZER && config.TIMESCALE_URL
      ? await liveOptimizer(config, catalog, store, log)
      : null;
  if (live) closers.push(async () => live.close());
  // Druid answers from the segments it serves: one not served gives a partial figure without an error.
  const druid = live && config.DRUID_URL ? new DruidAvailability(config.DRUID_URL) : null;
  const unusable = async (plan: Plan, signal?: AbortSignal) => {
    const datasources = druidRollupsRead(plan);
    return druid && datasources.length > 0 ? druid.unavailable(datasources, signal) : null;
  };
  const engineOf = (registry: Parameters<EngineFactory>[0], optimize: boolean) =>
    createEngine({
      catalog: engineCatalog,
      registry,
      env,
      timeoutMs: config.QUERY_TIMEOUT_MS,
      runtime,
      ...(hooks.onCompile ? { onCompile: hooks.onCompile } : {}),
      ...(optimize && live ? { optimizer: optimizerFor(live.context) } : {}),
    });
  const factory: EngineFactory = (registry): KpiEngine => {
    const ctx = live?.context;
    const engine = engineOf(registry, true);
    let raw: ExecEngine | null = null;
    // What each CompiledQuery handed out was compiled into, so a run never compiles it again.
    const compiledOf = new WeakMap<CompiledQuery, Compiled>();
    const compile = (query: MetricQuery, options?: { readonly dialect?: 'trino' }): CompiledQuery => {
      const c = engine.compile(query, options);
      const out: CompiledQuery = {
        query,
        plan: c.plan,
        planHash: c.planHash,
        sql: c.sql,
        params: c.params,
        dialect: c.dialect,
        reads: { rollups: rollupsRead(c.plan), tables: tablesRead(c.plan, live?.rollups ?? []) },
      };
      const approximate = approximationsOf(c.plan);
      if (approximate.length > 0) Object.assign(out, { approximate });
      compiledOf.set(out, c);
      return out;
    };
    const run = async (compiled: CompiledQuery, o: ServiceRunOptions = {}) => {
      // A CompiledQuery from elsewhere (another engine's) is compiled again, for the same dialect.
      const c =
        compiledOf.get(compiled) ??
        engine.compile(compiled.query, compiled.dialect === 'trino' ? { dialect: 'trino' } : undefined);
      const options: ExecuteOptions = {
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.user ? { user: o.user } : {}),
        ...(o.exactValues ? { exactValues: true } : {}),
      };
      // Raw answers are as current as the moment the sources were read.
      const readAt = new Date().toISOString();
      if (!live || !ctx)
        return {
          ...(await engine.execute(c, options)),
          data: { asOf: readAt, rollups: {} },
          ...approximateOf(c.plan, false),
        };
      const t0 = performance.now();
      const checked = await runCompiledChecked({
        engine,
        raw: () => {
          raw ??= engineOf(registry, false);
          return raw;
        },
        compiled: c,
        holds: (plan) => live.holds(ctx, plan),
        unusable,
        options,
      });
      if (checked.readRollups) onRollupRun(checked.voided ? 'void' : 'kept');
      // The runtime the plan's estimated reads took: keeps the optimizer's row cost fresh.
      if (!checked.voided) live.observe(ctx, c.plan, performance.now() - t0, checked.result.dialect);
      if (checked.voided)
        log(
          checked.reason
            ? `optimizer: ${checked.reason}; ${c.query.kpi} answered from the sources instead`
            : `optimizer: a rollup changed while ${c.query.kpi} ran; answered from the sources instead`,
        );
      return {
        ...checked.result,
        data: dataStampOf(live, c.plan, checked, readAt),
        // A voided or failed rollup answer was answered by the raw plan: its approximations are Trino's.
        ...approximateOf(c.plan, checked.voided),
      };
    };
    return {
      compile,
      run,
      ...(live && ctx
        ? {
            explain: (query: MetricQuery) =>
              explain({ catalog: engineCatalog, registry, context: ctx, env }, query).text,
          }
        : {}),
      get load() {
        return engine.load;
      },
    };
  };
  const health: HealthCheck[] = config.TRINO_URL
    ? [
        {
          name: 'trino',
          required: false,
          check: async () => {
            const trino = trinoConnection(config);
            const res = await fetch(`${trino.url}/v1/info`, {
              headers: trinoHeaders(trino),
              signal: AbortSignal.timeout(1_500),
            });
            if (!res.ok) return 'down';
            return ((await res.json()) as { starting?: boolean }).starting ? 'degraded' : 'ok';
          },
        },
      ]
    : [];
  return {
    factory,
    health,
    optimizer: live,
    env,
    generation: () => live?.generation ?? 0,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}

/** What a checked answer rests on: as of when, and the versions of the rollups it read. */
function approximateOf(plan: Plan, raw: boolean): { approximate?: ReturnType<typeof approximationsOf> } {
  const approximate = approximationsOf(plan, { raw });
  return approximate.length > 0 ? { approximate } : {};
}

function dataStampOf(
  live: LiveOptimizer,
  plan: Plan,
  checked: { readonly readRollups: boolean; readonly voided: boolean },
  readAt: string,
): DataStamp {
  const rollups: Record<string, string> = {};
  let asOf = readAt;
  if (checked.readRollups && !checked.voided) {
    for (const name of rollupsRead(plan)) {
      const state = live.stateOf(name);
      const version = rollupVersion(state);
      if (version) rollups[name] = version;
      // The rollup is as current as its last comparison with its source (or its last load).
      const checkedAt = state?.checkedAt ?? state?.builtAt;
      if (checkedAt && Date.parse(checkedAt) < Date.parse(asOf)) asOf = checkedAt;
    }
  }
  return { asOf, rollups };
}
