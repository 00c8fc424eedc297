/**
 * KPI formulas: aggregates become Measures (named, deduplicated, in first-use order), names become
 * MeasureRefs or KpiRefs, time functions become Previous/Growth/Rolling/ToDate.
 */
import type { Catalog, TableDef } from '../../catalog/types.ts';
import {
  type AggregateFn,
  type Duration,
  type FormulaExpr,
  GRAINS,
  type Grain,
  type Measure,
  type RowExpr,
  type ValueType,
} from '../../ir/kpi.ts';
import type { Expr, Ident } from '../../lang/v2/ast.ts';
import { allColumnNames, own, resolveQualified, resolveTable } from './names.ts';
import type { Reporter } from './report.ts';
import {
  AGGREGATES,
  ALL_FUNCTIONS,
  type Lowering,
  literal,
  lower,
  lowerRow,
  lowerScalar,
  type RowScope,
  SCALAR_FUNCTIONS,
  type Typed,
} from './row.ts';
import { didYouMean } from './suggest.ts';
import { describeType, isNumeric, isTime, type Ty } from './types.ts';

type Call = Extract<Expr, { k: 'call' }>;

/** A declared name: an aggregate (`measure x = sum(…)`, a seed variable with aggregation) or a column. */
export type Binding =
  | { readonly k: 'measure'; readonly measure: Measure }
  | { readonly k: 'column'; readonly parts: readonly Ident[] };

export interface FormulaScope {
  readonly catalog: Catalog;
  readonly r: Reporter;
  readonly bindings: ReadonlyMap<string, Binding>;
  readonly isKpi: (id: string) => boolean;
  readonly kpiIds: () => Iterable<string>;
  /** Measures used so far, in first-use order. */
  readonly used: Measure[];
  readonly dependsOn: string[];
}

const nameSpan = (parts: readonly Ident[]) => ({
  start: parts[0]!.span.start,
  end: parts[parts.length - 1]!.span.end,
});

/** Qualified names (≥ 2 parts) in an expression, in source order: the first decides the measure's table. */
function qualifiedNames(e: Expr | null, out: (readonly Ident[])[]): (readonly Ident[])[] {
  if (!e) return out;
  switch (e.k) {
    case 'name':
      if (e.parts.length >= 2) out.push(e.parts);
      break;
    case 'call':
      for (const a of e.args) qualifiedNames(a, out);
      qualifiedNames(e.where, out);
      break;
    case 'binary':
      qualifiedNames(e.left, out);
      qualifiedNames(e.right, out);
      break;
    case 'unary':
      qualifiedNames(e.operand, out);
      break;
    case 'in':
      qualifiedNames(e.operand, out);
      for (const v of e.values) qualifiedNames(v, out);
      break;
    case 'between':
      qualifiedNames(e.operand, out);
      qualifiedNames(e.low, out);
      qualifiedNames(e.high, out);
      break;
    case 'is_null':
      qualifiedNames(e.operand, out);
      break;
    case 'like':
      qualifiedNames(e.operand, out);
      qualifiedNames(e.pattern, out);
      break;
    case 'case':
      for (const w of e.whens) {
        qualifiedNames(w.when, out);
        qualifiedNames(w.then, out);
      }
      qualifiedNames(e.else, out);
      break;
    default:
      break;
  }
  return out;
}

/** The table an aggregate reads: the table of its first qualified name (`src.table.col` or `src.table.*`). */
function measureTable(catalog: Catalog, call: Call, r: Reporter): TableDef | null | undefined {
  const names = qualifiedNames(call, []);
  const first = names[0];
  if (!first) return null;
  const star = call.args[0]?.k === 'name' && call.args[0].star && call.args[0].parts === first;
  const tableParts = star || first.length === 2 ? first : first.slice(0, -1);
  if (!star && (first.length < 3 || first.length > 4)) {
    r.error(
      'unknown-column',
      `"${first.map((p) => p.text).join('.')}" is not a column: write source.table.column`,
      nameSpan(first),
    );
    return undefined;
  }
  return resolveTable(catalog, tableParts, r);
}

function measureType(fn: AggregateFn, arg: Ty | null): ValueType {
  if (fn === 'count' || fn === 'count_distinct' || fn === 'approx_distinct') return 'bigint';
  if (arg === null || arg === 'any' || arg === 'null') return 'number';
  return arg;
}

