/**
 * Row-level expressions (aggregate arguments, `where` filters, KPI filters, rollup filters):
 * resolves names, checks types, and lowers the AST to RowExpr.
 */
import type { Catalog, TableDef } from '../../catalog/types.ts';
import type { RowExpr, ScalarFunction } from '../../ir/kpi.ts';
import type { Expr, Ident } from '../../lang/v2/ast.ts';
import { columnOf, reachableTables, resolveQualified } from './names.ts';
import type { Reporter } from './report.ts';
import { didYouMean } from './suggest.ts';
import {
  arithmetic,
  comparable,
  describeType,
  isBool,
  isNumeric,
  isString,
  isTime,
  type Ty,
  unify,
} from './types.ts';

export const AGGREGATES = ['sum', 'count', 'avg', 'min', 'max', 'approx_distinct', 'percentile'] as const;
export const TIME_FUNCTIONS = ['previous', 'growth', 'rolling', 'to_date', 'cumulative'] as const;
export const SCALAR_FUNCTIONS: readonly ScalarFunction[] = [
  'coalesce',
  'nullif',
  'abs',
  'round',
  'least',
  'greatest',
];
export const ALL_FUNCTIONS: readonly string[] = [...AGGREGATES, ...TIME_FUNCTIONS, ...SCALAR_FUNCTIONS];

export interface Typed<E> {
  readonly ir: E;
  readonly type: Ty;
}

export interface RowScope {
  readonly catalog: Catalog;
  readonly r: Reporter;
  /** The measure's table: bare names are its columns. null in KPI filters (bare names are dimensions). */
  readonly table: TableDef | null;
  /** Names that are aggregates (measures, KPIs): using one here is an aggregate inside an aggregate. */
  readonly aggregateNames?: ReadonlySet<string>;
}

/** Shared checks of the composite shapes, for row and formula expressions alike. */
export interface Lowering<E> {
  readonly r: Reporter;
  leaf(e: Expr): Typed<E> | null;
  call(e: Extract<Expr, { k: 'call' }>): Typed<E> | null;
}

export function scalarArity(fn: ScalarFunction): [number, number] {
  switch (fn) {
    case 'nullif':
      return [2, 2];
    case 'abs':
      return [1, 1];
    case 'round':
      return [1, 2];
    default:
      return [1, 64];
  }
}

