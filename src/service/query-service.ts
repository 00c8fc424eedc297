/**
 * Metric routes' logic between HTTP and the engine: builds MetricQueries from route parameters,
 * compiles them (memoized per registry snapshot), keys the cache by plan hash + definition versions,
 * runs the engine under the concurrency limit and the query timeout, and shapes the seed's responses.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CachedResult, Computed, ResultCache, StampCheck } from '../cache/result-cache.ts';
import type { Grain, KpiIR } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { isTimeZone } from '../shared/time.ts';
import { encodeStamp, mergeStamps, stampHolds } from './data-stamp.ts';
import type { DefinitionsService } from './definitions-service.ts';
import { InvalidInput } from './errors.ts';
import {
  dimensionsAnswer,
  historyAnswer,
  historyBody,
  historyGrain,
  type QueryOf,
  valueAnswer,
  withApproximations,
} from './metric-answers.ts';
import { buildMetricQuery, type MetricParams } from './metric-query.ts';
import type { Telemetry } from './telemetry.ts';
import { today } from './time-range.ts';
import type {
  CompiledQuery,
  EngineFactory,
  KpiEngine,
  KpiLanguage,
  MaterializedHistory,
  Registry,
  RunResult,
} from './types.ts';

export interface QueryServiceOptions {
  readonly definitions: DefinitionsService;
  readonly language: KpiLanguage;
  readonly engineFactory: EngineFactory;
  /** Changes when the engine's optimizer context does (a rollup built or refreshed); default: never. */
  readonly engineGeneration?: () => number;
  /**
   * A rollup's version now (`buildId.revision`, null when unpublished): a cached answer that read a
   * rollup at another version is not served. Without it, cached answers are checked by tags only.
   */
  readonly rollupVersion?: (rollup: string) => string | null;
  readonly cache: ResultCache;
  readonly telemetry: Telemetry;
  readonly defaultTimezone: string;
  readonly now?: () => Date;
  /** Materialized history (kpi_metrics): answers /history when it covers the question exactly. */
  readonly materialized?: MaterializedHistory;
}

/** A history answer says where it came from: materialized history or a live computation. */
export type HistoryResult = Omit<CachedResult, 'outcome'> & {
  /** `bypass`: answered from materialized history, not the result cache. */
  readonly outcome: CachedResult['outcome'] | 'bypass';
  readonly source: 'materialized' | 'live';
};

interface Prepared {
  readonly key: string;
  readonly tags: readonly string[];
  readonly compute: () => Promise<Computed>;
}

/** Cache tags of what an answer read besides KPI definitions: rollups, and source tables. */
export const rollupTag = (rollup: string) => `rollup:${rollup}`;
export const tableTag = (table: string) => `table:${table}`;

const sha = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 32);

export type { MetricParams } from './metric-query.ts';

export class QueryService {
  private engineCache: { generation: string; engine: KpiEngine } | null = null;
  private readonly compiled = new LRUCache<string, Promise<CompiledQuery>>({ max: 5_000 });
  /** Route parameters → prepared cache key and queries, so a cache hit skips planning entirely. */
  private readonly prepared = new LRUCache<string, Promise<Prepared>>({ max: 5_000 });
  /** MetricQuery object → its rows' cache key (see rowsKey). */
  private readonly rowKeys = new WeakMap<
    MetricQuery,
    { generation: string; engine: KpiEngine; key: string; tags: readonly string[]; onTrino: boolean }
  >();
  private readonly now: () => Date;
  private readonly accept: StampCheck | undefined;

  constructor(private readonly o: QueryServiceOptions) {
    this.now = o.now ?? (() => new Date());
    const version = o.rollupVersion;
    this.accept = version ? (stamp) => stampHolds(stamp, version) : undefined;
  }

  /** Calculations running in the engine now (the process's MAX_CONCURRENT_CALCULATIONS slots). */
  get activeCalculations(): number {
    return this.engineCache?.engine.load?.active ?? 0;
  }

  /** Definitions and optimizer context together: memoized engines, plans and cache keys follow both. */
  private generation(): string {
    return `${this.o.definitions.generation}.${this.o.engineGeneration?.() ?? 0}`;
  }

  engine(): KpiEngine {
    const generation = this.generation();
    if (this.engineCache?.generation !== generation) {
      this.engineCache = { generation, engine: this.o.engineFactory(this.o.definitions.registry()) };
    }
    return this.engineCache.engine;
  }

  /** Builds the MetricQuery of a metric route, checking dimensions and filters against the KPI. */
  buildQuery(
    kpi: KpiIR,
    params: MetricParams,
    grain: Grain | null,
    registry: Registry = this.o.definitions.registry(),
  ): MetricQuery {
    return buildMetricQuery(kpi, params, grain, registry, {
      language: this.o.language,
      defaultTimezone: this.o.defaultTimezone,
      now: this.now(),
    });
  }

