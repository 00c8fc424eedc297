/**
 * The one literal module: numbers are finite and plain digits, Trino timestamps are canonical UTC
 * instants, booleans keywords. What cannot be a literal is refused, never written half-right.
 */
import { describe, expect, it } from 'vitest';
import { quoteQualified, sqlNumber, sqlString, trinoLiteral } from '../../src/emit/literal.ts';
import { refusal } from '../support/compile-refusal.ts';

describe('literals', () => {
  it('numbers: plain text, exponents kept, non-finite refused', () => {
    expect(sqlNumber(42)).toBe('42');
    expect(sqlNumber(-1.25)).toBe('-1.25');
    expect(sqlNumber(1e21)).toBe('1e+21');
    expect(sqlNumber(5e-7)).toBe('5e-7');
    expect(sqlNumber(-0)).toBe('0');
    // Refused as an invalid query (a 400 for the caller), not as an internal error.
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(refusal(() => sqlNumber(bad))).toBe(`invalid-query: number ${bad} has no SQL literal`);
  });

  it('Trino literals by type: integers bare, fractions as DOUBLE, booleans, UTC timestamps', () => {
    expect(trinoLiteral({ type: 'number', value: 7 })).toBe('7');
    expect(trinoLiteral({ type: 'number', value: 0.5 })).toBe("DOUBLE '0.5'");
    expect(trinoLiteral({ type: 'boolean', value: true })).toBe('TRUE');
    expect(trinoLiteral({ type: 'boolean', value: false })).toBe('FALSE');
    expect(trinoLiteral({ type: 'string', value: "a'b" })).toBe("'a''b'");
    expect(trinoLiteral({ type: 'timestamp', value: '2025-03-30T01:00:00.000Z' })).toBe(
      "TIMESTAMP '2025-03-30 01:00:00.000 UTC'",
    );
  });

  it('refuses a timestamp that is not a canonical UTC instant, and NUL in a string', () => {
    for (const value of [
      '2025-03-30T01:00:00Z',
      '2025-03-30T01:00:00.000+01:00',
      '2025-03-30 01:00:00.000Z',
      "2025-03-30T01:00:00.000Z' OR 1=1 --",
      'x2025-03-30T01:00:00.000Z',
    ])
      expect(
        refusal(() => trinoLiteral({ type: 'timestamp', value })),
        value,
      ).toBe(`invalid-query: timestamp parameter ${value} is not a canonical UTC instant`);
    expect(refusal(() => sqlString('a\u0000b'))).toBe(
      'invalid-query: a string value contains a NUL character, which SQL cannot hold',
    );
    expect(sqlString('')).toBe("''");
  });
});

describe('qualified names', () => {
  it('quotes each part on its own and joins them with a dot', () => {
    expect(quoteQualified('table')).toBe('"table"');
    expect(quoteQualified('druid', 'druid', 'subs daily')).toBe('"druid"."druid"."subs daily"');
    // A dot or a quote inside a part stays inside its quotes: "a.b" is one name, not two.
    expect(quoteQualified('a.b', 'c"d')).toBe('"a.b"."c""d"');
  });
});
