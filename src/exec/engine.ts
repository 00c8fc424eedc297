/**
 * The engine facade the CLI and the HTTP service use: compile a MetricQuery (plan + SQL for the chosen
 * dialect) and run it on Trino or directly on PostgreSQL, under a concurrency limit and a timeout.
 * Documented in src/exec/README.md; keep its shape stable.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Param } from '../emit/params.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { CompileError } from '../plan/errors.ts';
import type { Plan } from '../plan/nodes.ts';
import type { Registry } from '../plan/planner.ts';
import { formatInZone, parseInstant } from '../shared/time.ts';
import {
  type Compiled,
  type CompileOptions,
  compileQuery,
  type DialectPreference,
  type EngineName,
  type Optimized,
} from './compile.ts';
import { druidParameters, druidSql } from './druid-client.ts';
import { EngineError } from './errors.ts';
import { QueueFullError, Semaphore } from './limiter.ts';
import { PgPools, runPostgres, SHARED_SERVER, SINGLE_CONNECTION_SERVER } from './postgres-run.ts';
import { runSplit } from './split-run.ts';
import { runTrino } from './trino-http.ts';

export type { Compiled, CompileOptions, DialectPreference, EngineName } from './compile.ts';

export interface EngineOptions {
  readonly catalog: Catalog;
  readonly registry: Registry;
  /** Connection URLs by the seed's names (TRINO_URL, PAYMENTS_DB_URL, …): readStackEnv() or process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** QUERY_TIMEOUT_MS; 0 = none. Default 30 000. */
  readonly timeoutMs?: number;
  /** MAX_CONCURRENT_CALCULATIONS; default 10. */
  readonly maxConcurrent?: number;
  /** `auto` (default): direct PostgreSQL when every table is on one PostgreSQL connection, else Trino. */
  readonly dialect?: DialectPreference;
  /** Pools and the concurrency limit shared by every engine of a process (createRuntime); own otherwise. */
  readonly runtime?: Runtime;
  /**
   * Rewrites each plan before the dialect is chosen and SQL emitted (issue 5: rollups). Returns the plan
   * and the catalog to emit it with (the sources plus any rollup tables it reads). None: plans as planned.
   */
  readonly optimizer?: (plan: Plan) => Optimized;
  /** Told of every compile and how long it took (the service's kpi_compile_duration_seconds). */
  readonly onCompile?: (ms: number) => void;
}

/** What outlives one registry snapshot: connection pools and the concurrency limit. */
export interface Runtime {
  readonly pools: PgPools;
  readonly limiter: Semaphore;
  /** Per connection URL: how to stop a statement on a server that cannot cancel one (embedded PGlite). */
  readonly interrupters?: ReadonlyMap<string, () => Promise<void>>;
  close(): Promise<void>;
}

/** One per process: the PGlite metrics store (TIMESCALE_URL) gets a pool of 1 — it serves one connection. */
export function createRuntime(o: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly maxConcurrent?: number;
  /** Pools made beforehand (poolsFor), e.g. so the service's metrics store shares its connection. */
  readonly pools?: PgPools;
  readonly interrupters?: ReadonlyMap<string, () => Promise<void>>;
}): Runtime {
  const pools = o.pools ?? poolsFor(o.env);
  const max = o.maxConcurrent ?? 10;
  return {
    pools,
    // Fifty waiting per running slot at most: beyond that a caller is refused at once (429 at the edge).
    limiter: new Semaphore(max, max * 50),
    ...(o.interrupters ? { interrupters: o.interrupters } : {}),
    close: () => pools.close(),
  };
}

/**
 * One pool per URL. The metrics store (TIMESCALE_URL) gets `storeConnections` (default 1: the stack's
 * PGlite server serves one connection at a time) with a short idle time so other clients get a turn.
 */
export const poolsFor = (env: Readonly<Record<string, string | undefined>>, storeConnections = 1): PgPools =>
  new PgPools((url) =>
    url === env.TIMESCALE_URL ? { ...SINGLE_CONNECTION_SERVER, max: storeConnections } : SHARED_SERVER,
  );

export interface ResultRow {
  /** Bucket start as ISO 8601 with the query zone's offset; null when grain is null. */
  readonly time: string | null;
  readonly value: number | null;
  /** The value's exact decimal text as the engine sent it, with RunOptions.exactValues only. */
  readonly valueText?: string;
  readonly [dimension: string]: unknown;
}

export interface RunResult {
  readonly rows: readonly ResultRow[];
  readonly sql: string;
  readonly params: readonly Param[];
  /** What ran it: a dialect's one statement, or `split` (parts on their engines, combined here). */
  readonly dialect: EngineName;
  readonly planHash: string;
  readonly timings: { readonly compileMs: number; readonly engineMs: number; readonly transferMs: number };
}

