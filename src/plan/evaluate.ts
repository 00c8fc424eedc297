/**
 * A formula (ValueExpr) evaluated in process over one joined row of measure values — what a split run
 * does after it has combined the pieces it ran directly on their engines (exec/split-run.ts). The
 * semantics are the emitted SQL's, which PostgreSQL and Trino share: NULL propagates through
 * arithmetic and comparisons, AND/OR are three-valued, division is safe (NULL on a zero divisor) and in
 * doubles (never truncating), `%` by zero is NULL.
 *
 * Only what evaluates identically in doubles is accepted (`inProcessRefusal` says why not otherwise):
 * `round` rounds the engine's exact decimal (2.675 → 2.68) where a double would give 2.67, `least` and
 * `greatest` treat NULL differently in PostgreSQL and Trino, and strings (LIKE, string literals) never
 * reach a numeric formula's joined row. A refused formula keeps the one-statement plan.
 */
import { assertNever } from '../ir/kpi.ts';
import type { ValueExpr } from './nodes.ts';
import { childrenOfValue } from './value-expr.ts';

export type Scalar = number | boolean | null;

/** Why `e` cannot be evaluated in process exactly as the engines would, or null when it can. */
export function inProcessRefusal(e: ValueExpr): string | null {
  switch (e.kind) {
    case 'literal':
      if (typeof e.value === 'string') return `the string literal '${e.value}'`;
      break;
    case 'like':
      return 'LIKE';
    case 'call':
      if (e.fn === 'round') return 'round (rounds the exact decimal, not a double)';
      if (e.fn === 'least' || e.fn === 'greatest') return `${e.fn} (NULL handling differs between engines)`;
      break;
    default:
      break;
  }
  for (const child of childrenOfValue(e)) {
    const why = inProcessRefusal(child);
    if (why) return why;
  }
  return null;
}

const num = (v: Scalar): number | null => (v === null ? null : typeof v === 'number' ? v : v ? 1 : 0);

/** SQL equality on evaluated values (both sides non-NULL). */
const equal = (a: Scalar, b: Scalar) => num(a) === num(b);

function compare(op: string, l: Scalar, r: Scalar): Scalar {
  if (l === null || r === null) return null;
  const a = num(l)!;
  const b = num(r)!;
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function arithmetic(op: string, l: Scalar, r: Scalar): Scalar {
  const a = num(l);
  const b = num(r);
  if (a === null || b === null) return null;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? null : a / b;
    default:
      return b === 0 ? null : a % b;
  }
}

/** Three-valued AND / OR. */
function logical(op: 'and' | 'or', l: Scalar, r: Scalar): Scalar {
  const a = l === null ? null : Boolean(l);
  const b = r === null ? null : Boolean(r);
  if (op === 'and') return a === false || b === false ? false : a === null || b === null ? null : true;
  return a === true || b === true ? true : a === null || b === null ? null : false;
}

/** `e` over `row` (measure and shared-value columns by name). Callers check inProcessRefusal first. */
export function evaluate(e: ValueExpr, row: ReadonlyMap<string, Scalar>): Scalar {
  const v = (x: ValueExpr) => evaluate(x, row);
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? null : e.value;
    case 'col':
      return row.get(e.name) ?? null;
    case 'zero_fill':
      return v(e.operand) ?? 0;
    case 'binary': {
      const l = v(e.left);
      const r = v(e.right);
      if (e.op === 'and' || e.op === 'or') return logical(e.op, l, r);
      if (['+', '-', '*', '/', '%'].includes(e.op)) return arithmetic(e.op, l, r);
      return compare(e.op, l, r);
    }
    case 'unary': {
      const x = v(e.operand);
      if (x === null) return null;
      return e.op === 'not' ? !x : -num(x)!;
    }
    case 'call': {
      const args = e.args.map(v);
      switch (e.fn) {
        case 'coalesce':
          return args.find((a) => a !== null) ?? null;
        case 'nullif':
          return args[0] === null || args[0] === undefined
            ? null
            : args[1] !== null && args[1] !== undefined && equal(args[0], args[1])
              ? null
              : args[0];
        case 'abs':
          return args[0] === null || args[0] === undefined ? null : Math.abs(num(args[0])!);
        case 'round':
        case 'least':
        case 'greatest':
          throw new Error(`${e.fn} is not evaluated in process (inProcessRefusal)`);
        default:
          return assertNever(e.fn, 'scalar function');
      }
    }
    case 'case': {
      for (const w of e.whens) if (v(w.when) === true) return v(w.then);
      return e.else ? v(e.else) : null;
    }
    case 'in': {
      const x = v(e.operand);
      if (x === null) return null;
      const values = e.values.map(v);
      if (values.some((y) => y !== null && equal(x, y))) return !e.negated;
      return values.includes(null) ? null : e.negated;
    }
    case 'between': {
      const inside = logical(
        'and',
        compare('>=', v(e.operand), v(e.low)),
        compare('<=', v(e.operand), v(e.high)),
      );
      return inside === null ? null : e.negated ? !inside : inside;
    }
    case 'is_null':
      return (v(e.operand) === null) !== e.negated;
    case 'like':
      throw new Error('LIKE is not evaluated in process (inProcessRefusal)');
    default:
      return assertNever(e, 'value expression');
  }
}
