/** The one walker over formula values (ValueExpr): visit or rebuild the direct children of a node. */
// @ts-nocheck

import { assertNever } from '../ir/kpi.ts';
import type { ValueExpr } from './nodes.ts';

/** The direct children of a value expression, in order. */
export function childrenOfValue(e: ValueExpr): readonly ValueExpr[] {
  switch (e.kind) {
    case 'col':
    case 'literal':
      return [];
    case 'zero_fill':
    case 'unary':
    case 'is_null':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.args;
    case 'case':
      return [...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'in':
      return [e.operand, ...e.values];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return [e.operand, e.pattern];
    default:
      return assertNever(e, 'value expression');
  }
}

export function forEachChild(e: ValueExpr, f: (child: ValueExpr) => void): void {
  for (const c of childrenOfValue(e)) f(c);
}

/** The node with each direct child replaced by `f(child)`. */
export function mapChildren(e: ValueExpr, f: (child: ValueExpr) => ValueExpr): ValueExpr {
  switch (e.kind) {
    case 'col':
    case 'literal':
      return e;
    case 'zero_fill':
      return { kind: 'zero_fill', operand: f(e.operand) };
    case 'unary':
      return { kind: 'unary', op: e.op, operand: f(e.operand) };
    case 'is_null':
      return { kind: 'is_null', operand: f(e.operand), negated: e.negated };
    case 'binary':
      return { kind: 'binary', op: e.op, left: f(e.left), right: f(e.right) };
    case 'call':
      return { kind: 'call', fn: e.fn, args: e.args.map(f) };
    case 'case':
      return {
        kind: 'case',
        // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        else: e.else ? f(e.else) : null,
      };
    case 'in':
      return { kind: 'in', operand: f(e.operand), values: e.values.map(f), negated: e.negated };
    case 'between':
      return { kind: 'between', operand: f(e.operand), low: f(e.low), high: f(e.high), negated: e.negated };
    case 'like':
      return { kind: 'like', operand: f(e.operand), pattern: f(e.pattern), negated: e.negated };
    default:
      return assertNever(e, 'value expression');
  }
}