  async compile(query: MetricQuery, engine: KpiEngine = this.engine()): Promise<CompiledQuery> {
    const key = `${this.generation()}|${JSON.stringify(query)}`;
    let hit = engine === this.engineCache?.engine ? this.compiled.get(key) : undefined;
    if (!hit) {
      hit = Promise.resolve().then(() => engine.compile(query));
      hit.catch(() => this.compiled.delete(key));
      if (engine === this.engineCache?.engine) this.compiled.set(key, hit);
    }
    return hit;
  }

  /**
   * Runs one query: compiled once per registry generation (memoized), then run by the engine, which
   * applies the concurrency limit and QUERY_TIMEOUT_MS (src/exec).
   */
  async run(
    query: MetricQuery,
    engine: KpiEngine = this.engine(),
    signal?: AbortSignal,
    user?: string,
    exactValues = false,
  ): Promise<RunResult> {
    return this.runCompiled(await this.compile(query, engine), engine, signal, user, exactValues);
  }

  private async runCompiled(
    compiled: CompiledQuery,
    engine: KpiEngine,
    signal?: AbortSignal,
    user?: string,
    exactValues = false,
  ): Promise<RunResult> {
    const t = this.o.telemetry;
    t.activeCalculations.inc();
    const stop = t.engineDuration.startTimer();
    try {
      const result = await engine.run(compiled, {
        ...(signal ? { signal } : {}),
        ...(user ? { user } : {}),
        ...(exactValues ? { exactValues } : {}),
      });
      stop({ outcome: 'ok' });
      t.engineQueries.inc({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: 'error' });
      t.engineQueries.inc({ outcome: 'error' });
      throw error;
    } finally {
      t.activeCalculations.dec();
    }
  }

  /**
   * Serves a metric route from the cache. The cache key is the route kind, every plan hash it runs
   * (with bind parameters) and the versions of every KPI involved; working it out (range, compile,
   * hash) is memoized per registry generation and route parameters — and per day when the range
   * defaults to "the last 30 days" — so a hit costs one cache GET.
   */
  private async cached(
    kind: string,
    kpiId: string,
    params: MetricParams,
    prepare: (kpi: KpiIR) => { queries: readonly MetricQuery[]; build: (results: RunResult[]) => unknown },
    maxAgeMs?: number,
  ): Promise<CachedResult> {
    const tz = params.tz ?? this.o.defaultTimezone;
    if (!isTimeZone(tz)) {
      throw new InvalidInput('invalid-request', `tz "${tz}" is not an IANA time zone`, { parameter: 'tz' });
    }
    const relative = !(params.start && params.end) ? today(tz, this.now()) : '';
    const memoKey = `${kind}|${this.generation()}|${kpiId}|${relative}|${JSON.stringify(params)}`;
    let prepared = this.prepared.get(memoKey);
    if (!prepared) {
      prepared = this.prepare(kpiId, kind, prepare, params.user);
      this.prepared.set(memoKey, prepared);
      prepared.catch(() => this.prepared.delete(memoKey));
    }
    const p = await prepared;
    return this.o.cache.getOrCompute(p.key, p.tags, p.compute, this.youngerThan(maxAgeMs));
  }

  /** The stamp check, plus: stored less than `maxAgeMs` ago (a realtime recomputation wants that). */
  private youngerThan(maxAgeMs: number | undefined): StampCheck | undefined {
    if (maxAgeMs === undefined) return this.accept;
    const accept = this.accept;
    return (stamp, storedAt) =>
      this.now().getTime() - storedAt < maxAgeMs && (!accept || accept(stamp, storedAt));
  }

  private async prepare(
    kpiId: string,
    kind: string,
    prepare: (kpi: KpiIR) => { queries: readonly MetricQuery[]; build: (results: RunResult[]) => unknown },
    user: string | undefined,
  ): Promise<Prepared> {
    const kpi = this.o.definitions.get(kpiId).ir;
    const { queries, build } = prepare(kpi);
    const engine = this.engine();
    const compiled = await Promise.all(queries.map((q) => this.compile(q, engine)));
    const versions = this.o.definitions.versionVector(kpi.id);
    // Parameters are part of the key in case the plan leaves literals (the range) to bind parameters.
    const plans = compiled.map((c) => `${c.planHash}(${JSON.stringify(c.params)})`).join('|');
    // Trino runs it as the end user, whose access may differ from another's: one cache entry per user.
    // Answers from PostgreSQL directly (one role for everyone) stay shared.
    const asUser = user && compiled.some((c) => c.dialect === 'trino') ? user : undefined;
    const reads = new Set<string>();
    for (const c of compiled) {
      for (const r of c.reads?.rollups ?? []) reads.add(rollupTag(r));
      for (const t of c.reads?.tables ?? []) reads.add(tableTag(t));
    }
    return {
      key: `${kind}:${kpi.id}:${sha(`${plans}#${versions}${asUser === undefined ? '' : `@${JSON.stringify(asUser)}`}`)}`,
      tags: [...this.o.definitions.closure(kpi.id), ...reads],
      compute: async () => {
        const startedAt = this.now().toISOString();
        const results = await Promise.all(
          compiled.map((c) => this.runCompiled(c, engine, undefined, asUser)),
        );
        const stamp = mergeStamps(
          results.map((r) => r.data),
          startedAt,
        );
        const body = JSON.stringify(withApproximations(build(results), results));
        return { body, stamp: encodeStamp(stamp) };
      },
    };
  }

