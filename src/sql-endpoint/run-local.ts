/**
 * Runs a statement the endpoint answers itself: metadata, USE, prepared statements, EXPLAIN and
 * SELECTs on KPI tables (mapped to a MetricQuery and answered through the service's cached engine).
 */
import { sqlString } from '../emit/literal.ts';
import { assertNever } from '../ir/kpi.ts';
import type { Select } from './ast.ts';
import type { RunContext } from './deps.ts';
import { SqlError } from './errors.ts';
import { federate, needsFederation } from './federate.ts';
import { findKpiTable, KPI_CATALOG, KPI_SCHEMA } from './kpi-catalog.ts';
import { shapeRows } from './kpi-rows.ts';
import { type KpiSelectPlan, mapKpiSelect } from './kpi-select.ts';
import type { Token } from './lexer.ts';
import type { LocalResult } from './local-queries.ts';
import { KPI_SCHEMAS, showCatalogs, showColumns, showSchemas, showTables } from './metadata.ts';
import { Cursor, parseSelect } from './parser.ts';
import type { TrinoUpstream } from './pass-through.ts';
import { watchedClock } from './plan-cache.ts';
import { type Column, column } from './protocol.ts';
import { compareForOrder } from './row-order.ts';
import { responseHeaders } from './session.ts';
import { classify, type Statement } from './statement.ts';
import type { TimeContext } from './time-values.ts';
import { evaluate, type VirtualTable, virtualTable } from './virtual-tables.ts';

export type { RunContext } from './deps.ts';

const done = (updateType: string, headers: LocalResult['headers'] = []): LocalResult => ({
  columns: [column('result', 'boolean')],
  rows: [[true]],
  updateType,
  headers,
});

/** Where a SELECT reads from: a KPI table, a metadata table, or nothing (`SELECT version()`). */
type Source =
  | { readonly kind: 'kpi'; readonly select: Select; readonly plan: (time: TimeContext) => KpiSelectPlan }
  | {
      readonly kind: 'virtual';
      readonly select: Select;
      readonly table: VirtualTable;
      readonly mergeWithTrino: boolean;
    };

const NO_ROWS_TABLE: VirtualTable = { columns: [], rows: [{}] };

function sourceOf(tokens: readonly Token[], ctx: RunContext): Source {
  const c = new Cursor(tokens);
  const select = parseSelect(c);
  c.expectEnd();
  if (!select.from) return { kind: 'virtual', select, table: NO_ROWS_TABLE, mergeWithTrino: false };
  const parts = select.from.parts;
  const pos = select.from.pos;
  if (parts.length > 3)
    throw new SqlError('SYNTAX_ERROR', `Too many dots in table name: ${parts.join('.')}`, pos);
  const catalog = parts.length === 3 ? parts[0]! : ctx.session.catalog;
  const schema = parts.length >= 2 ? parts.at(-2)! : ctx.session.schema;
  const name = parts.at(-1)!;
  if (catalog === 'system' && schema === 'jdbc') {
    const table = virtualTable('jdbc', name, ctx.registry, ctx.catalog);
    if (table) return { kind: 'virtual', select, table, mergeWithTrino: ctx.upstream !== null };
  }
  if (catalog !== KPI_CATALOG) {
    throw new SqlError(
      'NOT_SUPPORTED',
      'a query reading the kpi catalog together with other catalogs is answered only through Trino',
      pos,
    );
  }
  if (!schema)
    throw new SqlError('MISSING_SCHEMA_NAME', 'Schema must be specified when session schema is not set', pos);
  if (schema === 'information_schema') {
    const table = virtualTable(schema, name, ctx.registry, ctx.catalog);
    if (!table)
      throw new SqlError('TABLE_NOT_FOUND', `Table 'kpi.information_schema.${name}' does not exist`, pos);
    return { kind: 'virtual', select, table, mergeWithTrino: false };
  }
  if (schema !== KPI_SCHEMA) throw new SqlError('SCHEMA_NOT_FOUND', `Schema '${schema}' does not exist`, pos);
  const table = findKpiTable(ctx.registry, ctx.catalog, name);
  if (!table) throw new SqlError('TABLE_NOT_FOUND', `Table 'kpi.default.${name}' does not exist`, pos);
  return {
    kind: 'kpi',
    select,
    plan: (time) => mapKpiSelect(select, table, select.from!.alias, ctx.registry, time),
  };
}

/** A SELECT on one KPI table, mapped (not yet run). */
export function planSelect(tokens: readonly Token[], ctx: RunContext): KpiSelectPlan {
  const source = sourceOf(tokens, ctx);
  if (source.kind !== 'kpi')
    throw new SqlError(
      'NOT_SUPPORTED',
      'EXPLAIN in the kpi catalog explains SELECTs on KPI tables',
      source.select.pos,
    );
  return source.plan({ zone: ctx.zone, now: ctx.now });
}

/**
 * A SELECT on one KPI table, mapped, and whether the mapping read the clock (then it holds only now
 * and is not cached); null when the SELECT reads a metadata table or none.
 */
export function mapKpiStatement(
  tokens: readonly Token[],
  ctx: RunContext,
): { readonly plan: KpiSelectPlan; readonly readClock: boolean } | null {
  const source = sourceOf(tokens, ctx);
  if (source.kind !== 'kpi') return null;
  const clock = watchedClock(ctx.zone, ctx.now);
  const plan = source.plan(clock.ctx);
  return { plan, readClock: clock.read() };
}

/** The protocol's columns of a plan, built once per (cached) plan. */
const columnsOfPlan = new WeakMap<KpiSelectPlan, readonly Column[]>();

