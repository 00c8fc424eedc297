import { describe, expect, it } from 'vitest';
import type { ValueType } from '../../src/ir/kpi.ts';
import {
  binaryType,
  comparable,
  isBoolean,
  isNumeric,
  mergeNumeric,
  unify,
} from '../../src/semantic/types.ts';

// The language's type rules (src/semantic/types.ts), checked one rule at a time. The expectations
// follow SQL's rules as docs/language.md states them: NULL fits anywhere, numbers mix (a double makes
// the result inexact), "division never truncates", a time plus a duration is a time, and a quoted
// string may stand for a time (`ts >= '2025-01-01'`).

const ALL: ValueType[] = [
  'bigint',
  'double',
  'decimal',
  'number',
  'null',
  'string',
  'boolean',
  'timestamp',
  'date',
  'interval',
];

describe('isNumeric and isBoolean', () => {
  it('counts the number types and NULL as numeric, and nothing else', () => {
    expect(ALL.filter(isNumeric)).toEqual(['bigint', 'double', 'decimal', 'number', 'null']);
  });

  it('counts boolean and NULL as a condition, and nothing else', () => {
    expect(ALL.filter(isBoolean)).toEqual(['null', 'boolean']);
  });
});

describe('mergeNumeric: the common type of numbers', () => {
  it('is NULL for nothing or only NULLs', () => {
    expect(mergeNumeric([])).toBe('null');
    expect(mergeNumeric(['null', 'null'])).toBe('null');
  });

  it('ignores NULLs among numbers', () => {
    expect(mergeNumeric(['null', 'bigint'])).toBe('bigint');
    expect(mergeNumeric(['decimal', 'null'])).toBe('decimal');
  });

  it('is inexact (double) as soon as one is, then number, then decimal; bigint only when all are', () => {
    expect(mergeNumeric(['bigint', 'double', 'decimal'])).toBe('double');
    expect(mergeNumeric(['number', 'double'])).toBe('double');
    expect(mergeNumeric(['decimal', 'number'])).toBe('number');
    expect(mergeNumeric(['bigint', 'decimal'])).toBe('decimal');
    expect(mergeNumeric(['bigint', 'bigint'])).toBe('bigint');
  });
});

describe('unify: the type of CASE branches or COALESCE arguments', () => {
  it('is NULL when every branch is NULL', () => {
    expect(unify([])).toBe('null');
    expect(unify(['null', 'null'])).toBe('null');
  });

  it('merges numbers, ignoring NULL branches', () => {
    expect(unify(['null', 'bigint', 'double'])).toBe('double');
    expect(unify(['bigint', 'null'])).toBe('bigint');
  });

  it('widens a date to a timestamp, and keeps a date among dates', () => {
    expect(unify(['date', 'timestamp'])).toBe('timestamp');
    expect(unify(['timestamp', 'date'])).toBe('timestamp');
    expect(unify(['date', 'null', 'date'])).toBe('date');
  });

  it('keeps one other type when all branches have it', () => {
    expect(unify(['string', 'null', 'string'])).toBe('string');
    expect(unify(['boolean'])).toBe('boolean');
  });

  it('has no type for branches that do not fit together', () => {
    expect(unify(['bigint', 'string'])).toBeNull();
    expect(unify(['string', 'bigint'])).toBeNull();
    expect(unify(['date', 'string'])).toBeNull();
    expect(unify(['string', 'boolean'])).toBeNull();
    expect(unify(['boolean', 'boolean', 'string'])).toBeNull();
  });
});

describe('comparable', () => {
  it('compares NULL with anything, on either side', () => {
    expect(comparable('null', 'string')).toBe(true);
    expect(comparable('date', 'null')).toBe(true);
  });

  it('compares numbers of any kind with each other', () => {
    expect(comparable('bigint', 'double')).toBe(true);
    expect(comparable('decimal', 'number')).toBe(true);
    expect(comparable('bigint', 'string')).toBe(false);
  });

  it('compares times with times, and with a string only when it is a literal', () => {
    expect(comparable('date', 'timestamp')).toBe(true);
    expect(comparable('timestamp', 'string', true)).toBe(true);
    expect(comparable('timestamp', 'string')).toBe(false);
    expect(comparable('timestamp', 'string', false)).toBe(false);
    // Being a literal does not make a number or a boolean comparable with a time.
    expect(comparable('date', 'bigint', true)).toBe(false);
    expect(comparable('date', 'boolean')).toBe(false);
  });

  it('compares other types only with themselves', () => {
    expect(comparable('string', 'string')).toBe(true);
    expect(comparable('boolean', 'boolean')).toBe(true);
    expect(comparable('string', 'boolean')).toBe(false);
  });
});

