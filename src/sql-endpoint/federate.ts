/**
 * Statements that read KPI tables together with other tables, or nest a KPI query, are answered by
 * Trino: each KPI table reference is replaced by the SQL of its compiled KPI query, and the rewritten
 * statement goes to Trino as a pass-through (streamed, cancellable as any other).
 *
 * Per reference, in the query specification (SELECT … FROM … WHERE …) that reads it:
 * - **a nested KPI query** — the KPI table is the only relation and the specification maps exactly
 *   (kpi-select.ts): the whole specification becomes the KPI query's SQL, with its ORDER BY/LIMIT;
 * - **a derived table** — the KPI table is joined, or the specification uses what only Trino reads
 *   (CASE, windows, subqueries): the reference becomes the KPI at the grain and dimensions of the KPI
 *   columns the specification uses (qualified by the table's alias, or plain when it is the only
 *   relation). WHERE conjuncts on the KPI's columns alone become its range and filters (and `TRUE` in
 *   the statement); a range is required, as for every KPI query.
 * Aggregates over a KPI's `value` are refused where they would not equal the KPI (as in kpi-select.ts).
 */
import { quoteIdentifier } from '../emit/literal.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import type { RunContext } from './deps.ts';
import { SqlError, TrinoOnly } from './errors.ts';
import { findKpiTable, KPI_CATALOG, KPI_SCHEMA } from './kpi-catalog.ts';
import { derivedTable, type KpiReference, tryNestedKpiQuery } from './kpi-derived-table.ts';
import type { KpiSelectPlan } from './kpi-select.ts';
import { kpiSubquerySql } from './kpi-subquery.ts';
import { isName, isWord, type Token } from './lexer.ts';
import { Cursor, parseSelect, RESERVED } from './parser.ts';
import { CLAUSE_END, clause, SET_OPS, specificationOf, startsQuery, structure } from './statement-shape.ts';

interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A reference to a KPI table in FROM/JOIN: tokens [from, to) name it, `alias` follows (or not). */

function kpiReferences(tokens: readonly Token[], ctx: RunContext): KpiReference[] {
  const out: KpiReference[] = [];
  const { depth } = structure(tokens);
  // Per depth, whether the clause being read is a FROM (where a comma separates relations).
  const inFrom: boolean[] = [];
  // Names a WITH defines (`name AS (`, `name (a, b) AS (`): relations of the statement, not KPI tables.
  const defined = new Set<string>();
  tokens.forEach((t, i) => {
    if (!isName(t) || !(isWord(tokens[i - 1], 'with') || tokens[i - 1]?.value === ',')) return;
    let j = i + 1;
    if (tokens[j]?.value === '(') while (j < tokens.length && tokens[j]!.value !== ')') j++;
    if (tokens[j]?.value === ')') j++;
    if (isWord(tokens[j], 'as') && tokens[j + 1]?.value === '(') defined.add(t.value);
  });
  for (let i = 1; i < tokens.length; i++) {
    const before = tokens[i - 1]!;
    const d = depth[i - 1]!;
    if (
      before.kind === 'ident' &&
      (before.value === 'select' || CLAUSE_END.has(before.value) || before.value === 'on')
    )
      inFrom[d] = false;
    if (isWord(before, 'from')) inFrom[d] = true;
    const comma = before.kind === 'punct' && before.value === ',' && inFrom[d] === true;
    if (!(isWord(before, 'from') || isWord(before, 'join') || comma)) continue;
    if (!isName(tokens[i])) continue;
    const parts = [tokens[i]!.value];
    let j = i + 1;
    while (tokens[j]?.value === '.' && isName(tokens[j + 1])) {
      parts.push(tokens[j + 1]!.value);
      j += 2;
    }
    if (tokens[j]?.value === '(' || parts.length > 3) continue;
    if (parts.length === 1 && defined.has(parts[0]!)) continue;
    const catalog = parts.length === 3 ? parts[0] : ctx.session.catalog;
    const schema = parts.length >= 2 ? parts.at(-2) : ctx.session.schema;
    if (catalog !== KPI_CATALOG) continue;
    if (!schema)
      throw new SqlError(
        'MISSING_SCHEMA_NAME',
        'Schema must be specified when session schema is not set',
        tokens[i]!.pos,
      );
    if (schema !== KPI_SCHEMA) {
      throw new SqlError(
        'NOT_SUPPORTED',
        `${parts.join('.')}: only KPI tables (kpi.default.*) can be read together with Trino's tables`,
        tokens[i]!.pos,
      );
    }
    const table = findKpiTable(ctx.registry, ctx.catalog, parts.at(-1)!);
    if (!table)
      throw new SqlError(
        'TABLE_NOT_FOUND',
        `Table 'kpi.default.${parts.at(-1)}' does not exist`,
        tokens[i]!.pos,
      );
    let alias: string | null = null;
    if (isWord(tokens[j], 'as') && isName(tokens[j + 1])) alias = tokens[j + 1]!.value;
    else if (tokens[j]?.kind === 'quoted' || (tokens[j]?.kind === 'ident' && !RESERVED.has(tokens[j]!.value)))
      alias = tokens[j]!.value;
    const qualifiers = alias
      ? [alias]
      : [table.name, `${KPI_SCHEMA}.${table.name}`, `${KPI_CATALOG}.${KPI_SCHEMA}.${table.name}`];
    out.push({ from: i, to: j, table, alias, qualifiers });
  }
  return out;
}

