import { describe, expect, it } from 'vitest';
import { analyzeDefinitions, analyzeDsl, parseFilter } from '../../src/semantic/index.ts';
import { shop } from '../support/lowering-catalog.ts';

// Row expressions (src/semantic/lower-row.ts): an aggregate's argument and `where` read columns of its
// table or of tables it joins to; a KPI's or a query's filter reads dimensions by bare name; scalar
// functions are typed the same way in both.

const analyze = (text: string) => analyzeDsl(text, { catalog: shop });
/** Every diagnostic as `code: message`, so a test sees a refusal's wording and that nothing else came. */
const problems = (text: string) => analyze(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
/** The problems of `condition` as the `where` of a count of orders. */
const where = (condition: string) => problems(`kpi x = count(shop.orders where ${condition})`);
const measure = (formula: string) => {
  const r = analyze(`kpi x = ${formula}`);
  expect(r.diagnostics).toEqual([]);
  return r.kpis[0]!.measures[0]!;
};

describe('literals in rows', () => {
  it('types whole numbers as bigint and fractions as double, in the IR and in the result', () => {
    expect(measure('sum(shop.orders.qty * 2)')).toMatchObject({
      type: 'bigint',
      arg: { kind: 'binary', right: { kind: 'literal', value: 2, type: 'bigint' } },
    });
    expect(measure('sum(shop.orders.qty * 2.5)')).toMatchObject({
      type: 'double',
      arg: { kind: 'binary', right: { kind: 'literal', value: 2.5, type: 'double' } },
    });
  });

  it('types a string literal as a string', () => {
    expect(measure("count(shop.orders where note = 'a')").filter).toMatchObject({
      right: { kind: 'literal', value: 'a', type: 'string' },
    });
  });

  it('refuses a number too large to be one', () => {
    expect(where('qty < 1e400')).toEqual(['bad-number: 1e400 is too large a number']);
  });

  it('reads a duration of whole units greater than 0 as an interval', () => {
    expect(measure('count(shop.orders where shipped_at > placed_at + 2 days)').filter).toMatchObject({
      right: { kind: 'binary', op: '+', right: { kind: 'duration', duration: { amount: 2, unit: 'day' } } },
    });
    const duration = 'bad-duration: a duration is a whole number of units greater than 0';
    expect(where('shipped_at > placed_at + 0 days')).toEqual([duration]);
    expect(where('shipped_at > placed_at + 1.5 days')).toEqual([duration]);
  });
});

describe('names in an aggregate', () => {
  it('reports an unknown bare or qualified column once', () => {
    expect(where('nope = 1')).toEqual(['unknown-column: shop.orders has no column "nope"']);
    expect(where('shop.orders.nope = 1')).toEqual(['unknown-column: shop.orders has no column "nope"']);
  });

  it('refuses a table where a column is expected', () => {
    expect(where('shop.customers = 1')).toEqual([
      'bad-name: "shop.customers" is a table; name one of its columns',
    ]);
  });

  it('refuses a seed variable of a table the aggregate cannot reach', () => {
    const column = (name: string, table: string, col: string) => ({
      name,
      source: { database: 'shop', table, column: col },
    });
    const definition = {
      id: 'x',
      name: 'X',
      category: 'business',
      description: '',
      formula: {
        type: 'simple',
        expression: "COUNT(oid WHERE why = 'late')",
        variables: [column('oid', 'orders', 'id'), column('why', 'refunds', 'reason')],
      },
      aggregations: [],
      dimensions: [],
    };
    const r = analyzeDefinitions(definition, { catalog: shop });
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'mixed-tables: $.formula.expression: "why" is a column of shop.refunds, which shop.orders cannot reach',
    ]);
  });
});

