/**
 * Compiling a MetricQuery — plan, optimize, choose the dialect, emit SQL — apart from running it, so a
 * caller that only compiles (`kpi compile`) loads no database driver. The engine facade uses this too.
 */
import type { Catalog, Connection } from '../catalog/types.ts';
import { chooseDialect, DIALECTS } from '../emit/choose.ts';
import type { Dialect } from '../emit/dialect.ts';
import { emitSql } from '../emit/emit.ts';
import type { Param } from '../emit/params.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { CompileError } from '../plan/errors.ts';
import type { Plan } from '../plan/nodes.ts';
import { planQuery, type Registry } from '../plan/planner.ts';
import { planHash } from '../plan/print.ts';
import { compileSplit, type SplitPart, splitText } from './split-compile.ts';
import { trinoStatement } from './trino-http.ts';

export type DialectPreference = 'auto' | 'trino' | 'postgres' | 'timescale';

/**
 * What runs a compiled query: one statement in a dialect, or `split` — each aggregate and stitch piece
 * directly on its own engine, combined in process (`parts`; the optimizer's choose-engine chose it).
 */
export type EngineName = Dialect['name'] | 'split';

export interface CompileOptions {
  readonly dialect?: DialectPreference;
}

export interface Compiled {
  /** The question it answers (a raw re-run recompiles it without the optimizer). */
  readonly query: MetricQuery;
  readonly plan: Plan;
  readonly planHash: string;
  /** The statement; for a split plan its parts as text to read (what runs is `parts`). */
  readonly sql: string;
  readonly params: readonly Param[];
  readonly dialect: EngineName;
  /** The connection a direct dialect runs on; null for Trino and split plans. */
  readonly connection: Connection | null;
  /** A split plan's statements, one per aggregate or stitch piece, each on its own connection. */
  readonly parts?: readonly SplitPart[];
  /** Time spent planning, optimizing and emitting. */
  readonly compileMs: number;
}

/** What an optimizer makes of a plan: the plan, the catalog to emit it with, and the engine it chose. */
export interface Optimized {
  readonly plan: Plan;
  /** The sources plus any rollup tables the plan reads. */
  readonly catalog: Catalog;
  /** The choose-engine rule's choice; absent or null: chosen here, as for an unoptimized plan. */
  readonly engine?: { readonly dialect: string; readonly connection: string | null } | null;
}

export interface CompileContext {
  readonly catalog: Catalog;
  readonly registry: Registry;
  /** Which connection URLs are set: `auto` runs directly only where this process can reach the database. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dialect?: DialectPreference;
  readonly optimizer?: (plan: Plan) => Optimized;
}

export function compileQuery(o: CompileContext, query: MetricQuery, options: CompileOptions = {}): Compiled {
  const t0 = performance.now();
  const kpi: KpiIR | undefined = o.registry.get(query.kpi);
  if (!kpi) throw new CompileError('unknown-kpi', `no KPI "${query.kpi}" is defined`);
  const planned = planQuery(kpi, query, { catalog: o.catalog, registry: o.registry });
  const optimized: Optimized = o.optimizer ? o.optimizer(planned) : { plan: planned, catalog: o.catalog };
  const { plan, catalog } = optimized;
  const preference = options.dialect ?? o.dialect ?? 'auto';
  // A split plan runs where this process reaches every part's database; else through Trino, whole.
  const split = optimized.engine?.dialect === 'split' && preference === 'auto';
  const parts = split ? compileSplit(plan, catalog, o.env) : null;
  if (parts) {
    return {
      query,
      plan,
      planHash: planHash(plan),
      sql: splitText(parts),
      params: [],
      dialect: 'split',
      connection: null,
      parts,
      compileMs: performance.now() - t0,
    };
  }
  // The optimizer's choose-engine rule decided already (over the catalog with its rollups): not again.
  const choice =
    optimized.engine && optimized.engine.dialect !== 'split'
      ? chosenBy(optimized.engine, catalog)
      : chooseDialect(plan, catalog);
  const direct = choice.connection && (o.env[choice.connection.env] || !o.env.TRINO_URL);
  const dialect = preference === 'auto' ? (direct ? choice.dialect : DIALECTS.trino) : DIALECTS[preference];
  // One row past the limit: enough to refuse an answer that is too large, never the whole of it.
  const { sql, params } = emitSql(plan, dialect, catalog, { rowLimit: LIMITS.MAX_RESULT_ROWS + 1 });
  if (dialect.flags.federated) {
    // Trino refuses statement text past its query.max-length with an error of its own: refuse first,
    // naming the limit (the values travel as literals inside the text, so they count).
    const length = trinoStatement(sql, params).length;
    if (length > LIMITS.MAX_TRINO_QUERY_CHARS) {
      throw new CompileError(
        'limit-exceeded',
        `the Trino statement for KPI "${query.kpi}" would be ${length} characters (bound values included); ${limitText('MAX_TRINO_QUERY_CHARS')} (Trino's query.max-length)`,
      );
    }
  }
  return {
    query,
    plan,
    planHash: planHash(plan),
    sql,
    params,
    dialect: dialect.name,
    connection: dialect.flags.federated ? null : choice.connection,
    compileMs: performance.now() - t0,
  };
}

function chosenBy(
  engine: NonNullable<Optimized['engine']>,
  catalog: Catalog,
): { readonly dialect: Dialect; readonly connection: Connection | null } {
  const dialect = DIALECTS[engine.dialect as keyof typeof DIALECTS];
  if (!dialect)
    throw new CompileError('unsupported', `the optimizer chose an unknown engine "${engine.dialect}"`);
  return { dialect, connection: engine.connection ? (catalog.connections[engine.connection] ?? null) : null };
}
