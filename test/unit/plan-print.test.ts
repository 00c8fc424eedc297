/**
 * The plan printer (EXPLAIN and the optimizer goldens read it) and the plan hash (the result cache's
 * key): every node and expression kind prints its parts, and equal plans hash equally whatever the
 * order their objects were built in while different ones do not.
 */
import { describe, expect, it } from 'vitest';
import type { Literal, RowExpr } from '../../src/ir/kpi.ts';
import {
  type Aggregate,
  aggregate,
  filter,
  join,
  type Plan,
  plan,
  project,
  scan,
  spine,
  stitch,
  type ValueExpr,
} from '../../src/plan/nodes.ts';
import { planHash, printExpr, printPlan, stableJson } from '../../src/plan/print.ts';

const T = { source: 'pg', table: 'orders' };
const C = { source: 'pg', table: 'customers' };
const column = (name: string): RowExpr => ({ kind: 'column', table: T, column: name, type: 'decimal' });
const num = (value: number): Literal => ({ kind: 'literal', value, type: 'number' });
const col = (name: string): ValueExpr => ({ kind: 'col', name });

describe('printExpr', () => {
  it('prints each expression kind fully parenthesized', () => {
    const x = column('amount');
    const cases: [RowExpr | ValueExpr, string][] = [
      [{ kind: 'literal', value: "it's", type: 'string' }, "'it''s'"],
      [{ kind: 'literal', value: "a''b", type: 'string' }, "'a''''b'"],
      [{ kind: 'literal', value: null, type: 'null' }, 'null'],
      [{ kind: 'literal', value: true, type: 'boolean' }, 'true'],
      [num(2.5), '2.5'],
      [{ kind: 'duration', duration: { amount: 3, unit: 'day' } }, '3 day'],
      [x, 'pg.orders.amount'],
      [{ kind: 'dimension', name: 'region' }, 'dim(region)'],
      [col('m0'), 'm0'],
      [{ kind: 'binary', op: '/', left: x, right: num(2) }, '(pg.orders.amount / 2)'],
      [{ kind: 'unary', op: 'not', operand: col('b') }, '(not b)'],
      [{ kind: 'unary', op: '-', operand: col('b') }, '(-b)'],
      [{ kind: 'call', fn: 'coalesce', args: [col('a'), num(0)] }, 'coalesce(a, 0)'],
      [{ kind: 'call', fn: 'abs', args: [] }, 'abs()'],
      [
        {
          kind: 'case',
          whens: [
            // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
            { when: col('a'), then: num(1) },
            // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
            { when: col('b'), then: num(2) },
          ],
          else: num(3),
        },
        'case when a then 1 when b then 2 else 3 end',
      ],
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      [{ kind: 'case', whens: [{ when: col('a'), then: num(1) }], else: null }, 'case when a then 1 end'],
      [{ kind: 'in', operand: col('a'), values: [num(1), num(2)], negated: false }, '(a in (1, 2))'],
      [{ kind: 'in', operand: col('a'), values: [num(1)], negated: true }, '(a not in (1))'],
      [
        { kind: 'between', operand: col('a'), low: num(1), high: num(2), negated: false },
        '(a between 1 and 2)',
      ],
      [
        { kind: 'between', operand: col('a'), low: num(1), high: num(2), negated: true },
        '(a not between 1 and 2)',
      ],
      [{ kind: 'is_null', operand: col('a'), negated: false }, '(a is null)'],
      [{ kind: 'is_null', operand: col('a'), negated: true }, '(a is not null)'],
      [{ kind: 'like', operand: col('a'), pattern: col('p'), negated: false }, '(a like p)'],
      [{ kind: 'like', operand: col('a'), pattern: col('p'), negated: true }, '(a not like p)'],
      [{ kind: 'zero_fill', operand: col('m1') }, 'zero_fill(m1)'],
    ];
    for (const [e, text] of cases) expect(printExpr(e)).toBe(text);
  });
});

