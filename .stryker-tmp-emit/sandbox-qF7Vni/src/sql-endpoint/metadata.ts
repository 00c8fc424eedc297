/**
 * Browsing the kpi catalog as drivers and BI tools do: SHOW CATALOGS (kpi added to Trino's), SHOW
 * SCHEMAS / TABLES / COLUMNS and DESCRIBE, with LIKE patterns as Trino matches them.
 */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { SqlError } from './errors.ts';
import { findKpiTable, KPI_CATALOG, KPI_SCHEMA, type KpiColumn, kpiTables } from './kpi-catalog.ts';
import { type Column, column } from './protocol.ts';
import type { Session } from './session.ts';
import type { LikePattern, QualifiedName } from './statement.ts';

export interface Rows {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly unknown[])[];
}

export const KPI_SCHEMAS = [KPI_SCHEMA, 'information_schema'] as const;

/** SQL LIKE as a RegExp: `%` any run, `_` one character, `escape` makes the next one literal. */
export function likeRegExp(like: LikePattern): RegExp {
  let out = '';
  const p = like.pattern;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (like.escape !== null && ch === like.escape) {
      const next = p[i + 1];
      if (next === undefined)
        throw new SqlError(
          'INVALID_FUNCTION_ARGUMENT',
          "Escape character must be followed by '%', '_' or the escape character itself",
        );
      out += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    } else if (ch === '%') out += '[\\s\\S]*';
    else if (ch === '_') out += '[\\s\\S]';
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const matching = (names: readonly string[], like: LikePattern | null) =>
  like ? names.filter((n) => likeRegExp(like).test(n)) : names;

export function showCatalogs(trinoCatalogs: readonly string[], like: LikePattern | null): Rows {
  const names = [...new Set([...trinoCatalogs, ...matching([KPI_CATALOG], like)])].sort();
  return { columns: [column('Catalog', 'varchar')], rows: names.map((n) => [n]) };
}

export function showSchemas(like: LikePattern | null): Rows {
  return {
    columns: [column('Schema', 'varchar')],
    rows: matching([...KPI_SCHEMAS].sort(), like).map((n) => [n]),
  };
}

const INFORMATION_SCHEMA_TABLES = ['columns', 'schemata', 'tables', 'views'];

export function showTables(
  schema: string,
  registry: ReadonlyMap<string, KpiIR>,
  catalog: Catalog,
  like: LikePattern | null,
): Rows {
  if (schema === '')
    throw new SqlError('MISSING_SCHEMA_NAME', 'Schema must be specified when session schema is not set');
  let names: string[];
  if (schema === KPI_SCHEMA) names = kpiTables(registry, catalog).map((t) => t.name);
  else if (schema === 'information_schema') names = INFORMATION_SCHEMA_TABLES;
  else throw new SqlError('SCHEMA_NOT_FOUND', `Schema '${schema}' does not exist`);
  return { columns: [column('Table', 'varchar')], rows: matching(names, like).map((n) => [n]) };
}

function comment(c: KpiColumn, kpiName: string): string {
  switch (c.role) {
    case 'time':
      return `start of each ${c.grain} (bucket of the KPI at ${c.grain} grain)`;
    case 'dimension':
      return 'dimension';
    case 'value':
      return `${kpiName}: the KPI at the grain of the time column used (MEASURE(value) in a GROUP BY)`;
  }
}

/** Resolves a table name in the session, for a statement already known to name the kpi catalog. */
export function resolveKpiName(name: QualifiedName, session: Session): { schema: string; table: string } {
  const parts = name.parts;
  if (parts.length > 3)
    throw new SqlError('SYNTAX_ERROR', `Too many dots in table name: ${parts.join('.')}`, name.pos);
  const schema = parts.length >= 2 ? parts.at(-2)! : session.schema;
  if (!schema)
    throw new SqlError(
      'MISSING_SCHEMA_NAME',
      'Schema must be specified when session schema is not set',
      name.pos,
    );
  return { schema, table: parts.at(-1)! };
}

export function showColumns(
  name: QualifiedName,
  session: Session,
  registry: ReadonlyMap<string, KpiIR>,
  catalog: Catalog,
): Rows {
  const { schema, table } = resolveKpiName(name, session);
  if (!KPI_SCHEMAS.includes(schema as (typeof KPI_SCHEMAS)[number])) {
    throw new SqlError('SCHEMA_NOT_FOUND', `Schema '${schema}' does not exist`, name.pos);
  }
  const found = schema === KPI_SCHEMA ? findKpiTable(registry, catalog, table) : null;
  if (!found)
    throw new SqlError('TABLE_NOT_FOUND', `Table 'kpi.${schema}.${table}' does not exist`, name.pos);
  return {
    columns: [
      column('Column', 'varchar'),
      column('Type', 'varchar'),
      column('Extra', 'varchar'),
      column('Comment', 'varchar'),
    ],
    rows: found.columns.map((c) => [c.name, c.type, '', comment(c, found.comment)]),
  };
}
