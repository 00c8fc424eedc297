/**
 * KPI IR → DSL text that analyzes back to the same IR (the round trip the property tests check).
 * Every measure is printed as a `let`, so measure names survive; precedence decides parentheses.
 */
// @ts-nocheck

import type { Catalog, TableRef } from '../catalog/types.ts';
import {
  assertNever,
  type Duration,
  type FormulaExpr,
  type KpiIR,
  type Measure,
  type RowExpr,
} from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { findDimension } from './resolve-names.ts';

const KEYWORDS = new Set(
  'kpi rollup let and or not in between is null like case when then else end true false distinct where active on within'.split(
    ' ',
  ),
);

export function printName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toLowerCase())
    ? name
    : `\`${name.replaceAll('`', '``')}\``;
}
export const printString = (s: string, quote: "'" | '"' = "'"): string =>
  quote + s.replaceAll(quote, quote + quote) + quote;
const printDuration = (d: Duration): string => `${d.amount} ${d.unit}${d.amount === 1 ? '' : 's'}`;
const printNumber = (n: number): string => (Object.is(n, -0) ? '0' : String(n));

type Expr = RowExpr | FormulaExpr;

/** Binding strength of what an expression prints as (higher binds tighter). */
function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      switch (e.op) {
        case 'or':
          return 1;
        case 'and':
          return 2;
        case '+':
        case '-':
          return 5;
        case '*':
        case '/':
        case '%':
          return 6;
        default:
          return 4;
      }
    case 'unary':
      return e.op === 'not' ? 3 : 7;
    case 'in':
    case 'between':
    case 'is_null':
    case 'like':
      return 4;
    case 'literal':
      return typeof e.value === 'number' && e.value < 0 ? 7 : 8;
    default:
      return 8;
  }
}

interface PrintContext {
  /** The measure's table: its columns print qualified; joined columns print bare when that resolves. */
  readonly table?: TableRef;
  readonly catalog?: Catalog;
  readonly measures?: ReadonlyMap<string, Measure>;
  /** Inside a where filter, own-table columns print bare. */
  readonly bareOwn?: boolean;
  /** Measures printed in place of their references (generated names used once). */
  readonly inline?: ReadonlyMap<string, string>;
}

function sameTable(a: TableRef, b: TableRef): boolean {
  return a.source === b.source && a.table === b.table;
}

export function printExpr(e: Expr, ctx: PrintContext = {}): string {
  const wrap = (child: Expr, min: number) => {
    const s = printExpr(child, ctx);
    return precedence(child) < min ? `(${s})` : s;
  };
  switch (e.kind) {
    case 'literal':
      if (e.value === null) return 'null';
      if (typeof e.value === 'string') return printString(e.value);
      if (typeof e.value === 'boolean') return String(e.value);
      return printNumber(e.value);
    case 'duration':
      return printDuration(e.duration);
    case 'column': {
      const own = ctx.table && sameTable(e.table, ctx.table);
      if (own && ctx.bareOwn) return printName(e.column);
      if (!own && ctx.table && ctx.catalog) {
        const path = findDimension(ctx.catalog, ctx.table, e.column);
        if (path && sameTable(path.table, e.table)) return printName(e.column);
      }
      return [e.table.source, e.table.table, e.column].map(printName).join('.');
    }
    case 'dimension':
      return printName(e.name);
    case 'measure_ref':
      return ctx.inline?.get(e.name) ?? printName(e.name);
    case 'kpi_ref':
      return printName(e.id);
    case 'binary': {
      const p = precedence(e);
      // Comparisons do not chain: both sides must bind tighter. Others are left-associative.
      const left = wrap(e.left, p === 4 ? 5 : p);
      const right = wrap(e.right, p + 1);
      return `${left} ${e.op} ${right}`;
    }
    case 'unary':
      if (e.op === 'not') return `not ${wrap(e.operand, 3)}`;
      // `-(…)` keeps a negated literal from reading back as a negative literal.
      return `-(${printExpr(e.operand, ctx)})`;
    case 'call':
      return `${e.fn}(${e.args.map((a) => printExpr(a, ctx)).join(', ')})`;
    case 'case':
      return `case ${e.whens.map((w) => `when ${printExpr(w.when, ctx)} then ${printExpr(w.then, ctx)}`).join(' ')}${e.else ? ` else ${printExpr(e.else, ctx)}` : ''} end`;
    case 'in':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not in' : 'in'} (${e.values.map((v) => printExpr(v, ctx)).join(', ')})`;
    case 'between':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not between' : 'between'} ${wrap(e.low, 5)} and ${wrap(e.high, 5)}`;
    case 'is_null':
      return `${wrap(e.operand, 5)} is ${e.negated ? 'not null' : 'null'}`;
    case 'like':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not like' : 'like'} ${wrap(e.pattern, 5)}`;
    case 'previous':
    case 'growth':
      return `${e.kind}(${printExpr(e.expr, ctx)}, ${printDuration(e.offset)})`;
    case 'rolling':
      return `rolling(${printExpr(e.expr, ctx)}, ${printDuration(e.window)})`;
    case 'to_date':
      return e.period
        ? `to_date(${printExpr(e.expr, ctx)}, ${e.period})`
        : `cumulative(${printExpr(e.expr, ctx)})`;
    default:
      return assertNever(e, 'expression');
  }
}

