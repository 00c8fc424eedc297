/**
 * One aggregate of a formula → one measure: its table (from the first qualified name of its argument,
 * or the `let`/seed variable standing for a column), argument and filter lowered as row expressions,
 * the time column (`on`), validity (`active`) and period (`within`) checked, and the re-aggregation of
 * a variable that already is that aggregate folded into the variable itself.
 */
import type { TableRef } from '../catalog/types.ts';
import type { AggregateFn, FormulaExpr, Measure, RowExpr, Span, ValueType } from '../ir/kpi.ts';
import type { CallExpr, Expr } from '../lang/ast.ts';
import type { FormulaScope } from './formula-scope.ts';
import type { ColumnAlias, RowLowering, Typed } from './lower-row.ts';
import { astChildren } from './lower-structure.ts';
import { own, resolveBareColumn, resolveQualified } from './resolve-names.ts';
import { isBoolean, isNumeric, typeWords } from './types.ts';

/** What an aggregate's lowering needs from the formula lowering it is part of. */
export interface AggregateContext {
  readonly s: FormulaScope;
  readonly row: RowLowering;
  fail(code: string, message: string, at: { span: Span }): null;
  freshName(): string;
  /** The measure of a `let` variable, lowered on first use. */
  letMeasure(name: string, at: { span: Span }): Measure | null;
}

/** sum over sum (or count), min over min, max over max give the variable itself. */
const REAGGREGATES: Record<string, readonly AggregateFn[]> = {
  sum: ['sum', 'count'],
  min: ['min'],
  max: ['max'],
};

function aggregateType(fn: AggregateFn, arg: ValueType | null): ValueType {
  switch (fn) {
    case 'count':
    case 'count_distinct':
    case 'approx_distinct':
      return 'bigint';
    case 'avg':
      return arg === 'decimal' ? 'decimal' : 'double';
    case 'percentile':
      return arg === 'decimal' ? 'decimal' : 'double';
    default:
      return arg ?? 'bigint';
  }
}

