/**
 * The seed's KPIDefinition JSON → KpiSpec, validated with zod. Variables become declared measures
 * (or column aliases when they have no aggregation); the expression is parsed with the DSL's
 * expression grammar, so `SUM(subscription_amount)` over a summing variable is that variable.
 */
import { z } from 'zod';
import { GRAINS, type Grain, type KpiIR } from '../../ir/kpi.ts';
import type { AggClause, Expr, Ident } from '../../lang/v2/ast.ts';
import { parseExpression } from '../../lang/v2/parse.ts';
import type { KpiSpec } from './kpi.ts';
import { NO_SPAN, type Reporter } from './report.ts';
import { didYouMean } from './suggest.ts';

const variable = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is letters, digits and _'),
  source: z.object({
    database: z.string().min(1),
    table: z.string().min(1),
    column: z.string().min(1),
    aggregation: z
      .enum(['sum', 'count', 'avg', 'min', 'max', 'count_distinct', 'approx_distinct'])
      .optional(),
  }),
  timeRange: z.object({ field: z.string().min(1), period: z.string().min(1).optional() }).optional(),
});

const filterObject = z.object({
  field: z.string().min(1).optional(),
  dimension: z.string().min(1).optional(),
  operator: z.enum([
    '=',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    'in',
    'not in',
    'like',
    'eq',
    'ne',
    'gt',
    'gte',
    'lt',
    'lte',
  ]),
  value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))]),
});

const threshold = z.union([z.number(), z.object({ op: z.enum(['>', '>=', '<', '<=']), value: z.number() })]);