describe('calls in rows', () => {
  it.each([
    ['qty on placed_at', '"on", "active between" and "within" belong after an aggregate such as sum(…)'],
    [
      'abs(qty) on placed_at > 1',
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
    [
      'abs(qty) active between placed_at and shipped_at > 1',
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
    [
      "abs(qty) within 'last_7_days' > 1",
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
  ])('refuses a clause after %s', (condition, message) => {
    expect(where(condition)).toEqual([`misplaced-clause: ${message}`]);
  });

  it('refuses a time function per row', () => {
    expect(where('rolling(qty, 7 days) > 1')).toEqual([
      'misplaced-time-function: rolling(…) works on aggregates and cannot be used per row',
    ]);
  });

  it('refuses an aggregate in a filter of the KPI or of a query as one in a filter', () => {
    const message = 'aggregate-in-filter: a filter is evaluated per row and cannot contain sum(…)';
    expect(problems('kpi x { formula: count(shop.orders)  filter: sum(qty) > 1 }')).toEqual([message]);
    expect(
      parseFilter('sum(qty) > 1', { catalog: shop }).diagnostics.map((d) => `${d.code}: ${d.message}`),
    ).toEqual([message]);
  });

  it('names an unknown function, suggesting a known one', () => {
    const r = analyze('kpi x = count(shop.orders where abss(qty) > 1)');
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['unknown-function', 'unknown function "abss"', 'did you mean "abs"?'],
    ]);
  });

  it.each(['abs(*) > 1', 'abs(distinct qty) > 1', 'abs(qty where paid) > 1'])(
    'refuses %s: a scalar function takes plain values',
    (condition) => {
      expect(where(condition)).toEqual([
        'bad-arguments: abs(…) takes plain values (no *, distinct or where)',
      ]);
    },
  );

  it('reports a problem of an argument once, not again at the call', () => {
    expect(where('abs(nope) > 1')).toEqual(['unknown-column: shop.orders has no column "nope"']);
    expect(where('coalesce(1, nope) > 1')).toEqual(['unknown-column: shop.orders has no column "nope"']);
  });
});

describe('scalar functions', () => {
  it.each([
    ['abs(1, 2) > 1', 'bad-arguments: abs(…) takes 1 argument, not 2'],
    ['nullif(1) > 1', 'bad-arguments: nullif(…) takes 2 arguments, not 1'],
    ['round(1, 2, 3) > 1', 'bad-arguments: round(…) takes 1 or 2 arguments, not 3'],
    ['abs(note) > 1', 'type-mismatch: abs(…) needs numbers'],
    ['round(note) > 1', 'type-mismatch: round(…) needs numbers'],
    ['round(weight, note) > 1', 'type-mismatch: round(…) needs numbers'],
    ['round(weight, 1.5) > 1', 'type-mismatch: round(x, digits) needs a whole number of digits'],
    [
      'coalesce(note, qty) > 1',
      'type-mismatch: the arguments of coalesce(…) have different types (string, bigint)',
    ],
  ])('refuses %s', (condition, problem) => {
    expect(where(condition)).toEqual([problem]);
  });

  it('asks for at least one argument of coalesce, least and greatest', () => {
    for (const fn of ['coalesce', 'least', 'greatest'])
      expect(where(`${fn}() > 1`)).toEqual([
        expect.stringMatching(`^bad-arguments: ${fn}\\(…\\) takes at least 1 argument`),
      ]);
  });

  it('types round like its argument and coalesce like its non-null arguments', () => {
    expect(measure('sum(round(shop.orders.total, 1))').type).toBe('decimal');
    expect(measure('sum(round(shop.orders.weight))').type).toBe('double');
    expect(measure('sum(coalesce(shop.orders.qty, 0))').type).toBe('bigint');
    // A text column with NULL for the missing ones is still text: it compares with a text literal.
    expect(where("coalesce(note, null) = 'a'")).toEqual([]);
  });
});

describe('filters of a KPI', () => {
  const filter = (condition: string) =>
    problems(`kpi x { formula: count(shop.orders)  filter: ${condition} }`);

  it('reads a dimension the measure reaches through a join, with its type', () => {
    const r = analyze("kpi x { formula: count(shop.orders)  filter: country = 'DE' }");
    expect(r.diagnostics).toEqual([]);
    expect(r.kpis[0]!.filters).toEqual([
      {
        kind: 'binary',
        op: '=',
        left: { kind: 'dimension', name: 'country' },
        right: { kind: 'literal', value: 'DE', type: 'string' },
      },
    ]);
    expect(filter('country = 7')).toEqual(['type-mismatch: cannot compare a string with a bigint']);
  });

  it('refuses a dimension the measure cannot reach, suggesting one of its own columns', () => {
    // reason is a column of refunds, which orders do not join.
    expect(filter("reason = 'late'")).toEqual([
      'unreachable-dimension: dimension "reason" cannot be reached from shop.orders',
    ]);
    const r = analyze("kpi x { formula: count(shop.orders)  filter: notte = 'a' }");
    expect(r.diagnostics.map((d) => d.hint)).toEqual(['did you mean "note"?']);
  });

  it('names dimensions, not qualified columns', () => {
    expect(filter("shop.orders.note = 'a'")).toEqual([
      'bad-name: a filter names dimensions (e.g. region), not "shop.orders.note"',
    ]);
  });

  it('names an unknown dimension of a query filter', () => {
    expect(
      parseFilter("reson = 'late'", { catalog: shop }).diagnostics.map((d) => [d.code, d.message, d.hint]),
    ).toEqual([['unknown-dimension', 'unknown dimension "reson"', 'did you mean "reason"?']]);
  });
});
