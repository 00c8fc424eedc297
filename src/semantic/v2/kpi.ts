/**
 * One KPI's meaning: a KpiSpec (what the DSL block or the seed JSON said, names unresolved) is
 * checked and lowered to KpiIR. Cross-KPI checks (cycles, dimensions of derived KPIs) come after,
 * in program.ts, once every KPI of the input is known.
 */
import type { Catalog } from '../../catalog/types.ts';
import {
  type FormulaExpr,
  GRAINS,
  type Grain,
  type KpiCategory,
  type KpiIR,
  type Measure,
  type RowExpr,
  type Span,
  type Thresholds,
} from '../../ir/kpi.ts';
import type { Expr, Ident } from '../../lang/v2/ast.ts';
import { type Binding, type FormulaScope, lowerAggregate, lowerFormula } from './formula.ts';
import type { Reporter } from './report.ts';
import { lowerRow } from './row.ts';
import { didYouMean } from './suggest.ts';

export const CATEGORIES: readonly KpiCategory[] = ['business', 'user', 'performance', 'custom'];

/** What was written, before meaning: shared by the DSL and the seed's JSON. */
export interface KpiSpec {
  readonly id: Ident;
  readonly name: string;
  readonly category: KpiCategory;
  readonly description: string;
  readonly formula: Expr;
  /** `measure x = sum(…)` or a seed variable; `expr` may also be a plain column (seed variable without aggregation). */
  readonly measures: readonly { readonly name: Ident; readonly expr: Expr }[];
  readonly dimensions: readonly Ident[];
  readonly grains: readonly Grain[];
  readonly filters: readonly Expr[];
  readonly schedule?: KpiIR['schedule'];
  readonly thresholds?: Thresholds;
  readonly approximate: boolean;
  readonly format?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface Lowered {
  readonly kpi: KpiIR;
  /** Where each dimension and filter was written, for the cross-KPI checks. */
  readonly dimensionSpans: readonly Span[];
  readonly idSpan: Span;
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

export function lowerKpi(
  spec: KpiSpec,
  ctx: { catalog: Catalog; r: Reporter; isKpi: (id: string) => boolean; kpiIds: () => Iterable<string> },
): Lowered | null {
  const { catalog, r } = ctx;
  const before = r.errorCount;
  const bindings = new Map<string, Binding>();
  const scope: FormulaScope = {
    catalog,
    r,
    bindings,
    isKpi: ctx.isKpi,
    kpiIds: ctx.kpiIds,
    used: [],
    dependsOn: [],
  };
  for (const m of spec.measures) {
    if (bindings.has(m.name.text)) {
      r.error('duplicate-measure', `measure "${m.name.text}" is declared twice`, m.name.span);
      continue;
    }
    if (m.expr.k === 'name' && m.expr.parts.length >= 3 && !m.expr.star) {
      bindings.set(m.name.text, { k: 'column', parts: m.expr.parts });
      continue;
    }
    if (m.expr.k !== 'call') {
      r.error(
        'invalid-measure',
        `measure "${m.name.text}" must be one aggregate, e.g. sum(source.table.column)`,
        m.expr.span,
      );
      continue;
    }
    const res = lowerAggregate(m.expr, scope, m.name.text);
    if (res && 'measure' in res) bindings.set(m.name.text, { k: 'measure', measure: res.measure });
    else if (res) {
      r.error(
        'invalid-measure',
        `measure "${m.name.text}" must be an aggregate of a column, not of another measure`,
        m.expr.span,
      );
    }
  }
  const formula = lowerFormula(spec.formula, scope);
  for (const m of spec.measures) {
    if (bindings.get(m.name.text)?.k === 'measure' && !scope.used.some((u) => u.name === m.name.text)) {
      r.warning('unused-measure', `measure "${m.name.text}" is not used by the formula`, m.name.span);
    }
  }
  if (scope.dependsOn.includes(spec.id.text)) {
    r.error(
      'kpi-cycle',
      `KPI "${spec.id.text}" refers to itself: ${spec.id.text} → ${spec.id.text}`,
      spec.id.span,
    );
  }
  const filters: RowExpr[] = [];
  for (const f of spec.filters) {
    const lowered = lowerRow(f, { catalog, r, table: null });
    if (!lowered) continue;
    if (lowered.type !== 'boolean' && lowered.type !== 'any') {
      r.error('type-mismatch', "a filter is a condition, e.g. region = 'eu'", f.span);
      continue;
    }
    filters.push(lowered.ir);
  }
  const seen = new Set<string>();
  for (const d of spec.dimensions) {
    if (seen.has(d.text)) r.error('duplicate-dimension', `dimension "${d.text}" is listed twice`, d.span);
    seen.add(d.text);
  }
  if (!formula || r.errorCount > before) return null;
  const kpi: KpiIR = {
    id: spec.id.text,
    name: spec.name,
    category: spec.category,
    description: spec.description,
    formula: formula.ir as FormulaExpr,
    measures: scope.used as Measure[],
    dimensions: spec.dimensions.map((d) => d.text),
    grains: spec.grains,
    filters,
    ...(spec.schedule ? { schedule: spec.schedule } : {}),
    ...(spec.thresholds ? { thresholds: spec.thresholds } : {}),
    approximate: spec.approximate,
    dependsOn: scope.dependsOn,
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
    ...(spec.format !== undefined ? { format: spec.format } : {}),
  };
  return { kpi: deepFreeze(kpi), dimensionSpans: spec.dimensions.map((d) => d.span), idSpan: spec.id.span };
}

export function grainOf(word: Ident, r: Reporter): Grain | null {
  const g = word.text.toLowerCase();
  if ((GRAINS as readonly string[]).includes(g)) return g as Grain;
  r.error(
    'unknown-grain',
    `unknown grain "${word.text}": one of ${GRAINS.join(', ')}`,
    word.span,
    didYouMean(g, GRAINS),
  );
  return null;
}