describe('binaryType: + and -', () => {
  it('adds and subtracts numbers to their common type', () => {
    expect(binaryType('+', 'bigint', 'bigint')).toEqual({ type: 'bigint' });
    expect(binaryType('-', 'bigint', 'double')).toEqual({ type: 'double' });
  });

  it('moves a time by a duration, keeping its type', () => {
    expect(binaryType('+', 'date', 'interval')).toEqual({ type: 'date' });
    expect(binaryType('-', 'timestamp', 'interval')).toEqual({ type: 'timestamp' });
    // A duration plus a time is the same time; a duration minus a time is nothing.
    expect(binaryType('+', 'interval', 'timestamp')).toEqual({ type: 'timestamp' });
    expect(binaryType('-', 'interval', 'date')).toEqual({
      problem: 'cannot subtract a date from an interval',
    });
  });

  it('refuses other operands, saying what was added to what', () => {
    expect(binaryType('+', 'string', 'bigint')).toEqual({ problem: 'cannot add a bigint to a string' });
    expect(binaryType('-', 'date', 'bigint')).toEqual({ problem: 'cannot subtract a bigint from a date' });
    expect(binaryType('+', 'string', 'interval')).toEqual({ problem: 'cannot add an interval to a string' });
    expect(binaryType('+', 'string', 'date')).toEqual({ problem: 'cannot add a date to a string' });
    expect(binaryType('-', 'string', 'date')).toEqual({ problem: 'cannot subtract a date from a string' });
    expect(binaryType('+', 'interval', 'bigint')).toEqual({ problem: 'cannot add a bigint to an interval' });
    expect(binaryType('+', 'date', 'date')).toEqual({ problem: 'cannot add a date to a date' });
  });
});

describe('binaryType: * % and /', () => {
  it('multiplies and takes remainders of numbers in their common type', () => {
    expect(binaryType('*', 'bigint', 'bigint')).toEqual({ type: 'bigint' });
    expect(binaryType('%', 'bigint', 'decimal')).toEqual({ type: 'decimal' });
  });

  it('names the operand that is not a number', () => {
    expect(binaryType('*', 'bigint', 'string')).toEqual({ problem: '"*" needs numbers, not a string' });
    expect(binaryType('%', 'boolean', 'bigint')).toEqual({ problem: '"%" needs numbers, not a boolean' });
    expect(binaryType('/', 'date', 'bigint')).toEqual({ problem: '"/" needs numbers, not a date' });
    expect(binaryType('/', 'bigint', 'string')).toEqual({ problem: '"/" needs numbers, not a string' });
  });

  it('never divides to an integer: a ratio is a number, or a double when either side is', () => {
    expect(binaryType('/', 'bigint', 'bigint')).toEqual({ type: 'number' });
    expect(binaryType('/', 'decimal', 'decimal')).toEqual({ type: 'number' });
    expect(binaryType('/', 'double', 'bigint')).toEqual({ type: 'double' });
    expect(binaryType('/', 'bigint', 'double')).toEqual({ type: 'double' });
  });
});

describe('binaryType: comparisons', () => {
  it.each(['=', '!=', '<', '<=', '>', '>='] as const)('%s yields a boolean for comparable operands', (op) => {
    expect(binaryType(op, 'bigint', 'double')).toEqual({ type: 'boolean' });
    expect(binaryType(op, 'string', 'bigint')).toEqual({ problem: 'cannot compare a string with a bigint' });
  });

  it('compares a time with a string literal, not with a string column', () => {
    expect(binaryType('>=', 'timestamp', 'string', true)).toEqual({ type: 'boolean' });
    expect(binaryType('>=', 'timestamp', 'string')).toEqual({
      problem: 'cannot compare a timestamp with a string',
    });
  });

  it('writes NULL as NULL in a problem', () => {
    // NULL compares with anything, so the wording shows in the other operators' problems.
    expect(binaryType('*', 'null', 'string')).toEqual({ problem: '"*" needs numbers, not a string' });
    expect(binaryType('+', 'null', 'date')).toEqual({ problem: 'cannot add a date to NULL' });
  });
});

describe('binaryType: and / or', () => {
  it('joins conditions (NULL is an unknown condition)', () => {
    expect(binaryType('and', 'boolean', 'boolean')).toEqual({ type: 'boolean' });
    expect(binaryType('or', 'null', 'boolean')).toEqual({ type: 'boolean' });
  });

  it('names the operand that is not a condition', () => {
    expect(binaryType('and', 'boolean', 'bigint')).toEqual({
      problem: '"and" needs true/false conditions, not a bigint',
    });
    expect(binaryType('or', 'string', 'boolean')).toEqual({
      problem: '"or" needs true/false conditions, not a string',
    });
  });
});
