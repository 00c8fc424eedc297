/**
 * The seed's JSON KPIDefinition → the same KPI declarations the DSL produces. Validated with zod;
 * each definition is rewritten as DSL lines (one JSON field a line) so the one analyzer checks both,
 * and diagnostics name the JSON path of the field they concern.
 */
import * as z from 'zod';
import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Span } from '../ir/kpi.ts';
import type { KpiDecl } from '../lang/ast.ts';
import { parseExpression, parseProgram } from '../lang/parse.ts';
import type { KpiSource } from './analyze-kpi.ts';
import { error, NO_SPAN } from './diagnostics.ts';
import type { ColumnAlias } from './lower-row.ts';
import { printName, printString } from './print.ts';
import { resolveQualified } from './resolve-names.ts';

/**
 * The seed's KPIDefinition schema, built on first use: building zod schemas is a twentieth of
 * `kpi check`'s start-up, and a DSL file needs none.
 */
function buildDefinitionSchema() {
  const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name of letters, digits and _');

  const variable = z.object({
    name: identifier,
    source: z.object({
      database: z.string().min(1),
      table: z.string().min(1),
      column: z.string().min(1),
      aggregation: z.enum(['sum', 'count', 'avg', 'min', 'max']).optional(),
    }),
    timeRange: z
      .object({ field: z.string().min(1).optional(), period: z.string().min(1).optional() })
      .optional(),
  });

  const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
  const filterCondition = z.union([
    z.string(),
    z.object({
      field: z.string().min(1).optional(),
      dimension: z.string().min(1).optional(),
      operator: z.string().default('='),
      value: z.union([scalar, z.array(scalar)]).optional(),
    }),
  ]);

  return z.object({
    id: identifier,
    name: z.string(),
    category: z.enum(['business', 'user', 'performance', 'custom']),
    description: z.string(),
    formula: z.object({
      type: z.enum(['simple', 'composite', 'custom']),
      expression: z.string().min(1),
      variables: z.array(variable),
    }),
    aggregations: z.array(z.string()),
    dimensions: z.array(z.string()),
    filters: z.array(filterCondition).optional(),
    schedule: z
      .object({
        frequency: z.enum(['realtime', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']),
        timezone: z.string().optional(),
      })
      .optional(),
    thresholds: z.object({ warning: z.number().optional(), critical: z.number().optional() }).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  });
}
let definitionSchema: ReturnType<typeof buildDefinitionSchema> | undefined;
const kpiDefinitionSchema = () => (definitionSchema ??= buildDefinitionSchema());

export type KPIDefinition = z.infer<ReturnType<typeof buildDefinitionSchema>>;

const OPERATORS: Record<string, string> = {
  '=': '=',
  '==': '=',
  eq: '=',
  equals: '=',
  '!=': '!=',
  '<>': '!=',
  neq: '!=',
  '>': '>',
  gt: '>',
  '>=': '>=',
  gte: '>=',
  '<': '<',
  lt: '<',
  '<=': '<=',
  lte: '<=',
  in: 'in',
  not_in: 'not in',
  'not in': 'not in',
  nin: 'not in',
  like: 'like',
  not_like: 'not like',
  is_null: 'is null',
  is_not_null: 'is not null',
};

function literal(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return printString(v);
  return String(v);
}

const oneLine = (s: string): string => s.replace(/[\r\n]/g, ' ');

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`),
    '$',
  );
}

/** One definition → a KPI source for the analyzer, or diagnostics. `at` is its JSON path (`$` or `$[2]`). */
export function definitionSource(
  json: unknown,
  at: string,
  catalog: Catalog,
  out: Diagnostic[],
): KpiSource | null {
  const parsed = kpiDefinitionSchema().safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = jsonPath(issue.path).replace(/^\$/, at);
      out.push(error('invalid-definition', `${path}: ${issue.message}`, NO_SPAN));
    }
    return null;
  }
  const d = parsed.data;
  const before = out.length;
  // Each synthesized line remembers the JSON field it came from and where that field's text starts.
  const lines: string[] = [];
  const origins: { path: string; column: number }[] = [];
  const add = (line: string, path: string, column = 0) => {
    lines.push(line);
    origins.push({ path: `${at}${path}`, column });
  };
  add(`kpi ${printName(d.id)} {`, '.id');
  add(`  category: ${d.category}`, '.category');
  const aliases = new Map<string, ColumnAlias & { timeColumn?: string; period?: string }>();
  d.formula.variables.forEach((v, i) => {
    const path = `.formula.variables[${i}]`;
    const parts = [v.source.database, v.source.table, v.source.column];
    if (!v.source.aggregation) {
      const span: Span = NO_SPAN;
      const diags: Diagnostic[] = [];
      const r = resolveQualified(
        catalog,
        parts.map((text) => ({ text, span })),
        diags,
        `${at}${path}.source: `,
      );
      out.push(...diags);
      if (r?.kind === 'column') {
        aliases.set(v.name, {
          table: r.table,
          column: r.column,
          type: r.type,
          ...(v.timeRange?.field ? { timeColumn: v.timeRange.field } : {}),
          ...(v.timeRange?.period ? { period: v.timeRange.period } : {}),
        });
      }
      return;
    }
    let text = `${v.source.aggregation}(${parts.map(printName).join('.')})`;
    if (v.timeRange?.field) text += ` on ${printName(v.timeRange.field)}`;
    if (v.timeRange?.period) text += ` within ${printString(oneLine(v.timeRange.period))}`;
    add(`  let ${printName(v.name)} = ${text}`, path);
  });
  const expression = oneLine(d.formula.expression);
  const checked = parseExpression(expression);
  for (const diag of checked.diagnostics) {
    out.push({ ...diag, message: `${at}.formula.expression: ${diag.message}` });
  }
  const formulaLine = '  formula: ';
  add(`${formulaLine}${expression}`, '.formula.expression', formulaLine.length);
  if (d.dimensions.length) add(`  dimensions: ${d.dimensions.map(printName).join(', ')}`, '.dimensions');
  if (d.aggregations.length) add(`  grains: ${d.aggregations.map(printName).join(', ')}`, '.aggregations');
  (d.filters ?? []).forEach((f, i) => {
    const path = `.filters[${i}]`;
    let text: string;
    if (typeof f === 'string') {
      const c = parseExpression(oneLine(f));
      for (const diag of c.diagnostics) out.push({ ...diag, message: `${at}${path}: ${diag.message}` });
      text = oneLine(f);
    } else {
      const field = f.field ?? f.dimension;
      const op = OPERATORS[f.operator.toLowerCase()];
      if (!field || !op) {
        out.push(
          error(
            'invalid-definition',
            `${at}${path}: a filter needs a field and an operator (${Object.keys(OPERATORS).join(' ')})`,
            NO_SPAN,
          ),
        );
        return;
      }
      const values = Array.isArray(f.value) ? f.value : f.value === undefined ? [] : [f.value];
      if (op.startsWith('is')) text = `${printName(field)} ${op}`;
      else if (op.endsWith('in')) text = `${printName(field)} ${op} (${values.map(literal).join(', ')})`;
      else if (values.length === 1) text = `${printName(field)} ${op} ${literal(values[0]!)}`;
      else {
        out.push(
          error('invalid-definition', `${at}${path}: operator "${f.operator}" needs one value`, NO_SPAN),
        );
        return;
      }
    }
    add(`  filter: ${text}`, path);
  });
  if (d.schedule) {
    const tz = d.schedule.timezone !== undefined ? `, ${printString(oneLine(d.schedule.timezone))}` : '';
    add(`  schedule: ${d.schedule.frequency}${tz}`, '.schedule');
  }
  const t = d.thresholds;
  const levels = t ? (['warning', 'critical'] as const).filter((l) => t[l] !== undefined) : [];
  if (levels.length) add(`  thresholds: ${levels.map((l) => `${l} > ${t![l]}`).join(', ')}`, '.thresholds');
  add('}', '');
  if (out.length > before) return null;

  const program = parseProgram(lines.join('\n'));
  const relocate = (diag: Diagnostic): Diagnostic => {
    const origin = origins[diag.span.start.line - 1] ?? { path: at, column: 0 };
    // Columns count within the JSON string of an expression; other fields have no column of their own.
    const column = origin.column > 0 ? Math.max(1, diag.span.start.column - origin.column) : 1;
    const endColumn =
      origin.column > 0 ? column + Math.max(0, diag.span.end.column - diag.span.start.column) : 1;
    const span = {
      start: { line: 1, column, offset: column - 1 },
      end: { line: 1, column: endColumn, offset: endColumn - 1 },
    };
    return { ...diag, message: `${origin.path}: ${diag.message}`, span };
  };
  if (program.value?.length !== 1 || program.value[0]!.k !== 'kpi') {
    out.push(...program.diagnostics.map(relocate));
    if (program.diagnostics.length === 0)
      out.push(error('invalid-definition', `${at}: could not read this definition`, NO_SPAN));
    return null;
  }
  const parsedDecl = program.value[0] as KpiDecl;
  const decl: KpiDecl = {
    ...parsedDecl,
    title: d.name,
    properties: [
      ...parsedDecl.properties,
      ...(d.description
        ? [
            {
              key: { text: 'description', span: NO_SPAN },
              values: [{ k: 'string' as const, value: d.description, span: NO_SPAN }],
              span: NO_SPAN,
            },
          ]
        : []),
    ],
  };
  return { decl, aliases, relocate, ...(d.metadata ? { metadata: d.metadata } : {}) };
}
