/** Formula values (ValueExpr): their own leaves here, the shared shapes through ir/composite.ts. */
import { compositeChildren, mapComposite } from '../ir/composite.ts';
import type { ValueExpr } from './nodes.ts';

/** The direct children of a value expression, in order. */
export function childrenOfValue(e: ValueExpr): readonly ValueExpr[] {
  switch (e.kind) {
    case 'col':
    case 'literal':
      return [];
    case 'zero_fill':
      return [e.operand];
    default:
      return compositeChildren(e);
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
    default:
      return mapComposite(e, f);
  }
}

/** Rewrites bottom-up: `f` sees each node with its children already rewritten. */
export function mapValue(e: ValueExpr, f: (node: ValueExpr) => ValueExpr): ValueExpr {
  return f(mapChildren(e, (child) => mapValue(child, f)));
}
