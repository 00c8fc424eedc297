/**
 * Plan → SQL text + bound parameters for one dialect: the relations (each measure instance's aggregate
 * or stitch, the null-safe join, shared values, the final SELECT); the expressions inside them are
 * expressions.ts. The dialect supplies quoting, names, time arithmetic and spines. Shape of the output:
 *
 *   WITH spine AS (…), m0 AS (aggregate), m1 AS (…), joined AS (null-safe full outer join on keys)
 *   SELECT time, <dimensions>, <formula> AS value FROM joined ORDER BY time, <dimensions>
 */
import type { Catalog, TableRef } from '../catalog/types.ts';
import { assertNever } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import { CompileError } from '../plan/errors.ts';
import {
  type Aggregate,
  aggregatesOf,
  type Join,
  type Measure,
  type Plan,
  type Stitch,
  type TimeWindow,
  type ValueExpr,
  type WindowOp,
} from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { childrenOfValue } from '../plan/value-expr.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { Expressions } from './expressions.ts';
import { connectionsOf, spineSizeBound, stitchSql } from './measures.ts';
import { type Param, ParamSink } from './params.ts';

export interface EmitOptions {
  /**
   * `LIMIT n` on the outermost SELECT: the engine stops after n rows. The engine facade passes
   * MAX_RESULT_ROWS + 1, so an answer over the limit is seen without materializing all of it.
   */
  readonly rowLimit?: number;
}

export interface EmittedSql {
  readonly sql: string;
  readonly params: readonly Param[];
  readonly dialect: Dialect['name'];
}

class Emitter {
  readonly params = new ParamSink();
  private readonly x: Expressions;
  private readonly start: string;
  private readonly end: string;

  constructor(
    readonly d: Dialect,
    readonly catalog: Catalog,
    readonly plan: Plan,
  ) {
    this.x = new Expressions(d, this.params);
    this.start = d.timestampParam(this.params.add({ type: 'timestamp', value: plan.range.start }));
    this.end = d.timestampParam(this.params.add({ type: 'timestamp', value: plan.range.end }));
  }

  private startParam(): string {
    return this.d.timestampParam(this.params.add({ type: 'timestamp', value: this.plan.range.start }));
  }
  /** A bound of a truncated aggregate's own window (a stitch piece's, else the query's range). */
  private boundParam(value: TimeWindow['start']): string {
    return this.d.timestampParam(this.params.add({ type: 'timestamp', value }));
  }

  /** `FROM fact t0 LEFT JOIN dim t1 ON …` for the aggregate's scan. */
  private from(a: Aggregate): { from: string; alias: (t: TableRef) => string } {
    const s = a.input.input;
    const aliases = new Map<string, string>([
      [tableKey(s.table), s.alias],
      ...s.joins.map((j) => [tableKey(j.table), j.alias] as const),
    ]);
    const alias = (t: TableRef) => {
      const found = aliases.get(tableKey(t));
      if (!found)
        throw new CompileError('invalid-query', `${tableKey(t)} is not joined in the scan of ${a.source}`);
      return found;
    };
    const q = this.d.quote;
    const joins = s.joins
      .map(
        (j) =>
          ` LEFT JOIN ${this.d.table(this.catalog, j.table)} ${j.alias} ON ${j.alias}.${q(j.toColumn)} = ${j.fromAlias}.${q(j.column)}`,
      )
      .join('');
    return { from: `${this.d.table(this.catalog, s.table)} ${s.alias}${joins}`, alias };
  }

  /** [lo, hi) of a spine bucket after the measure's window ops (outermost first). */
  private membership(window: readonly WindowOp[]): { lo: string; hi: string } {
    let lo = 's.lo';
    let hi = 's.hi';
    const zone = this.plan.timezone;
    for (const w of window) {
      switch (w.op) {
        case 'shift':
          lo = this.d.shift(lo, -w.amount, w.unit, zone);
          hi = this.d.shift(hi, -w.amount, w.unit, zone);
          break;
        case 'trailing':
          lo = this.d.shift(hi, -w.amount, w.unit, zone);
          break;
        case 'to_date':
          lo = this.d.truncate(lo, w.period, zone);
          break;
        case 'cumulative':
          lo = this.startParam();
          break;
        default:
          assertNever(w, 'window op');
      }
    }
    return { lo, hi };
  }