export const kpiDefinition = z.object({
  id: z.string().min(1),
  name: z.string(),
  category: z.enum(['business', 'user', 'performance', 'custom']),
  description: z.string(),
  formula: z.object({
    type: z.enum(['simple', 'composite', 'custom']),
    expression: z.string().min(1),
    variables: z.array(variable).default([]),
  }),
  aggregations: z.array(z.string()),
  dimensions: z.array(z.string()),
  filters: z.array(z.union([z.string(), filterObject])).optional(),
  schedule: z
    .object({
      frequency: z.enum(['realtime', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']),
      timezone: z.string().optional(),
    })
    .optional(),
  thresholds: z.object({ warning: threshold.optional(), critical: threshold.optional() }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  approximate: z.boolean().optional(),
  format: z.string().optional(),
});
export type KpiDefinition = z.infer<typeof kpiDefinition>;

const id = (text: string): Ident => ({ text, span: NO_SPAN });
const OPS: Readonly<Record<string, string>> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function literal(v: string | number | boolean | null): Expr {
  if (v === null) return { k: 'null', span: NO_SPAN };
  if (typeof v === 'string') return { k: 'string', value: v, span: NO_SPAN };
  if (typeof v === 'number') return { k: 'number', value: v, span: NO_SPAN };
  return { k: 'bool', value: v, span: NO_SPAN };
}

/** Parses and checks one KPIDefinition; problems go to `r` (whose prefix names the JSON path). */
export function kpiSpecOfJson(json: unknown, r: Reporter): { spec: KpiSpec | null; id: Ident | null } {
  const parsed = kpiDefinition.safeParse(json);
  const rawId =
    json && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string'
      ? (json as { id: string }).id
      : null;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      r.error(
        'invalid-definition',
        `${path.replace(/^\./, '') || '(definition)'}: ${issue.message}`,
        NO_SPAN,
      );
    }
    return { spec: null, id: rawId ? id(rawId) : null };
  }
  const d = parsed.data;
  const before = r.errorCount;
  const measures = d.formula.variables.map((v, i) => {
    const parts = [id(v.source.database), id(v.source.table), id(v.source.column)];
    if (!v.source.aggregation) {
      if (v.timeRange)
        r.warning(
          'ignored-time-range',
          `formula.variables[${i}].timeRange: a variable without aggregation has no time range of its own`,
          NO_SPAN,
        );
      return { name: id(v.name), expr: { k: 'name', parts, star: false, span: NO_SPAN } as Expr };
    }
    const agg = v.source.aggregation;
    const clauses: AggClause[] = [];
    if (v.timeRange) {
      clauses.push({ k: 'at', column: id(v.timeRange.field), span: NO_SPAN });
      if (v.timeRange.period) clauses.push({ k: 'period', value: v.timeRange.period, span: NO_SPAN });
    }
    const expr: Expr = {
      k: 'call',
      name: id(agg === 'count_distinct' ? 'count' : agg),
      distinct: agg === 'count_distinct',
      star: false,
      args: [{ k: 'name', parts, star: false, span: NO_SPAN }],
      where: null,
      clauses,
      span: NO_SPAN,
    };
    return { name: id(v.name), expr };
  });
  const f = parseExpression(d.formula.expression);
  r.child('formula.expression: ').add(f.diagnostics);
  const grains: Grain[] = [];
  d.aggregations.forEach((a, i) => {
    const g = a.toLowerCase();
    if ((GRAINS as readonly string[]).includes(g)) grains.push(g as Grain);
    else r.error('unknown-grain', `aggregations[${i}]: unknown grain "${a}"`, NO_SPAN, didYouMean(g, GRAINS));
  });
  const filters: Expr[] = [];
  (d.filters ?? []).forEach((fl, i) => {
    if (typeof fl === 'string') {
      const p = parseExpression(fl);
      r.child(`filters[${i}]: `).add(p.diagnostics);
      if (p.expr) filters.push(p.expr);
      return;
    }
    const name = fl.dimension ?? fl.field;
    if (!name) {
      r.error('invalid-definition', `filters[${i}]: name the dimension ("dimension": "region")`, NO_SPAN);
      return;
    }
    const operand: Expr = { k: 'name', parts: [id(name)], star: false, span: NO_SPAN };
    const op = OPS[fl.operator] ?? fl.operator;
    if (op === 'in' || op === 'not in') {
      const values = (Array.isArray(fl.value) ? fl.value : [fl.value]).map((v) =>
        literal(v as string | number),
      );
      filters.push({ k: 'in', operand, values, negated: op === 'not in', span: NO_SPAN });
    } else if (Array.isArray(fl.value)) {
      r.error('invalid-definition', `filters[${i}].value: a list goes with "in"`, NO_SPAN);
    } else if (op === 'like') {
      filters.push({ k: 'like', operand, pattern: literal(fl.value), negated: false, span: NO_SPAN });
    } else {
      filters.push({ k: 'binary', op: op as '=', left: operand, right: literal(fl.value), span: NO_SPAN });
    }
  });
  const th = (t: z.infer<typeof threshold> | undefined) =>
    t === undefined ? undefined : typeof t === 'number' ? { op: '>' as const, value: t } : t;
  const thresholds =
    d.thresholds && (d.thresholds.warning !== undefined || d.thresholds.critical !== undefined)
      ? {
          ...(d.thresholds.warning !== undefined ? { warning: th(d.thresholds.warning)! } : {}),
          ...(d.thresholds.critical !== undefined ? { critical: th(d.thresholds.critical)! } : {}),
        }
      : undefined;
  if (!f.expr || r.errorCount > before) return { spec: null, id: id(d.id) };
  const schedule: KpiIR['schedule'] | undefined = d.schedule
    ? {
        frequency: d.schedule.frequency,
        ...(d.schedule.timezone !== undefined ? { timezone: d.schedule.timezone } : {}),
      }
    : undefined;
  return {
    id: id(d.id),
    spec: {
      id: id(d.id),
      name: d.name,
      category: d.category,
      description: d.description,
      formula: f.expr,
      measures,
      dimensions: d.dimensions.map(id),
      grains,
      filters,
      ...(schedule ? { schedule } : {}),
      ...(thresholds ? { thresholds } : {}),
      approximate: d.approximate ?? false,
      ...(d.format !== undefined ? { format: d.format } : {}),
      ...(d.metadata ? { metadata: d.metadata } : {}),
    },
  };
}
