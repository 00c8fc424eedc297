import type { Expr, Select, SelectItem } from './ast.ts';
import type { RunContext } from './deps.ts';
import { SqlError, TrinoOnly } from './errors.ts';
import { KPI_CATALOG, KPI_SCHEMA, type KpiTable } from './kpi-catalog.ts';
import { type KpiSelectPlan, mapKpiSelect } from './kpi-select.ts';
import { reaggregates } from './kpi-select-items.ts';
import { isName, isWord, type Token } from './lexer.ts';
import { Cursor, expr, parseSelect } from './parser.ts';
import {
  clause,
  columnRefs,
  conjuncts,
  outputAliases,
  type Range,
  startsQuery,
  withEof,
} from './statement-shape.ts';
import { mapWhere } from './where.ts';

export interface KpiReference extends Range {
  readonly table: KpiTable;
  readonly alias: string | null;
  readonly qualifiers: readonly string[];
}

const AGGREGATES = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'approx_distinct',
  'count_if',
  'arbitrary',
  'any_value',
  'geometric_mean',
  'stddev',
  'variance',
  'approx_percentile',
]);

/** Where the statement names KPI tables as relations (after FROM, JOIN or a comma in FROM). */
/** The specification as one KPI query, when it maps exactly; null when it uses what only Trino reads. */
export function tryNestedKpiQuery(
  tokens: readonly Token[],
  spec: Range,
  ref: KpiReference,
  ctx: RunContext,
): KpiSelectPlan | null {
  let select: Select;
  try {
    const c = new Cursor(withEof(tokens, spec));
    select = parseSelect(c);
    c.expectEnd();
  } catch (error) {
    if (error instanceof TrinoOnly) return null;
    throw error;
  }
  return mapKpiSelect(select, ref.table, ref.alias, ctx.registry, { zone: ctx.zone, now: ctx.now });
}

