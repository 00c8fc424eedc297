/**
 * The in-process evaluator of a split plan's formula, operator by operator: each answer is what
 * PostgreSQL and Trino give for the same SQL (NULL propagation, three-valued logic, safe division,
 * booleans compared as 1/0), and what a double cannot reproduce is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { BinaryOp } from '../../src/ir/kpi.ts';
import { evaluate, inProcessRefusal, type Scalar } from '../../src/plan/evaluate.ts';
import type { ValueExpr } from '../../src/plan/nodes.ts';

const lit = (value: number | string | boolean | null): ValueExpr => ({
  kind: 'literal',
  value,
  type: typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'number',
});
const col = (name: string): ValueExpr => ({ kind: 'col', name });
const bin = (op: BinaryOp, left: ValueExpr, right: ValueExpr): ValueExpr => ({
  kind: 'binary',
  op,
  left,
  right,
});
const call = (
  fn: 'coalesce' | 'nullif' | 'abs' | 'round' | 'least' | 'greatest',
  ...args: ValueExpr[]
): ValueExpr => ({
  kind: 'call',
  fn,
  args,
});
const NONE = new Map<string, Scalar>();
const ev = (e: ValueExpr, row: Record<string, Scalar> = {}) => evaluate(e, new Map(Object.entries(row)));
const op = (o: BinaryOp, l: Scalar, r: Scalar) => ev(bin(o, lit(l), lit(r)));

describe('evaluate: comparisons', () => {
  it('answers each operator on less, equal and greater operands', () => {
    const table: [BinaryOp, [boolean, boolean, boolean]][] = [
      ['=', [false, true, false]],
      ['!=', [true, false, true]],
      ['<', [true, false, false]],
      ['<=', [true, true, false]],
      ['>', [false, false, true]],
      ['>=', [false, true, true]],
    ];
    for (const [o, [less, equal, greater]] of table) {
      expect([op(o, 1, 2), op(o, 2, 2), op(o, 3, 2)], o).toEqual([less, equal, greater]);
    }
  });

  it('is NULL when either side is NULL, and compares booleans as 1 and 0', () => {
    for (const o of ['=', '!=', '<', '<=', '>', '>='] as const) {
      expect(op(o, null, 1), o).toBeNull();
      expect(op(o, 1, null), o).toBeNull();
    }
    expect(op('=', true, 1)).toBe(true);
    expect(op('=', false, 0)).toBe(true);
    expect(op('<', false, true)).toBe(true);
    expect(op('>', true, 0)).toBe(true);
  });
});

describe('evaluate: arithmetic', () => {
  it('computes each operator in doubles', () => {
    expect(op('+', 7, 2)).toBe(9);
    expect(op('-', 7, 2)).toBe(5);
    expect(op('*', 7, 2)).toBe(14);
    expect(op('/', 7, 2)).toBe(3.5);
    expect(op('%', 7, 2)).toBe(1);
    expect(op('%', -7, 2)).toBe(-1);
    expect(op('+', true, 2)).toBe(3);
    expect(op('-', 2, false)).toBe(2);
  });

  it('is NULL with a NULL operand on either side, and on a zero divisor for / and %', () => {
    for (const o of ['+', '-', '*', '/', '%'] as const) {
      expect(op(o, null, 2), o).toBeNull();
      expect(op(o, 2, null), o).toBeNull();
    }
    expect(op('/', 0, 0)).toBeNull();
    expect(op('%', 5, 0)).toBeNull();
    expect(op('/', 0, 5)).toBe(0);
    expect(op('%', 0, 5)).toBe(0);
  });
});

describe('evaluate: three-valued AND / OR', () => {
  const T = true;
  const F = false;
  const N = null;
  it('AND', () => {
    const rows: [Scalar, Scalar, Scalar][] = [
      [T, T, T],
      [T, F, F],
      [F, T, F],
      [F, F, F],
      [T, N, N],
      [N, T, N],
      [F, N, F],
      [N, F, F],
      [N, N, N],
    ];
    for (const [l, r, want] of rows) expect(op('and', l, r), `${l} and ${r}`).toBe(want);
  });

  it('OR', () => {
    const rows: [Scalar, Scalar, Scalar][] = [
      [T, T, T],
      [T, F, T],
      [F, T, T],
      [F, F, F],
      [T, N, T],
      [N, T, T],
      [F, N, N],
      [N, F, N],
      [N, N, N],
    ];
    for (const [l, r, want] of rows) expect(op('or', l, r), `${l} or ${r}`).toBe(want);
  });

  it('reads numbers as truth values (0 false, anything else true)', () => {
    expect(op('and', 2, 1)).toBe(true);
    expect(op('and', 0, 1)).toBe(false);
    expect(op('or', 0, 0)).toBe(false);
  });
});

describe('evaluate: leaves, unary operators and functions', () => {
  it('reads columns by name (a missing one is NULL), numbers and booleans as they are, strings as NULL', () => {
    expect(ev(col('a'), { a: 4 })).toBe(4);
    expect(ev(col('a'), { a: 0 })).toBe(0);
    expect(ev(col('a'), { a: false })).toBe(false);
    expect(evaluate(col('a'), NONE)).toBeNull();
    expect(ev(lit(2.5))).toBe(2.5);
    expect(ev(lit(true))).toBe(true);
    expect(ev(lit(null))).toBeNull();
    expect(ev(lit('eu'))).toBeNull();
  });

  it('zero_fill turns only NULL into 0', () => {
    const z: ValueExpr = { kind: 'zero_fill', operand: col('a') };
    expect(ev(z, { a: null })).toBe(0);
    expect(ev(z, {})).toBe(0);
    expect(ev(z, { a: 5 })).toBe(5);
  });

  it('negates numbers and booleans (as 1/0), NOTs truth values, keeps NULL', () => {
    const neg = (x: ValueExpr): ValueExpr => ({ kind: 'unary', op: '-', operand: x });
    const not = (x: ValueExpr): ValueExpr => ({ kind: 'unary', op: 'not', operand: x });
    expect(ev(neg(lit(3)))).toBe(-3);
    expect(ev(neg(lit(true)))).toBe(-1);
    expect(ev(neg(lit(null)))).toBeNull();
    expect(ev(not(lit(true)))).toBe(false);
    expect(ev(not(lit(false)))).toBe(true);
    expect(ev(not(lit(null)))).toBeNull();
  });

  it('coalesce takes the first non-NULL argument, NULL when there is none', () => {
    expect(ev(call('coalesce', col('a'), col('b'), lit(9)), { a: null, b: 0 })).toBe(0);
    expect(ev(call('coalesce', col('a'), lit(9)), { a: null })).toBe(9);
    expect(ev(call('coalesce', col('a'), col('b')), { a: null, b: null })).toBeNull();
  });

  it('nullif is NULL only when the arguments are equal (booleans as 1/0) or the first is NULL', () => {
    expect(ev(call('nullif', lit(3), lit(3)))).toBeNull();
    expect(ev(call('nullif', lit(3), lit(4)))).toBe(3);
    expect(ev(call('nullif', lit(3), lit(null)))).toBe(3);
    expect(ev(call('nullif', lit(null), lit(3)))).toBeNull();
    expect(ev(call('nullif', lit(1), lit(true)))).toBeNull();
    expect(ev(call('nullif', lit(0), lit(false)))).toBeNull();
    expect(ev(call('nullif', lit(0), lit(true)))).toBe(0);
    expect(ev(call('nullif', lit(3)))).toBe(3);
    // A missing second argument is not read as 0 (nor as false).
    expect(ev(call('nullif', lit(0)))).toBe(0);
    expect(ev(call('nullif'))).toBeNull();
  });

  it('abs of a number, of a boolean as 1/0, of NULL', () => {
    expect(ev(call('abs', lit(-4)))).toBe(4);
    expect(ev(call('abs', lit(4)))).toBe(4);
    expect(ev(call('abs', lit(true)))).toBe(1);
    expect(ev(call('abs', lit(null)))).toBeNull();
    expect(ev(call('abs'))).toBeNull();
  });

  it('throws on the functions it refuses instead of answering in doubles', () => {
    for (const fn of ['round', 'least', 'greatest'] as const) {
      expect(() => ev(call(fn, lit(1), lit(2))), fn).toThrow(
        new RegExp(`^${fn} is not evaluated in process`),
      );
    }
    const like: ValueExpr = { kind: 'like', operand: col('a'), pattern: lit('x%'), negated: false };
    expect(() => ev(like, { a: 1 })).toThrow(/LIKE is not evaluated/);
  });

  it('fails loudly on a node kind or function it does not know, never answering undefined', () => {
    expect(() => ev({ kind: 'window' } as unknown as ValueExpr)).toThrow(
      'unhandled value expression: {"kind":"window"}',
    );
    expect(() => ev({ kind: 'call', fn: 'sqrt', args: [] } as unknown as ValueExpr)).toThrow(
      'unhandled scalar function: "sqrt"',
    );
  });
});

describe('evaluate: CASE, IN, BETWEEN, IS NULL', () => {
  const caseOf = (elseValue: ValueExpr | null): ValueExpr => ({
    kind: 'case',
    whens: [
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      { when: bin('<', col('x'), lit(0)), then: lit(-1) },
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      { when: bin('=', col('x'), lit(0)), then: lit(0) },
    ],
    else: elseValue,
  });

  it('CASE takes the first branch whose condition is true, else ELSE, else NULL', () => {
    expect(ev(caseOf(lit(1)), { x: -5 })).toBe(-1);
    expect(ev(caseOf(lit(1)), { x: 0 })).toBe(0);
    expect(ev(caseOf(lit(1)), { x: 5 })).toBe(1);
    expect(ev(caseOf(null), { x: 5 })).toBeNull();
    // A NULL condition is not true: the next branch, then ELSE.
    expect(ev(caseOf(lit(1)), { x: null })).toBe(1);
  });

  const inOf = (negated: boolean, ...values: ValueExpr[]): ValueExpr => ({
    kind: 'in',
    operand: col('x'),
    values,
    negated,
  });

  it('IN / NOT IN with and without a NULL in the list', () => {
    expect(ev(inOf(false, lit(1), lit(2)), { x: 2 })).toBe(true);
    expect(ev(inOf(false, lit(1), lit(2)), { x: 3 })).toBe(false);
    expect(ev(inOf(true, lit(1), lit(2)), { x: 2 })).toBe(false);
    expect(ev(inOf(true, lit(1), lit(2)), { x: 3 })).toBe(true);
    expect(ev(inOf(false, lit(null), lit(2)), { x: 2 })).toBe(true);
    expect(ev(inOf(true, lit(null), lit(2)), { x: 2 })).toBe(false);
    expect(ev(inOf(true, lit(null), lit(2)), { x: 3 })).toBeNull();
    expect(ev(inOf(false, lit(1)), { x: null })).toBeNull();
    expect(ev(inOf(true, lit(1)), { x: null })).toBeNull();
    expect(ev(inOf(false, lit(1)), { x: true })).toBe(true);
  });

  const between = (negated: boolean, low: Scalar, high: Scalar): ValueExpr => ({
    kind: 'between',
    operand: col('x'),
    low: lit(low),
    high: lit(high),
    negated,
  });

  it('BETWEEN includes both ends; NOT BETWEEN is its negation; NULL stays NULL', () => {
    for (const [x, want] of [
      [0, false],
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ] as const) {
      expect(ev(between(false, 1, 3), { x }), `${x}`).toBe(want);
      expect(ev(between(true, 1, 3), { x }), `not ${x}`).toBe(!want);
    }
    expect(ev(between(false, 1, 3), { x: null })).toBeNull();
    expect(ev(between(true, 1, 3), { x: null })).toBeNull();
    // One bound NULL: unknown inside the other bound, false outside it.
    expect(ev(between(false, null, 3), { x: 2 })).toBeNull();
    expect(ev(between(false, null, 3), { x: 4 })).toBe(false);
    expect(ev(between(true, null, 3), { x: 4 })).toBe(true);
  });

  it('IS NULL / IS NOT NULL are never NULL', () => {
    const isNull = (negated: boolean): ValueExpr => ({ kind: 'is_null', operand: col('x'), negated });
    expect(ev(isNull(false), { x: null })).toBe(true);
    expect(ev(isNull(false), { x: 0 })).toBe(false);
    expect(ev(isNull(true), { x: null })).toBe(false);
    expect(ev(isNull(true), { x: 0 })).toBe(true);
  });
});

describe('inProcessRefusal', () => {
  it('accepts what evaluates exactly in doubles, refuses strings, LIKE, round, least and greatest anywhere', () => {
    expect(inProcessRefusal(call('coalesce', col('a'), lit(0)))).toBeNull();
    expect(inProcessRefusal(call('abs', lit(null)))).toBeNull();
    expect(inProcessRefusal(lit(1))).toBeNull();
    expect(inProcessRefusal(lit('eu'))).toBe("the string literal 'eu'");
    expect(inProcessRefusal(bin('+', col('a'), lit('x')))).toBe("the string literal 'x'");
    expect(inProcessRefusal({ kind: 'like', operand: col('a'), pattern: col('b'), negated: true })).toBe(
      'LIKE',
    );
    expect(inProcessRefusal(call('round', col('a')))).toBe('round (rounds the exact decimal, not a double)');
    expect(inProcessRefusal(call('least', col('a'), col('b')))).toBe(
      'least (NULL handling differs between engines)',
    );
    expect(inProcessRefusal(call('greatest', col('a'), col('b')))).toBe(
      'greatest (NULL handling differs between engines)',
    );
    // Nested below an accepted node, after an accepted sibling.
    expect(
      inProcessRefusal(bin('*', col('a'), { kind: 'unary', op: '-', operand: call('round', col('b')) })),
    ).toBe('round (rounds the exact decimal, not a double)');
    expect(inProcessRefusal({ kind: 'zero_fill', operand: col('a') })).toBeNull();
  });
});
