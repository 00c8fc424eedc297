import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier, sqlString, trinoLiteral } from '../../src/emit/literal.ts';
import { ParamSink } from '../../src/emit/params.ts';
import { hasLoneSurrogate, hostileString } from '../property/hard-arbitraries.ts';

/** Reads a SQL string literal back the way Trino/PostgreSQL do: '' is one quote, nothing else escapes. */
function unquote(literal: string, quote: string): string | null {
  if (!literal.startsWith(quote) || !literal.endsWith(quote) || literal.length < 2) return null;
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === quote) {
      if (body[i + 1] !== quote) return null; // a lone quote would end the literal early
      i++;
    }
    out += body[i];
  }
  return out;
}

// Hostile pieces (' " \\ ? $, lone surrogates, combining marks, emoji) mixed with arbitrary code points.
const text = fc.oneof(
  { weight: 3, arbitrary: hostileString() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000')) },
);

describe('quoting (seeded property tests; a failure prints its seed)', () => {
  it('generates what breaks quoting: most inputs hold a quote, many two', () => {
    const sample = fc.sample(text, { seed: 4240, numRuns: 1000 });
    const share = (p: (s: string) => boolean) => sample.filter(p).length / sample.length;
    expect(share((s) => s.includes("'"))).toBeGreaterThan(0.15);
    expect(share((s) => (s.match(/'/g) ?? []).length >= 2)).toBeGreaterThan(0.05);
    for (const c of ['"', '\\', '?', '$', '\u0301', '😀'])
      expect(
        share((s) => s.includes(c)),
        c,
      ).toBeGreaterThan(0.05);
    expect(share(hasLoneSurrogate)).toBeGreaterThan(0.05);
  });
  it('refuses a NUL in a string value or an identifier rather than truncating it', () => {
    fc.assert(
      fc.property(hostileString({ nul: true }), (s) => {
        if (!s.includes('\u0000')) return;
        expect(() => sqlString(s)).toThrow(/NUL/);
        expect(() => quoteIdentifier(s)).toThrow(/NUL/);
      }),
      { seed: 4245, numRuns: 500 },
    );
  });
  it('every string literal reads back as exactly the value, with no early end', () => {
    fc.assert(
      fc.property(text, (s) => unquote(sqlString(s), "'") === s),
      { seed: 4242, numRuns: 2000 },
    );
  });
  it('every quoted identifier reads back as exactly the name', () => {
    fc.assert(
      fc.property(text, (s) => unquote(quoteIdentifier(s), '"') === s),
      { seed: 4243, numRuns: 2000 },
    );
  });
  it('parameter markers never leak values into SQL text and keep their order', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (values) => {
        const sink = new ParamSink();
        const sql = values.map((v) => `x = ${sink.add({ type: 'string', value: v })}`).join(' AND ');
        const q = sink.finish(sql, 'question');
        expect(q.params.map((p) => p.value)).toEqual(values);
        expect(q.sql).toBe(values.map(() => 'x = ?').join(' AND '));
      }),
      { seed: 4244, numRuns: 500 },
    );
  });
});

describe('quoted literals and identifiers run on PostgreSQL (PGlite) and read back exactly', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => db?.close());

  it('SELECT of a string literal (and the Trino literal, which shares it) gives the value back', async () => {
    // PostgreSQL text is UTF-8: a lone surrogate cannot be stored, so those stay in the pure tests above.
    const values = fc.sample(hostileString({ loneSurrogates: false }), { seed: 4246, numRuns: 300 });
    expect(values.filter((v) => v.includes("'")).length).toBeGreaterThan(50);
    for (const v of values) expect(trinoLiteral({ type: 'string', value: v })).toBe(sqlString(v));
    // Column names carry the value too, when it fits PostgreSQL's 63-byte identifiers.
    const names = values.map((v, i) => (Buffer.byteLength(`c${i} ${v}`) <= 63 ? `c${i} ${v}` : `c${i}`));
    const sql = `SELECT ${values.map((v, i) => `${sqlString(v)} AS ${quoteIdentifier(names[i]!)}`).join(', ')}`;
    const result = await db.query<Record<string, string>>(sql);
    expect(result.fields.map((f) => f.name)).toEqual(names);
    // Compared inside PostgreSQL with the value bound as a parameter (PGlite's result decoding drops a
    // leading byte-order mark, which is no fault of the literal).
    const same = await db.query<{ same: boolean[] }>(
      `SELECT ARRAY[${values.map((v, i) => `${sqlString(v)} = CAST($${i + 1} AS text)`).join(', ')}] AS same`,
      values,
    );
    expect(same.rows[0]!.same).toEqual(values.map(() => true));
    expect(
      Object.values(result.rows[0]!).filter((v, i) => v !== values[i] && !values[i]!.startsWith('\uFEFF')),
    ).toEqual([]);
  });
});
