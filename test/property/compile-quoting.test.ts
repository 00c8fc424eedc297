import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../src/emit/dialect.ts';
import { sqlString } from '../../src/emit/literal.ts';
import { ParamSink } from '../../src/emit/params.ts';

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

const text = fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000'));

describe('quoting (seeded property tests; a failure prints its seed)', () => {
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
