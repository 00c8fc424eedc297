/**
 * Resolving written names against the catalog: `source.table.column`,
 * `source.schema.table.column` (the schema may also follow the connection name), and bare
 * columns of a known table. Unknown names get a "did you mean" from what does exist.
 */
import { tableOf } from '../../catalog/resolve.ts';
import type { Catalog, ColumnType, TableDef, TableRef } from '../../catalog/types.ts';
import type { Span } from '../../ir/kpi.ts';
import type { Ident } from '../../lang/v2/ast.ts';
import { NO_SPAN, type Reporter } from './report.ts';
import { didYouMean } from './suggest.ts';

/** Own properties only: a column named `toString` must not find Object.prototype. */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

const spanOf = (parts: readonly Ident[]): Span => ({
  start: parts[0]!.span.start,
  end: parts[parts.length - 1]!.span.end,
});

/** Resolves the table part of a qualified name (all parts but the column). */
export function resolveTable(
  catalog: Catalog,
  parts: readonly Ident[],
  r: Reporter | null,
): TableDef | undefined {
  const text = parts.map((p) => p.text).join('.');
  if (parts.length !== 2 && parts.length !== 3) {
    r?.error(
      'unknown-table',
      `"${text}" is not a table: write source.table (or source.schema.table)`,
      parts.length > 0 ? spanOf(parts) : NO_SPAN,
    );
    return undefined;
  }
  const [src, ...rest] = parts;
  const tableIdent = rest[rest.length - 1]!;
  let source = own(catalog.sources, src!.text);
  if (parts.length === 3) {
    const schema = rest[0]!.text;
    const match = Object.values(catalog.sources).find(
      (s) =>
        (s.name === src!.text || s.connection === src!.text) &&
        s.schema === schema &&
        Object.hasOwn(s.tables, tableIdent.text),
    );
    if (match) source = match;
    else if (source && source.schema !== schema) {
      r?.error(
        'unknown-schema',
        `source "${source.name}" lives in schema "${source.schema}", not "${schema}"`,
        rest[0]!.span,
      );
      return undefined;
    }
  }
  if (!source) {
    r?.error(
      'unknown-source',
      `unknown source "${src!.text}"`,
      src!.span,
      didYouMean(src!.text, Object.keys(catalog.sources)),
    );
    return undefined;
  }
  const table = own(source.tables, tableIdent.text);
  if (!table) {
    r?.error(
      'unknown-table',
      `source "${source.name}" has no table "${tableIdent.text}"`,
      tableIdent.span,
      didYouMean(tableIdent.text, Object.keys(source.tables)),
    );
    return undefined;
  }
  return table;
}

export interface ResolvedColumn {
  readonly table: TableRef;
  readonly column: string;
  readonly type: ColumnType;
}

export function columnOf(table: TableDef, col: Ident, r: Reporter | null): ResolvedColumn | undefined {
  const type = own(table.columns, col.text);
  if (!type) {
    r?.error(
      'unknown-column',
      `table ${table.source}.${table.name} has no column "${col.text}"`,
      col.span,
      didYouMean(col.text, Object.keys(table.columns)),
    );
    return undefined;
  }
  return { table: { source: table.source, table: table.name }, column: col.text, type };
}

/** source.table.column or source.schema.table.column. */
export function resolveQualified(
  catalog: Catalog,
  parts: readonly Ident[],
  r: Reporter | null,
): ResolvedColumn | undefined {
  if (parts.length < 3 || parts.length > 4) {
    r?.error(
      'unknown-column',
      `"${parts.map((p) => p.text).join('.')}" is not a column: write source.table.column`,
      spanOf(parts),
    );
    return undefined;
  }
  const table = resolveTable(catalog, parts.slice(0, -1), r);
  return table ? columnOf(table, parts[parts.length - 1]!, r) : undefined;
}

/** Tables reachable from `from` through declared joins (itself included), breadth-first. */
export function reachableTables(catalog: Catalog, from: TableRef): TableDef[] {
  const start = tableOf(catalog, from);
  if (!start) return [];
  const out = [start];
  const seen = new Set([`${start.source}.${start.name}`]);
  for (let i = 0; i < out.length; i++) {
    for (const j of out[i]!.joins) {
      const key = `${j.to.source}.${j.to.table}`;
      const t = tableOf(catalog, j.to);
      if (t && !seen.has(key)) {
        seen.add(key);
        out.push(t);
      }
    }
  }
  return out;
}

/** Every column name of every table, for "did you mean" on bare names. */
export function allColumnNames(catalog: Catalog): Set<string> {
  const names = new Set<string>();
  for (const s of Object.values(catalog.sources)) {
    for (const t of Object.values(s.tables)) for (const c of Object.keys(t.columns)) names.add(c);
  }
  return names;
}
