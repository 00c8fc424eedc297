/**
 * Runs a statement the endpoint answers itself: metadata, USE, prepared statements, EXPLAIN and
 * SELECTs on KPI tables (mapped to a MetricQuery and answered through the service's cached engine).
 */
import type { Catalog } from '../catalog/types.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { assertNever } from '../ir/kpi.ts';
import type { SqlEndpointDeps } from './endpoint.ts';
import { SqlError } from './errors.ts';
import { findKpiTable, KPI_CATALOG, KPI_SCHEMA } from './kpi-catalog.ts';
import { shapeRows } from './kpi-rows.ts';
import { type KpiSelectPlan, mapKpiSelect } from './kpi-select.ts';
import type { Token } from './lexer.ts';
import type { LocalResult } from './local-queries.ts';
import { KPI_SCHEMAS, showCatalogs, showColumns, showSchemas, showTables } from './metadata.ts';
import { Cursor, parseSelect } from './parser.ts';
import type { TrinoUpstream } from './pass-through.ts';
import { column } from './protocol.ts';
import { responseHeaders, type Session } from './session.ts';
import { classify, type Statement } from './statement.ts';

export interface RunContext {
  readonly session: Session;
  readonly zone: string;
  readonly now: Date;
  readonly registry: ReadonlyMap<string, KpiIR>;
  readonly catalog: Catalog;
  readonly deps: SqlEndpointDeps;
  readonly upstream: TrinoUpstream | null;
}

const done = (updateType: string, headers: LocalResult['headers'] = []): LocalResult => ({
  columns: [column('result', 'boolean')],
  rows: [[true]],
  updateType,
  headers,
});

/** A SELECT on one KPI table, mapped (not yet run). */
export function planSelect(tokens: readonly Token[], ctx: RunContext): KpiSelectPlan {
  const c = new Cursor(tokens);
  const select = parseSelect(c);
  c.expectEnd();
  if (!select.from)
    throw new SqlError('NOT_SUPPORTED', 'a SELECT without FROM is answered only through Trino', select.pos);
  const parts = select.from.parts;
  if (parts.length > 3)
    throw new SqlError('SYNTAX_ERROR', `Too many dots in table name: ${parts.join('.')}`, select.from.pos);
  const catalog = parts.length === 3 ? parts[0]! : ctx.session.catalog;
  const schema = parts.length >= 2 ? parts.at(-2)! : ctx.session.schema;
  const name = parts.at(-1)!;
  if (catalog !== KPI_CATALOG) {
    throw new SqlError(
      'NOT_SUPPORTED',
      'a query reading the kpi catalog together with other catalogs is answered only through Trino',
      select.from.pos,
    );
  }
  if (!schema)
    throw new SqlError(
      'MISSING_SCHEMA_NAME',
      'Schema must be specified when session schema is not set',
      select.from.pos,
    );
  if (schema === 'information_schema') {
    throw new SqlError(
      'NOT_SUPPORTED',
      'kpi.information_schema is not queryable yet: use SHOW TABLES / SHOW COLUMNS',
      select.from.pos,
    );
  }
  if (schema !== KPI_SCHEMA)
    throw new SqlError('SCHEMA_NOT_FOUND', `Schema '${schema}' does not exist`, select.from.pos);
  const table = findKpiTable(ctx.registry, ctx.catalog, name);
  if (!table)
    throw new SqlError('TABLE_NOT_FOUND', `Table 'kpi.default.${name}' does not exist`, select.from.pos);
  return mapKpiSelect(select, table, select.from.alias, ctx.registry, { zone: ctx.zone, now: ctx.now });
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
          ? ` LIKE '${statement.like.pattern.replaceAll("'", "''")}'${statement.like.escape !== null ? ` ESCAPE '${statement.like.escape.replaceAll("'", "''")}'` : ''}`
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
    case 'execute':
      return runLocal(classify(statement.body, ctx.session), ctx, signal, trinoHeaders);
    case 'explain': {
      const inner = classify(statement.body, ctx.session);
      if (inner.kind !== 'select')
        throw new SqlError('NOT_SUPPORTED', 'EXPLAIN in the kpi catalog explains SELECTs on KPI tables');
      const plan = planSelect(inner.tokens, ctx);
      const text = await ctx.deps.explain(plan.query);
      return { columns: [column('Query Plan', 'varchar')], rows: [[text]] };
    }
    case 'select': {
      const plan = planSelect(statement.tokens, ctx);
      const rows = plan.empty ? [] : await ctx.deps.answer(plan.query, signal);
      return { columns: plan.columns.map((c) => column(c.name, c.type)), rows: shapeRows(plan, rows) };
    }
    default:
      return assertNever(statement, 'statement');
  }
}
