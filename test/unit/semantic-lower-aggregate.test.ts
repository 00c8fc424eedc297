import { describe, expect, it } from 'vitest';
import { analyzeDefinitions, analyzeDsl } from '../../src/semantic/index.ts';
import { shop } from '../support/lowering-catalog.ts';

// One aggregate → one measure (src/semantic/lower-aggregate.ts; docs/language.md "Formulas"): which
// aggregates are refused and why, the measure's type, time column, validity and period.

const analyze = (text: string) => analyzeDsl(text, { catalog: shop });
/** Every diagnostic as `code: message`, so a test sees a refusal's wording and that nothing else came. */
const problems = (text: string) => analyze(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
/** The KPI of `text`, which must analyze without a diagnostic. */
const kpi = (text: string) => {
  const r = analyze(text);
  expect(r.diagnostics).toEqual([]);
  return r.kpis[0]!;
};
const measure = (formula: string) => kpi(`kpi x = ${formula}`).measures[0]!;

describe('refused aggregates', () => {
  it.each([
    // "distinct" belongs to counting distinct values; a distinct sum or average is not offered.
    ['sum(distinct shop.orders.qty)', 'bad-arguments: "distinct" only goes in count(distinct …)'],
    ['avg(distinct shop.orders.qty)', 'bad-arguments: "distinct" only goes in count(distinct …)'],
    // Only count(*) counts rows, and even it has to name its table.
    ['sum(*)', 'bad-arguments: sum(*) is not an aggregate; only count(*) counts rows'],
    [
      'count(*)',
      'missing-table: count(*) needs a table: write count(source.table), e.g. count(users.accounts)',
    ],
    ['sum(shop.orders.qty, 2)', 'bad-arguments: sum(…) takes one argument'],
    [
      'percentile(shop.orders.qty)',
      'bad-arguments: percentile(…) takes a column and a fraction, e.g. percentile(x, 0.95)',
    ],
    // Only count reads a table's rows; the other aggregates need a column.
    ['sum(shop.orders)', 'bad-arguments: sum(…) needs a column, not the table shop.orders'],
    // A table inside an expression is no row count: it is a table where a column value is expected.
    ['count(shop.orders + 1)', 'bad-name: "shop.orders" is a table; name one of its columns'],
    ['sum(shop.orders.note)', 'type-mismatch: sum(…) needs numbers, but this is a string'],
    ['avg(shop.orders.note)', 'type-mismatch: avg(…) needs numbers, but this is a string'],
    ['percentile(shop.orders.note, 0.5)', 'type-mismatch: percentile(…) needs numbers, but this is a string'],
    ['min(shop.orders.paid)', 'type-mismatch: min(…) of true/false values is not defined'],
    ['max(shop.orders.paid)', 'type-mismatch: max(…) of true/false values is not defined'],
    [
      'sum(shop.orders.qty where shop.orders.qty)',
      'type-mismatch: "where" needs a true/false condition, not a bigint',
    ],
    // An aggregate in an aggregate's filter is nested in it.
    [
      'sum(shop.orders.qty where max(shop.orders.qty) > 1)',
      "nested-aggregate: max(…) is inside another aggregate; an aggregate's argument is evaluated per row",
    ],
  ])('%s', (formula, problem) => {
    expect(problems(`kpi x = ${formula}`)).toEqual([problem]);
  });

  const fraction = 'bad-arguments: the fraction of percentile(x, f) is a number between 0 and 1, e.g. 0.95';
  // A text that reads as a fraction ('0.5') is still text.
  it.each(['0', '1', '2', '-0.5', 'shop.orders.qty', "'half'", "'0.5'"])(
    'refuses the percentile fraction %s: a fraction lies strictly between 0 and 1',
    (f) => {
      expect(problems(`kpi x = percentile(shop.orders.weight, ${f})`)).toEqual([fraction]);
    },
  );

  it('needs a qualified column to know the table, and says so once per aggregate', () => {
    const missing = 'missing-table: sum(…) needs a qualified column such as payments.subscriptions.amount';
    expect(problems('kpi x = sum(1)')).toEqual([missing]);
    // A bare name is a column of no known table here (no seed variable names it).
    expect(problems('kpi x = sum(qty)')).toEqual([missing]);
    // An unknown column is reported where it is, not again as a missing table; a later aggregate
    // without any table is still told so.
    expect(problems('kpi x = sum(shop.orders.nope) + sum(1)')).toEqual([
      'unknown-column: shop.orders has no column "nope"',
      missing,
    ]);
  });

  it('finds the table at the first qualified name anywhere in the argument', () => {
    // Literals come first in these arguments: the search walks past them to the column.
    expect(measure('sum(1 + shop.orders.qty)').table).toEqual({ source: 'shop', table: 'orders' });
    expect(measure("sum(case when 'a' = 'b' then 1 else shop.orders.qty end)").table.table).toBe('orders');
    expect(measure('count(case when true then null else shop.orders.id end)').table.table).toBe('orders');
    expect(measure('count(7 days + shop.orders.placed_at)').table.table).toBe('orders');
    expect(measure('sum(case when shop.orders.note is null then 1 else 0 end)').table.table).toBe('orders');
    expect(measure('sum(case when 1 in (shop.orders.qty) then 1 else 0 end)').table.table).toBe('orders');
    expect(measure('sum(case when 1 between 0 and shop.orders.qty then 1 else 0 end)').table.table).toBe(
      'orders',
    );
    expect(measure("sum(case when 'x' like shop.orders.note then 1 else 0 end)").table.table).toBe('orders');
    expect(measure('sum(-shop.orders.qty)').table.table).toBe('orders');
    // A name inside a scalar call's misplaced `where` still names the table: the problem is the where.
    expect(problems('kpi x = sum(abs(1 where shop.orders.qty > 0))')).toEqual([
      'bad-arguments: abs(…) takes plain values (no *, distinct or where)',
    ]);
  });

  it('reports an argument without any table as such, whatever shape it has', () => {
    const missing = (fn: string) =>
      `missing-table: ${fn}(…) needs a qualified column such as payments.subscriptions.amount`;
    expect(problems('kpi x = sum(case when 1 = 1 then 2 end)')).toEqual([missing('sum')]);
    expect(problems('kpi x = sum(abs(1))')).toEqual([missing('sum')]);
    expect(problems('kpi x = count(1 is null)')).toEqual([missing('count')]);
  });
});

describe('distinct counts', () => {
  it('turns count(distinct x) into count_distinct and keeps approx_distinct with or without distinct', () => {
    expect(measure('count(distinct shop.orders.customer_id)').fn).toBe('count_distinct');
    expect(measure('count_distinct(distinct shop.orders.customer_id)').fn).toBe('count_distinct');
    expect(measure('approx_distinct(distinct shop.orders.customer_id)').fn).toBe('approx_distinct');
  });
});

describe('counting true/false values', () => {
  it('is allowed: only min and max have no order on them', () => {
    expect(measure('count(shop.orders.paid)').fn).toBe('count');
    expect(measure('count(distinct shop.orders.paid)').fn).toBe('count_distinct');
  });
});

describe('the type of a measure', () => {
  it.each([
    // Counts are whole numbers whatever they count.
    ['count(shop.orders)', 'bigint'],
    ['count(shop.orders.note)', 'bigint'],
    ['count(distinct shop.orders.note)', 'bigint'],
    ['approx_distinct(shop.orders.note)', 'bigint'],
    // An average or a percentile of exact decimals stays exact; of whole numbers or doubles it is a double.
    ['avg(shop.orders.total)', 'decimal'],
    ['avg(shop.orders.qty)', 'double'],
    ['avg(shop.orders.weight)', 'double'],
    ['percentile(shop.orders.total, 0.9)', 'decimal'],
    ['percentile(shop.orders.qty, 0.9)', 'double'],
    // sum, min and max keep their argument's type.
    ['sum(shop.orders.qty)', 'bigint'],
    ['sum(shop.orders.total)', 'decimal'],
    ['sum(shop.orders.weight)', 'double'],
    ['sum(shop.orders.qty * 2.5)', 'double'],
  ])('%s is a %s', (formula, type) => {
    expect(measure(formula).type).toBe(type);
  });

  it("of min and max is their argument's, which a KPI cannot give unless it is a number", () => {
    expect(problems('kpi x = min(shop.orders.note)')).toEqual([
      "type-mismatch: a KPI's formula gives a number, but this gives a string",
    ]);
    expect(problems('kpi x = max(shop.orders.due_on)')).toEqual([
      "type-mismatch: a KPI's formula gives a number, but this gives a date",
    ]);
  });
});

describe('the measure', () => {
  it('is a measure named after its let, or m1, m2… skipping names in use', () => {
    const k = kpi(
      'kpi x { let m1 = count(shop.orders)  formula: m1 / sum(shop.orders.qty) + max(shop.orders.qty) }',
    );
    expect(k.measures.map((m) => [m.kind, m.name])).toEqual([
      ['measure', 'm1'],
      ['measure', 'm2'],
      ['measure', 'm3'],
    ]);
  });

  it('keeps a percentile fraction, and only a percentile has one', () => {
    expect(measure('percentile(shop.orders.weight, 0.9)').fraction).toBe(0.9);
    expect('fraction' in measure('sum(shop.orders.weight)')).toBe(false);
  });

  it('reads time from the table, or from the column after "on", which must be a time of the table itself', () => {
    expect(measure('count(shop.orders)').timeColumn).toBe('placed_at');
    expect(measure('count(shop.orders) on shipped_at').timeColumn).toBe('shipped_at');
    expect(measure('count(shop.orders) on due_on').timeColumn).toBe('due_on');
    expect(problems('kpi x = count(shop.orders) on note')).toEqual([
      'type-mismatch: "note" is a string, not a time',
    ]);
    expect(problems('kpi x = count(shop.orders) on nope')).toEqual([
      'unknown-column: shop.orders has no column "nope"',
    ]);
    // joined_at is a column of the customers that orders join, not of orders.
    expect(problems('kpi x = count(shop.orders) on joined_at')).toEqual([
      'bad-time-column: "joined_at" must be a column of shop.orders itself',
    ]);
    // archived_at is a column of a table named orders too, in the source archive that orders join.
    expect(problems('kpi x = count(shop.orders) on archived_at')).toEqual([
      'bad-time-column: "archived_at" must be a column of shop.orders itself',
    ]);
  });

  it('keeps "active between" as the validity, both ends times of the table', () => {
    expect(measure('sum(shop.orders.total) active between placed_at and shipped_at').validity).toEqual({
      startColumn: 'placed_at',
      endColumn: 'shipped_at',
    });
    expect('validity' in measure('sum(shop.orders.total)')).toBe(false);
    expect(problems('kpi x = sum(shop.orders.total) active between placed_at and note')).toEqual([
      'type-mismatch: "note" is a string, not a time',
    ]);
    expect(problems('kpi x = sum(shop.orders.total) active between note and placed_at')).toEqual([
      'type-mismatch: "note" is a string, not a time',
    ]);
  });

  it('reports the first bad end of "active between" only', () => {
    // The check stops at the start's problem, whatever the end is.
    expect(problems('kpi x = sum(shop.orders.total) active between nope and note')).toEqual([
      'unknown-column: shop.orders has no column "nope"',
    ]);
    expect(problems('kpi x = sum(shop.orders.total) active between joined_at and note')).toEqual([
      'bad-time-column: "joined_at" must be a column of shop.orders itself',
    ]);
    expect(problems('kpi x = sum(shop.orders.total) active between note and nope')).toEqual([
      'type-mismatch: "note" is a string, not a time',
    ]);
  });

  it('keeps the period of "within", and has none without it', () => {
    expect(measure("count(shop.orders) within 'last_30_days'").period).toBe('last_30_days');
    expect('period' in measure('count(shop.orders)')).toBe(false);
  });
});

describe('re-aggregating a let', () => {
  const withLet = (agg: string, formula: string) => analyze(`kpi x { let a = ${agg}  formula: ${formula} }`);

  it('reads sum over sum or count, min over min, max over max as the let itself', () => {
    for (const [agg, outer] of [
      ['sum(shop.orders.qty)', 'sum'],
      ['count(shop.orders)', 'sum'],
      ['min(shop.orders.qty)', 'min'],
      ['max(shop.orders.qty)', 'max'],
    ] as const) {
      const r = withLet(agg, `${outer}(a)`);
      expect(r.diagnostics).toEqual([]);
      expect(r.kpis[0]!.formula).toEqual({ kind: 'measure_ref', name: 'a' });
      expect(r.kpis[0]!.measures).toHaveLength(1);
    }
  });

  it.each([
    ['max(shop.orders.qty)', 'min(a)', 'min(a) aggregates "a", which is already an aggregate (max)'],
    ['sum(shop.orders.qty)', 'avg(a)', 'avg(a) aggregates "a", which is already an aggregate (sum)'],
    // Any clause makes it a different aggregate from the let's.
    [
      'sum(shop.orders.qty)',
      'sum(a where shop.orders.paid)',
      'sum(a) aggregates "a", which is already an aggregate (sum)',
    ],
    [
      'sum(shop.orders.qty)',
      'sum(a) on shipped_at',
      'sum(a) aggregates "a", which is already an aggregate (sum)',
    ],
    [
      'sum(shop.orders.qty)',
      'sum(a) active between placed_at and shipped_at',
      'sum(a) aggregates "a", which is already an aggregate (sum)',
    ],
    [
      'sum(shop.orders.qty)',
      "sum(a) within 'last_7_days'",
      'sum(a) aggregates "a", which is already an aggregate (sum)',
    ],
    [
      'count(shop.orders)',
      'count(distinct a)',
      'count_distinct(a) aggregates "a", which is already an aggregate (count)',
    ],
  ])('refuses let a = %s read as %s', (agg, formula, message) => {
    expect(withLet(agg, formula).diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      `nested-aggregate: ${message}`,
    ]);
  });

  it("takes a qualified name that starts with a let's name as the column it names", () => {
    const k = kpi('kpi x { let shop = count(shop.orders)  formula: shop + sum(shop.orders.qty) }');
    expect(k.measures.map((m) => `${m.name} ${m.fn}`)).toEqual(['shop count', 'm1 sum']);
  });
});

describe('seed variables standing for a column', () => {
  const definition = (timeRange: object) => ({
    id: 'x',
    name: 'X',
    category: 'business',
    description: '',
    formula: {
      type: 'simple',
      expression: 'SUM(amt)',
      variables: [{ name: 'amt', source: { database: 'shop', table: 'orders', column: 'total' }, timeRange }],
    },
    aggregations: [],
    dimensions: [],
  });

  it("take the variable's time field and period into the measure that aggregates them", () => {
    const r = analyzeDefinitions(definition({ field: 'shipped_at', period: 'last_30_days' }), {
      catalog: shop,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.kpis[0]!.measures[0]).toMatchObject({
      fn: 'sum',
      arg: { kind: 'column', column: 'total' },
      timeColumn: 'shipped_at',
      period: 'last_30_days',
    });
  });
});
