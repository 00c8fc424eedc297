/**
 * The type of a KPI table's `value`: `bigint` or `decimal(p,s)` where the KPI is exact, `double`
 * otherwise. Exact means the engines compute it without rounding: counts, and sums, minimums and
 * maximums of integer or decimal columns, combined only by `+`, `-`, `*` with integers, unary minus,
 * `abs`, `coalesce`, `least`/`greatest`, `previous`, `rolling` and `to_date` windows, and other exact
 * KPIs. A division, an average, a percentile, a growth rate, CASE, or any double makes it a `double`.
 * Precision and scale follow Trino's rules for the SQL it runs (the same as PostgreSQL's scales):
 * `sum(decimal(p,s))` is `decimal(38,s)`, `min/max` keep the column's type, `a ± b` takes the larger
 * scale, `a * b` adds the scales. A `decimal` column whose precision and scale the catalog does not
 * record is read as `decimal(38,DEFAULT_DECIMAL_SCALE)`.
 */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import type { FormulaExpr, KpiIR, Measure, RowExpr } from '../ir/kpi.ts';
import type { TrinoType } from './protocol.ts';

/** The scale assumed for a `decimal` column declared without one (money: cents and below). */
export const DEFAULT_DECIMAL_SCALE = 6;
const MAX_PRECISION = 38;
/** A bigint inside decimal arithmetic, as Trino widens it. */
const BIGINT_AS_DECIMAL = { kind: 'decimal', precision: 19, scale: 0 } as const;

type Exact =
  | { readonly kind: 'bigint' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number };

const BIGINT: Exact = { kind: 'bigint' };
const decimal = (precision: number, scale: number): Exact => ({
  kind: 'decimal',
  precision: Math.min(MAX_PRECISION, precision),
  scale: Math.min(scale, MAX_PRECISION),
});
const asDecimal = (t: Exact) => (t.kind === 'bigint' ? BIGINT_AS_DECIMAL : t);

/** `a + b`, `a - b`, and the common type of alternatives (coalesce, least, greatest). */
function sumType(a: Exact | null, b: Exact | null): Exact | null {
  if (!a || !b) return null;
  if (a.kind === 'bigint' && b.kind === 'bigint') return BIGINT;
  const x = asDecimal(a);
  const y = asDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return decimal(1 + scale + Math.max(x.precision - x.scale, y.precision - y.scale), scale);
}

function productType(a: Exact | null, b: Exact | null): Exact | null {
  if (!a || !b) return null;
  if (a.kind === 'bigint' && b.kind === 'bigint') return BIGINT;
  const x = asDecimal(a);
  const y = asDecimal(b);
  return decimal(x.precision + y.precision, x.scale + y.scale);
}

function commonType(types: readonly (Exact | null)[]): Exact | null {
  if (types.length === 0) return null;
  return types.reduce<Exact | null>((acc, t) => {
    if (!acc || !t) return null;
    if (acc.kind === 'bigint' && t.kind === 'bigint') return BIGINT;
    const x = asDecimal(acc);
    const y = asDecimal(t);
    const scale = Math.max(x.scale, y.scale);
    return decimal(scale + Math.max(x.precision - x.scale, y.precision - y.scale), scale);
  }, types[0] ?? null);
}

function rowType(e: RowExpr, catalog: Catalog): Exact | null {
  switch (e.kind) {
    case 'column': {
      if (e.type === 'bigint') return BIGINT;
      if (e.type !== 'decimal') return null;
      const declared = catalog.sources[e.table.source]?.tables[e.table.table]?.decimals?.[e.column];
      return declared
        ? decimal(declared.precision, declared.scale)
        : decimal(MAX_PRECISION, DEFAULT_DECIMAL_SCALE);
    }
    case 'literal':
      return typeof e.value === 'number' && Number.isSafeInteger(e.value) ? BIGINT : null;
    case 'binary':
      if (e.op === '+' || e.op === '-') return sumType(rowType(e.left, catalog), rowType(e.right, catalog));
      if (e.op === '*') return productType(rowType(e.left, catalog), rowType(e.right, catalog));
      return null;
    case 'unary':
      return e.op === '-' ? rowType(e.operand, catalog) : null;
    default:
      return null;
  }
}

function measureType(m: Measure, catalog: Catalog): Exact | null {
  switch (m.fn) {
    case 'count':
    case 'count_distinct':
    case 'approx_distinct':
      return BIGINT;
    case 'sum': {
      const t = m.arg ? rowType(m.arg, catalog) : null;
      return t?.kind === 'decimal' ? decimal(MAX_PRECISION, t.scale) : t;
    }
    case 'min':
    case 'max':
      return m.arg ? rowType(m.arg, catalog) : null;
    case 'avg':
    case 'percentile':
      return null;
  }
}

function formulaType(
  e: FormulaExpr,
  kpi: KpiIR,
  registry: ReadonlyMap<string, KpiIR>,
  catalog: Catalog,
  depth: number,
): Exact | null {
  const of = (x: FormulaExpr) => formulaType(x, kpi, registry, catalog, depth);
  switch (e.kind) {
    case 'measure_ref': {
      const m = kpi.measures.find((x) => x.name === e.name);
      return m ? measureType(m, catalog) : null;
    }
    case 'kpi_ref': {
      const other = registry.get(e.id);
      return other && depth < 20 ? formulaType(other.formula, other, registry, catalog, depth + 1) : null;
    }
    case 'literal':
      return typeof e.value === 'number' && Number.isSafeInteger(e.value) ? BIGINT : null;
    case 'binary':
      if (e.op === '+' || e.op === '-') return sumType(of(e.left), of(e.right));
      if (e.op === '*') return productType(of(e.left), of(e.right));
      return null;
    case 'unary':
      return e.op === '-' ? of(e.operand) : null;
    case 'call':
      if (e.fn === 'abs' && e.args.length === 1) return of(e.args[0]!);
      if (e.fn === 'coalesce' || e.fn === 'least' || e.fn === 'greatest') return commonType(e.args.map(of));
      return null;
    case 'previous':
      return of(e.expr);
    case 'rolling':
    case 'to_date': {
      const t = of(e.expr);
      return t?.kind === 'decimal' ? decimal(MAX_PRECISION, t.scale) : t;
    }
    default:
      return null;
  }
}

/** The Trino type of `value` for this KPI. */
export function valueTypeOf(kpi: KpiIR, registry: ReadonlyMap<string, KpiIR>, catalog: Catalog): TrinoType {
  const t = formulaType(kpi.formula, kpi, registry, catalog, 0);
  if (!t) return 'double';
  return t.kind === 'bigint' ? 'bigint' : `decimal(${t.precision},${t.scale})`;
}

/** The scale of a `decimal(p,s)` type, or null for any other type. */
export function decimalScale(type: string): number | null {
  const m = /^decimal\(\d+,(\d+)\)$/.exec(type);
  return m ? Number(m[1]) : null;
}
