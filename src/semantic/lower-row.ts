/**
 * Row expressions: aggregate arguments and `where` filters (columns of the measure's table, or of a
 * table reached through its joins) and KPI/query filters (bare names are dimensions).
 */

import type { Catalog, ColumnType, TableRef } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { RowExpr, ScalarFunction, ValueType } from '../ir/kpi.ts';
import type { Expr } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error } from './diagnostics.ts';
import { lowerStructure, type Typed } from './lower-structure.ts';
import {
  catalogColumns,
  findDimension,
  own,
  reachable,
  resolveBareColumn,
  resolveQualified,
} from './resolve-names.ts';
import { isNumeric, mergeNumeric, unify } from './types.ts';

export const AGGREGATES = new Set([
  'sum',
  'count',
  'avg',
  'min',
  'max',
  'approx_distinct',
  'percentile',
  'count_distinct',
]);
export const TIME_FUNCTIONS = new Set(['previous', 'growth', 'rolling', 'to_date', 'cumulative']);
export const SCALARS: Record<string, { min: number; max: number }> = {
  coalesce: { min: 1, max: Number.POSITIVE_INFINITY },
  nullif: { min: 2, max: 2 },
  abs: { min: 1, max: 1 },
  round: { min: 1, max: 2 },
  least: { min: 1, max: Number.POSITIVE_INFINITY },
  greatest: { min: 1, max: Number.POSITIVE_INFINITY },
};
export const ALL_FUNCTIONS = [...AGGREGATES, ...TIME_FUNCTIONS, ...Object.keys(SCALARS)];

export type RowContext =
  | {
      readonly mode: 'table';
      readonly table: TableRef;
      readonly aliases?: ReadonlyMap<string, ColumnAlias>;
      /** A rollup's own filter: read per row of the table, not inside an aggregate. */
      readonly filter?: boolean;
    }
  | { readonly mode: 'dimension'; readonly tables: readonly TableRef[] };

/** A seed variable without an aggregation: a name for a column. */
export interface ColumnAlias {
  readonly table: TableRef;
  readonly column: string;
  readonly type: ColumnType;
}

export type { Typed } from './lower-structure.ts';

const columnsCache = new WeakMap<Catalog, Map<string, ColumnType>>();
function columnsOf(catalog: Catalog): Map<string, ColumnType> {
  let c = columnsCache.get(catalog);
  if (!c) {
    c = catalogColumns(catalog);
    columnsCache.set(catalog, c);
  }
  return c;
}

export class RowLowering {
  constructor(
    readonly catalog: Catalog,
    readonly diagnostics: Diagnostic[],
    readonly prefix = '',
  ) {}

  fail(code: string, message: string, e: Expr | { span: Expr['span'] }, hint?: string): null {
    this.diagnostics.push(error(code, this.prefix + message, e.span, hint ? { hint } : {}));
    return null;
  }

  lower(e: Expr, ctx: RowContext): Typed<RowExpr> | null {
    switch (e.k) {
      case 'number':
        if (!Number.isFinite(e.value)) return this.fail('bad-number', `${e.image} is too large a number`, e);
        return {
          ir: { kind: 'literal', value: e.value, type: Number.isInteger(e.value) ? 'bigint' : 'double' },
          type: Number.isInteger(e.value) ? 'bigint' : 'double',
        };
      case 'string':
        return {
          ir: { kind: 'literal', value: e.value, type: 'string' },
          type: 'string',
          stringLiteral: true,
        };
      case 'boolean':
        return { ir: { kind: 'literal', value: e.value, type: 'boolean' }, type: 'boolean' };
      case 'null':
        return { ir: { kind: 'literal', value: null, type: 'null' }, type: 'null' };
      case 'duration':
        if (!Number.isInteger(e.amount) || e.amount <= 0) {
          return this.fail('bad-duration', 'a duration is a whole number of units greater than 0', e);
        }
        return { ir: { kind: 'duration', duration: { amount: e.amount, unit: e.unit } }, type: 'interval' };
      case 'name':
        return this.name(e, ctx);
      case 'call':
        return this.call(e, ctx);
      default:
        return this.structure(e, ctx);
    }
  }