export function printMeasure(m: Measure, catalog?: Catalog): string {
  const ctx: PrintContext = { table: m.table, ...(catalog ? { catalog } : {}) };
  const table = `${printName(m.table.source)}.${printName(m.table.table)}`;
  let inner: string;
  if (m.arg === null) inner = table;
  else inner = printExpr(m.arg, ctx);
  const fn = m.fn === 'count_distinct' ? 'count' : m.fn;
  if (m.fn === 'count_distinct') inner = `distinct ${inner}`;
  if (m.fn === 'percentile') inner = `${inner}, ${printNumber(m.fraction ?? 0.5)}`;
  if (m.filter) inner = `${inner} where ${printExpr(m.filter, { ...ctx, bareOwn: true })}`;
  let text = `${fn}(${inner})`;
  const defaultTime = catalog?.sources[m.table.source]?.tables[m.table.table]?.timeColumn;
  if (m.timeColumn !== defaultTime || !catalog) text += ` on ${printName(m.timeColumn)}`;
  if (m.validity)
    text += ` active between ${printName(m.validity.startColumn)} and ${printName(m.validity.endColumn)}`;
  if (m.period !== undefined) text += ` within ${printString(m.period)}`;
  return text;
}

export function printKpi(kpi: KpiIR, catalog?: Catalog): string {
  const lines: string[] = [`kpi ${printName(kpi.id)} ${printString(kpi.name, '"')} {`];
  lines.push(`  category: ${kpi.category}`);
  if (kpi.description) lines.push(`  description: ${printString(kpi.description, '"')}`);
  // Generated names (m1, m2, … in first-use order), each used once, read back the same when the
  // aggregates are written in place; otherwise every measure is a `let`, which keeps its name.
  const uses = new Map<string, number>();
  countMeasureRefs(kpi.formula, uses);
  const inlined = kpi.measures.every((m, i) => m.name === `m${i + 1}` && uses.get(m.name) === 1);
  const inline = inlined ? new Map(kpi.measures.map((m) => [m.name, printMeasure(m, catalog)])) : undefined;
  if (!inlined)
    for (const m of kpi.measures) lines.push(`  let ${printName(m.name)} = ${printMeasure(m, catalog)}`);
  lines.push(`  formula: ${printExpr(kpi.formula, inline ? { inline } : {})}`);
  if (kpi.dimensions.length) lines.push(`  dimensions: ${kpi.dimensions.map(printName).join(', ')}`);
  if (kpi.grains.length) lines.push(`  grains: ${kpi.grains.join(', ')}`);
  for (const f of kpi.filters) lines.push(`  filter: ${printExpr(f)}`);
  if (kpi.schedule) {
    lines.push(
      `  schedule: ${kpi.schedule.frequency}${kpi.schedule.timezone !== undefined ? `, ${printString(kpi.schedule.timezone)}` : ''}`,
    );
  }
  if (kpi.thresholds) {
    const t = (['warning', 'critical'] as const).flatMap((level) => {
      const x = kpi.thresholds?.[level];
      return x ? [`${level} ${x.op} ${printNumber(x.value)}`] : [];
    });
    if (t.length) lines.push(`  thresholds: ${t.join(', ')}`);
  }
  if (kpi.approximate !== kpi.measures.some((m) => m.fn === 'approx_distinct'))
    lines.push(`  approximate: ${kpi.approximate}`);
  if (kpi.format !== undefined) lines.push(`  format: ${printString(kpi.format, '"')}`);
  const meta = Object.entries(kpi.metadata ?? {}).filter(
    ([k, v]) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) &&
      (v === null || ['string', 'number', 'boolean'].includes(typeof v)),
  );
  if (meta.length) {
    const value = (v: unknown) => (typeof v === 'string' ? printString(v) : v === null ? 'null' : String(v));
    lines.push(`  metadata: ${meta.map(([k, v]) => `${printName(k)} = ${value(v)}`).join(', ')}`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function printRollup(r: RollupDef): string {
  const lines = [`rollup ${printName(r.name)} on ${printName(r.table.source)}.${printName(r.table.table)} {`];
  lines.push(`  grain: ${r.grain};`);
  lines.push(`  timezone: ${printString(r.timezone)};`);
  if (r.dimensions.length) lines.push(`  dimensions: ${r.dimensions.map(printName).join(', ')};`);
  if (r.measures.length) {
    const m = r.measures.map((x) =>
      x.column === null
        ? 'count(*)'
        : x.fn === 'count_distinct'
          ? `count(distinct ${printName(x.column)})`
          : `${x.fn}(${printName(x.column)})`,
    );
    lines.push(`  measures: ${m.join(', ')};`);
  }
  if (r.filter) lines.push(`  filter: ${printExpr(r.filter, { table: r.table, bareOwn: true })};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function countMeasureRefs(e: FormulaExpr, into: Map<string, number>): void {
  switch (e.kind) {
    case 'measure_ref':
      into.set(e.name, (into.get(e.name) ?? 0) + 1);
      return;
    case 'literal':
    case 'kpi_ref':
      return;
    case 'previous':
    case 'growth':
    case 'rolling':
    case 'to_date':
      countMeasureRefs(e.expr, into);
      return;
    case 'binary':
      countMeasureRefs(e.left, into);
      countMeasureRefs(e.right, into);
      return;
    case 'unary':
      countMeasureRefs(e.operand, into);
      return;
    case 'call':
      for (const a of e.args) countMeasureRefs(a, into);
      return;
    case 'case':
      for (const w of e.whens) {
        countMeasureRefs(w.when, into);
        countMeasureRefs(w.then, into);
      }
      if (e.else) countMeasureRefs(e.else, into);
      return;
    case 'in':
      countMeasureRefs(e.operand, into);
      for (const v of e.values) countMeasureRefs(v, into);
      return;
    case 'between':
      countMeasureRefs(e.operand, into);
      countMeasureRefs(e.low, into);
      countMeasureRefs(e.high, into);
      return;
    case 'is_null':
      countMeasureRefs(e.operand, into);
      return;
    case 'like':
      countMeasureRefs(e.operand, into);
      countMeasureRefs(e.pattern, into);
      return;
    default:
      assertNever(e, 'formula');
  }
}