/** Lowers composite expressions (operators, CASE, IN, …) with type checks; leaves and calls via `l`. */
export function lower<E>(e: Expr, l: Lowering<E>): Typed<E> | null {
  const r = l.r;
  const go = (x: Expr) => lower(x, l);
  switch (e.k) {
    case 'number':
    case 'duration':
    case 'string':
    case 'bool':
    case 'null':
    case 'name':
      return l.leaf(e);
    case 'missing':
      return null;
    case 'call':
      return l.call(e);
    case 'binary': {
      const a = go(e.left);
      const b = go(e.right);
      if (!a || !b) return null;
      const ir = { kind: 'binary', op: e.op, left: a.ir, right: b.ir } as E;
      if (e.op === 'and' || e.op === 'or') {
        for (const [x, side] of [
          [a, e.left],
          [b, e.right],
        ] as const) {
          if (!isBool(x.type)) {
            r.error(
              'type-mismatch',
              `"${e.op}" needs true/false on both sides, but this is ${describeType(x.type)}`,
              side.span,
            );
            return null;
          }
        }
        return { ir, type: 'boolean' };
      }
      if (e.op === '=' || e.op === '!=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') {
        if (!comparable(a.type, b.type)) {
          r.error(
            'type-mismatch',
            `cannot compare ${describeType(a.type)} to ${describeType(b.type)}`,
            e.span,
          );
          return null;
        }
        return { ir, type: 'boolean' };
      }
      // + - * / %: numbers, or a time shifted by a duration.
      if ((e.op === '+' || e.op === '-') && isTime(a.type) && b.type === 'interval' && a.type !== 'any') {
        return { ir, type: a.type };
      }
      for (const [x, side] of [
        [a, e.left],
        [b, e.right],
      ] as const) {
        if (!isNumeric(x.type)) {
          r.error('type-mismatch', `"${e.op}" needs numbers, but this is ${describeType(x.type)}`, side.span);
          return null;
        }
      }
      return { ir, type: arithmetic(e.op, a.type, b.type) };
    }
    case 'unary': {
      const a = go(e.operand);
      if (!a) return null;
      if (e.op === 'not' ? !isBool(a.type) : !isNumeric(a.type)) {
        r.error(
          'type-mismatch',
          `"${e.op}" needs ${e.op === 'not' ? 'true/false' : 'a number'}, but this is ${describeType(a.type)}`,
          e.operand.span,
        );
        return null;
      }
      return {
        ir: { kind: 'unary', op: e.op, operand: a.ir } as E,
        type: e.op === 'not' ? 'boolean' : a.type,
      };
    }
    case 'in': {
      const a = go(e.operand);
      const vs = e.values.map(go);
      if (!a || vs.some((v) => !v)) return null;
      for (const [i, v] of vs.entries()) {
        if (!comparable(a.type, v!.type)) {
          r.error(
            'type-mismatch',
            `cannot compare ${describeType(a.type)} to ${describeType(v!.type)}`,
            e.values[i]!.span,
          );
          return null;
        }
      }
      return {
        ir: { kind: 'in', operand: a.ir, values: vs.map((v) => v!.ir), negated: e.negated } as E,
        type: 'boolean',
      };
    }
    case 'between': {
      const a = go(e.operand);
      const lo = go(e.low);
      const hi = go(e.high);
      if (!a || !lo || !hi) return null;
      for (const [x, side] of [
        [lo, e.low],
        [hi, e.high],
      ] as const) {
        if (!comparable(a.type, x.type)) {
          r.error(
            'type-mismatch',
            `cannot compare ${describeType(a.type)} to ${describeType(x.type)}`,
            side.span,
          );
          return null;
        }
      }
      return {
        ir: { kind: 'between', operand: a.ir, low: lo.ir, high: hi.ir, negated: e.negated } as E,
        type: 'boolean',
      };
    }
    case 'is_null': {
      const a = go(e.operand);
      if (!a) return null;
      return { ir: { kind: 'is_null', operand: a.ir, negated: e.negated } as E, type: 'boolean' };
    }
    case 'like': {
      const a = go(e.operand);
      const p = go(e.pattern);
      if (!a || !p) return null;
      for (const [x, side] of [
        [a, e.operand],
        [p, e.pattern],
      ] as const) {
        if (!isString(x.type)) {
          r.error('type-mismatch', `"like" needs strings, but this is ${describeType(x.type)}`, side.span);
          return null;
        }
      }
      return {
        ir: { kind: 'like', operand: a.ir, pattern: p.ir, negated: e.negated } as E,
        type: 'boolean',
      };
    }
    case 'case': {
      const whens: { when: E; then: E }[] = [];
      const types: Ty[] = [];
      for (const w of e.whens) {
        const c = go(w.when);
        const t = go(w.then);
        if (!c || !t) return null;
        if (!isBool(c.type)) {
          r.error(
            'type-mismatch',
            `"when" needs a condition, but this is ${describeType(c.type)}`,
            w.when.span,
          );
          return null;
        }
        // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
        whens.push({ when: c.ir, then: t.ir });
        types.push(t.type);
      }
      const el = e.else ? go(e.else) : null;
      if (e.else && !el) return null;
      if (el) types.push(el.type);
      const type = unify(types);
      if (type === null) {
        r.error('type-mismatch', 'the branches of this case give values of different types', e.span);
        return null;
      }
      return { ir: { kind: 'case', whens, else: el ? el.ir : null } as E, type };
    }
  }
}

/** Scalar functions, shared by rows and formulas. */
export function lowerScalar<E>(
  e: Extract<Expr, { k: 'call' }>,
  fn: ScalarFunction,
  l: Lowering<E>,
): Typed<E> | null {
  const [min, max] = scalarArity(fn);
  if (e.star || e.distinct || e.where || e.clauses.length > 0) {
    l.r.error(
      'invalid-argument',
      `${fn}() takes plain values (no *, distinct, where or time clauses)`,
      e.span,
    );
    return null;
  }
  if (e.args.length < min || e.args.length > max) {
    const want = min === max ? `${min}` : max > 2 ? `at least ${min}` : `${min} or ${max}`;
    l.r.error(
      'invalid-argument',
      `${fn}() takes ${want} argument${want === '1' ? '' : 's'}, not ${e.args.length}`,
      e.span,
    );
    return null;
  }
  const args = e.args.map((a) => lower(a, l));
  if (args.some((a) => !a)) return null;
  const types = args.map((a) => a!.type);
  let type: Ty | null;
  if (fn === 'abs' || fn === 'round') {
    const bad = types.findIndex((t) => !isNumeric(t));
    if (bad >= 0) {
      l.r.error(
        'type-mismatch',
        `${fn}() needs a number, but this is ${describeType(types[bad]!)}`,
        e.args[bad]!.span,
      );
      return null;
    }
    if (fn === 'round' && e.args[1] && !(e.args[1].k === 'number' && Number.isInteger(e.args[1].value))) {
      l.r.error(
        'invalid-argument',
        'round() takes a whole number of digits as its second argument',
        e.args[1].span,
      );
      return null;
    }
    type = types[0]!;
  } else if (fn === 'nullif') {
    type = comparable(types[0]!, types[1]!) ? types[0]! : null;
  } else {
    type = unify(types);
  }
  if (type === null) {
    l.r.error('type-mismatch', `the arguments of ${fn}() have different types`, e.span);
    return null;
  }
  return { ir: { kind: 'call', fn, args: args.map((a) => a!.ir) } as E, type };
}

