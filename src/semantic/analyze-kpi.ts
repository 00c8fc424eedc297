/**
 * One `kpi` declaration (from DSL text or converted from a seed KPIDefinition) → KPI IR.
 * Dimension reachability and cycles need the whole program; program.ts checks them afterwards.
 */
import type { Catalog, TableRef } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import {
  GRAINS,
  type Grain,
  type KpiCategory,
  type KpiIR,
  type RowExpr,
  type Span,
  type Thresholds,
} from '../ir/kpi.ts';
import type { Expr, KpiDecl, Property } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error, timeZoneProblem, warning } from './diagnostics.ts';
import type { FormulaScope, LetBinding } from './formula-scope.ts';
import { FormulaLowering } from './lower-formula.ts';
import { type ColumnAlias, RowLowering } from './lower-row.ts';
import { isBoolean, isNumeric, typeWords } from './types.ts';

export const KPI_PROPERTIES = [
  'name',
  'category',
  'description',
  'formula',
  'dimensions',
  'grains',
  'filter',
  'schedule',
  'thresholds',
  'approximate',
  'format',
  'metadata',
] as const;
const CATEGORIES: readonly KpiCategory[] = ['business', 'user', 'performance', 'custom'];
const FREQUENCIES = ['realtime', ...GRAINS];

export interface KpiAnalysis {
  readonly ir: KpiIR | null;
  /** Where each referenced KPI is first named. */
  readonly refSpans: ReadonlyMap<string, Span>;
  /** Spans of the declared dimensions, for reachability diagnostics. */
  readonly dimensionSpans: ReadonlyMap<string, Span>;
  readonly filterDimensions: ReadonlyMap<string, Span>;
}

export interface KpiSource {
  readonly decl: KpiDecl;
  /** Seed variables without an aggregation (names for columns). */
  readonly aliases?: ReadonlyMap<string, ColumnAlias & { timeColumn?: string; period?: string }>;
  /** Message prefix per let name (JSON paths of seed variables). */
  readonly letPrefixes?: ReadonlyMap<string, string>;
  readonly formulaPrefix?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Maps diagnostics of synthesized text back to where they came from (seed JSON paths). */
  readonly relocate?: (d: Diagnostic) => Diagnostic;
}

const word = (e: Expr): string | null => (e.k === 'name' && e.parts.length === 1 ? e.parts[0]!.text : null);