  /** The forms formula expressions share (lower-structure.ts), over row expressions. */
  private structure(e: Expr, ctx: RowContext): Typed<RowExpr> | null {
    const r = lowerStructure<RowExpr>(
      e,
      (child) => this.lower(child, ctx),
      (code, message, at) => this.fail(code, message, at),
    );
    if (r === undefined) throw new Error(`row lowering: unhandled expression ${e.k}`);
    return r as Typed<RowExpr> | null;
  }

  private name(e: Extract<Expr, { k: 'name' }>, ctx: RowContext): Typed<RowExpr> | null {
    const parts = e.parts;
    if (ctx.mode === 'dimension') {
      if (parts.length > 1) {
        return this.fail(
          'bad-name',
          `a filter names dimensions (e.g. region), not "${parts.map((p) => p.text).join('.')}"`,
          e,
        );
      }
      const name = parts[0]!.text;
      const tables = ctx.tables;
      if (tables.length === 0) {
        const type = columnsOf(this.catalog).get(name);
        if (!type)
          return this.fail(
            'unknown-dimension',
            `unknown dimension "${name}"`,
            e,
            didYouMean(name, columnsOf(this.catalog).keys()).hint,
          );
        return { ir: { kind: 'dimension', name }, type };
      }
      let type: ColumnType | undefined;
      for (const t of tables) {
        const path = findDimension(this.catalog, t, name);
        if (!path) {
          const all = new Set<string>();
          for (const x of tables)
            for (const c of Object.keys(this.catalog.sources[x.source]?.tables[x.table]?.columns ?? {}))
              all.add(c);
          return this.fail(
            'unreachable-dimension',
            `dimension "${name}" cannot be reached from ${t.source}.${t.table}`,
            e,
            didYouMean(name, all).hint,
          );
        }
        type ??= this.catalog.sources[path.table.source]!.tables[path.table.table]!.columns[path.column];
      }
      return { ir: { kind: 'dimension', name }, type: type! };
    }
    if (parts.length === 1) {
      const alias = ctx.aliases?.get(parts[0]!.text);
      if (alias) {
        if (!reachable(this.catalog, ctx.table, alias.table)) {
          return this.fail(
            'mixed-tables',
            `"${parts[0]!.text}" is a column of ${alias.table.source}.${alias.table.table}, which ${ctx.table.source}.${ctx.table.table} cannot reach`,
            e,
          );
        }
        return {
          ir: { kind: 'column', table: alias.table, column: alias.column, type: alias.type },
          type: alias.type,
        };
      }
      const r = resolveBareColumn(this.catalog, ctx.table, parts[0]!, this.diagnostics, this.prefix);
      if (!r) return null;
      return { ir: { kind: 'column', table: r.table, column: r.column, type: r.type }, type: r.type };
    }
    const r = resolveQualified(this.catalog, parts, this.diagnostics, this.prefix);
    if (!r) return null;
    if (r.kind === 'table')
      return this.fail(
        'bad-name',
        `"${parts.map((p) => p.text).join('.')}" is a table; name one of its columns`,
        e,
      );
    if (!reachable(this.catalog, ctx.table, r.table)) {
      return this.fail(
        'mixed-tables',
        `${r.table.source}.${r.table.table} cannot be reached from ${ctx.table.source}.${ctx.table.table}, the table this aggregate reads`,
        e,
      );
    }
    return { ir: { kind: 'column', table: r.table, column: r.column, type: r.type }, type: r.type };
  }

