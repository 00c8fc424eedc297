import { describe, expect, it } from 'vitest';
import { analyzeDefinitions, analyzeDsl } from '../../src/semantic/index.ts';
import { shop } from '../support/lowering-catalog.ts';

// Formula expressions (src/semantic/lower-formula.ts; docs/language.md "Formulas"): lets, KPI
// references, time functions and scalar functions over aggregates, and what is refused at the top level.

const analyze = (text: string) => analyzeDsl(text, { catalog: shop });
/** Every diagnostic as `code: message`, so a test sees a refusal's wording and that nothing else came. */
const problems = (text: string) => analyze(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
const formula = (text: string) => {
  const r = analyze(text);
  expect(r.diagnostics).toEqual([]);
  return r.kpis.at(-1)!.formula;
};
const orders = 'count(shop.orders)';

describe('literals and names in a formula', () => {
  it('reads string, boolean and null literals', () => {
    expect(formula(`kpi x = case when 'a' = 'a' and true then ${orders} else null end`)).toMatchObject({
      kind: 'case',
      whens: [
        {
          when: {
            kind: 'binary',
            op: 'and',
            left: { left: { kind: 'literal', value: 'a', type: 'string' } },
            right: { kind: 'literal', value: true, type: 'boolean' },
          },
        },
      ],
      else: { kind: 'literal', value: null, type: 'null' },
    });
  });

  it('refuses a duration outside the time functions', () => {
    expect(problems('kpi x = 7 days')).toEqual([
      'misplaced-duration: a duration only goes in previous, growth or rolling, e.g. growth(mrr, 1 month)',
    ]);
  });

  it("reports a type error of the formula's own operators", () => {
    expect(problems(`kpi x = ${orders} + 'a'`)).toEqual(['type-mismatch: cannot add a string to a bigint']);
  });

  it('refuses a table or a column outside an aggregate, and reports an unknown one once', () => {
    expect(problems('kpi x = shop.orders + 1')).toEqual([
      'bare-table: "shop.orders" is a table; aggregate it, e.g. count(shop.orders)',
    ]);
    const r = analyze('kpi x = shop.orders.qty + 1');
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      [
        'bare-column',
        'column shop.orders.qty is outside any aggregate',
        'aggregate it, e.g. sum(shop.orders.qty)',
      ],
    ]);
    expect(problems('kpi x = shop.orders.nope + 1')).toEqual([
      'unknown-column: shop.orders has no column "nope"',
    ]);
  });

  it('names an unknown name, suggesting a close let or KPI', () => {
    const r = analyze(`kpi x { let orders = ${orders}  formula: order + 1 }`);
    expect(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message, d.hint]),
    ).toEqual([['unknown-name', 'unknown KPI or measure "order"', 'did you mean "orders"?']]);
  });

  it('lists a KPI read twice once among the KPIs it depends on', () => {
    const r = analyze(`kpi a = ${orders}\nkpi b = a + a * 2`);
    expect(r.diagnostics).toEqual([]);
    expect(r.kpis[1]!.dependsOn).toEqual(['a']);
  });

  it('points a cycle at the first reference to the next KPI in it', () => {
    // b reads a twice; the cycle a → b → a is reported at b's first `a` (column 9 of line 2).
    const [d, ...rest] = analyze('kpi a = b + 1\nkpi b = a + a').diagnostics.filter(
      (x) => x.code === 'kpi-cycle',
    );
    expect(rest).toEqual([]);
    const first = analyze('kpi b = a + a\nkpi a = b + 1').diagnostics.find((x) => x.code === 'kpi-cycle')!;
    // Whichever KPI it is reported on, the span is the first reference on that KPI's line.
    for (const x of [d!, first]) expect(x.span.start.column).toBe(9);
  });
});

describe('lets', () => {
  it('refuses a let that is not one aggregate', () => {
    const message = (name: string) =>
      `let-not-aggregate: "let ${name}" must bind one aggregate such as sum(…); put arithmetic in the formula`;
    expect(problems('kpi x { let a = 1  formula: a }')).toEqual([message('a')]);
    expect(problems(`kpi x { let a = abs(${orders})  formula: a }`)).toEqual([message('a')]);
    expect(problems(`kpi x { let a = ${orders} + 1  formula: a }`)).toEqual([message('a')]);
  });

  it('refuses a let defined in terms of itself', () => {
    expect(problems('kpi x { let a = sum(a)  formula: a }')).toEqual([
      'let-cycle: "a" is defined in terms of itself',
    ]);
  });

  it('reports a let whose aggregate is refused once, however often it is used', () => {
    // The count comes first, so the let is lowered with a measure already there.
    expect(problems(`kpi x { let a = sum(shop.orders.note)  formula: ${orders} + a + a }`)).toEqual([
      'type-mismatch: sum(…) needs numbers, but this is a string',
    ]);
  });

  it('names a seed variable without an aggregation used outside an aggregate', () => {
    const definition = {
      id: 'x',
      name: 'X',
      category: 'business',
      description: '',
      formula: {
        type: 'simple',
        expression: 'amt + 1',
        variables: [{ name: 'amt', source: { database: 'shop', table: 'orders', column: 'total' } }],
      },
      aggregations: [],
      dimensions: [],
    };
    const r = analyzeDefinitions(definition, { catalog: shop });
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      [
        'bare-column',
        '$.formula.expression: "amt" is a column outside any aggregate',
        'aggregate it, e.g. sum(amt)',
      ],
    ]);
  });
});