/** How one compiled query runs. */
export interface ExecuteOptions {
  /** The caller gave up (a client went away, a statement was canceled): the engine's query is canceled. */
  readonly signal?: AbortSignal;
  /**
   * The end user the query runs for, sent to Trino as X-Trino-User (Trino's access control, query
   * history and resource groups then see that person); default the connection's user. Direct
   * PostgreSQL runs ignore it: they connect as the connection URL's role.
   */
  readonly user?: string | null;
  /**
   * Keep each value's exact text as the engine sent it (`valueText`: PostgreSQL numeric, Trino decimal
   * and bigint) beside the number: the SQL endpoint serves exact KPIs as decimals without a double's
   * rounding. Off by default, so no other answer carries it.
   */
  readonly exactValues?: boolean;
}

export interface RunOptions extends CompileOptions, ExecuteOptions {}

export interface Trend {
  readonly direction: 'up' | 'down' | 'stable';
  readonly percentage: number;
}

export interface TrendResult {
  /** Latest complete period's value, and the one before it. */
  readonly value: number | null;
  readonly previous: number | null;
  readonly period: string | null;
  readonly trend: Trend;
  readonly history: readonly ResultRow[];
}

export interface KpiEngine {
  readonly catalog: Catalog;
  readonly registry: Registry;
  compile(query: MetricQuery, options?: CompileOptions): Compiled;
  /**
   * Runs a compiled query under the process's concurrency limit (a full queue is refused with
   * `too-many-calculations`) and QUERY_TIMEOUT_MS, counted from when it gets its slot (`query-timeout`;
   * the engine's query is canceled). The one place both apply.
   */
  execute(compiled: Compiled, options?: ExecuteOptions): Promise<RunResult>;
  /** compile, then execute. */
  run(query: MetricQuery, options?: RunOptions): Promise<RunResult>;
  trend(query: MetricQuery, options?: RunOptions & { readonly now?: Date }): Promise<TrendResult>;
  /** Calculations running now and waiting for a slot. */
  readonly load: { readonly active: number; readonly queued: number };
  close(): Promise<void>;
}

/** Seed MetricResponse trend: change in percent (2 decimals) from `previous` to `current`. */
export function trendOf(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null || previous === 0) return { direction: 'stable', percentage: 0 };
  const percentage = Math.round(((current - previous) / Math.abs(previous)) * 10_000) / 100;
  return { direction: percentage > 0 ? 'up' : percentage < 0 ? 'down' : 'stable', percentage };
}

const toNumber = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? null : n;
};

/** A decimal numeral as PostgreSQL and Trino print exact values (no exponent, no NaN). */
const EXACT_TEXT = /^-?\d+(\.\d+)?$/;

function shapeRows(plan: Plan, rows: readonly unknown[][], exactValues = false): ResultRow[] {
  return rows.map((r) => {
    const ms = toNumber(r[0]);
    const out: Record<string, unknown> = { time: ms === null ? null : formatInZone(ms, plan.timezone) };
    plan.dimensions.forEach((d, i) => {
      out[d] = r[i + 1] ?? null;
    });
    const raw = r[plan.dimensions.length + 1];
    out.value = toNumber(raw);
    if (exactValues && typeof raw === 'string' && EXACT_TEXT.test(raw)) out.valueText = raw;
    return out as ResultRow;
  });
}

