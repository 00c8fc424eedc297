/** Small structural helpers for rules: find and replace inside expression trees, through the typed walkers. */
import type { TableRef } from '../catalog/types.ts';
import type { ColumnRef, RowExpr } from '../ir/kpi.ts';
import type { ValueExpr } from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { forEachRowLeaf, mapRowLeaves } from '../plan/row-expr.ts';
import { mapValue } from '../plan/value-expr.ts';
import { deepFreeze } from '../shared/freeze.ts';

/** Every ColumnRef and DimensionRef in a row expression. */
export function columnsOf(e: RowExpr): { columns: ColumnRef[]; dimensions: string[] } {
  const columns: ColumnRef[] = [];
  const dimensions: string[] = [];
  forEachRowLeaf(e, (leaf) => {
    if (leaf.kind === 'column') columns.push(leaf);
    if (leaf.kind === 'dimension') dimensions.push(leaf.name);
  });
  return { columns, dimensions };
}

/** Moves the ColumnRefs of table `from` to table `to` (same column names). */
export function rebaseColumns(e: RowExpr, from: TableRef, to: TableRef): RowExpr {
  const key = tableKey(from);
  return deepFreeze(
    mapRowLeaves(e, (leaf) =>
      leaf.kind === 'column' && tableKey(leaf.table) === key ? { ...leaf, table: to } : leaf,
    ),
  );
}

/** Replaces `col(name)` references in a formula. */
export function replaceColumns(e: ValueExpr, by: ReadonlyMap<string, ValueExpr>): ValueExpr {
  return deepFreeze(mapValue(e, (node) => (node.kind === 'col' ? (by.get(node.name) ?? node) : node)));
}

export const sameExpr = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