describe('calls that are not aggregates', () => {
  it.each([
    [
      'shop.orders.qty on placed_at',
      '"on", "active between" and "within" belong after an aggregate such as sum(…)',
    ],
    [
      `abs(${orders}) on placed_at`,
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
    [
      `abs(${orders}) active between placed_at and shipped_at`,
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
    [
      `abs(${orders}) within 'last_7_days'`,
      '"abs" is not an aggregate; "on", "active between" and "within" follow aggregates',
    ],
  ])('refuses a clause after %s', (text, message) => {
    expect(problems(`kpi x = ${text}`)).toEqual([`misplaced-clause: ${message}`]);
  });

  it.each(['abs(*)', `abs(distinct ${orders})`, `abs(${orders} where true)`])(
    'refuses %s: a scalar function takes plain values',
    (text) => {
      expect(problems(`kpi x = ${text}`)).toEqual([
        'bad-arguments: abs(…) takes plain values (no *, distinct or where)',
      ]);
    },
  );

  it('names an unknown function, suggesting a known one', () => {
    const r = analyze('kpi x = sume(shop.orders.qty)');
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['unknown-function', 'unknown function "sume"', 'did you mean "sum"?'],
    ]);
  });
});

describe('time functions', () => {
  it.each([
    ['previous', 'previous(…) takes 2 arguments, e.g. previous(mrr, 1 month)'],
    ['growth', 'growth(…) takes 2 arguments, e.g. growth(mrr, 1 year)'],
    ['rolling', 'rolling(…) takes 2 arguments, e.g. rolling(sum(x), 7 days)'],
    ['to_date', 'to_date(…) takes 2 arguments, e.g. to_date(sum(x), month)'],
  ])('refuses %s with one argument', (fn, message) => {
    expect(problems(`kpi x = ${fn}(${orders})`)).toEqual([`bad-arguments: ${message}`]);
  });

  it('refuses cumulative with two arguments', () => {
    expect(problems(`kpi x = cumulative(${orders}, 1 month)`)).toEqual([
      'bad-arguments: cumulative(…) takes 1 argument, e.g. cumulative(sum(x))',
    ]);
  });

  it('works on numbers only', () => {
    expect(problems(`kpi x = rolling(${orders} > 1, 7 days)`)).toEqual([
      'type-mismatch: rolling(…) works on numbers, not a boolean',
    ]);
  });

  it('reads the period of to_date as a grain in any case, and only a single grain word', () => {
    expect(formula(`kpi x = to_date(${orders}, Month)`)).toMatchObject({ kind: 'to_date', period: 'month' });
    expect(formula(`kpi x = cumulative(${orders})`)).toMatchObject({ kind: 'to_date', period: null });
    const period =
      'bad-arguments: to_date(…) needs a period: one of minute, hour, day, week, month, quarter, year';
    expect(problems(`kpi x = to_date(${orders}, month.day)`)).toEqual([period]);
    expect(problems(`kpi x = to_date(${orders}, 1 month)`)).toEqual([period]);
    const r = analyze(`kpi x = to_date(${orders}, mnth)`);
    expect(r.diagnostics.map((d) => d.hint)).toEqual(['did you mean "month"?']);
  });

  it('takes a duration of whole units greater than 0 as the window or offset', () => {
    expect(formula(`kpi x = rolling(${orders}, 7 days)`)).toMatchObject({
      kind: 'rolling',
      window: { amount: 7, unit: 'day' },
    });
    expect(problems(`kpi x = previous(${orders}, 1)`)).toEqual([
      'bad-arguments: the second argument of previous(…) is a duration such as 1 month or 7 days',
    ]);
    const duration = 'bad-duration: a duration is a whole number of units greater than 0';
    expect(problems(`kpi x = growth(${orders}, 0 months)`)).toEqual([duration]);
    expect(problems(`kpi x = growth(${orders}, 1.5 months)`)).toEqual([duration]);
  });
});