/** Runs a mapped KPI query through the service's cached engine path and shapes its rows. */
export async function answerKpi(
  plan: KpiSelectPlan,
  ctx: Pick<RunContext, 'deps' | 'user'>,
  signal: AbortSignal,
): Promise<LocalResult> {
  let columns = columnsOfPlan.get(plan);
  if (!columns) {
    columns = plan.columns.map((c) => column(c.name, c.type));
    columnsOfPlan.set(plan, columns);
  }
  const rows = plan.empty ? [] : await ctx.deps.answer(plan.query, signal, ctx.user);
  return { columns, rows: shapeRows(plan, rows) };
}

/**
 * JDBC metadata: Trino's own rows for its catalogs plus ours for kpi, in the query's order. Both sides
 * run the same statement, so the columns line up; ORDER BY on output columns is applied to the union.
 */
async function mergedWithTrino(
  sql: string,
  select: Select,
  ours: { columns: Column[]; rows: unknown[][] },
  upstream: TrinoUpstream,
  headers: Readonly<Record<string, string>>,
): Promise<LocalResult> {
  const theirs = await upstream.collect(sql, headers);
  const rows = [...theirs.rows, ...ours.rows];
  const names = ours.columns.map((c) => c.name);
  const keys = select.orderBy.map((o) => ({
    index:
      o.expr.kind === 'number'
        ? Number(o.expr.text) - 1
        : o.expr.kind === 'column'
          ? names.indexOf(o.expr.parts.at(-1)!)
          : -1,
    o,
  }));
  if (keys.length > 0 && keys.every((k) => k.index >= 0)) {
    rows.sort((a, b) => {
      for (const { index, o } of keys) {
        const c = compareForOrder(a[index], b[index], o);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const limited = select.limit === null ? rows : rows.slice(0, select.limit);
  return { columns: theirs.columns.length > 0 ? theirs.columns : ours.columns, rows: limited };
}

export async function runLocal(
  statement: Statement,
  ctx: RunContext,
  signal: AbortSignal,
  trinoHeaders: Readonly<Record<string, string>>,
): Promise<LocalResult> {
  switch (statement.kind) {
    case 'trino':
      throw new SqlError('GENERIC_INTERNAL_ERROR', 'a statement for Trino reached the kpi catalog');
    case 'show-catalogs': {
      let names: string[] = [];
      if (ctx.upstream) {
        const like = statement.like
          ? ` LIKE ${sqlString(statement.like.pattern)}${statement.like.escape !== null ? ` ESCAPE ${sqlString(statement.like.escape)}` : ''}`
          : '';
        const r = await ctx.upstream.collect(`SHOW CATALOGS${like}`, trinoHeaders);
        names = r.rows.map((row) => String(row[0]));
      }
      return showCatalogs(names, statement.like);
    }
    case 'show-schemas':
      return showSchemas(statement.like);
    case 'show-tables':
      return showTables(statement.schema, ctx.registry, ctx.catalog, statement.like);
    case 'show-columns':
      return showColumns(statement.name, ctx.session, ctx.registry, ctx.catalog);
    case 'use':
      if (!KPI_SCHEMAS.includes(statement.schema as (typeof KPI_SCHEMAS)[number])) {
        throw new SqlError('SCHEMA_NOT_FOUND', `Schema does not exist: kpi.${statement.schema}`);
      }
      return done('USE', [
        responseHeaders.setCatalog(statement.catalog),
        responseHeaders.setSchema(statement.schema),
      ]);
    case 'prepare':
      return done('PREPARE', [responseHeaders.addedPrepare(statement.name, statement.body)]);
    case 'deallocate':
      return done('DEALLOCATE', [responseHeaders.deallocatedPrepare(statement.name)]);
    case 'set-session':
      return done('SET SESSION', [responseHeaders.setSession(statement.name, statement.value)]);
    case 'reset-session':
      return done('RESET SESSION', [responseHeaders.clearSession(statement.name)]);
    case 'execute':
      return runLocal(classify(statement.body, ctx.session), ctx, signal, trinoHeaders);
    case 'explain': {
      const inner = classify(statement.body, ctx.session);
      if (inner.kind !== 'select')
        throw new SqlError('NOT_SUPPORTED', 'EXPLAIN in the kpi catalog explains SELECTs on KPI tables');
      if (ctx.upstream && ctx.deps.compileForTrino && needsFederation(inner.tokens, ctx)) {
        const rewritten = await federate(inner.sql, inner.tokens, ctx, {
          compileForTrino: ctx.deps.compileForTrino,
        });
        const trino = await ctx.upstream.collect(`EXPLAIN ${rewritten}`, {
          ...trinoHeaders,
          'x-trino-time-zone': trinoHeaders['x-trino-time-zone'] ?? ctx.zone,
        });
        const text = [`Federated: Trino runs\n${rewritten}`, '', ...trino.rows.map((r) => String(r[0]))];
        return { columns: [column('Query Plan', 'varchar')], rows: [[text.join('\n')]] };
      }
      const plan = planSelect(inner.tokens, ctx);
      const text = await ctx.deps.explain(plan.query);
      return { columns: [column('Query Plan', 'varchar')], rows: [[text]] };
    }
    case 'select': {
      const source = sourceOf(statement.tokens, ctx);
      if (source.kind === 'virtual') {
        const ours = evaluate(source.select, source.table);
        return source.mergeWithTrino && ctx.upstream
          ? mergedWithTrino(statement.sql, source.select, ours, ctx.upstream, trinoHeaders)
          : ours;
      }
      return answerKpi(source.plan({ zone: ctx.zone, now: ctx.now }), ctx, signal);
    }
    default:
      return assertNever(statement, 'statement');
  }
}
