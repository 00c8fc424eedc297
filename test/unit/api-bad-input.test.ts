/** The pure checks behind "bad input is a clear 4xx": each one named for what it refuses. */

import { describe, expect, it } from 'vitest';
import { toApiError } from '../../src/api/errors.ts';
import { checkJson, textProblem } from '../../src/api/request-guard.ts';
import { csvCell } from '../../src/api/routes/reports.ts';
import { QueryBody } from '../../src/api/schemas.ts';
import { issueMessage, unknownKeyMessage } from '../../src/api/strict-params.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import { checkComparisons } from '../../src/plan/comparable.ts';
import { resolveRange } from '../../src/service/time-range.ts';
import { dateProblem, parseInstant } from '../../src/shared/time.ts';

const errorOf = (
  f: () => unknown,
): { status?: number; code?: string; message?: string; details?: unknown } => {
  try {
    f();
  } catch (error) {
    return error as { status?: number; code?: string; message?: string };
  }
  throw new Error('expected an error');
};

describe('impossible dates are refused, not moved', () => {
  it.each([
    ['2025-02-30', /day 30; 2025-02 has 28 days/],
    ['2025-13-45', /month 13/],
    ['0001-01-01', /years before 1900/],
    ['2024-02-30T00:00:00Z', /2024-02 has 29 days/],
    ['2025-01-01T24:00:00Z', /not a time of day/],
    ['2025-01-01T00:00:00+25:00', /offset/],
  ])('%s', (text, why) => {
    expect(dateProblem(text)).toMatch(why);
    expect(parseInstant(text, 'UTC')).toBeUndefined();
  });
  it('accepts real dates, leap days included', () => {
    for (const ok of ['2024-02-29', '2025-12-31T23:59:59Z', '2025-03-30T02:30:00+02:00']) {
      expect(dateProblem(ok)).toBeNull();
    }
  });
  it('answers 400 naming the parameter in the API', () => {
    const e = errorOf(() => resolveRange({ start: '2025-02-30', end: '2025-04-01' }, 'UTC'));
    expect(e).toMatchObject({ kind: 'invalid', details: { parameter: 'start' } });
    expect(toApiError(e)).toMatchObject({ status: 400, details: { parameter: 'start' } });
    expect(e.message).toMatch(/^start has day 30/);
  });
});

describe('request text', () => {
  it('refuses NUL and lone surrogates, keeps real pairs', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('x\uD800')).toMatch(/surrogate/);
    expect(textProblem('\uDC00x')).toMatch(/surrogate/);
    expect(textProblem('emoji 😀 ok')).toBeNull();
  });
  it('walks 10,000-deep JSON without recursion and names the limit', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { f: deep };
    const e = errorOf(() => checkJson({ filters: deep }));
    expect(e).toMatchObject({ status: 400, code: 'limit-exceeded' });
    expect(e.message).toContain(`MAX_FILTER_DEPTH = ${LIMITS.MAX_FILTER_DEPTH}`);
    expect(errorOf(() => checkJson({ name: 'a\u0000' }))).toMatchObject({
      details: { parameter: 'body.name' },
    });
  });
});

describe('unknown parameters', () => {
  it('suggest the closest known one', () => {
    expect(unknownKeyMessage('grian', ['kpi', 'grain', 'start'])).toContain('did you mean "grain"?');
    expect(unknownKeyMessage('grain', ['start', 'aggregation', 'tz'])).toContain(
      'did you mean "aggregation"?',
    );
    expect(unknownKeyMessage('zzzzzz', ['start', 'end'])).toBe(
      'unknown parameter "zzzzzz"; known: start, end',
    );
  });
});

describe('values outside a fixed set', () => {
  const messageFor = (body: unknown): string => {
    const parsed = QueryBody.safeParse(body);
    if (parsed.success) throw new Error('expected the body to be refused');
    return issueMessage(parsed.error.issues[0]!, body);
  };
  it('suggest the closest allowed value, a swap of two letters included', () => {
    expect(messageFor({ grain: 'dya' })).toMatch(/ \(did you mean "day"\?\)$/);
    expect(messageFor({ grain: 'mnoth' })).toMatch(/did you mean "month"\?/);
    expect(messageFor({ grain: 'quartr' })).toMatch(/did you mean "quarter"\?/);
  });
  it('suggest nothing when no value is close, or the value is not text', () => {
    const plain = QueryBody.safeParse({ grain: 'fortnight' });
    expect(plain.success).toBe(false);
    expect(messageFor({ grain: 'fortnight' })).toBe(plain.error!.issues[0]!.message);
    expect(messageFor({ grain: 7 })).not.toMatch(/did you mean/);
  });
});

describe('CSV cells (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['plain, text', '"plain, text"'],
  ])('neutralises %j', (input, cell) => {
    expect(csvCell(input)).toBe(cell);
  });
  it('keeps numbers numbers', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
  });
});

describe('filter types', () => {
  it('refuses a numeric value for a text column (was a 500 with PostgreSQL text)', () => {
    const region = {
      kind: 'column',
      table: { source: 'payments', table: 'subscriptions' },
      column: 'region',
      type: 'string',
    } as const;
    const e = errorOf(() =>
      checkComparisons({
        kind: 'binary',
        op: '=',
        left: region,
        right: { kind: 'literal', value: 1e308, type: 'double' },
      }),
    );
    expect(e.code).toBe('type-mismatch');
    expect(e.message).toContain('region is a string column');
    expect(() =>
      checkComparisons({
        kind: 'binary',
        op: '=',
        left: region,
        right: { kind: 'literal', value: 'eu', type: 'string' },
      }),
    ).not.toThrow();
  });
});
