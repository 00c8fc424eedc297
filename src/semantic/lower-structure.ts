/**
 * The expression forms row and formula expressions share — arithmetic and logic, case, in, between,
 * is null, like — lowered and type-checked once for both. The caller lowers the children (a row
 * expression reads columns, a formula expression aggregates) and reports the problems at their spans.
 */
import { assertNever, type Call, type Composite, type Span } from '../ir/kpi.ts';
import type { Expr } from '../lang/ast.ts';
import { binaryType, comparable, isBoolean, isNumeric, typeWords, unify } from './types.ts';

export interface Typed<T> {
  readonly ir: T;
  readonly type: import('../ir/kpi.ts').ValueType;
  /** A string literal, which may stand for a time in comparisons. */
  readonly stringLiteral?: boolean;
}

/** The IR nodes of the shared forms, over children of type T (calls are lowered by each language). */
export type Structural<T> = Exclude<Composite<T>, Call<T>>;

type Fail = (code: string, message: string, at: { span: Span }) => null;

/**
 * Lowers `e` when it is one of the shared forms (null when it, or a child, has an error — already
 * reported); `undefined` when it is not, for the caller's own forms (literals, names, calls).
 */
export function lowerStructure<T>(
  e: Expr,
  lower: (child: Expr) => Typed<T> | null,
  fail: Fail,
): Typed<Structural<T>> | null | undefined {
  switch (e.k) {
    case 'binary': {
      const l = lower(e.left);
      const r = lower(e.right);
      if (!l || !r) return null;
      const check = binaryType(e.op, l.type, r.type, r.stringLiteral);
      if ('problem' in check) return fail('type-mismatch', check.problem, e);
      return { ir: { kind: 'binary', op: e.op, left: l.ir, right: r.ir }, type: check.type };
    }
    case 'unary': {
      const o = lower(e.operand);
      if (!o) return null;
      if (e.op === 'not' && !isBoolean(o.type))
        return fail('type-mismatch', `"not" needs a true/false condition, not ${typeWords(o.type)}`, e);
      if (e.op === '-' && !isNumeric(o.type)) return fail('type-mismatch', `cannot negate a ${o.type}`, e);
      return { ir: { kind: 'unary', op: e.op, operand: o.ir }, type: e.op === 'not' ? 'boolean' : o.type };
    }
    case 'case': {
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      const whens = e.whens.map((w) => ({ when: lower(w.when), then: lower(w.then), src: w }));
      const otherwise = e.else ? lower(e.else) : null;
      if (whens.some((w) => !w.when || !w.then) || (e.else && !otherwise)) return null;
      for (const w of whens)
        if (!isBoolean(w.when!.type))
          return fail(
            'type-mismatch',
            `"when" needs a true/false condition, not ${typeWords(w.when!.type)}`,
            w.src.when,
          );
      const type = unify([...whens.map((w) => w.then!.type), ...(otherwise ? [otherwise.type] : [])]);
      if (!type) return fail('type-mismatch', 'the branches of this case give values of different types', e);
      return {
        ir: {
          kind: 'case',
          // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
          whens: whens.map((w) => ({ when: w.when!.ir, then: w.then!.ir })),
          else: otherwise ? otherwise.ir : null,
        },
        type,
      };
    }
    case 'in': {
      const o = lower(e.operand);
      const values = e.values.map((v) => lower(v));
      if (!o || values.some((v) => !v)) return null;
      for (const [i, v] of values.entries()) {
        if (!comparable(o.type, v!.type, v!.stringLiteral))
          return fail(
            'type-mismatch',
            `cannot compare a ${o.type} with a ${v!.type} in "in (…)"`,
            e.values[i]!,
          );
      }
      return {
        ir: { kind: 'in', operand: o.ir, values: values.map((v) => v!.ir), negated: e.negated },
        type: 'boolean',
      };
    }
    case 'between': {
      const o = lower(e.operand);
      const low = lower(e.low);
      const high = lower(e.high);
      if (!o || !low || !high) return null;
      for (const [side, v] of [
        [e.low, low],
        [e.high, high],
      ] as const) {
        if (!comparable(o.type, v.type, v.stringLiteral))
          return fail('type-mismatch', `cannot compare a ${o.type} with a ${v.type}`, side);
      }
      return {
        ir: { kind: 'between', operand: o.ir, low: low.ir, high: high.ir, negated: e.negated },
        type: 'boolean',
      };
    }
    case 'is_null': {
      const o = lower(e.operand);
      if (!o) return null;
      return { ir: { kind: 'is_null', operand: o.ir, negated: e.negated }, type: 'boolean' };
    }
    case 'like': {
      const o = lower(e.operand);
      const p = lower(e.pattern);
      if (!o || !p) return null;
      if (o.type !== 'string' && o.type !== 'null')
        return fail('type-mismatch', `"like" needs a string, not ${typeWords(o.type)}`, e.operand);
      if (p.type !== 'string' && p.type !== 'null')
        return fail('type-mismatch', `a "like" pattern is a string, not ${typeWords(p.type)}`, e.pattern);
      return { ir: { kind: 'like', operand: o.ir, pattern: p.ir, negated: e.negated }, type: 'boolean' };
    }
    default:
      return undefined;
  }
}

/** The direct children of an AST expression, in source order (an aggregate's `where` after its arguments). */
export function astChildren(e: Expr): readonly Expr[] {
  switch (e.k) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'null':
    case 'duration':
    case 'name':
      return [];
    case 'binary':
      return [e.left, e.right];
    case 'unary':
    case 'is_null':
      return [e.operand];
    case 'call':
      return [...e.args, ...(e.where ? [e.where] : [])];
    case 'case':
      return [...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'in':
      return [e.operand, ...e.values];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return [e.operand, e.pattern];
    default:
      return assertNever(e, 'expression');
  }
}