  private call(e: Extract<Expr, { k: 'call' }>, ctx: RowContext): Typed<RowExpr> | null {
    const fn = e.fn.text.toLowerCase();
    if (fn === '')
      return this.fail(
        'misplaced-clause',
        '"on", "active between" and "within" belong after an aggregate such as sum(…)',
        e,
      );
    if (AGGREGATES.has(fn)) {
      return ctx.mode === 'table' && !ctx.filter
        ? this.fail(
            'nested-aggregate',
            `${fn}(…) is inside another aggregate; an aggregate's argument is evaluated per row`,
            e,
          )
        : this.fail('aggregate-in-filter', `a filter is evaluated per row and cannot contain ${fn}(…)`, e);
    }
    if (TIME_FUNCTIONS.has(fn))
      return this.fail(
        'misplaced-time-function',
        `${fn}(…) works on aggregates and cannot be used per row`,
        e,
      );
    if (e.on || e.active || e.within)
      return this.fail(
        'misplaced-clause',
        `"${fn}" is not an aggregate; "on", "active between" and "within" follow aggregates`,
        e,
      );
    const spec = own(SCALARS, fn);
    if (!spec)
      return this.fail(
        'unknown-function',
        `unknown function "${e.fn.text}"`,
        e.fn,
        didYouMean(fn, ALL_FUNCTIONS).hint,
      );
    if (e.star || e.distinct || e.where)
      return this.fail('bad-arguments', `${fn}(…) takes plain values (no *, distinct or where)`, e);
    return scalarCall(
      fn as ScalarFunction,
      spec,
      e,
      e.args.map((a) => this.lower(a, ctx)),
      (code, message, at) => this.fail(code, message, at),
    );
  }
}

/**
 * A scalar function call (row or formula) over its lowered arguments: null when an argument failed
 * (already reported), else typed by scalarType or its problem reported at the call.
 */
export function scalarCall<T>(
  fn: ScalarFunction,
  spec: { min: number; max: number },
  e: Expr,
  args: readonly (Typed<T> | null)[],
  fail: (code: string, message: string, at: Expr) => null,
): Typed<{ readonly kind: 'call'; readonly fn: ScalarFunction; readonly args: readonly T[] }> | null {
  if (args.some((a) => !a)) return null;
  const typed = args.map((a) => a!);
  const type = scalarType(fn, typed, spec, args.length);
  if (typeof type !== 'string') return fail(type.code, type.message, e);
  return { ir: { kind: 'call', fn, args: typed.map((a) => a.ir) }, type };
}

/** Result type of a scalar function, or the problem with its arguments. */
export function scalarType(
  fn: ScalarFunction,
  args: readonly { type: ValueType; stringLiteral?: boolean }[],
  spec: { min: number; max: number },
  count: number,
): ValueType | { code: string; message: string } {
  if (count < spec.min || count > spec.max) {
    const want =
      spec.min === spec.max
        ? `${spec.min}`
        : spec.max === Number.POSITIVE_INFINITY
          ? `at least ${spec.min}`
          : `${spec.min} or ${spec.max}`;
    return {
      code: 'bad-arguments',
      message: `${fn}(…) takes ${want} argument${spec.min === 1 && spec.max === 1 ? '' : 's'}, not ${count}`,
    };
  }
  const types = args.map((a) => a.type);
  switch (fn) {
    case 'abs':
    case 'round':
      if (!types.every(isNumeric)) return { code: 'type-mismatch', message: `${fn}(…) needs numbers` };
      if (fn === 'round' && types[1] !== undefined && types[1] !== 'bigint')
        return { code: 'type-mismatch', message: 'round(x, digits) needs a whole number of digits' };
      return types[0]!;
    case 'coalesce':
    case 'least':
    case 'greatest':
    case 'nullif': {
      const t = unify(types);
      if (!t)
        return {
          code: 'type-mismatch',
          message: `the arguments of ${fn}(…) have different types (${types.join(', ')})`,
        };
      return types.every(isNumeric) ? mergeNumeric(types) : t;
    }
  }
}