export function derivedTable(
  tokens: readonly Token[],
  spec: Range,
  ref: KpiReference,
  onlyRelation: boolean,
  depth: number[],
  ctx: RunContext,
): { plan: KpiSelectPlan; pushed: Range[] } {
  const d = depth[ref.from]!;
  const table = ref.table;
  const columns = new Map(table.columns.map((c) => [c.name, c]));
  const qualifierAt = (k: number): string | null => {
    // `alias.col`, `default.name.col`, `kpi.default.name.col` ending at token k (the column).
    for (const q of ref.qualifiers) {
      const parts = q.split('.');
      const n = parts.length;
      const ok = parts.every(
        (p, i) =>
          isName(tokens[k - 2 * (n - i)]) &&
          tokens[k - 2 * (n - i)]!.value === p &&
          tokens[k - 2 * (n - i) + 1]?.value === '.',
      );
      if (ok && tokens[k - 2 * n - 1]?.value !== '.') return q;
    }
    return null;
  };
  const aliases = outputAliases(tokens, spec, d, depth);
  const where = clause(tokens, spec, d, depth, 'where');
  const pushed: Range[] = [];
  const pushedExprs: Expr[] = [];
  const resolve = (e: Extract<Expr, { kind: 'column' }>) => {
    const name = e.parts.at(-1)!;
    const q = e.parts.slice(0, -1).join('.');
    const column = columns.get(name);
    if (!column || !(q === '' ? onlyRelation : ref.qualifiers.includes(q)))
      throw new SqlError('COLUMN_NOT_FOUND', `not a column of ${table.name}`, e.pos);
    return column;
  };
  for (const c of where ? conjuncts(tokens, where, depth) : []) {
    let e: Expr;
    try {
      const cursor = new Cursor(withEof(tokens, c));
      e = expr(cursor);
      cursor.expectEnd();
      const refs = columnRefs(e);
      if (refs.length === 0) continue;
      refs.forEach(resolve);
      mapWhere(e, resolve, { zone: ctx.zone, now: ctx.now });
    } catch {
      continue; // Not the KPI's alone, or not mappable: Trino evaluates it on the KPI's columns.
    }
    pushed.push(c);
    pushedExprs.push(e);
  }
  const inPushed = (k: number) => pushed.some((r) => k >= r.from && k < r.to);

  // The KPI columns the specification uses outside the pushed conjuncts.
  const used = new Set<string>();
  // Plain names inside a nested query belong to that query's relations.
  const inNestedQuery: boolean[] = [];
  const open: boolean[] = [];
  for (let k = spec.from; k < spec.to; k++) {
    if (tokens[k]!.value === ')' && tokens[k]!.kind === 'punct') open.pop();
    inNestedQuery[k] = open.includes(true);
    if (tokens[k]!.value === '(' && tokens[k]!.kind === 'punct') open.push(startsQuery(tokens[k + 1]));
  }
  for (let k = spec.from; k < spec.to; k++) {
    if (k >= ref.from && k < ref.to) continue;
    const t = tokens[k]!;
    if (!isName(t) || !columns.has(t.value) || inPushed(k) || tokens[k + 1]?.value === '(') continue;
    if (qualifierAt(k)) used.add(t.value);
    else if (
      onlyRelation &&
      tokens[k - 1]?.value !== '.' &&
      tokens[k + 1]?.value !== '.' &&
      !aliases.has(t.value) &&
      !isWord(tokens[k - 1], 'as') &&
      !inNestedQuery[k]
    )
      used.add(t.value);
  }
  checkAggregates(tokens, spec, ref, onlyRelation, qualifierAt, ctx);

  const pos = tokens[ref.from]!.pos;
  const items: SelectItem[] = table.columns
    .filter((c) => c.role !== 'value' && used.has(c.name))
    .concat(table.columns.filter((c) => c.role === 'value'))
    .map((c) => ({ expr: { kind: 'column', parts: [c.name], pos }, alias: null, pos }));
  const whereExpr = pushedExprs.reduce<Expr | null>(
    (acc, e) => (acc ? { kind: 'binary', op: 'and', left: acc, right: e, pos: e.pos } : e),
    null,
  );
  const select: Select = {
    kind: 'select',
    distinct: false,
    items,
    from: { parts: [KPI_CATALOG, KPI_SCHEMA, table.name], alias: ref.alias, pos },
    where: whereExpr,
    groupBy: [],
    having: null,
    orderBy: [],
    offset: null,
    limit: null,
    pos,
  };
  const plan = mapKpiSelect(select, table, ref.alias, ctx.registry, { zone: ctx.zone, now: ctx.now });
  return { plan, pushed };
}

/** `sum(r.value)` over the joined rows equals the KPI only where the KPI re-aggregates so. */
function checkAggregates(
  tokens: readonly Token[],
  spec: Range,
  ref: KpiReference,
  onlyRelation: boolean,
  qualifierAt: (k: number) => string | null,
  ctx: RunContext,
): void {
  for (let k = spec.from; k < spec.to; k++) {
    const fn = tokens[k]!;
    if (fn.kind !== 'ident' || !AGGREGATES.has(fn.value) || tokens[k + 1]?.value !== '(') continue;
    let j = k + 2;
    if (isWord(tokens[j], 'distinct') || isWord(tokens[j], 'all')) j++;
    // The argument is exactly the KPI's value: [qualifier.]value followed by `)`.
    let end = j;
    while (tokens[end + 1]?.value === '.' && isName(tokens[end + 2])) end += 2;
    if (tokens[end]?.value !== 'value' || tokens[end + 1]?.value !== ')') continue;
    const qualified = end > j ? qualifierAt(end) !== null : onlyRelation;
    if (!qualified) continue;
    if (isWord(tokens[end + 2], 'over')) continue; // a window over the KPI's rows
    const ok =
      (fn.value === 'sum' || fn.value === 'min' || fn.value === 'max') &&
      !isWord(tokens[k + 2], 'distinct') &&
      reaggregates(ref.table.kpi, fn.value, ctx.registry);
    if (!ok) {
      throw new SqlError(
        'NOT_SUPPORTED',
        `${fn.value}(value) over KPI ${ref.table.name}'s rows does not equal the KPI for the group; ask for the KPI at the grain and dimensions you want (a nested SELECT … MEASURE(value) … GROUP BY on kpi.default.${ref.table.name})`,
        fn.pos,
      );
    }
  }
}
