/**
 * WHERE on a KPI table → the MetricQuery's range and filters, exactly or not at all. Each row of a KPI
 * table is a whole bucket, so a bound on `time_<g>` selects bucket starts: `time_month >= X` keeps the
 * buckets starting at or after X (the range starts at X rounded up to a month), `< Y` those starting
 * before Y, `<= Y` those starting at or before Y, `= X` one bucket. Conditions on dimensions become the
 * MetricQuery's filters. A condition mixing time and dimensions under OR/NOT, or on `value`, is refused.
 */
// @ts-nocheck

import type { Grain, RowExpr } from '../ir/kpi.ts';
import { type Expr, exprText } from './ast.ts';
import { SqlError } from './errors.ts';
import type { KpiColumn } from './kpi-catalog.ts';
import { addUnits, constantInstant, type TimeContext, truncate } from './time-values.ts';

export type ColumnResolver = (e: Extract<Expr, { kind: 'column' }>) => KpiColumn;

export interface WhereResult {
  /** Inclusive start / exclusive end as instants; null when unbounded. */
  readonly start: number | null;
  readonly end: number | null;
  /** The grain the bounds were given in (the finest one used), for messages and defaults. */
  readonly boundGrain: Grain | null;
  /** The conditions select no bucket at all (e.g. `time_month = DATE '2025-01-15'`). */
  readonly empty: boolean;
  readonly filters: readonly RowExpr[];
}

