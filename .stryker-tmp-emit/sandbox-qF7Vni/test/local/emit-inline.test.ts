/**
 * `kpi compile --inline` writes bound values in place of the placeholders. The text it gives must ask the
 * same question as the bound statement: run both on PostgreSQL (PGlite) and compare, with hostile strings
 * as values and quoted text holding `?`, `$1` and doubled quotes that must stay untouched.
 */
// @ts-nocheck

import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams } from '../../src/emit/inline.ts';
import type { Param } from '../../src/emit/params.ts';
import { hostileString, runs } from '../property/hard-arbitraries.ts';

const str = (value: string): Param => ({ type: 'string', value });
const num = (value: number): Param => ({ type: 'number', value });

describe('inlineParams writes the values in place of the placeholders', () => {
  it('Trino: each ? outside quotes takes the next value as a Trino literal', () => {
    const params: Param[] = [
      str("it's"),
      num(3),
      num(1.5),
      { type: 'boolean', value: true },
      { type: 'boolean', value: false },
      { type: 'timestamp', value: '2025-01-01T00:00:00.000Z' },
    ];
    const sql = `SELECT '?' AS "a?""b", ? , ?, ?, ?, ?, ? WHERE x = 'it''s ? $1'`;
    expect(inlineParams(sql, params, 'question')).toBe(
      `SELECT '?' AS "a?""b", 'it''s' , 3, DOUBLE '1.5', TRUE, FALSE, TIMESTAMP '2025-01-01 00:00:00.000 UTC' WHERE x = 'it''s ? $1'`,
    );
  });

  it('PostgreSQL: $n takes value n (two digits too, repeats allowed); $ without digits stays', () => {
    const params = Array.from({ length: 11 }, (_, i) => num(i + 1));
    params[0] = { type: 'boolean', value: false };
    params[1] = { type: 'boolean', value: true };
    params[2] = { type: 'timestamp', value: '2025-03-09T07:00:00.000Z' };
    params[3] = str("o'k");
    const sql = `SELECT $11, $10, $1, $2, $3, $4, $1, '$5', "$6", $x, 1$`;
    expect(inlineParams(sql, params, 'dollar')).toBe(
      `SELECT 11, 10, FALSE, TRUE, '2025-03-09T07:00:00.000Z', 'o''k', FALSE, '$5', "$6", $x, 1$`,
    );
  });

  it('an empty string literal ends at its second quote, so the placeholder after it is replaced', () => {
    expect(inlineParams("SELECT '', ? , ''''", [num(1)], 'question')).toBe("SELECT '', 1 , ''''");
    expect(inlineParams(`SELECT "", $1`, [num(1)], 'dollar')).toBe(`SELECT "", 1`);
    expect(inlineParams("SELECT 'unterminated ?", [], 'question')).toBe("SELECT 'unterminated ?");
  });

  it('refuses a placeholder that has no parameter, in both styles', () => {
    expect(() => inlineParams('SELECT ?, ?', [num(1)], 'question')).toThrow(/placeholder 2 has no parameter/);
    expect(() => inlineParams('SELECT $2', [num(1)], 'dollar')).toThrow(/placeholder \$2 has no parameter/);
    expect(inlineParams('SELECT ?', [], 'dollar')).toBe('SELECT ?');
    expect(inlineParams('SELECT $1', [], 'question')).toBe('SELECT $1');
  });
});

describe('inlined PostgreSQL text answers as the bound statement does (PGlite)', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => db?.close());

  it('hostile strings, numbers and instants (property)', async () => {
    // PostgreSQL's UTF-8 cannot hold a lone surrogate or NUL; those are refused elsewhere (quoting tests).
    const value = hostileString({ loneSurrogates: false });
    const number = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
    const instant = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    await fc.assert(
      fc.asyncProperty(value, value, number, instant, fc.boolean(), async (a, b, n, t, flag) => {
        const params: Param[] = [
          str(a),
          str(b),
          num(n),
          { type: 'timestamp', value: t },
          { type: 'boolean', value: flag },
        ];
        const sql = `SELECT $1::text AS a, $2::text AS b, '$1 ?' AS lit, $3::float8 AS n,
          CAST($4 AS timestamptz) AS t, $5::boolean AS flag, $1::text || $2::text AS ab`;
        const bound = await db.query(
          sql,
          params.map((p) => p.value),
        );
        const inlined = await db.query(inlineParams(sql, params, 'dollar'));
        expect(inlined.rows).toEqual(bound.rows);
        expect(bound.rows[0]).toMatchObject({ lit: '$1 ?', flag });
        // Compared inside PostgreSQL too: PGlite's result decoding drops a leading byte-order mark.
        const same = await db.query<{ same: boolean }>(
          `SELECT ${inlineParams('$1::text || $2::text', params, 'dollar')} = $1::text || $2::text AS same`,
          [a, b],
        );
        expect(same.rows[0]!.same).toBe(true);
      }),
      { seed: 4250, numRuns: runs(40) },
    );
  });
});