export function literal(e: Expr, r: Reporter): Typed<RowExpr & { kind: 'literal' }> | null {
  switch (e.k) {
    case 'number':
      if (!Number.isFinite(e.value)) {
        r.error('invalid-number', 'this number is too large', e.span);
        return null;
      }
      return {
        ir: { kind: 'literal', value: e.value, type: Number.isInteger(e.value) ? 'bigint' : 'double' },
        type: Number.isInteger(e.value) ? 'bigint' : 'double',
      };
    case 'string':
      return { ir: { kind: 'literal', value: e.value, type: 'string' }, type: 'string' };
    case 'bool':
      return { ir: { kind: 'literal', value: e.value, type: 'boolean' }, type: 'boolean' };
    case 'null':
      return { ir: { kind: 'literal', value: null, type: 'null' }, type: 'null' };
    default:
      return null;
  }
}

const isScalar = (name: string): name is ScalarFunction =>
  (SCALAR_FUNCTIONS as readonly string[]).includes(name);

/** A column written inside an aggregate: bare (the measure's table) or qualified (a joined table). */
function rowColumn(parts: readonly Ident[], s: RowScope): Typed<RowExpr> | null {
  const r = s.r;
  if (parts.length === 1) {
    const p = parts[0]!;
    if (s.aggregateNames?.has(p.text) && !(s.table && p.text in s.table.columns)) {
      r.error(
        'nested-aggregate',
        `"${p.text}" is already an aggregate; an aggregate cannot contain another`,
        p.span,
      );
      return null;
    }
    if (!s.table) return null;
    const c = columnOf(s.table, p, r);
    return c
      ? { ir: { kind: 'column', table: c.table, column: c.column, type: c.type }, type: c.type }
      : null;
  }
  const c = resolveQualified(s.catalog, parts, r);
  if (!c) return null;
  if (s.table) {
    const reach = reachableTables(s.catalog, { source: s.table.source, table: s.table.name });
    if (!reach.some((t) => t.source === c.table.source && t.name === c.table.table)) {
      r.error(
        'unreachable-column',
        `${c.table.source}.${c.table.table} cannot be reached from ${s.table.source}.${s.table.name}: no declared join leads there`,
        { start: parts[0]!.span.start, end: parts[parts.length - 1]!.span.end },
      );
      return null;
    }
  }
  return { ir: { kind: 'column', table: c.table, column: c.column, type: c.type }, type: c.type };
}

export function lowerRow(e: Expr, s: RowScope): Typed<RowExpr> | null {
  const l: Lowering<RowExpr> = {
    r: s.r,
    leaf(x) {
      if (x.k === 'duration') {
        return { ir: { kind: 'duration', duration: { amount: x.amount, unit: x.unit } }, type: 'interval' };
      }
      if (x.k !== 'name') return literal(x, s.r);
      if (x.star) {
        s.r.error('invalid-argument', '"*" only counts rows: count(*) or count(source.table.*)', x.span);
        return null;
      }
      if (!s.table && x.parts.length === 1) {
        return { ir: { kind: 'dimension', name: x.parts[0]!.text }, type: 'any' };
      }
      return rowColumn(x.parts, s);
    },
    call(x) {
      const fn = x.name.text.toLowerCase();
      if (isScalar(fn)) return lowerScalar(x, fn, l);
      if ((AGGREGATES as readonly string[]).includes(fn)) {
        s.r.error(
          'nested-aggregate',
          `${fn}() is an aggregate; it cannot be used inside another aggregate or a filter`,
          x.span,
        );
        return null;
      }
      if ((TIME_FUNCTIONS as readonly string[]).includes(fn)) {
        s.r.error('invalid-argument', `${fn}() works on KPI values, not on rows`, x.span);
        return null;
      }
      s.r.error(
        'unknown-function',
        `unknown function "${x.name.text}"`,
        x.name.span,
        didYouMean(fn, SCALAR_FUNCTIONS),
      );
      return null;
    },
  };
  return lower(e, l);
}
