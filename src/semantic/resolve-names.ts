/** Names against the catalog: `source.table[.column]`, `source.schema.table.column`, and bare columns. */
import { own, resolveDimension, tableOf } from '../catalog/resolve.ts';
import type { Catalog, ColumnType, TableDef, TableRef } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Span } from '../ir/kpi.ts';
import type { NamePart } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error } from './diagnostics.ts';

export type Resolved =
  | { readonly kind: 'table'; readonly table: TableRef }
  | { readonly kind: 'column'; readonly table: TableRef; readonly column: string; readonly type: ColumnType };

export { own };

/** Shortest path over declared joins to a dimension column (own names only); undefined when unreachable. */
export const findDimension = resolveDimension;

const spanOf = (parts: readonly NamePart[]): Span => ({
  start: parts[0]!.span.start,
  end: parts.at(-1)!.span.end,
});

/** Resolves a dotted name of 2–4 parts; pushes a diagnostic and returns null when it points nowhere. */
export function resolveQualified(
  catalog: Catalog,
  parts: readonly NamePart[],
  out: Diagnostic[],
  prefix = '',
): Resolved | null {
  const [first, ...rest] = parts;
  if (!first) return null;
  const source = own(catalog.sources, first.text);
  if (!source) {
    out.push(
      error(
        'unknown-source',
        `${prefix}unknown source "${first.text}"`,
        first.span,
        didYouMean(first.text, Object.keys(catalog.sources)),
      ),
    );
    return null;
  }
  // source.schema.table.column: the schema must be the source's own.
  let tail = rest;
  if (rest.length === 3) {
    if (rest[0]!.text !== source.schema) {
      out.push(
        error(
          'unknown-schema',
          `${prefix}source "${source.name}" has no schema "${rest[0]!.text}"`,
          rest[0]!.span,
          {
            hint: `its schema is "${source.schema}"`,
          },
        ),
      );
      return null;
    }
    tail = rest.slice(1);
  }
  if (tail.length === 0 || tail.length > 2) {
    out.push(
      error(
        'bad-name',
        `${prefix}"${parts.map((p) => p.text).join('.')}" is not a table or column name: write source.table.column`,
        spanOf(parts),
      ),
    );
    return null;
  }
  const tablePart = tail[0]!;
  const table = own(source.tables, tablePart.text);
  if (!table) {
    out.push(
      error(
        'unknown-table',
        `${prefix}source "${source.name}" has no table "${tablePart.text}"`,
        tablePart.span,
        didYouMean(tablePart.text, Object.keys(source.tables)),
      ),
    );
    return null;
  }
  const ref = { source: source.name, table: table.name };
  const columnPart = tail[1];
  if (!columnPart) return { kind: 'table', table: ref };
  const type = own(table.columns, columnPart.text);
  if (!type) {
    out.push(unknownColumn(table, columnPart, prefix));
    return null;
  }
  return { kind: 'column', table: ref, column: columnPart.text, type };
}

export function unknownColumn(table: TableDef, part: NamePart, prefix = ''): Diagnostic {
  return error(
    'unknown-column',
    `${prefix}${table.source}.${table.name} has no column "${part.text}"`,
    part.span,
    didYouMean(part.text, Object.keys(table.columns)),
  );
}

/** A bare column name seen from a table: its own column, or one reached through declared joins. */
export function resolveBareColumn(
  catalog: Catalog,
  from: TableRef,
  part: NamePart,
  out: Diagnostic[],
  prefix = '',
): Extract<Resolved, { kind: 'column' }> | null {
  const path = findDimension(catalog, from, part.text);
  const target = path ? tableOf(catalog, path.table) : undefined;
  if (!path || !target) {
    const table = tableOf(catalog, from)!;
    out.push(unknownColumn(table, part, prefix));
    return null;
  }
  return { kind: 'column', table: path.table, column: path.column, type: target.columns[path.column]! };
}

/** Whether `to` is `from` or reached from it through declared joins. */
export function reachable(catalog: Catalog, from: TableRef, to: TableRef): boolean {
  const seen = new Set<string>();
  const queue: TableRef[] = [from];
  while (queue.length > 0) {
    const t = queue.shift()!;
    const key = `${t.source}.${t.table}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (t.source === to.source && t.table === to.table) return true;
    for (const j of tableOf(catalog, t)?.joins ?? []) queue.push({ source: j.to.source, table: j.to.table });
  }
  return false;
}

/** Every column name in the catalog with its first type (for filters on dimensions). */
const columnsCache = new WeakMap<Catalog, Map<string, ColumnType>>();

export function catalogColumns(catalog: Catalog): Map<string, ColumnType> {
  const cached = columnsCache.get(catalog);
  if (cached) return cached;
  const columns = new Map<string, ColumnType>();
  columnsCache.set(catalog, columns);
  for (const s of Object.values(catalog.sources)) {
    for (const t of Object.values(s.tables)) {
      for (const [c, type] of Object.entries(t.columns)) if (!columns.has(c)) columns.set(c, type);
    }
  }
  return columns;
}