  /**
   * One MetricQuery's rows, cached as the metric routes are (plan hash + bind parameters + definition
   * versions; invalidated with the KPI): what the SQL endpoint answers a KPI table query with.
   */
  async rows(query: MetricQuery, signal?: AbortSignal, user?: string): Promise<RunResult['rows']> {
    const { engine, key, tags, onTrino } = await this.rowsKey(query);
    // As the metric routes: Trino runs it as the end user, and then the answer is that user's alone.
    const asUser = user && onTrino ? user : undefined;
    // Identical statements share one engine query; it is cancelled when the last of them is.
    const hit = await this.o.cache.getOrCompute(
      asUser === undefined ? key : `${key}@${sha(JSON.stringify(asUser))}`,
      tags,
      // Exact values keep their decimal text (valueText): the SQL endpoint serves them as decimals.
      async (shared) => JSON.stringify((await this.run(query, engine, shared, asUser, true)).rows),
      undefined,
      signal,
    );
    return JSON.parse(hit.body) as RunResult['rows'];
  }

  /**
   * The cache key of one MetricQuery's rows, remembered per query object and generation: the SQL
   * endpoint keeps the MetricQuery of a statement it has mapped before, so a repeated statement skips
   * compiling and hashing as a repeated metric route does.
   */
  private async rowsKey(query: MetricQuery) {
    const generation = this.generation();
    const known = this.rowKeys.get(query);
    if (known && known.generation === generation && known.engine === this.engineCache?.engine) return known;
    const engine = this.engine();
    const compiled = await this.compile(query, engine);
    const versions = this.o.definitions.versionVector(query.kpi);
    const entry = {
      generation,
      engine,
      key: `sql-rows:${query.kpi}:${sha(`${compiled.planHash}(${JSON.stringify(compiled.params)})#${versions}`)}`,
      tags: this.o.definitions.closure(query.kpi),
      onTrino: compiled.dialect === 'trino',
    };
    this.rowKeys.set(query, entry);
    return entry;
  }

  /**
   * The seed's MetricResponse: value over the range and the trend against the previous range.
   * `maxAgeMs`: a cached answer older than that is recomputed (realtime streams), shared as any miss.
   */
  value(kpiId: string, params: MetricParams, maxAgeMs?: number): Promise<CachedResult> {
    return this.cached(
      'value',
      kpiId,
      params,
      (kpi) => valueAnswer(kpi, params, this.queryOf(kpi), this.now),
      maxAgeMs,
    );
  }

  async history(kpiId: string, params: MetricParams): Promise<HistoryResult> {
    const materialized = this.o.materialized ? await this.fromMaterialized(kpiId, params) : null;
    if (materialized) {
      this.o.telemetry.historySource.inc({ source: 'materialized' });
      return materialized;
    }
    this.o.telemetry.historySource.inc({ source: 'live' });
    const live = await this.cached('history', kpiId, params, (kpi) =>
      historyAnswer(kpi, params, this.queryOf(kpi), this.now),
    );
    return { ...live, source: 'live' };
  }

  /** The answer from materialized history when it covers the question exactly (src/scheduler). */
  private async fromMaterialized(kpiId: string, params: MetricParams): Promise<HistoryResult | null> {
    const kpi = this.o.definitions.get(kpiId).ir;
    if (!kpi.schedule) return null;
    const query = this.buildQuery(kpi, params, historyGrain(kpi, params));
    const rows = await this.o.materialized!.lookup(query, kpi, this.o.definitions.versionVector(kpi.id));
    if (!rows) return null;
    const now = this.now().getTime();
    const body = JSON.stringify(historyBody(kpi, query, rows, 'materialized', this.now));
    return { body, outcome: 'bypass', storedAt: now, freshUntil: now, stamp: '', source: 'materialized' };
  }

  /** One breakdown per dimension (all of the KPI's, or those asked for), totals over the range. */
  dimensions(kpiId: string, params: MetricParams): Promise<CachedResult> {
    return this.cached('dimensions', kpiId, params, (kpi) =>
      dimensionsAnswer(kpi, params, this.queryOf(kpi), this.now, params.tz ?? this.o.defaultTimezone),
    );
  }

  private queryOf(kpi: KpiIR): QueryOf {
    return (params, grain) => this.buildQuery(kpi, params, grain);
  }
}