type AggResult = { readonly measure: Measure } | { readonly ref: string; readonly type: ValueType };

/** One aggregate call → a Measure (named later), or the declared measure it denotes. */
export function lowerAggregate(call: Call, s: FormulaScope, name: string): AggResult | null {
  const r = s.r;
  const written = call.name.text.toLowerCase();
  let fn: AggregateFn = written as AggregateFn;
  if (call.distinct) {
    if (written !== 'count') {
      r.error('invalid-argument', `"distinct" only goes with count: count(distinct x)`, call.span);
      return null;
    }
    fn = 'count_distinct';
  }
  // An aggregate over a declared name: the seed's `SUM(subscription_amount)` where the variable
  // already sums is that variable; over a column variable it aggregates the column.
  const only = call.args.length === 1 ? call.args[0]! : null;
  let args = call.args;
  if (only?.k === 'name' && only.parts.length === 1 && !only.star) {
    const b = s.bindings.get(only.parts[0]!.text);
    if (b?.k === 'measure') {
      if (b.measure.fn === fn && !call.where && call.clauses.length === 0) {
        return { ref: b.measure.name, type: b.measure.type };
      }
      r.error(
        'nested-aggregate',
        `"${only.parts[0]!.text}" is already an aggregate (${b.measure.fn}); an aggregate cannot contain another`,
        only.span,
      );
      return null;
    }
    if (b?.k === 'column') args = [{ k: 'name', parts: b.parts, star: false, span: only.span }];
  }
  const effective: Call = { ...call, args };
  const table = measureTable(s.catalog, effective, r);
  if (table === undefined) return null;
  if (table === null) {
    r.error(
      'unknown-table',
      `cannot tell which table ${written}(…) reads: write a column as source.table.column${call.star ? ', or count(source.table.*)' : ''}`,
      call.span,
    );
    return null;
  }
  const aggregateNames = new Set<string>(
    [...s.bindings.keys()].filter((k) => s.bindings.get(k)?.k === 'measure'),
  );
  const rs: RowScope = { catalog: s.catalog, r, table, aggregateNames };
  const tableRef = { source: table.source, table: table.name };

  let arg: RowExpr | null = null;
  let argType: Ty | null = null;
  let fraction: number | undefined;
  const starArg = call.star || (args.length === 1 && args[0]!.k === 'name' && args[0].star);
  if (starArg) {
    if (fn !== 'count') {
      r.error('invalid-argument', `${written}(*) is not meaningful: only count(*) counts rows`, call.span);
      return null;
    }
    const a = args[0];
    if (a?.k === 'name' && a.parts.length !== 2) {
      r.error('invalid-argument', 'count rows with count(source.table.*)', a.span);
      return null;
    }
  } else {
    const want = fn === 'percentile' ? 2 : 1;
    if (args.length !== want) {
      r.error(
        'invalid-argument',
        fn === 'percentile'
          ? 'percentile() takes a value and a fraction: percentile(x, 0.95)'
          : `${written}() takes one argument, not ${args.length}`,
        call.span,
      );
      return null;
    }
    const a = lowerRow(args[0]!, rs);
    if (!a) return null;
    arg = a.ir;
    argType = a.type;
    if (fn === 'percentile') {
      const f = args[1]!;
      if (f.k !== 'number' || !(f.value > 0 && f.value < 1)) {
        r.error(
          'invalid-argument',
          'the fraction of percentile() is a number between 0 and 1, e.g. 0.95',
          f.span,
        );
        return null;
      }
      fraction = f.value;
    }
    const numeric = fn === 'sum' || fn === 'avg' || fn === 'percentile';
    if (numeric && !isNumeric(argType)) {
      r.error(
        'type-mismatch',
        `${written}() needs numbers, but this is ${describeType(argType)}`,
        args[0]!.span,
      );
      return null;
    }
    if ((fn === 'min' || fn === 'max') && argType === 'boolean') {
      r.error('type-mismatch', `${written}() needs numbers, times or strings, not true/false`, args[0]!.span);
      return null;
    }
  }
  let filter: RowExpr | null = null;
  if (call.where) {
    const w = lowerRow(call.where, rs);
    if (!w) return null;
    if (w.type !== 'boolean' && w.type !== 'null') {
      r.error(
        'type-mismatch',
        `"where" needs a condition, but this is ${describeType(w.type)}`,
        call.where.span,
      );
      return null;
    }
    filter = w.ir;
  }
  let timeColumn = table.timeColumn;
  let validity: { startColumn: string; endColumn: string } | undefined;
  let period: string | undefined;
  const timeCol = (e: Expr, what: string): string | null => {
    const parts = e.k === 'name' && !e.star ? e.parts : null;
    const last = parts?.[parts.length - 1];
    if (
      !parts ||
      !last ||
      (parts.length > 1 && resolveQualified(s.catalog, parts, null)?.table.table !== table.name)
    ) {
      r.error('invalid-argument', `${what} is a time column of ${table.source}.${table.name}`, e.span);
      return null;
    }
    const t = own(table.columns, last.text);
    if (!t) {
      r.error(
        'unknown-column',
        `table ${table.source}.${table.name} has no column "${last.text}"`,
        last.span,
        didYouMean(last.text, Object.keys(table.columns)),
      );
      return null;
    }
    if (!isTime(t)) {
      r.error(
        'type-mismatch',
        `${what} must be a time column, but "${last.text}" is ${describeType(t)}`,
        last.span,
      );
      return null;
    }
    return last.text;
  };
  for (const c of call.clauses) {
    if (c.k === 'active') {
      const a = timeCol(c.start, 'the start of "active between"');
      const b = timeCol(c.end, 'the end of "active between"');
      if (!a || !b) return null;
      validity = { startColumn: a, endColumn: b };
    } else if (c.k === 'at') {
      const t = timeCol({ k: 'name', parts: [c.column], star: false, span: c.column.span }, '"at"');
      if (!t) return null;
      timeColumn = t;
    } else {
      period = c.value;
    }
  }
  const measure: Measure = {
    kind: 'measure',
    name,
    fn,
    table: tableRef,
    arg,
    filter,
    ...(fraction !== undefined ? { fraction } : {}),
    timeColumn,
    ...(validity ? { validity } : {}),
    ...(period !== undefined ? { period } : {}),
    type: measureType(fn, argType),
  };
  return { measure };
}