export function createEngine(o: EngineOptions): KpiEngine {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const runtime = o.runtime ?? createRuntime({ env: o.env, maxConcurrent: o.maxConcurrent });
  const { pools, limiter } = runtime;

  function compile(query: MetricQuery, options: CompileOptions = {}): Compiled {
    const compiled = compileQuery(o, query, options);
    o.onCompile?.(compiled.compileMs);
    return compiled;
  }

  async function executeSql(c: Compiled, kpi: string, signal: AbortSignal, user?: string | null) {
    if (c.parts) {
      const interrupters = runtime.interrupters;
      return runSplit(c.plan, c.parts, {
        pools,
        env: o.env,
        kpi,
        timeoutMs,
        signal,
        ...(interrupters ? { interrupters } : {}),
      });
    }
    if (c.dialect === 'trino') {
      const url = o.env.TRINO_URL;
      if (!url) throw new EngineError('engine-unavailable', 'trino', kpi, 'TRINO_URL is not set');
      const r = await runTrino(c.sql, c.params, { url, timeoutMs, signal, kpi, user: user ?? null });
      return { rows: r.rows, engineMs: r.engineMs, transferMs: r.transferMs };
    }
    const connection = c.connection;
    const url = connection ? o.env[connection.env] : undefined;
    if (!connection || !url) {
      throw new EngineError(
        'engine-unavailable',
        c.dialect,
        kpi,
        `${connection?.env ?? 'a connection URL'} is not set`,
      );
    }
    if (c.dialect === 'druid') return runDruid(c, url, kpi, signal);
    const r = await runPostgres(pools, url, c.sql, c.params, {
      engine: `${c.dialect} (${connection.name})`,
      kpi,
      timeoutMs,
      signal,
      canCancel: url !== o.env.TIMESCALE_URL,
      interrupt: runtime.interrupters?.get(url),
    });
    return { rows: r.rows, engineMs: r.engineMs, transferMs: r.transferMs };
  }

  /**
   * Druid SQL at /druid/v2/sql: the query context carries the timeout and the query id, and the
   * caller's signal cancels it by id. Rows come back as objects; the emitter's column order is
   * time, dimensions, value.
   */
  async function runDruid(c: Compiled, url: string, kpi: string, signal?: AbortSignal) {
    const t0 = performance.now();
    const objects = await druidSql(url, c.sql, {
      parameters: druidParameters(c.params),
      ...(timeoutMs > 0 ? { timeoutMs } : {}),
      ...(signal ? { signal } : {}),
      kpi,
    });
    const engineMs = performance.now() - t0;
    const columns = ['time', ...c.plan.dimensions, 'value'];
    const rows = objects.map((o) => columns.map((k) => o[k] ?? null));
    return { rows, engineMs, transferMs: 0 };
  }

  async function execute(c: Compiled, options: ExecuteOptions = {}): Promise<RunResult> {
    const kpi = c.query.kpi;
    const slot = limiter.run(async () => {
      const r = await withDeadline(c, options.signal, (signal) => executeSql(c, kpi, signal, options.user));
      if (r.rows.length > LIMITS.MAX_RESULT_ROWS) {
        throw new EngineError(
          'limit-exceeded',
          c.dialect,
          kpi,
          `the answer has more than ${LIMITS.MAX_RESULT_ROWS} rows; ${limitText('MAX_RESULT_ROWS')} (fewer dimensions, a coarser grain or a shorter range)`,
        );
      }
      return {
        rows: shapeRows(c.plan, r.rows, options.exactValues),
        sql: c.sql,
        params: c.params,
        dialect: c.dialect,
        planHash: c.planHash,
        timings: { compileMs: c.compileMs, engineMs: r.engineMs, transferMs: r.transferMs },
      };
    }, options.signal);
    return slot.catch((error: unknown) => {
      if (error instanceof QueueFullError) {
        throw new EngineError('too-many-calculations', c.dialect, kpi, error.message);
      }
      throw error;
    });
  }

  /**
   * QUERY_TIMEOUT_MS on the client's side: the engine's query is canceled and the caller answered even
   * when the server does not answer at all (a frozen Trino, a PostgreSQL that stopped). The drivers get
   * the same limit for the server to enforce as well.
   */
  async function withDeadline<T>(
    c: Compiled,
    outer: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const abort = () => controller.abort(outer?.reason);
    if (outer?.aborted) abort();
    outer?.addEventListener('abort', abort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (!(timeoutMs > 0)) return;
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new EngineError(
            'query-timeout',
            c.dialect,
            c.query.kpi,
            `the query took longer than ${timeoutMs} ms (QUERY_TIMEOUT_MS)`,
          ),
        );
      }, timeoutMs);
    });
    try {
      const running = work(controller.signal);
      running.catch(() => undefined); // settles after the deadline has answered
      return await Promise.race([running, deadline]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    }
  }

  function run(query: MetricQuery, options: RunOptions = {}): Promise<RunResult> {
    return execute(compile(query, options), options);
  }

  /**
   * Latest complete period vs the one before. The bucket holding `now` (when the range reaches past
   * now) is still filling, so it is left out; buckets after now never count.
   */
  async function trend(query: MetricQuery, options: RunOptions & { now?: Date } = {}): Promise<TrendResult> {
    if (query.grain === null) {
      throw new CompileError('invalid-query', 'a trend compares periods: give the query a grain');
    }
    const result = await run({ ...query, dimensions: [] }, options);
    const now = (options.now ?? new Date()).getTime();
    let complete = result.rows.filter((r) => r.time !== null && Date.parse(r.time) <= now);
    if ((parseInstant(query.range.end, query.timezone || 'UTC') ?? 0) > now && complete.length > 0)
      complete = complete.slice(0, -1);
    const last = complete.at(-1) ?? null;
    const before = complete.at(-2) ?? null;
    return {
      value: last?.value ?? null,
      previous: before?.value ?? null,
      period: last?.time ?? null,
      trend: trendOf(last?.value ?? null, before?.value ?? null),
      history: result.rows,
    };
  }

  return {
    catalog: o.catalog,
    registry: o.registry,
    compile,
    execute,
    run,
    trend,
    get load() {
      return { active: limiter.active, queued: limiter.queued };
    },
    async close() {
      if (!o.runtime) await runtime.close();
    },
  };
}
