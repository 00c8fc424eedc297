/** Row expressions (RowExpr): their own leaves here, the shared shapes through ir/composite.ts. */
import type { TableRef } from '../catalog/types.ts';
import { compositeChildren, mapComposite } from '../ir/composite.ts';
import type { ColumnRef, DimensionRef, DurationLiteral, Literal, RowExpr } from '../ir/kpi.ts';

/** What a row expression holds beneath its composite shapes. */
export type RowLeaf = Literal | DurationLiteral | ColumnRef | DimensionRef;

/** Rewrites leaves (literal, duration, column, dimension) bottom-up; composite shapes are rebuilt around them. */
export function mapRowLeaves(e: RowExpr, leaf: (e: RowExpr) => RowExpr): RowExpr {
  switch (e.kind) {
    case 'literal':
    case 'duration':
    case 'column':
    case 'dimension':
      return leaf(e);
    default:
      return mapComposite(e, (x) => mapRowLeaves(x, leaf));
  }
}

/** Visits every leaf (literal, duration, column, dimension) left to right. */
export function forEachRowLeaf(e: RowExpr, visit: (leaf: RowLeaf) => void): void {
  switch (e.kind) {
    case 'literal':
    case 'duration':
    case 'column':
    case 'dimension':
      visit(e);
      return;
    default:
      for (const child of compositeChildren(e)) forEachRowLeaf(child, visit);
  }
}

/** Tables read by column references in `e`. */
export function tablesOf(e: RowExpr): TableRef[] {
  return columnRefsOf(e).map((c) => c.table);
}

/** Every column reference in `e`, left to right. */
export function columnRefsOf(e: RowExpr): ColumnRef[] {
  const out: ColumnRef[] = [];
  forEachRowLeaf(e, (x) => {
    if (x.kind === 'column') out.push(x);
  });
  return out;
}