/** One aggregate → one measure; `name` is the `let` name when it has one. */
export function lowerAggregate(
  ctx: AggregateContext,
  e: CallExpr,
  name: string | null,
): Typed<FormulaExpr> | null {
  const { s } = ctx;
  let fn = e.fn.text.toLowerCase() as AggregateFn;
  if (e.distinct) {
    if (fn === 'count') fn = 'count_distinct';
    else if (fn !== 'count_distinct' && fn !== 'approx_distinct')
      return ctx.fail('bad-arguments', `"distinct" only goes in count(distinct …)`, e);
  }
  const args = e.args;
  if (e.star && fn !== 'count')
    return ctx.fail('bad-arguments', `${fn}(*) is not an aggregate; only count(*) counts rows`, e);
  if (e.star)
    return ctx.fail(
      'missing-table',
      'count(*) needs a table: write count(source.table), e.g. count(users.accounts)',
      e,
    );
  const wantArgs = fn === 'percentile' ? 2 : 1;
  if (args.length !== wantArgs) {
    return ctx.fail(
      'bad-arguments',
      fn === 'percentile'
        ? 'percentile(…) takes a column and a fraction, e.g. percentile(x, 0.95)'
        : `${fn}(…) takes one argument`,
      e,
    );
  }
  const arg = args[0]!;
  // Re-aggregating a variable that is already this aggregate is the variable itself (the seed's
  // `SUM(subscription_amount)` over a variable aggregated with sum).
  if (arg.k === 'name' && arg.parts.length === 1 && s.lets.has(arg.parts[0]!.text)) {
    const inner = ctx.letMeasure(arg.parts[0]!.text, arg);
    if (!inner) return null;
    if (
      !e.where &&
      !e.on &&
      !e.active &&
      !e.within &&
      !e.distinct &&
      own(REAGGREGATES, fn)?.includes(inner.fn)
    ) {
      return { ir: { kind: 'measure_ref', name: inner.name }, type: inner.type };
    }
    return ctx.fail(
      'nested-aggregate',
      `${fn}(${arg.parts[0]!.text}) aggregates "${arg.parts[0]!.text}", which is already an aggregate (${inner.fn})`,
      e,
    );
  }
  // The table: from the argument's first qualified name, or a seed variable standing for a column.
  const table = tableOf(s, arg);
  if (!table) {
    if (!s.diagnostics.length || findFirstQualified(s, arg) === null) {
      return ctx.fail(
        'missing-table',
        `${fn}(…) needs a qualified column such as payments.subscriptions.amount`,
        arg,
      );
    }
    return null;
  }
  let argIr: RowExpr | null = null;
  let argType: ValueType | null = null;
  if (!(table.isTable && fn === 'count')) {
    if (table.isTable)
      return ctx.fail(
        'bad-arguments',
        `${fn}(…) needs a column, not the table ${table.ref.source}.${table.ref.table}`,
        arg,
      );
    const r = ctx.row.lower(arg, { mode: 'table', table: table.ref, aliases: s.aliases });
    if (!r) return null;
    argIr = r.ir;
    argType = r.type;
    if ((fn === 'sum' || fn === 'avg' || fn === 'percentile') && !isNumeric(r.type)) {
      return ctx.fail('type-mismatch', `${fn}(…) needs numbers, but this is a ${r.type}`, arg);
    }
    if ((fn === 'min' || fn === 'max') && r.type === 'boolean')
      return ctx.fail('type-mismatch', `${fn}(…) of true/false values is not defined`, arg);
  }
  let fraction: number | undefined;
  if (fn === 'percentile') {
    const f = args[1]!;
    if (f.k !== 'number' || !(f.value > 0 && f.value < 1))
      return ctx.fail(
        'bad-arguments',
        'the fraction of percentile(x, f) is a number between 0 and 1, e.g. 0.95',
        f,
      );
    fraction = f.value;
  }
  let filter: RowExpr | null = null;
  if (e.where) {
    const w = ctx.row.lower(e.where, { mode: 'table', table: table.ref, aliases: s.aliases });
    if (!w) return null;
    if (!isBoolean(w.type))
      return ctx.fail(
        'type-mismatch',
        `"where" needs a true/false condition, not ${typeWords(w.type)}`,
        e.where,
      );
    filter = w.ir;
  }
  const def = s.catalog.sources[table.ref.source]!.tables[table.ref.table]!;
  let timeColumn = table.timeColumn ?? def.timeColumn;
  const timeCheck = (part: { text: string; span: Span }): boolean => {
    const r = resolveBareColumn(s.catalog, table.ref, part, s.diagnostics, s.prefix);
    if (!r) return false;
    if (r.table.source !== table.ref.source || r.table.table !== table.ref.table) {
      ctx.fail(
        'bad-time-column',
        `"${part.text}" must be a column of ${table.ref.source}.${table.ref.table} itself`,
        part,
      );
      return false;
    }
    if (r.type !== 'timestamp' && r.type !== 'date') {
      ctx.fail('type-mismatch', `"${part.text}" is a ${r.type}, not a time`, part);
      return false;
    }
    return true;
  };
  if (e.on) {
    if (!timeCheck(e.on)) return null;
    timeColumn = e.on.text;
  }
  let validity: Measure['validity'];
  if (e.active) {
    if (!timeCheck(e.active.start) || !timeCheck(e.active.end)) return null;
    validity = { startColumn: e.active.start.text, endColumn: e.active.end.text };
  }
  const period = e.within ?? table.period;
  const measureName = name ?? ctx.freshName();
  const measure: Measure = {
    kind: 'measure',
    name: measureName,
    fn,
    table: table.ref,
    arg: argIr,
    filter,
    ...(fraction !== undefined ? { fraction } : {}),
    timeColumn,
    ...(validity ? { validity } : {}),
    ...(period !== undefined ? { period } : {}),
    type: aggregateType(fn, argType),
  };
  s.measures.push(measure);
  return { ir: { kind: 'measure_ref', name: measureName }, type: measure.type };
}

function findFirstQualified(s: FormulaScope, e: Expr): Expr | null {
  if (e.k === 'name') return e.parts.length > 1 || s.aliases.has(e.parts[0]!.text) ? e : null;
  for (const child of astChildren(e)) {
    const f = findFirstQualified(s, child);
    if (f) return f;
  }
  return null;
}

function tableOf(
  s: FormulaScope,
  arg: Expr,
): { ref: TableRef; isTable: boolean; timeColumn?: string; period?: string } | null {
  const first = findFirstQualified(s, arg);
  if (first?.k !== 'name') return null;
  if (first.parts.length === 1) {
    const alias = s.aliases.get(first.parts[0]!.text)!;
    const a = alias as ColumnAlias & { timeColumn?: string; period?: string };
    return {
      ref: alias.table,
      isTable: false,
      ...(a.timeColumn ? { timeColumn: a.timeColumn } : {}),
      ...(a.period ? { period: a.period } : {}),
    };
  }
  const r = resolveQualified(s.catalog, first.parts, s.diagnostics, s.prefix);
  if (!r) return null;
  return { ref: r.table, isTable: r.kind === 'table' && arg === first };
}