export interface FederationDeps {
  /** A MetricQuery as Trino SQL with its values in place. */
  readonly compileForTrino: (query: MetricQuery) => Promise<string>;
}

/**
 * Whether a statement naming KPI tables needs Trino: anything but one SELECT on one KPI table (with no
 * subqueries or set operations), and a single-table SELECT using what only Trino reads.
 */
export function needsFederation(tokens: readonly Token[], ctx: RunContext): boolean {
  const s = structure(tokens);
  const nested = tokens.some((t, i) => t.value === '(' && startsQuery(tokens[i + 1]));
  const setOps = tokens.some((t, i) => s.depth[i] === 0 && t.kind === 'ident' && SET_OPS.has(t.value));
  if (isWord(tokens[0], 'select') && !nested && !setOps) {
    try {
      const c = new Cursor(tokens);
      parseSelect(c);
      c.expectEnd();
      return false;
    } catch (error) {
      // Other refusals are answered as they are, with their position.
      if (!(error instanceof TrinoOnly)) return false;
    }
  }
  return kpiReferences(tokens, ctx).length > 0;
}

/** The statement with every KPI table reference replaced by its KPI query's SQL. */
export async function federate(
  sql: string,
  tokens: readonly Token[],
  ctx: RunContext,
  deps: FederationDeps,
): Promise<string> {
  const s = structure(tokens);
  const replacements: Replacement[] = [];
  const done = new Set<number>();
  for (const ref of kpiReferences(tokens, ctx)) {
    const spec = specificationOf(tokens, ref.from, s);
    if (done.has(spec.from)) continue;
    const d = s.depth[ref.from]!;
    const from = clause(tokens, spec, d, s.depth, 'from')!;
    const refEnd = ref.to + (ref.alias ? (isWord(tokens[ref.to], 'as') ? 2 : 1) : 0);
    const onlyRelation = from.from === ref.from && from.to === refEnd;
    let nested: KpiSelectPlan | null = null;
    let derived: ReturnType<typeof derivedTable>;
    try {
      nested = onlyRelation ? tryNestedKpiQuery(tokens, spec, ref, ctx) : null;
    } catch (error) {
      // Refused as a KPI query of its own (a constant column, a filter on value…): Trino computes
      // those over the KPI's rows — unless the derived table is refused too; then say why it was first.
      try {
        derived = derivedTable(tokens, spec, ref, onlyRelation, s.depth, ctx);
      } catch {
        throw error;
      }
    }
    if (nested) {
      done.add(spec.from);
      const compiled = nested.empty ? null : await deps.compileForTrino(nested.query);
      replacements.push({
        start: tokens[spec.from]!.start,
        end: tokens[spec.to - 1]!.end,
        text: kpiSubquerySql(nested, compiled),
      });
      continue;
    }
    derived ??= derivedTable(tokens, spec, ref, onlyRelation, s.depth, ctx);
    const compiled = derived.plan.empty ? null : await deps.compileForTrino(derived.plan.query);
    replacements.push({
      start: tokens[ref.from]!.start,
      end: tokens[ref.to - 1]!.end,
      text: `(${kpiSubquerySql(derived.plan, compiled)})${ref.alias ? '' : ` AS ${quoteIdentifier(ref.table.name)}`}`,
    });
    for (const r of derived.pushed) {
      replacements.push({ start: tokens[r.from]!.start, end: tokens[r.to - 1]!.end, text: 'TRUE' });
    }
  }
  replacements.sort((a, b) => b.start - a.start);
  let out = sql;
  for (const r of replacements) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return out;
}