  aggregate(a: Aggregate, timed: boolean): string {
    const q = this.d.quote;
    const { from, alias } = this.from(a);
    const arg = a.arg ? this.x.row(a.arg, alias) : null;
    const dims = a.dimensions.map((d, i) => ({ sql: `${alias(d.table)}.${q(d.column)}`, as: `d${i}` }));
    const conditions = a.input.conditions.map((c) => this.x.row(c, alias));
    const b = a.bucketing;
    switch (b.kind) {
      case 'truncate': {
        const time = `${alias(b.time.table)}.${q(b.time.column)}`;
        const keys = [
          ...(timed && b.grain ? [`${this.d.truncate(time, b.grain, b.timezone)} AS bucket`] : []),
          ...dims.map((d) => `${d.sql} AS ${d.as}`),
        ];
        const where = [
          `${time} >= ${this.boundParam(b.range.start)}`,
          `${time} < ${this.boundParam(b.range.end)}`,
          ...conditions,
        ];
        const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
        return `SELECT ${[...keys, `${this.x.aggregateCall(a, arg)} AS ${q(a.name)}`].join(', ')} FROM ${from} WHERE ${where.join(' AND ')}${groupBy}`;
      }
      case 'spine': {
        // Facts first (filtered, dimensions and argument computed), then matched to the buckets whose
        // window they fall in: a range join, so one row may count in several buckets (rolling, validity).
        const cols = [
          ...(b.validity
            ? [
                `${alias(b.validity.table)}.${q(b.validity.startColumn)} AS vs`,
                `${alias(b.validity.table)}.${q(b.validity.endColumn)} AS ve`,
              ]
            : [`${alias(b.time.table)}.${q(b.time.column)} AS ts`]),
          ...dims.map((d) => `${d.sql} AS ${d.as}`),
          ...(arg ? [`${arg} AS arg`] : []),
        ];
        const { lo, hi } = this.membership(b.window);
        // Only rows some bucket can read: bounds from the spine (engines prune before the range join).
        const lowest = `(SELECT min(${lo}) FROM spine s)`;
        const highest = `(SELECT max(${this.membership(b.window).hi}) FROM spine s)`;
        const bounds = b.validity
          ? [
              `${alias(b.validity.table)}.${q(b.validity.startColumn)} < ${highest}`,
              `(${alias(b.validity.table)}.${q(b.validity.endColumn)} IS NULL OR ${alias(b.validity.table)}.${q(b.validity.endColumn)} > ${lowest})`,
            ]
          : [
              `${alias(b.time.table)}.${q(b.time.column)} >= ${lowest}`,
              `${alias(b.time.table)}.${q(b.time.column)} < ${highest}`,
            ];
        const facts = `SELECT ${cols.join(', ')} FROM ${from} WHERE ${[...bounds, ...conditions].join(' AND ')}`;
        const on = b.validity
          ? `f.vs < ${hi} AND (f.ve IS NULL OR f.ve > ${lo})`
          : `f.ts >= ${lo} AND f.ts < ${hi}`;
        const keys = [...(timed ? ['s.bucket AS bucket'] : []), ...dims.map((d) => `f.${d.as} AS ${d.as}`)];
        const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
        return `SELECT ${[...keys, `${this.x.aggregateCall(a, arg ? 'f.arg' : null)} AS ${q(a.name)}`].join(', ')} FROM spine s JOIN (${facts}) f ON ${on}${groupBy}`;
      }
      default:
        return assertNever(b, 'bucketing');
    }
  }