function conjuncts(e: Expr | null): Expr[] {
  if (!e) return [];
  if (e.kind === 'binary' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

function columnsOf(e: Expr, resolve: ColumnResolver, out: KpiColumn[] = []): KpiColumn[] {
  switch (e.kind) {
    case 'column':
      out.push(resolve(e));
      break;
    case 'binary':
      columnsOf(e.left, resolve, out);
      columnsOf(e.right, resolve, out);
      break;
    case 'not':
    case 'negate':
    case 'is_null':
    case 'cast':
      columnsOf(e.expr, resolve, out);
      break;
    case 'between':
      for (const x of [e.expr, e.low, e.high]) columnsOf(x, resolve, out);
      break;
    case 'in':
      for (const x of [e.expr, ...e.list]) columnsOf(x, resolve, out);
      break;
    case 'like':
      for (const x of [e.expr, e.pattern, ...(e.escape ? [e.escape] : [])]) columnsOf(x, resolve, out);
      break;
    case 'call':
      for (const x of e.args) columnsOf(x, resolve, out);
      break;
    default:
      break;
  }
  return out;
}

const FLIP: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

export function mapWhere(where: Expr | null, resolve: ColumnResolver, ctx: TimeContext): WhereResult {
  let start: number | null = null;
  let end: number | null = null;
  let empty = false;
  let boundGrain: Grain | null = null;
  const filters: RowExpr[] = [];
  const GRAIN_ORDER: readonly Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

  const bound = (grain: Grain, op: string, at: number) => {
    if (boundGrain === null || GRAIN_ORDER.indexOf(grain) < GRAIN_ORDER.indexOf(boundGrain))
      boundGrain = grain;
    const zone = ctx.zone;
    const ceil = (x: number) =>
      truncate(x, grain, zone) === x ? x : addUnits(truncate(x, grain, zone), grain, 1, zone);
    const after = (x: number) => addUnits(truncate(x, grain, zone), grain, 1, zone);
    const lower = (x: number) => {
      start = start === null ? x : Math.max(start, x);
    };
    const upper = (x: number) => {
      end = end === null ? x : Math.min(end, x);
    };
    switch (op) {
      case '>=':
        return lower(ceil(at));
      case '>':
        return lower(after(at));
      case '<':
        return upper(ceil(at));
      case '<=':
        return upper(after(at));
      case '=':
        if (truncate(at, grain, zone) !== at) empty = true;
        lower(at);
        return upper(after(at));
    }
  };

  for (const c of conjuncts(where)) {
    const columns = columnsOf(c, resolve);
    const time = columns.filter((x) => x.role === 'time');
    if (columns.some((x) => x.role === 'value')) {
      throw new SqlError(
        'NOT_SUPPORTED',
        `a condition on value (${exprText(c)}) is not supported on a KPI table; filter the result in an outer query`,
        c.pos,
      );
    }
    if (time.length === 0) {
      if (columns.length === 0)
        throw new SqlError(
          'NOT_SUPPORTED',
          `the condition ${exprText(c)} names no column of the KPI table`,
          c.pos,
        );
      filters.push(dimensionFilter(c, resolve));
      continue;
    }
    if (columns.length > 1 || time.length > 1) {
      throw new SqlError(
        'NOT_SUPPORTED',
        `the condition ${exprText(c)} mixes columns; bound the time column on its own (AND-ed with the other conditions)`,
        c.pos,
      );
    }
    const column = time[0] as Extract<KpiColumn, { role: 'time' }>;
    if (c.kind === 'is_null' && c.negated && c.expr.kind === 'column') continue; // always true
    if (c.kind === 'between' && !c.negated && c.expr.kind === 'column') {
      bound(column.grain, '>=', constantInstant(c.low, ctx));
      bound(column.grain, '<=', constantInstant(c.high, ctx));
      continue;
    }
    if (c.kind === 'binary' && FLIP[c.op]) {
      if (c.left.kind === 'column') {
        bound(column.grain, c.op, constantInstant(c.right, ctx));
        continue;
      }
      if (c.right.kind === 'column') {
        bound(column.grain, FLIP[c.op]!, constantInstant(c.left, ctx));
        continue;
      }
    }
    throw new SqlError(
      'NOT_SUPPORTED',
      `the time condition ${exprText(c)} cannot be read as a range: use ${column.name} >=, >, <, <=, = or BETWEEN with constant bounds, AND-ed together`,
      c.pos,
    );
  }
  if (start !== null && end !== null && start >= end) empty = true;
  return { start, end, boundGrain, empty, filters };
}

function literal(e: Expr): RowExpr {
  switch (e.kind) {
    case 'string':
      return { kind: 'literal', value: e.value, type: 'string' };
    case 'number': {
      const n = Number(e.text);
      return { kind: 'literal', value: n, type: /^-?\d+$/.test(e.text) ? 'bigint' : 'double' };
    }
    case 'boolean':
      return { kind: 'literal', value: e.value, type: 'boolean' };
    case 'null':
      return { kind: 'literal', value: null, type: 'null' };
    default:
      throw new SqlError(
        'NOT_SUPPORTED',
        `${exprText(e)} is not a literal; conditions on dimensions compare with literals`,
        e.pos,
      );
  }
}

const COMPARE: Readonly<Record<string, '=' | '!=' | '<' | '<=' | '>' | '>='>> = {
  '=': '=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** A condition over dimensions and literals, as the MetricQuery's filter expression. */
function dimensionFilter(e: Expr, resolve: ColumnResolver): RowExpr {
  const operand = (x: Expr): RowExpr => {
    if (x.kind === 'column') return { kind: 'dimension', name: resolve(x).name };
    return literal(x);
  };
  switch (e.kind) {
    case 'binary':
      if (e.op === 'and' || e.op === 'or') {
        return {
          kind: 'binary',
          op: e.op,
          left: dimensionFilter(e.left, resolve),
          right: dimensionFilter(e.right, resolve),
        };
      }
      if (COMPARE[e.op])
        return { kind: 'binary', op: COMPARE[e.op]!, left: operand(e.left), right: operand(e.right) };
      break;
    case 'not':
      return { kind: 'unary', op: 'not', operand: dimensionFilter(e.expr, resolve) };
    case 'in':
      return { kind: 'in', operand: operand(e.expr), values: e.list.map(literal), negated: e.negated };
    case 'between':
      return {
        kind: 'between',
        operand: operand(e.expr),
        low: literal(e.low),
        high: literal(e.high),
        negated: e.negated,
      };
    case 'is_null':
      return { kind: 'is_null', operand: operand(e.expr), negated: e.negated };
    case 'like':
      if (e.escape) break;
      return { kind: 'like', operand: operand(e.expr), pattern: literal(e.pattern), negated: e.negated };
    default:
      break;
  }
  throw new SqlError(
    'NOT_SUPPORTED',
    `the condition ${exprText(e)} is not supported on a KPI table's dimensions`,
    e.pos,
  );
}
