/**
 * IR → DSL text that analyzes back to the same IR (the round trip the golden and property tests
 * check). Every column is printed fully qualified and every measure as a named declaration, so
 * nothing depends on defaults the reader would have to guess.
 */
import type { TableRef } from '../../catalog/types.ts';
import {
  assertNever,
  type Duration,
  type FormulaExpr,
  type KpiIR,
  type Literal,
  type Measure,
  type RowExpr,
} from '../../ir/kpi.ts';
import type { RollupDef } from '../../ir/rollup.ts';

const HARD = new Set(
  'kpi rollup and or not in between is null like case when then else end true false distinct where active on at'.split(
    ' ',
  ),
);

export function printName(name: string): string {
  return /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*$/.test(name) && !HARD.has(name.toLowerCase())
    ? name
    : `\`${name.replaceAll('`', '``')}\``;
}

export const printString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const printTable = (t: TableRef): string => `${printName(t.source)}.${printName(t.table)}`;

function printLiteral(l: Literal): string {
  if (l.value === null) return 'null';
  if (typeof l.value === 'string') return printString(l.value);
  if (typeof l.value === 'boolean') return String(l.value);
  const text = String(l.value);
  return l.value < 0 || Object.is(l.value, -0) ? `(${text})` : text;
}

export const printDuration = (d: Duration): string => `${d.amount} ${d.unit}${d.amount === 1 ? '' : 's'}`;

// Binding strength, loosest first: or, and, not, predicates, + -, * / %, unary minus, atoms.
const OR = 1;
const AND = 2;
const NOT = 3;
const PRED = 4;
const ADD = 5;
const MUL = 6;
const NEG = 7;
const ATOM = 8;

type Any = RowExpr | FormulaExpr;

function strength(e: Any): number {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'or') return OR;
      if (e.op === 'and') return AND;
      if (e.op === '+' || e.op === '-') return ADD;
      if (e.op === '*' || e.op === '/' || e.op === '%') return MUL;
      return PRED;
    case 'unary':
      return e.op === 'not' ? NOT : NEG;
    case 'in':
    case 'between':
    case 'is_null':
    case 'like':
      return PRED;
    case 'literal':
      return typeof e.value === 'number' && e.value < 0 ? ATOM : ATOM;
    default:
      return ATOM;
  }
}

function printExpr(e: Any, min: number): string {
  const s = printBare(e);
  return strength(e) < min ? `(${s})` : s;
}

function printBare(e: Any): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e);
    case 'duration':
      return printDuration(e.duration);
    case 'column':
      return `${printTable(e.table)}.${printName(e.column)}`;
    case 'dimension':
      return printName(e.name);
    case 'measure_ref':
      return printName(e.name);
    case 'kpi_ref':
      return printName(e.id);
    case 'previous':
    case 'growth':
      return `${e.kind}(${printExpr(e.expr, 0)}, ${printDuration(e.offset)})`;
    case 'rolling':
      return `rolling(${printExpr(e.expr, 0)}, ${printDuration(e.window)})`;
    case 'to_date':
      return e.period === null
        ? `cumulative(${printExpr(e.expr, 0)})`
        : `to_date(${printExpr(e.expr, 0)}, ${e.period})`;
    case 'binary': {
      const s = strength(e);
      if (s === PRED) return `${printExpr(e.left, ADD)} ${e.op} ${printExpr(e.right, ADD)}`;
      return `${printExpr(e.left, s)} ${e.op} ${printExpr(e.right, s + 1)}`;
    }
    case 'unary': {
      if (e.op === 'not') return `not ${printExpr(e.operand, NOT)}`;
      const inner = printExpr(e.operand, NEG);
      // `--` would start a comment.
      return inner.startsWith('-') ? `-(${inner})` : `-${inner}`;
    }
    case 'call':
      return `${e.fn}(${e.args.map((a) => printExpr(a, 0)).join(', ')})`;
    case 'case':
      return `case ${e.whens.map((w) => `when ${printExpr(w.when, 0)} then ${printExpr(w.then, 0)}`).join(' ')}${
        e.else ? ` else ${printExpr(e.else, 0)}` : ''
      } end`;
    case 'in':
      return `${printExpr(e.operand, ADD)}${e.negated ? ' not' : ''} in (${e.values.map((v) => printExpr(v, 0)).join(', ')})`;
    case 'between':
      return `${printExpr(e.operand, ADD)}${e.negated ? ' not' : ''} between ${printExpr(e.low, ADD)} and ${printExpr(e.high, ADD)}`;
    case 'is_null':
      return `${printExpr(e.operand, ADD)} is${e.negated ? ' not' : ''} null`;
    case 'like':
      return `${printExpr(e.operand, ADD)}${e.negated ? ' not' : ''} like ${printExpr(e.pattern, ADD)}`;
    default:
      return assertNever(e, 'expression');
  }
}