  /**
   * A windowed instance over its stitched base series: every piece's rows at the rollup's grain, each
   * keyed by its start (the bucket, clipped to the piece's window: a raw piece may begin mid-bucket),
   * matched to the spine buckets whose window holds that start and re-aggregated there — the raw spine
   * aggregate's range join, over pre-aggregated rows instead of source rows. Exact because the pieces
   * are cut at every window edge (optimize/window-tiles.ts), so no base row straddles one.
   */
  private windowedStitch(m: Stitch, over: NonNullable<Stitch['over']>, timed: boolean): string {
    const q = this.d.quote;
    const dims = m.dimensions.map((_, i) => `d${i}`);
    const base = m.pieces.map((piece) => {
      const b = piece.bucketing;
      if (b.kind !== 'truncate')
        throw new CompileError('invalid-query', `a windowed stitch piece of ${m.source} is not truncated`);
      const from = this.boundParam(b.range.start);
      const start = `CASE WHEN p.bucket < ${from} THEN ${this.boundParam(b.range.start)} ELSE p.bucket END`;
      return `SELECT ${[`${start} AS ts`, ...dims.map((d) => `p.${d} AS ${d}`), `p.${q(piece.name)} AS arg`].join(', ')} FROM (${this.aggregate(piece, true)}) p`;
    });
    const { lo, hi } = this.membership(over.window);
    const keys = [...(timed ? ['s.bucket AS bucket'] : []), ...dims.map((d) => `f.${d} AS ${d}`)];
    const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
    const fn = m.combine === 'sum' ? 'SUM' : m.combine === 'min' ? 'MIN' : 'MAX';
    const union = base.map((x) => `(${x})`).join(' UNION ALL ');
    return `SELECT ${[...keys, `${fn}(f.arg) AS ${q(m.name)}`].join(', ')} FROM spine s JOIN (${union}) f ON f.ts >= ${lo} AND f.ts < ${hi}${groupBy}`;
  }

  /** One measure instance's relation: its aggregate, or its stitched pieces re-aggregated. */
  measure(m: Measure, timed: boolean): string {
    switch (m.kind) {
      case 'aggregate':
        return this.aggregate(m, timed);
      case 'stitch': {
        if (m.over) return this.windowedStitch(m, m.over, timed);
        const keys = [...(timed ? ['bucket'] : []), ...m.dimensions.map((_, i) => `d${i}`)];
        const pieces = m.pieces.map((piece) => this.aggregate(piece, timed));
        return stitchSql(m, pieces, keys, this.d.quote(m.name));
      }
      default:
        return assertNever(m, 'measure');
    }
  }

  /**
   * Null-safe full outer join on (bucket, dimensions): every input's keys with its value and NULL for
   * the others, then one row per key. PostgreSQL cannot FULL JOIN on `IS NOT DISTINCT FROM`, and NULL
   * dimension values must match each other, so this union form is used for every dialect.
   */
  joined(j: Join): string {
    const q = this.d.quote;
    const keys = [...(j.timed ? ['bucket'] : []), ...j.dimensions.map((_, i) => `d${i}`)];
    const names = j.inputs.map((a) => q(a.name));
    if (j.inputs.length === 1 && !j.spine) return `SELECT * FROM ${names[0]}`;
    if (!this.d.flags.unionOfSubqueries) {
      unsupported(
        `a formula over ${j.inputs.length} measures`,
        this.d.name,
        "its planner cannot union aggregated subqueries; run it through trino's druid catalog",
      );
    }
    const nulls = j.inputs.map((a, k) => `${this.d.nullOf(a.type)} AS ${names[k]}`);
    const branches = j.inputs.map(
      (a, i) =>
        `SELECT ${[...keys, ...names.map((n, k) => (k === i ? n : nulls[k]))].join(', ')} FROM ${q(a.name)}`,
    );
    if (j.spine) branches.push(`SELECT ${[...keys, ...nulls].join(', ')} FROM spine`);
    const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';
    return `SELECT ${[...keys, ...names.map((n) => `MAX(${n}) AS ${n}`)].join(', ')} FROM (${branches.join(' UNION ALL ')}) u${groupBy}`;
  }

