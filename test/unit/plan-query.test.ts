/**
 * What the planner decides besides the formula (src/plan/planner.ts): the checks and normal form of
 * the question (zone, grain, range, the bucket limit), each instance's value type and the formula's,
 * the 0 of a bare count, when a spine is planned and joined, the joins a scan needs and filters
 * written against another table.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { AggregateFn, FormulaExpr, KpiIR, Measure, RowExpr } from '../../src/ir/kpi.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { aggregatesOf } from '../../src/plan/nodes.ts';
import { normalizeQuery, planQuery } from '../../src/plan/planner.ts';
import { refusal } from '../support/compile-refusal.ts';
import { col, eq, kpi, measure, query, ref, str, T } from './compile-kpis.ts';

const catalog = loadCatalog();
const amount = measure(catalog, 'amount', 'sum', T.subscriptions, 'amount');
const num = (value: number): FormulaExpr & RowExpr => ({ kind: 'literal', value, type: 'bigint' });
const dim = (name: string): RowExpr => ({ kind: 'dimension', name });

function planOf(k: KpiIR, q: Partial<MetricQuery> = {}, more: KpiIR[] = []) {
  const registry = new Map([k, ...more].map((x) => [x.id, x]));
  return planQuery(k, query(k.id, q), { catalog, registry });
}
const aggregates = (p: ReturnType<typeof planOf>) => p.root.input.inputs.flatMap(aggregatesOf);

describe('normalizeQuery', () => {
  const q = (extra: Partial<MetricQuery>) => normalizeQuery(query('k', extra));

  it('defaults the zone to UTC and writes the range as UTC instants', () => {
    expect(q({ timezone: '' })).toEqual({
      timezone: 'UTC',
      grain: 'month',
      range: { start: '2025-01-01T00:00:00.000Z', end: '2025-04-01T00:00:00.000Z' },
    });
    expect(
      q({ timezone: 'Asia/Kolkata', grain: null, range: { start: '2025-01-01', end: '2025-01-02T06:00' } }),
    ).toEqual({
      timezone: 'Asia/Kolkata',
      grain: null,
      range: { start: '2024-12-31T18:30:00.000Z', end: '2025-01-02T00:30:00.000Z' },
    });
  });

  it('refuses an unknown zone or grain, a bad date, and an empty or reversed range, saying which', () => {
    expect(refusal(() => q({ timezone: 'Mars/Base' }))).toBe(
      'invalid-query: time zone "Mars/Base" is not an IANA zone such as UTC or Europe/Berlin',
    );
    expect(refusal(() => q({ grain: 'fortnight' as never }))).toBe(
      'invalid-query: grain "fortnight" is not one of minute, hour, day, week, month, quarter, year',
    );
    expect(refusal(() => q({ range: { start: '2025-13-01', end: '2025-02-01' } }))).toBe(
      'invalid-query: range start "2025-13-01" has month 13; months are 01–12',
    );
    expect(refusal(() => q({ range: { start: '2025-01-01', end: '2025-02-30' } }))).toBe(
      'invalid-query: range end "2025-02-30" has day 30; 2025-02 has 28 days',
    );
    const long = `2025-01-01${'x'.repeat(60)}`;
    expect(refusal(() => q({ range: { start: '2025-01-01', end: long } }))).toBe(
      `invalid-query: range end "${long.slice(0, 40)}" is not a date (YYYY-MM-DD) or an ISO 8601 date-time`,
    );
    expect(refusal(() => q({ range: { start: '2025-02-01', end: '2025-02-01T00:00:00Z' } }))).toBe(
      'invalid-query: range start 2025-02-01 is not before its end 2025-02-01T00:00:00Z',
    );
    expect(refusal(() => q({ range: { start: '2025-02-01T00:00:00.001Z', end: '2025-02-01' } }))).toMatch(
      /^invalid-query: range start .* is not before its end/,
    );
    expect(q({ range: { start: '2025-02-01', end: '2025-02-01T00:00:00.001Z' } }).range.end).toBe(
      '2025-02-01T00:00:00.001Z',
    );
  });

  it(`allows MAX_BUCKETS (${LIMITS.MAX_BUCKETS}) buckets and refuses one more, naming the limit`, () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    // bucketsBound counts ceil(span / 1 minute) + 1 at minute grain.
    const minutes = (n: number) => ({
      grain: 'minute' as const,
      range: { start: new Date(start).toISOString(), end: new Date(start + n * 60_000).toISOString() },
    });
    expect(q(minutes(LIMITS.MAX_BUCKETS - 1)).grain).toBe('minute');
    const over = minutes(LIMITS.MAX_BUCKETS);
    expect(refusal(() => q(over))).toBe(
      `limit-exceeded: [${over.range.start}, ${over.range.end}) at minute grain is about ${LIMITS.MAX_BUCKETS + 1} buckets; the limit is MAX_BUCKETS = ${LIMITS.MAX_BUCKETS} (use a coarser grain or a shorter range)`,
    );
    // A total has one bucket whatever the range.
    expect(q({ grain: null, range: { start: '1990-01-01', end: '2090-01-01' } }).grain).toBeNull();
  });
});

describe('value types', () => {
  const typeOf = (fn: AggregateFn, column: string | null, extra: Partial<Measure> = {}) => {
    const m = measure(catalog, 'x', fn, T.subscriptions, column, extra);
    return aggregates(planOf(kpi('k', ref('x'), [m])))[0]!.type;
  };

  it('counts are bigint, averages and percentiles double, the rest keep their column type', () => {
    expect(typeOf('count', null)).toBe('bigint');
    expect(typeOf('count_distinct', 'account_id', { type: 'string' })).toBe('bigint');
    expect(typeOf('approx_distinct', 'account_id', { type: 'string' })).toBe('bigint');
    expect(typeOf('avg', 'amount')).toBe('double');
    expect(typeOf('percentile', 'amount', { fraction: 0.9 })).toBe('double');
    expect(typeOf('sum', 'amount')).toBe('decimal');
    expect(typeOf('max', 'started_at')).toBe('timestamp');
    expect(typeOf('min', 'account_id')).toBe('bigint');
  });

  it("types the formula from its instances' types", () => {
    const count = measure(catalog, 'n', 'count', T.subscriptions, null);
    const typed = (f: FormulaExpr) => planOf(kpi('k', f, [amount, count])).root.type;
    const m = ref('amount');
    const n = ref('n');
    expect(typed(m)).toBe('decimal');
    expect(typed(n)).toBe('bigint');
    expect(typed({ kind: 'binary', op: '+', left: m, right: m })).toBe('decimal');
    expect(typed({ kind: 'binary', op: '-', left: m, right: n })).toBe('number');
    expect(typed({ kind: 'binary', op: '*', left: n, right: num(2) })).toBe('bigint');
    expect(typed({ kind: 'binary', op: '/', left: n, right: n })).toBe('double');
    for (const op of ['=', '!=', '<', '<=', '>', '>=', 'and', 'or'] as const) {
      expect(typed({ kind: 'binary', op, left: m, right: m }), op).toBe('boolean');
    }
    expect(typed({ kind: 'unary', op: 'not', operand: m })).toBe('boolean');
    expect(typed({ kind: 'unary', op: '-', operand: n })).toBe('bigint');
    expect(typed({ kind: 'in', operand: m, values: [num(1)], negated: false })).toBe('boolean');
    expect(typed({ kind: 'between', operand: m, low: num(1), high: num(2), negated: false })).toBe('boolean');
    expect(typed({ kind: 'is_null', operand: m, negated: false })).toBe('boolean');
    expect(
      typed({
        kind: 'like',
        operand: m,
        pattern: { kind: 'literal', value: '%', type: 'string' },
        negated: false,
      }),
    ).toBe('boolean');
    expect(typed({ kind: 'call', fn: 'abs', args: [n] })).toBe('number');
    // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
    expect(typed({ kind: 'case', whens: [{ when: m, then: n }], else: null })).toBe('number');
  });

  it('types shared values in order, each from the ones before it', () => {
    const half = kpi('half', { kind: 'binary', op: '/', left: ref('amount'), right: num(2) }, [amount]);
    const twice = kpi(
      'twice',
      {
        kind: 'binary',
        op: '+',
        left: { kind: 'kpi_ref', id: 'half' },
        right: { kind: 'kpi_ref', id: 'half' },
      },
      [],
    );
    const top = kpi(
      'top',
      {
        kind: 'binary',
        op: '*',
        left: { kind: 'kpi_ref', id: 'twice' },
        right: { kind: 'kpi_ref', id: 'twice' },
      },
      [],
    );
    const p = planOf(top, {}, [twice, half]);
    expect(p.root.shared?.map((s) => `${s.name}: ${s.type}`)).toEqual(['v0: double', 'v1: double']);
    expect(p.root.type).toBe('double');
  });
});

describe('bare counts, spines and joins', () => {
  const count = (fn: AggregateFn, column: string | null) =>
    measure(catalog, 'n', fn, T.subscriptions, column);

  it('reads 0 for a bare count of any kind, NULL for anything else or a count inside a formula', () => {
    for (const [fn, column] of [
      ['count', null],
      ['count_distinct', 'account_id'],
      ['approx_distinct', 'account_id'],
    ] as const) {
      const p = planOf(kpi('k', ref('n'), [count(fn, column)]));
      expect(p.root.value, fn).toEqual({ kind: 'zero_fill', operand: { kind: 'col', name: 'm0' } });
      expect(p.root.type).toBe('bigint');
    }
    expect(planOf(kpi('k', ref('amount'), [amount])).root.value).toEqual({ kind: 'col', name: 'm0' });
    expect(
      planOf(kpi('k', { kind: 'binary', op: '*', left: ref('n'), right: num(2) }, [count('count', null)]))
        .root.value.kind,
    ).toBe('binary');
    const two = kpi('k', { kind: 'binary', op: '+', left: ref('n'), right: ref('amount') }, [
      count('count', null),
      amount,
    ]);
    expect(planOf(two).root.value.kind).toBe('binary');
  });

  it('plans a spine only for windowed or interval-valid instances, joined only without dimensions', () => {
    const plain = planOf(kpi('k', ref('amount'), [amount]));
    expect(plain.root.input.spine).toBeNull();
    expect(aggregates(plain)[0]!.bucketing).toEqual({
      kind: 'truncate',
      time: { table: T.subscriptions, column: 'started_at' },
      grain: 'month',
      timezone: 'UTC',
      range: { start: '2025-01-01T00:00:00.000Z', end: '2025-04-01T00:00:00.000Z' },
    });
    const rolling = kpi(
      'k',
      {
        kind: 'binary',
        op: '+',
        left: { kind: 'rolling', expr: ref('amount'), window: { amount: 2, unit: 'month' } },
        right: ref('amount'),
      },
      [amount],
    );
    const p = planOf(rolling);
    const spine = { kind: 'spine', grain: 'month', timezone: 'UTC', range: p.range };
    expect(p.root.input.spine).toEqual(spine);
    const [windowed, bare] = aggregates(p);
    expect(windowed!.bucketing).toEqual({
      kind: 'spine',
      spine,
      window: [{ op: 'trailing', amount: 2, unit: 'month' }],
      time: { table: T.subscriptions, column: 'started_at' },
      validity: null,
    });
    // The plain instance of the same plan keeps its date_trunc buckets.
    expect(bare!.bucketing.kind).toBe('truncate');
    expect(planOf(rolling, { dimensions: ['region'] }).root.input.spine).toBeNull();
    const valid = measure(catalog, 'active', 'sum', T.subscriptions, 'amount', {
      validity: { startColumn: 'started_at', endColumn: 'canceled_at' },
    });
    expect(aggregates(planOf(kpi('k', ref('active'), [valid])))[0]!.bucketing).toMatchObject({
      kind: 'spine',
      window: [],
      validity: { table: T.subscriptions, startColumn: 'started_at', endColumn: 'canceled_at' },
    });
  });

  it('joins on the bucket only with a grain, and on the dimensions asked', () => {
    const total = planOf(kpi('k', ref('amount'), [amount]), {
      grain: null,
      dimensions: ['region', 'plan_type'],
    });
    expect(total.root.input.timed).toBe(false);
    expect(total.root.input.dimensions).toEqual(['region', 'plan_type']);
    expect(total.dimensions).toEqual(['region', 'plan_type']);
    expect(aggregates(total)[0]!.dimensions).toEqual([
      { name: 'region', table: T.subscriptions, column: 'region' },
      { name: 'plan_type', table: T.subscriptions, column: 'plan_type' },
    ]);
    expect(planOf(kpi('k', ref('amount'), [amount])).root.input.timed).toBe(true);
  });
});

describe('scans and filters', () => {
  it('joins a table once, however many reads need it, and names the instance', () => {
    const m = measure(catalog, 'emails', 'count_distinct', T.subscriptions, null, {
      arg: col(catalog, T.accounts, 'email'),
      filter: eq(col(catalog, T.accounts, 'country'), str('DE')),
      fraction: 0.5,
    });
    const p = planOf(kpi('k', ref('emails'), [m]), { dimensions: ['channel'] });
    const [a] = aggregates(p);
    expect(a!.input.input).toEqual({
      kind: 'scan',
      table: T.subscriptions,
      alias: 't0',
      joins: [{ fromAlias: 't0', column: 'account_id', table: T.accounts, toColumn: 'id', alias: 't1' }],
    });
    expect(a!.source).toBe('k.emails');
    expect(a!.arg).toEqual(col(catalog, T.accounts, 'email'));
    expect(a!.fraction).toBe(0.5);
    expect(aggregates(planOf(kpi('k', ref('amount'), [amount])))[0]!.fraction).toBeNull();
    expect(aggregates(planOf(kpi('k', ref('amount'), [amount])))[0]!.input.input.joins).toEqual([]);
  });

  it('applies a filter written against an unreachable table by the column name, when the measure reaches one', () => {
    // A KPI filter on expenses.channel, for a measure on subscriptions (which cannot reach expenses):
    // read as the channel subscriptions reach, accounts.channel, joined.
    const spend = measure(catalog, 'spend', 'sum', T.expenses, 'amount');
    const byChannel = kpi('k', ref('amount'), [amount], {
      filters: [eq(col(catalog, T.expenses, 'channel'), str('social'))],
    });
    const [s] = aggregates(planOf(byChannel));
    expect(s!.input.conditions).toEqual([eq(col(catalog, T.accounts, 'channel'), str('social'))]);
    expect(s!.input.input.joins.map((j) => j.table)).toEqual([T.accounts]);
    // A column that neither the table nor the tables it joins have: refused, naming both tables.
    const events = measure(catalog, 'n', 'count', T.events, null);
    const onEvents = kpi('k', ref('n'), [events], {
      filters: [eq(col(catalog, T.subscriptions, 'status'), str('x'))],
    });
    expect(refusal(() => planOf(onEvents))).toBe(
      'unreachable-column: filter column payments.subscriptions.status is not reachable from analytics.events',
    );
    const other = kpi('k', ref('spend'), [spend], {
      filters: [eq(col(catalog, T.accounts, 'region'), str('eu'))],
    });
    expect(refusal(() => planOf(other))).toBe(
      'unreachable-column: filter column users.accounts.region is not reachable from finance.expenses',
    );
    // Reachable through a join: kept as written, and joined.
    const joined = kpi('k', ref('amount'), [amount], {
      filters: [eq(col(catalog, T.accounts, 'country'), str('DE'))],
    });
    const [a] = aggregates(planOf(joined));
    expect(a!.input.conditions).toEqual([eq(col(catalog, T.accounts, 'country'), str('DE'))]);
    expect(a!.input.input.joins).toHaveLength(1);
  });

  it('checks the comparisons of every condition and resolves query dimensions per table', () => {
    expect(
      refusal(() => planOf(kpi('k', ref('amount'), [amount]), { filters: [eq(dim('region'), num(1))] })),
    ).toBe('type-mismatch: region is a string column and cannot be compared with number value 1');
    const [a] = aggregates(
      planOf(kpi('k', ref('amount'), [amount]), { filters: [eq(dim('country'), str('DE'))] }),
    );
    expect(a!.input.conditions).toEqual([eq(col(catalog, T.accounts, 'country'), str('DE'))]);
    expect(a!.input.input.joins.map((j) => j.alias)).toEqual(['t1']);
    expect(refusal(() => planOf(kpi('k', ref('amount'), [amount]), { dimensions: ['device'] }))).toBe(
      'unreachable-dimension: dimension "device" is not reachable from payments.subscriptions: no column of that name on it or on a table it joins to',
    );
  });

  it('joins each table of a multi-step path once, whichever read comes first', () => {
    // orders → customers → regions, in a catalog of its own.
    const table = (name: string, columns: Record<string, string>, joins: [string, string][]) => ({
      source: 's',
      name,
      primaryKey: 'id',
      timeColumn: 'at',
      columns: { id: 'bigint', at: 'timestamp', ...columns },
      joins: joins.map(([column, to]) => ({ column, to: { source: 's', table: to, column: 'id' } })),
    });
    const chain = {
      connections: {},
      sources: {
        s: {
          name: 's',
          connection: 'pg',
          schema: 'public',
          tables: {
            orders: table('orders', { customer_id: 'bigint', total: 'decimal' }, [
              ['customer_id', 'customers'],
            ]),
            customers: table('customers', { region_id: 'bigint', segment: 'string' }, [
              ['region_id', 'regions'],
            ]),
            regions: table('regions', { area: 'string' }, []),
          },
        },
      },
    } as unknown as Catalog;
    const orders = { source: 's', table: 'orders' };
    const m: Measure = {
      kind: 'measure',
      name: 't',
      fn: 'sum',
      table: orders,
      arg: null,
      filter: null,
      timeColumn: 'at',
      type: 'decimal',
    };
    const k = kpi('k', ref('t'), [m]);
    const joinsFor = (dimensions: string[]) =>
      aggregates(
        planQuery(k, query('k', { dimensions }), { catalog: chain, registry: new Map([['k', k]]) }),
      )[0]!.input.input.joins.map((j) => `${j.fromAlias}.${j.column} → ${j.table.table} as ${j.alias}`);
    const both = ['t0.customer_id → customers as t1', 't1.region_id → regions as t2'];
    expect(joinsFor(['segment', 'area'])).toEqual(both);
    expect(joinsFor(['area', 'segment'])).toEqual(both);
    expect(joinsFor(['area'])).toEqual(both);
    expect(joinsFor(['segment'])).toEqual(['t0.customer_id → customers as t1']);
  });

  it('omits the shared list of a plan that shares nothing, so its hash stays what it was', () => {
    const p = planOf(
      kpi('k', { kind: 'binary', op: '+', left: ref('amount'), right: ref('amount') }, [amount]),
    );
    expect(Object.keys(p.root)).not.toContain('shared');
  });

  it('refuses a KPI without a measure to aggregate', () => {
    expect(refusal(() => planOf(kpi('k', num(1), [])))).toBe(
      'invalid-query: KPI "k" has no measure to aggregate',
    );
  });
});
