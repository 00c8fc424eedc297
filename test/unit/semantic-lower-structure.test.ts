import { describe, expect, it } from 'vitest';
import { analyzeDsl } from '../../src/semantic/index.ts';
import { shop } from '../support/lowering-catalog.ts';

// The forms row and formula expressions share (src/semantic/lower-structure.ts): not and negation, case,
// in, between, is null and like, type-checked the same way in an aggregate's `where` and in a formula.

const analyze = (text: string) => analyzeDsl(text, { catalog: shop });
const problems = (text: string) => analyze(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
/** The problems of `condition` as the `where` of a count of orders. */
const where = (condition: string) => problems(`kpi x = count(shop.orders where ${condition})`);
const unknown = 'unknown-column: shop.orders has no column "nope"';

describe('not and negation', () => {
  it('refuses "not" of a non-condition and a negated non-number', () => {
    expect(where('not qty')).toEqual(['type-mismatch: "not" needs a true/false condition, not a bigint']);
    expect(where("-note = 'a'")).toEqual(['type-mismatch: cannot negate a string']);
    expect(where('not nope')).toEqual([unknown]);
  });

  it('makes "not null" a condition, which does not mix with numbers', () => {
    // coalesce of a true/false value and a count has no common type; were "not null" still NULL, it would.
    expect(problems('kpi x = coalesce(not null, count(shop.orders))')).toEqual([
      'type-mismatch: the arguments of coalesce(…) have different types (boolean, bigint)',
    ]);
  });
});

describe('case', () => {
  it('reports a problem in a when, a then or the else once', () => {
    expect(where('case when nope = 1 then true end')).toEqual([unknown]);
    expect(where('case when paid then nope = 1 end')).toEqual([unknown]);
    expect(where('case when nope = 1 then true when paid then false end')).toEqual([unknown]);
    // A case with a failed else has no type: the comparison around it adds no second problem.
    expect(where("case when paid then 1 else nope end = 'x'")).toEqual([unknown]);
  });

  it('needs conditions after when and branches of one type', () => {
    expect(where('case when qty then true end')).toEqual([
      'type-mismatch: "when" needs a true/false condition, not a bigint',
    ]);
    expect(where("case when paid then 1 else 'a' end = 1")).toEqual([
      'type-mismatch: the branches of this case give values of different types',
    ]);
  });
});

describe('in and between', () => {
  it('reports a problem of the operand or of any value once', () => {
    expect(where('nope in (1)')).toEqual([unknown]);
    expect(where('qty in (1, nope)')).toEqual([unknown]);
    expect(where('nope between 1 and 2')).toEqual([unknown]);
    expect(where('qty between nope and 2')).toEqual([unknown]);
    expect(where('qty between 1 and nope')).toEqual([unknown]);
  });

  it('compares the operand with each value and with each bound', () => {
    expect(where("qty in (1, 'a')")).toEqual([
      'type-mismatch: cannot compare a bigint with a string in "in (…)"',
    ]);
    expect(where("qty between 'a' and 2")).toEqual(['type-mismatch: cannot compare a bigint with a string']);
    expect(where("qty between 1 and 'b'")).toEqual(['type-mismatch: cannot compare a bigint with a string']);
  });
});

describe('is null and like', () => {
  it('reports a problem of the operand or of the pattern once', () => {
    expect(where('nope is null')).toEqual([unknown]);
    expect(where("nope like 'a%'")).toEqual([unknown]);
    expect(where('note like nope')).toEqual([unknown]);
  });

  it('matches text with a text pattern; NULL is allowed on either side', () => {
    expect(where("qty like 'a%'")).toEqual(['type-mismatch: "like" needs a string, not a bigint']);
    expect(where('note like 1')).toEqual(['type-mismatch: a "like" pattern is a string, not a bigint']);
    expect(where("null like 'a%'")).toEqual([]);
    expect(where('note like null')).toEqual([]);
  });
});