  /**
   * Values the formula reads more than once (shared derived KPIs) become columns computed once: one
   * CTE per dependency level over the joined rows, so the SQL grows with the DAG, not with its paths.
   * Returns the relation the final SELECT reads.
   */
  private sharedValues(ctes: string[]): string {
    const shared = this.plan.root.shared ?? [];
    if (shared.length === 0) return 'joined';
    const levelOf = new Map<string, number>();
    const reads = (e: ValueExpr): number => {
      if (e.kind === 'col') return levelOf.get(e.name) ?? 0;
      return Math.max(0, ...childrenOfValue(e).map(reads));
    };
    const levels: string[][] = [];
    for (const s of shared) {
      const level = reads(s.value) + 1;
      levelOf.set(s.name, level);
      const columns = levels[level - 1] ?? [];
      columns.push(`${this.x.value(s.value)} AS ${this.d.quote(s.name)}`);
      levels[level - 1] = columns;
    }
    let from = 'joined';
    for (const [i, columns] of levels.entries()) {
      const materialized = this.d.flags.materializedCte ? 'MATERIALIZED ' : '';
      ctes.push(`shared${i + 1} AS ${materialized}(SELECT j.*, ${columns.join(', ')} FROM ${from} j)`);
      from = `shared${i + 1}`;
    }
    return from;
  }

  emit(): string {
    const p = this.plan;
    const q = this.d.quote;
    const j = p.root.input;
    const ctes: string[] = [];
    let theSpine = j.spine;
    for (const m of j.inputs) if (!theSpine && m.kind === 'stitch' && m.over) theSpine = m.over.spine;
    for (const a of j.inputs.flatMap(aggregatesOf)) {
      if (!theSpine && a.bucketing.kind === 'spine') theSpine = a.bucketing.spine;
    }
    if (theSpine) {
      const buckets = spineSizeBound(theSpine.grain, p.range.start, p.range.end);
      if (buckets > this.d.flags.maxSpineBuckets) {
        unsupported(
          `a spine of about ${buckets} ${theSpine.grain} buckets`,
          this.d.name,
          `at most ${this.d.flags.maxSpineBuckets}; use a coarser grain or a shorter range`,
        );
      }
      const body = theSpine.grain
        ? this.d.spine(theSpine.grain, p.timezone, this.start, this.end)
        : `SELECT ${this.start} AS bucket, ${this.start} AS lo, ${this.end} AS hi`;
      ctes.push(`spine AS (${body})`);
    }
    for (const m of j.inputs) ctes.push(`${q(m.name)} AS (${this.measure(m, j.timed)})`);
    ctes.push(`joined AS (${this.joined(j)})`);
    const from = this.sharedValues(ctes);
    const select = [
      `${j.timed ? this.d.epochMs('j.bucket') : 'NULL'} AS ${q('time')}`,
      ...p.dimensions.map((name, i) => `j.d${i} AS ${q(name)}`),
      `${this.x.value(p.root.value)} AS ${q('value')}`,
    ];
    const order = [...(j.timed ? ['1'] : []), ...p.dimensions.map((_, i) => String(i + 2))];
    return `WITH ${ctes.join(',\n')}\nSELECT ${select.join(', ')}\nFROM ${from} j${order.length ? `\nORDER BY ${order.join(', ')}` : ''}`;
  }
}

/** Compiles a plan to SQL in one dialect, or throws CompileError naming what the dialect cannot do. */
export function emitSql(
  plan: Plan,
  dialect: Dialect,
  catalog: Catalog,
  options: EmitOptions = {},
): EmittedSql {
  if (!dialect.flags.federated) {
    const connections = connectionsOf(plan, catalog);
    if (connections.length > 1) {
      unsupported(
        `a query over connections ${connections.join(', ')}`,
        dialect.name,
        'one PostgreSQL connection cannot read another; use trino',
      );
    }
  }
  const e = new Emitter(dialect, catalog, plan);
  const limit = options.rowLimit;
  const text = limit === undefined ? e.emit() : `${e.emit()}\nLIMIT ${Math.trunc(limit)}`;
  if (text.length > LIMITS.MAX_SQL_CHARS) {
    throw new CompileError(
      'limit-exceeded',
      `the SQL for KPI "${plan.kpi}" would be ${text.length} characters; ${limitText('MAX_SQL_CHARS')}`,
    );
  }
  const { sql, params } = e.params.finish(text, dialect.placeholders);
  return { sql, params, dialect: dialect.name };
}