export const printRowExpr = (e: RowExpr): string => printExpr(e, 0);
export const printFormula = (e: FormulaExpr): string => printExpr(e, 0);

export function printMeasure(m: Measure, defaultTimeColumn?: string): string {
  const fn = m.fn === 'count_distinct' ? 'count' : m.fn;
  const arg = m.arg === null ? `${printTable(m.table)}.*` : printExpr(m.arg, 0);
  const args =
    m.fn === 'count_distinct'
      ? `distinct ${arg}`
      : m.fn === 'percentile'
        ? `${arg}, ${m.fraction ?? 0.5}`
        : arg;
  let s = `${fn}(${args}${m.filter ? ` where ${printExpr(m.filter, 0)}` : ''})`;
  if (m.validity)
    s += ` active between ${printName(m.validity.startColumn)} and ${printName(m.validity.endColumn)}`;
  if (defaultTimeColumn === undefined || m.timeColumn !== defaultTimeColumn)
    s += ` at ${printName(m.timeColumn)}`;
  if (m.period !== undefined) s += ` period ${printString(m.period)}`;
  return s;
}

/** `timeColumnOf` gives the table's default time column (omitted from the text when used). */
export function printKpi(kpi: KpiIR, timeColumnOf?: (t: TableRef) => string | undefined): string {
  const lines: string[] = [];
  const title = kpi.name !== kpi.id ? ` ${printString(kpi.name)}` : '';
  lines.push(`kpi ${printName(kpi.id)}${title} {`);
  if (kpi.category !== 'custom') lines.push(`  category: ${kpi.category}`);
  if (kpi.description) lines.push(`  description: ${printString(kpi.description)}`);
  for (const m of kpi.measures) {
    lines.push(`  measure ${printName(m.name)} = ${printMeasure(m, timeColumnOf?.(m.table))}`);
  }
  lines.push(`  formula: ${printFormula(kpi.formula)}`);
  if (kpi.dimensions.length > 0) lines.push(`  dimensions: ${kpi.dimensions.map(printName).join(', ')}`);
  if (kpi.grains.length > 0) lines.push(`  grains: ${kpi.grains.join(', ')}`);
  if (kpi.filters.length > 0) lines.push(`  filters: ${kpi.filters.map((f) => printExpr(f, 0)).join(', ')}`);
  if (kpi.schedule) {
    lines.push(`  schedule: ${kpi.schedule.frequency}`);
    if (kpi.schedule.timezone !== undefined) lines.push(`  timezone: ${printString(kpi.schedule.timezone)}`);
  }
  if (kpi.thresholds && (kpi.thresholds.warning || kpi.thresholds.critical)) {
    const t = (['warning', 'critical'] as const)
      .filter((k) => kpi.thresholds?.[k])
      .map((k) => {
        const v = kpi.thresholds![k]!;
        return `${k} ${v.op} ${v.value < 0 ? `-${-v.value}` : v.value}`;
      });
    lines.push(`  thresholds: ${t.join(', ')}`);
  }
  if (kpi.approximate) lines.push('  approximate: true');
  if (kpi.format !== undefined) lines.push(`  format: ${printString(kpi.format)}`);
  if (kpi.metadata) lines.push(`  metadata: ${printString(JSON.stringify(kpi.metadata))}`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function printRollup(r: RollupDef): string {
  const parts = [`grain: ${r.grain}`, `timezone: ${printString(r.timezone)}`];
  if (r.dimensions.length > 0) parts.push(`dimensions: ${r.dimensions.map(printName).join(', ')}`);
  if (r.measures.length > 0) {
    const ms = r.measures.map((m) =>
      m.column === null
        ? 'count(*)'
        : m.fn === 'count_distinct'
          ? `count(distinct ${printName(m.column)})`
          : `${m.fn}(${printName(m.column)})`,
    );
    parts.push(`measures: ${ms.join(', ')}`);
  }
  if (r.filter) parts.push(`filter: ${printExpr(r.filter, 0)}`);
  return `rollup ${printName(r.name)} on ${printTable(r.table)} { ${parts.join('; ')} }\n`;
}
