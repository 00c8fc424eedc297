/**
 * Expressions in SQL for one dialect: row expressions over a scan's aliases (measure arguments,
 * filters), value expressions over the joined measures (the formula), and aggregate calls. Literals
 * are bound as parameters through the emitter's sink; division is safe (NULL on zero) and never
 * truncates. The relations around them (aggregates, stitches, the join, the final SELECT) are emit.ts.
 */
import type { TableRef } from '../catalog/types.ts';
import { assertNever, type Composite, type RowExpr } from '../ir/kpi.ts';
import { CompileError } from '../plan/errors.ts';
import type { Aggregate, ValueExpr } from '../plan/nodes.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { sqlNumber } from './literal.ts';
import type { ParamSink } from './params.ts';

const BINARY_SQL: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  and: 'AND',
  or: 'OR',
};

export class Expressions {
  constructor(
    readonly d: Dialect,
    readonly params: ParamSink,
  ) {}

  literal(value: string | number | boolean | null, context: 'row' | 'value'): string {
    if (value === null) return 'NULL';
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'number') {
      const text = sqlNumber(value);
      return Number.isInteger(value) ? text : `CAST(${text} AS ${this.d.doubleType})`;
    }
    const marker = this.params.add({ type: 'string', value });
    return context === 'value' ? this.d.stringParam(marker) : marker;
  }

  /** Safe division: a zero divisor gives NULL; both sides as double so integers never truncate. */
  divide(left: string, right: string): string {
    const t = this.d.doubleType;
    return `CAST(${left} AS ${t}) / NULLIF(CAST(${right} AS ${t}), 0)`;
  }

  row(e: RowExpr, alias: (t: TableRef) => string): string {
    const r = (x: RowExpr) => this.row(x, alias);
    switch (e.kind) {
      case 'literal':
        return this.literal(e.value, 'row');
      case 'duration':
        return unsupported('a duration inside a row expression', this.d.name, 'durations belong to windows');
      case 'column':
        return `${alias(e.table)}.${this.d.quote(e.column)}`;
      case 'dimension':
        throw new CompileError('invalid-query', `dimension "${e.name}" was not resolved by the planner`);
      default:
        return this.composite(e, r);
    }
  }

  value(e: ValueExpr): string {
    const v = (x: ValueExpr) => this.value(x);
    switch (e.kind) {
      case 'literal':
        return this.literal(e.value, 'value');
      case 'col':
        return `j.${this.d.quote(e.name)}`;
      case 'zero_fill':
        return `COALESCE(${v(e.operand)}, 0)`;
      default:
        return this.composite(e, v);
    }
  }

  /**
   * The shapes row and value expressions share, each child rendered by `r` — in source order, which
   * is the order their literals are bound as parameters.
   */
  composite<E>(e: Composite<E>, r: (child: E) => string): string {
    switch (e.kind) {
      case 'binary':
        return this.binary(e.op, r(e.left), r(e.right));
      case 'unary':
        return e.op === 'not' ? `(NOT ${r(e.operand)})` : `(-${r(e.operand)})`;
      case 'call':
        return this.call(e.fn, e.args.map(r));
      case 'case':
        return `CASE ${e.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(' ')}${
          e.else ? ` ELSE ${r(e.else)}` : ''
        } END`;
      case 'in':
        return `(${r(e.operand)}${e.negated ? ' NOT' : ''} IN (${e.values.map(r).join(', ')}))`;
      case 'between':
        return `(${r(e.operand)}${e.negated ? ' NOT' : ''} BETWEEN ${r(e.low)} AND ${r(e.high)})`;
      case 'is_null':
        return `(${r(e.operand)} IS${e.negated ? ' NOT' : ''} NULL)`;
      case 'like':
        return `(${this.d.like(r(e.operand), r(e.pattern), e.negated)})`;
      default:
        return assertNever(e, 'expression');
    }
  }

  binary(op: string, l: string, r: string): string {
    if (op === '/') return `(${this.divide(l, r)})`;
    if (op === '%') return `(${l} % NULLIF(${r}, 0))`;
    const sql = BINARY_SQL[op];
    if (!sql)
      throw new CompileError('unsupported', `operator ${op} is unknown to the ${this.d.name} dialect`);
    return `(${l} ${sql} ${r})`;
  }

  call(fn: string, args: string[]): string {
    switch (fn) {
      case 'round':
        return this.d.round(args[0]!, args[1] ?? null);
      case 'coalesce':
      case 'nullif':
      case 'abs':
      case 'least':
      case 'greatest':
        return `${fn}(${args.join(', ')})`;
      default:
        throw new CompileError('unsupported', `function ${fn} is unknown to the ${this.d.name} dialect`);
    }
  }

  aggregateCall(a: Aggregate, arg: string | null): string {
    const x = arg ?? '*';
    switch (a.fn) {
      case 'sum':
        return `SUM(${x})`;
      case 'count':
        return `COUNT(${x})`;
      case 'count_distinct':
        return `COUNT(DISTINCT ${x})`;
      case 'avg':
        // SUM of a decimal or integer is exact in every engine, so the quotient is the same double
        // everywhere (AVG's own summation order differs between Trino and PostgreSQL).
        return `CAST(SUM(${x}) AS ${this.d.doubleType}) / COUNT(${x})`;
      case 'min':
        return `MIN(${x})`;
      case 'max':
        return `MAX(${x})`;
      case 'approx_distinct':
        if (!this.d.flags.approxDistinct) {
          unsupported('approx_distinct', this.d.name, 'no sketch aggregate; run it through trino');
        }
        return this.d.approxDistinct(x);
      case 'percentile': {
        const f = sqlNumber(a.fraction ?? 0.5);
        if (this.d.flags.exactPercentile) return `percentile_cont(${f}) WITHIN GROUP (ORDER BY ${x})`;
        unsupported(
          'an exact percentile',
          this.d.name,
          `only approx_percentile exists there (measure ${a.source})`,
        );
        break;
      }
      default:
        return assertNever(a.fn, 'aggregate function');
    }
    return '';
  }
}
