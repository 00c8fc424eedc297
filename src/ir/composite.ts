/**
 * The one walker over the expression shapes every expression language of the engine shares —
 * `Composite<E>` (binary, unary, call, case, in, between, is null, like) — whatever it nests: row
 * expressions (RowExpr), formulas (FormulaExpr), plan values (ValueExpr), the lowering's typed IR.
 * Each language handles its own leaves and hands the composite kinds here (Kysely's habit: per-kind
 * handling where a kind means something, one recursion for the rest). The switches are exhaustive and
 * end in `assertNever`, so a new composite kind is a compile error here first.
 */
import { assertNever, type Composite } from './kpi.ts';

const COMPOSITE_KINDS: ReadonlySet<string> = new Set<Composite<unknown>['kind']>([
  'binary',
  'unary',
  'call',
  'case',
  'in',
  'between',
  'is_null',
  'like',
]);

/** Narrows an expression of any language to its composite forms. */
export const isComposite = <E extends { readonly kind: string }>(e: E): e is Extract<E, Composite<unknown>> =>
  COMPOSITE_KINDS.has(e.kind);

/** The direct children of a composite node, in source order. */
export function compositeChildren<E>(e: Composite<E>): readonly E[] {
  switch (e.kind) {
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
      return assertNever(e, 'composite expression');
  }
}

/**
 * The same node over `f(child)` for each direct child (children mapped in source order). A fresh object
 * with the fields in their declared order, so hashes and printed plans do not depend on who built it.
 */
export function mapComposite<E, F>(e: Composite<E>, f: (child: E) => F): Composite<F> {
  switch (e.kind) {
    case 'binary':
      return { kind: 'binary', op: e.op, left: f(e.left), right: f(e.right) };
    case 'unary':
      return { kind: 'unary', op: e.op, operand: f(e.operand) };
    case 'call':
      return { kind: 'call', fn: e.fn, args: e.args.map((a) => f(a)) };
    case 'case':
      return {
        kind: 'case',
        // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        else: e.else ? f(e.else) : null,
      };
    case 'in':
      return { kind: 'in', operand: f(e.operand), values: e.values.map((v) => f(v)), negated: e.negated };
    case 'between':
      return { kind: 'between', operand: f(e.operand), low: f(e.low), high: f(e.high), negated: e.negated };
    case 'is_null':
      return { kind: 'is_null', operand: f(e.operand), negated: e.negated };
    case 'like':
      return { kind: 'like', operand: f(e.operand), pattern: f(e.pattern), negated: e.negated };
    default:
      return assertNever(e, 'composite expression');
  }
}
