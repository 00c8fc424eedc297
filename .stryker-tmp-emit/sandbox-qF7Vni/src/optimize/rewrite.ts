/** Small structural helpers for rules: find and replace inside plain frozen expression trees. */
// @ts-nocheck

import type { TableRef } from '../catalog/types.ts';
import type { ColumnRef, RowExpr } from '../ir/kpi.ts';
import { deepFreeze, type ValueExpr } from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';

type Node = Record<string, unknown>;

function mapDeep(value: unknown, f: (node: Node) => unknown | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, f));
  if (value && typeof value === 'object') {
    const replaced = f(value as Node);
    if (replaced !== undefined) return replaced;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDeep(v, f)]));
  }
  return value;
}

/** Every ColumnRef and DimensionRef in a row expression. */
export function columnsOf(e: RowExpr): { columns: ColumnRef[]; dimensions: string[] } {
  const columns: ColumnRef[] = [];
  const dimensions: string[] = [];
  mapDeep(e, (n) => {
    if (n.kind === 'column') columns.push(n as unknown as ColumnRef);
    if (n.kind === 'dimension') dimensions.push(String(n.name));
    return undefined;
  });
  return { columns, dimensions };
}

/** Moves the ColumnRefs of table `from` to table `to` (same column names). */
export function rebaseColumns<E>(e: E, from: TableRef, to: TableRef): E {
  const key = tableKey(from);
  return deepFreeze(
    mapDeep(e, (n) =>
      n.kind === 'column' && tableKey(n.table as TableRef) === key ? { ...n, table: to } : undefined,
    ) as E,
  );
}

/** Replaces `col(name)` references in a formula. */
export function replaceColumns(e: ValueExpr, by: ReadonlyMap<string, ValueExpr>): ValueExpr {
  return deepFreeze(
    mapDeep(e, (n) =>
      n.kind === 'col' && by.has(String(n.name)) ? by.get(String(n.name)) : undefined,
    ) as ValueExpr,
  );
}

export const sameExpr = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
