/** Structural helpers over RowExpr: rewrite leaves, collect the tables an expression reads. */
// @ts-nocheck

import type { TableRef } from '../catalog/types.ts';
import { assertNever, type RowExpr } from '../ir/kpi.ts';

/** Rewrites leaves (column, dimension) bottom-up; composite shapes are rebuilt around them. */
export function mapRowLeaves(e: RowExpr, leaf: (e: RowExpr) => RowExpr): RowExpr {
  const m = (x: RowExpr) => mapRowLeaves(x, leaf);
  switch (e.kind) {
    case 'literal':
    case 'duration':
    case 'column':
    case 'dimension':
      return leaf(e);
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'unary':
      return { ...e, operand: m(e.operand) };
    case 'call':
      return { ...e, args: e.args.map(m) };
    case 'case':
      return {
        ...e,
        // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        else: e.else ? m(e.else) : null,
      };
    case 'in':
      return { ...e, operand: m(e.operand), values: e.values.map(m) };
    case 'between':
      return { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
    case 'is_null':
      return { ...e, operand: m(e.operand) };
    case 'like':
      return { ...e, operand: m(e.operand), pattern: m(e.pattern) };
    default:
      return assertNever(e, 'row expression');
  }
}

/** Tables read by column references in `e`. */
export function tablesOf(e: RowExpr): TableRef[] {
  const out: TableRef[] = [];
  mapRowLeaves(e, (x) => {
    if (x.kind === 'column') out.push(x.table);
    return x;
  });
  return out;
}