const RANGE = { start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' };
const theSpine = spine({ grain: 'month', timezone: 'Europe/Berlin', range: RANGE });
const orders = scan({
  table: T,
  alias: 't0',
  joins: [
    { fromAlias: 't0', column: 'customer_id', table: C, toColumn: 'id', alias: 't1' },
    {
      fromAlias: 't1',
      column: 'plan_id',
      table: { source: 'pg', table: 'plans' },
      toColumn: 'id',
      alias: 't2',
    },
  ],
});
const region = { name: 'region', table: C, column: 'region' };
const plan_ = { name: 'plan', table: { source: 'pg', table: 'plans' }, column: 'name' };

function sumOf(name: string, conditions: RowExpr[], range = RANGE): Aggregate {
  return aggregate({
    input: filter({ input: orders, conditions }),
    name,
    source: 'revenue.total',
    fn: 'sum',
    arg: column('amount'),
    fraction: null,
    bucketing: {
      kind: 'truncate',
      time: { table: T, column: 'created_at' },
      grain: 'month',
      timezone: 'Europe/Berlin',
      range,
    },
    dimensions: [region],
    type: 'number',
  });
}

const windowed = aggregate({
  input: filter({ input: scan({ table: T, alias: 't0', joins: [] }), conditions: [] }),
  name: 'm1',
  source: 'active.p90',
  fn: 'percentile',
  arg: null,
  fraction: 0.9,
  bucketing: {
    kind: 'spine',
    spine: theSpine,
    window: [
      { op: 'shift', amount: 1, unit: 'year' },
      { op: 'trailing', amount: 3, unit: 'month' },
      { op: 'to_date', period: 'quarter' },
      { op: 'cumulative' },
    ],
    time: { table: T, column: 'created_at' },
    validity: { table: T, startColumn: 'valid_from', endColumn: 'valid_to' },
  },
  dimensions: [],
  type: 'number',
});

const atTime = aggregate({
  ...windowed,
  name: 'm2',
  fraction: 0,
  bucketing: {
    kind: 'spine',
    spine: spine({ ...theSpine, grain: null }),
    window: [],
    time: { table: T, column: 'day' },
    validity: null,
  },
});

const stitched = stitch({
  name: 'm0',
  source: 'revenue.total',
  combine: 'sum',
  pieces: [
    sumOf('m0', [{ kind: 'binary', op: '>', left: column('amount'), right: num(0) }], {
      start: RANGE.start,
      end: '2026-03-01T00:00:00.000Z',
    }),
    sumOf('m0', [], { start: '2026-03-01T00:00:00.000Z', end: RANGE.end }),
  ],
  dimensions: [region, plan_],
  type: 'number',
  over: { spine: theSpine, window: [{ op: 'trailing', amount: 2, unit: 'month' }, { op: 'cumulative' }] },
});

const thePlan: Plan = plan({
  kpi: 'revenue',
  grain: 'month',
  timezone: 'Europe/Berlin',
  range: RANGE,
  dimensions: ['region', 'plan'],
  root: project({
    input: join({
      inputs: [stitched, windowed, atTime],
      spine: theSpine,
      timed: true,
      dimensions: ['region', 'plan'],
    }),
    shared: [
      { name: 's0', value: { kind: 'binary', op: '+', left: col('m0'), right: col('m1') }, type: 'number' },
    ],
    value: { kind: 'binary', op: '/', left: col('s0'), right: col('m2') },
    type: 'number',
  }),
});

describe('printPlan', () => {
  it('prints every node kind with its parts, children indented', () => {
    expect(printPlan(thePlan).split('\n')).toEqual([
      `plan revenue grain=month tz=Europe/Berlin range=[${RANGE.start}, ${RANGE.end}) dims=[region, plan]`,
      '  shared s0 = (m0 + m1) :: number',
      '  project value = (s0 / m2) :: number',
      '    join full on (bucket, region, plan) with spine',
      '      stitch m0 = sum of 2 pieces [revenue.total] dims region=customers.region, plan=plans.name',
      "        over spine, window trailing 2 month ∘ cumulative over the pieces' rows",
      `        piece [${RANGE.start}, 2026-03-01T00:00:00.000Z) m0 = sum(pg.orders.amount) [revenue.total] by truncate(month, orders.created_at) dims region=customers.region`,
      '          filter (pg.orders.amount > 0)',
      '            scan pg.orders as t0 ⋈ pg.customers as t1 on t0.customer_id ⋈ pg.plans as t2 on t1.plan_id',
      `        piece [2026-03-01T00:00:00.000Z, ${RANGE.end}) m0 = sum(pg.orders.amount) [revenue.total] by truncate(month, orders.created_at) dims region=customers.region`,
      '          scan pg.orders as t0 ⋈ pg.customers as t1 on t0.customer_id ⋈ pg.plans as t2 on t1.plan_id',
      '      aggregate m1 = percentile(*, 0.9) [active.p90] by spine(month) valid [valid_from, valid_to) window shift 1 year ∘ trailing 3 month ∘ to_date quarter ∘ cumulative',
      '        scan pg.orders as t0',
      '      aggregate m2 = percentile(*, 0) [active.p90] by spine(total) at day',
      '        scan pg.orders as t0',
      `      spine month in Europe/Berlin [${RANGE.start}, ${RANGE.end})`,
    ]);
  });

  it('prints a total grain, an untimed join without spine and a plain aggregate', () => {
    const plain = sumOf('m0', [
      { kind: 'binary', op: '>', left: column('amount'), right: num(0) },
      { kind: 'is_null', operand: column('note'), negated: true },
    ]);
    const p = plan({
      kpi: 'total',
      grain: null,
      timezone: 'UTC',
      range: RANGE,
      dimensions: [],
      root: project({
        input: join({
          inputs: [
            {
              ...plain,
              bucketing: { ...plain.bucketing, grain: null } as Aggregate['bucketing'],
              dimensions: [],
            },
          ],
          spine: null,
          timed: false,
          dimensions: [],
        }),
        value: col('m0'),
        type: 'number',
      }),
    });
    expect(printPlan(p).split('\n')).toEqual([
      `plan total grain=total tz=UTC range=[${RANGE.start}, ${RANGE.end}) dims=[]`,
      '  project value = m0 :: number',
      '    join full on ()',
      '      aggregate m0 = sum(pg.orders.amount) [revenue.total] by truncate(total, orders.created_at)',
      '        filter (pg.orders.amount > 0) and (pg.orders.note is not null)',
      '          scan pg.orders as t0 ⋈ pg.customers as t1 on t0.customer_id ⋈ pg.plans as t2 on t1.plan_id',
    ]);
  });
});

describe('printPlan: untimed joins, plain stitches, unknown kinds', () => {
  const totalSpine = spine({ grain: null, timezone: 'UTC', range: RANGE });
  const onePiece = sumOf('m0', [], RANGE);
  const withRoot = (inputs: Parameters<typeof join>[0]['inputs'], s: typeof totalSpine | null) =>
    plan({
      kpi: 'k',
      grain: null,
      timezone: 'UTC',
      range: RANGE,
      dimensions: ['region'],
      root: project({
        input: join({ inputs, spine: s, timed: false, dimensions: ['region'] }),
        value: col('m0'),
        type: 'number',
      }),
    });

  it('keys an untimed join by its dimensions only; a stitch without windows has no over line', () => {
    const spinePiece = { ...windowed, name: 'm0', dimensions: [] };
    const p = withRoot(
      [
        stitch({
          name: 'm0',
          source: 'revenue.total',
          combine: 'max',
          pieces: [onePiece, spinePiece],
          dimensions: [],
          type: 'number',
        }),
      ],
      totalSpine,
    );
    expect(printPlan(p).split('\n').slice(2)).toEqual([
      '    join full on (region) with spine',
      '      stitch m0 = max of 2 pieces [revenue.total]',
      `        piece [${RANGE.start}, ${RANGE.end}) m0 = sum(pg.orders.amount) [revenue.total] by truncate(month, orders.created_at) dims region=customers.region`,
      '          scan pg.orders as t0 ⋈ pg.customers as t1 on t0.customer_id ⋈ pg.plans as t2 on t1.plan_id',
      '        piece m0 = percentile(*, 0.9) [active.p90] by spine(month) valid [valid_from, valid_to) window shift 1 year ∘ trailing 3 month ∘ to_date quarter ∘ cumulative',
      '          scan pg.orders as t0',
      `      spine total in UTC [${RANGE.start}, ${RANGE.end})`,
    ]);
  });

  it('fails loudly on a node, bucketing, window or expression kind it does not know', () => {
    const bogus = <T>(v: object) => v as unknown as T;
    expect(() => printExpr(bogus({ kind: 'window' }))).toThrow('unhandled expression: {"kind":"window"}');
    expect(() => printPlan(withRoot([bogus({ kind: 'union' })], null))).toThrow(
      'unhandled plan node: {"kind":"union"}',
    );
    const badBucket = { ...onePiece, bucketing: bogus<Aggregate['bucketing']>({ kind: 'hash' }) };
    expect(() => printPlan(withRoot([badBucket], null))).toThrow('unhandled bucketing: {"kind":"hash"}');
    const badWindow = {
      ...windowed,
      bucketing: { ...windowed.bucketing, window: [bogus<never>({ op: 'lag' })] } as Aggregate['bucketing'],
    };
    expect(() => printPlan(withRoot([badWindow], null))).toThrow('unhandled window op: {"op":"lag"}');
  });
});

describe('stableJson and planHash', () => {
  it('sorts object keys at every depth, drops undefined members, keeps array order', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined, e: null }, 'x'], c: 'q' })).toBe(
      '{"a":[{"d":2,"e":null},"x"],"b":1,"c":"q"}',
    );
    expect(stableJson({ B: 1, a: 2, Z: 3, z: 4, ab: 5 })).toBe('{"B":1,"Z":3,"a":2,"ab":5,"z":4}');
    expect(stableJson([3, 1, 2])).toBe('[3,1,2]');
    expect(stableJson(null)).toBe('null');
    expect(stableJson(undefined)).toBe('null');
    expect(stableJson('a"b')).toBe('"a\\"b"');
    expect(stableJson({ 'a"': true })).toBe('{"a\\"":true}');
  });

  it('is the same for equal plans built in another key order, differs for another plan', () => {
    const rebuilt: Plan = {
      root: thePlan.root,
      range: thePlan.range,
      kpi: thePlan.kpi,
      dimensions: thePlan.dimensions,
      grain: thePlan.grain,
      timezone: thePlan.timezone,
      kind: 'plan',
    };
    expect(planHash(rebuilt)).toBe(planHash(thePlan));
    expect(planHash(thePlan)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(planHash({ ...thePlan, timezone: 'UTC' })).not.toBe(planHash(thePlan));
    expect(planHash({ ...thePlan, dimensions: ['plan', 'region'] })).not.toBe(planHash(thePlan));
  });
});