export function analyzeKpi(
  src: KpiSource,
  catalog: Catalog,
  kpiIds: ReadonlySet<string>,
  out: Diagnostic[],
): KpiAnalysis {
  const decl = src.decl;
  const before = out.filter((d) => d.severity === 'error').length;
  const props = new Map<string, Property[]>();
  for (const p of decl.properties) {
    const key = p.key.text.toLowerCase();
    if (!(KPI_PROPERTIES as readonly string[]).includes(key)) {
      out.push(
        error(
          'unknown-property',
          `a kpi has no property "${p.key.text}"`,
          p.key.span,
          didYouMean(key, KPI_PROPERTIES),
        ),
      );
      continue;
    }
    const list = props.get(key) ?? [];
    if (list.length > 0 && key !== 'filter') {
      out.push(error('duplicate-property', `"${key}" is given twice`, p.key.span));
      continue;
    }
    list.push(p);
    props.set(key, list);
  }
  const one = (key: string): Property | undefined => props.get(key)?.[0];
  const single = (key: string): Expr | undefined => {
    const p = one(key);
    if (!p) return undefined;
    if (p.values.length !== 1) {
      out.push(error('bad-property', `"${key}" takes one value`, p.span));
      return undefined;
    }
    return p.values[0];
  };

  // Formula and measures.
  const lets = new Map<string, LetBinding>();
  for (const l of decl.lets) {
    if (lets.has(l.name.text))
      out.push(error('duplicate-let', `"${l.name.text}" is defined twice`, l.name.span));
    else
      lets.set(l.name.text, {
        decl: l,
        prefix: src.letPrefixes?.get(l.name.text) ?? '',
        state: 'pending',
        measure: null,
      });
  }
  const scope: FormulaScope = {
    catalog,
    diagnostics: out,
    kpiIds,
    lets,
    aliases: src.aliases ?? new Map(),
    measures: [],
    dependsOn: [],
    refSpans: new Map(),
    prefix: src.formulaPrefix ?? '',
  };
  const formulaExpr = decl.formula ?? single('formula');
  if (decl.formula && one('formula'))
    out.push(error('duplicate-property', 'the formula is given twice', one('formula')!.key.span));
  let formula = null;
  if (!formulaExpr) {
    out.push(
      error('missing-formula', `kpi ${decl.id.text} has no formula`, decl.id.span, {
        hint: 'add `formula: …`',
      }),
    );
  } else {
    const lowering = new FormulaLowering(scope);
    const f = lowering.lower(formulaExpr);
    if (f && !isNumeric(f.type)) {
      out.push(
        error(
          'type-mismatch',
          `a KPI's formula gives a number, but this gives a ${f.type}`,
          formulaExpr.span,
        ),
      );
    } else if (f) formula = f.ir;
  }
  for (const [name, b] of lets) {
    if (b.state === 'pending')
      out.push(warning('unused-let', `"${name}" is never used in the formula`, b.decl.name.span));
  }

  const tables: TableRef[] = [];
  for (const m of scope.measures)
    if (!tables.some((t) => t.source === m.table.source && t.table === m.table.table)) tables.push(m.table);

  // Dimensions and grains: bare words.
  const dimensionSpans = new Map<string, Span>();
  for (const v of one('dimensions')?.values ?? []) {
    const w = word(v);
    if (!w) out.push(error('bad-property', 'dimensions are column names such as region', v.span));
    else if (dimensionSpans.has(w))
      out.push(error('duplicate-dimension', `dimension "${w}" is listed twice`, v.span));
    else dimensionSpans.set(w, v.span);
  }
  const grains: Grain[] = [];
  for (const v of one('grains')?.values ?? []) {
    const w = word(v)?.toLowerCase();
    if (!w || !GRAINS.includes(w as Grain)) {
      out.push(
        error(
          'unknown-grain',
          `"${w ?? 'this'}" is not a grain: use ${GRAINS.join(', ')}`,
          v.span,
          w ? didYouMean(w, GRAINS) : {},
        ),
      );
    } else if (!grains.includes(w as Grain)) grains.push(w as Grain);
  }

  let category: KpiCategory = 'custom';
  const c = single('category');
  if (c) {
    const w = word(c)?.toLowerCase() ?? (c.k === 'string' ? c.value : null);
    if (w && CATEGORIES.includes(w as KpiCategory)) category = w as KpiCategory;
    else
      out.push(
        error(
          'unknown-category',
          `the category is one of ${CATEGORIES.join(', ')}`,
          c.span,
          w ? didYouMean(w, CATEGORIES) : {},
        ),
      );
  }
  const text = (key: string): string | undefined => {
    const e = single(key);
    if (!e) return undefined;
    if (e.k === 'string') return e.value;
    const w = word(e);
    if (w && key === 'format') return w;
    out.push(error('bad-property', `"${key}" is a string in quotes`, e.span));
    return undefined;
  };
  const title = text('name');
  if (title !== undefined && decl.title !== null)
    out.push(error('duplicate-property', 'the name is given twice', one('name')!.key.span));
  const description = text('description') ?? '';
  const format = text('format');

  // Filters apply to every measure; bare names are dimensions reachable from each measure's table.
  const filters: RowExpr[] = [];
  const filterDimensions = new Map<string, Span>();
  const rows = new RowLowering(catalog, out);
  for (const p of props.get('filter') ?? []) {
    for (const v of p.values) {
      collectNames(v, filterDimensions);
      const r = rows.lower(v, { mode: 'dimension', tables });
      if (r && !isBoolean(r.type))
        out.push(
          error('type-mismatch', `a filter is a true/false condition, not ${typeWords(r.type)}`, v.span),
        );
      else if (r) filters.push(r.ir);
    }
  }

  let thresholds: Thresholds | undefined;
  for (const v of one('thresholds')?.values ?? []) {
    const level = v.k === 'binary' ? word(v.left)?.toLowerCase() : undefined;
    const value =
      v.k === 'binary' && v.right.k === 'number' && Number.isFinite(v.right.value)
        ? v.right.value
        : undefined;
    if (
      v.k !== 'binary' ||
      !['>', '>=', '<', '<='].includes(v.op) ||
      (level !== 'warning' && level !== 'critical') ||
      value === undefined
    ) {
      out.push(error('bad-property', 'a threshold reads `warning > 250` or `critical >= 400`', v.span));
      continue;
    }
    thresholds = { ...thresholds, [level]: { op: v.op as '>', value } };
  }

  let schedule: KpiIR['schedule'];
  const s = one('schedule');
  if (s) {
    const f = word(s.values[0]!)?.toLowerCase();
    const tz = s.values[1];
    if (!f || !FREQUENCIES.includes(f) || s.values.length > 2 || (tz && tz.k !== 'string')) {
      out.push(
        error(
          'bad-property',
          `a schedule reads \`schedule: hour\` or \`schedule: day, 'Europe/Berlin'\` (${FREQUENCIES.join(', ')})`,
          s.span,
        ),
      );
    } else {
      const zone = tz && tz.k === 'string' ? tz : undefined;
      const problem = zone ? timeZoneProblem(zone.value, zone.span) : null;
      if (problem) out.push(problem);
      else schedule = { frequency: f as 'realtime', ...(zone ? { timezone: zone.value } : {}) };
    }
  }

  let approximate = scope.measures.some((m) => m.fn === 'approx_distinct');
  const a = single('approximate');
  if (a) {
    if (a.k !== 'boolean') out.push(error('bad-property', 'approximate is true or false', a.span));
    else approximate = a.value;
  }

  let metadata: Record<string, unknown> | undefined = src.metadata ? { ...src.metadata } : undefined;
  for (const v of one('metadata')?.values ?? []) {
    const key = v.k === 'binary' && v.op === '=' ? word(v.left) : null;
    const value = v.k === 'binary' ? literalValue(v.right) : undefined;
    if (!key || value === undefined) {
      out.push(error('bad-property', "metadata reads `metadata: owner = 'finance', tier = 1`", v.span));
      continue;
    }
    metadata = { ...metadata, [key]: value };
  }

  const failed = out.filter((d) => d.severity === 'error').length > before;
  if (failed || !formula) return { ir: null, refSpans: scope.refSpans, dimensionSpans, filterDimensions };
  const ir: KpiIR = {
    id: decl.id.text,
    name: title ?? decl.title ?? decl.id.text,
    category,
    description,
    formula,
    measures: scope.measures,
    dimensions: [...dimensionSpans.keys()],
    grains,
    filters,
    ...(schedule ? { schedule } : {}),
    ...(thresholds ? { thresholds } : {}),
    approximate,
    dependsOn: scope.dependsOn,
    ...(metadata ? { metadata } : {}),
    ...(format !== undefined ? { format } : {}),
  };
  return { ir, refSpans: scope.refSpans, dimensionSpans, filterDimensions };
}

function literalValue(e: Expr): string | number | boolean | null | undefined {
  switch (e.k) {
    case 'number':
      return Number.isFinite(e.value) ? e.value : undefined;
    case 'string':
    case 'boolean':
      return e.value;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function collectNames(e: Expr, into: Map<string, Span>): void {
  if (e.k === 'name' && e.parts.length === 1) {
    if (!into.has(e.parts[0]!.text)) into.set(e.parts[0]!.text, e.span);
    return;
  }
  const kids: Expr[] =
    e.k === 'binary'
      ? [e.left, e.right]
      : e.k === 'unary'
        ? [e.operand]
        : e.k === 'call'
          ? [...e.args]
          : e.k === 'case'
            ? e.whens.flatMap((w) => [w.when, w.then]).concat(e.else ? [e.else] : [])
            : e.k === 'in'
              ? [e.operand, ...e.values]
              : e.k === 'between'
                ? [e.operand, e.low, e.high]
                : e.k === 'is_null'
                  ? [e.operand]
                  : e.k === 'like'
                    ? [e.operand, e.pattern]
                    : [];
  for (const k of kids) collectNames(k, into);
}