/** Same aggregate, whatever its name: deduplicates `sum(x) / sum(x)`. */
export const measureKey = (m: Measure): string => JSON.stringify({ ...m, name: '' });

function durationArg(e: Expr | undefined, fn: string, r: Reporter, span: Expr['span']): Duration | null {
  if (e?.k !== 'duration') {
    r.error(
      'invalid-argument',
      `${fn}() takes a duration as its second argument, e.g. 1 month or 7 days`,
      e?.span ?? span,
    );
    return null;
  }
  if (!Number.isInteger(e.amount) || e.amount <= 0) {
    r.error('invalid-argument', 'a duration is a whole number of units, at least 1', e.span);
    return null;
  }
  return { amount: e.amount, unit: e.unit };
}

export function lowerFormula(e: Expr, s: FormulaScope): Typed<FormulaExpr> | null {
  const r = s.r;
  const use = (m: Measure): Typed<FormulaExpr> => {
    if (!s.used.some((u) => u.name === m.name)) s.used.push(m);
    return { ir: { kind: 'measure_ref', name: m.name }, type: m.type };
  };
  const freshName = (): string => {
    for (let i = 1; ; i++) {
      const n = `m${i}`;
      if (!s.bindings.has(n) && !s.used.some((u) => u.name === n)) return n;
    }
  };
  const l: Lowering<FormulaExpr> = {
    r,
    leaf(x) {
      if (x.k === 'duration') {
        r.error(
          'invalid-argument',
          'a duration only makes sense as the second argument of previous, growth or rolling',
          x.span,
        );
        return null;
      }
      if (x.k !== 'name') return literal(x, r);
      const text = x.parts.map((p) => p.text).join('.');
      if (x.parts.length === 1) {
        const b = s.bindings.get(text);
        if (b?.k === 'measure') return use(b.measure);
        if (b?.k === 'column') {
          r.error(
            'bare-column',
            `"${text}" is a column outside any aggregate: wrap it, e.g. sum(${text})`,
            x.span,
          );
          return null;
        }
        if (s.isKpi(text)) {
          if (!s.dependsOn.includes(text)) s.dependsOn.push(text);
          return { ir: { kind: 'kpi_ref', id: text }, type: 'number' };
        }
        if (allColumnNames(s.catalog).has(text)) {
          r.error(
            'bare-column',
            `"${text}" is a column outside any aggregate: aggregate it, e.g. sum(source.table.${text})`,
            x.span,
          );
          return null;
        }
        r.error(
          'unknown-kpi',
          `unknown name "${text}": not a measure of this KPI nor a known KPI`,
          x.span,
          didYouMean(text, [...s.bindings.keys(), ...s.kpiIds()]),
        );
        return null;
      }
      if (x.parts.length >= 3 && resolveQualified(s.catalog, x.parts, r)) {
        r.error(
          'bare-column',
          `${text} is a column outside any aggregate: aggregate it, e.g. sum(${text})`,
          x.span,
        );
      } else if (x.parts.length < 3) {
        r.error('unknown-column', `"${text}" is not a column: write source.table.column`, x.span);
      }
      return null;
    },
    call(x) {
      const fn = x.name.text.toLowerCase();
      if ((AGGREGATES as readonly string[]).includes(fn)) {
        const res = lowerAggregate(x, s, '');
        if (!res) return null;
        if ('ref' in res) {
          const b = s.bindings.get(res.ref);
          return b?.k === 'measure' ? use(b.measure) : null;
        }
        const key = measureKey(res.measure);
        const declared = [...s.bindings.values()].find(
          (b) => b.k === 'measure' && measureKey(b.measure) === key,
        );
        if (declared?.k === 'measure') return use(declared.measure);
        const same = s.used.find((u) => measureKey(u) === key);
        return use(same ?? { ...res.measure, name: freshName() });
      }
      if (fn === 'previous' || fn === 'growth' || fn === 'rolling') {
        if (x.args.length !== 2 || x.star || x.distinct || x.where || x.clauses.length > 0) {
          r.error('invalid-argument', `${fn}() takes a value and a duration: ${fn}(k, 1 month)`, x.span);
          return null;
        }
        const inner = lowerFormula(x.args[0]!, s);
        const d = durationArg(x.args[1], fn, r, x.span);
        if (!inner || !d) return null;
        if (!isNumeric(inner.type)) {
          r.error(
            'type-mismatch',
            `${fn}() needs a number, but this is ${describeType(inner.type)}`,
            x.args[0]!.span,
          );
          return null;
        }
        if (fn === 'rolling') return { ir: { kind: 'rolling', expr: inner.ir, window: d }, type: inner.type };
        if (fn === 'growth') return { ir: { kind: 'growth', expr: inner.ir, offset: d }, type: 'double' };
        return { ir: { kind: 'previous', expr: inner.ir, offset: d }, type: inner.type };
      }
      if (fn === 'to_date' || fn === 'cumulative') {
        const want = fn === 'to_date' ? 2 : 1;
        if (x.args.length !== want || x.star || x.distinct || x.where || x.clauses.length > 0) {
          r.error(
            'invalid-argument',
            fn === 'to_date'
              ? 'to_date() takes a value and a period: to_date(sum(x), month)'
              : 'cumulative() takes one value',
            x.span,
          );
          return null;
        }
        const inner = lowerFormula(x.args[0]!, s);
        let period: Grain | null = null;
        if (fn === 'to_date') {
          const g = x.args[1]!;
          const word = g.k === 'name' && g.parts.length === 1 ? g.parts[0]!.text.toLowerCase() : '';
          if (!(GRAINS as readonly string[]).includes(word)) {
            r.error(
              'invalid-argument',
              `to_date() counts from the start of a period: ${GRAINS.join(', ')}`,
              g.span,
              didYouMean(word, GRAINS),
            );
            return null;
          }
          period = word as Grain;
        }
        if (!inner) return null;
        return { ir: { kind: 'to_date', expr: inner.ir, period }, type: inner.type };
      }
      if ((SCALAR_FUNCTIONS as readonly string[]).includes(fn)) {
        return lowerScalar(x, fn as (typeof SCALAR_FUNCTIONS)[number], l);
      }
      r.error(
        'unknown-function',
        `unknown function "${x.name.text}"`,
        x.name.span,
        didYouMean(fn, ALL_FUNCTIONS),
      );
      return null;
    },
  };
  return lower(e, l);
}
