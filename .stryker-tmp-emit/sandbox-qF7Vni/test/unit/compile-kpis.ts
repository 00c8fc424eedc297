/**
 * KPI IR values built by hand for the compiler's unit tests (independent of the language front end).
 */
// @ts-nocheck

import type { Catalog, TableRef } from '../../src/catalog/types.ts';
import type { AggregateFn, FormulaExpr, KpiIR, Measure, RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';

export const T = {
  subscriptions: { source: 'payments', table: 'subscriptions' },
  expenses: { source: 'finance', table: 'expenses' },
  accounts: { source: 'users', table: 'accounts' },
  events: { source: 'analytics', table: 'events' },
} as const satisfies Record<string, TableRef>;

export const col = (catalog: Catalog, table: TableRef, column: string): RowExpr => ({
  kind: 'column',
  table,
  column,
  type: catalog.sources[table.source]!.tables[table.table]!.columns[column]!,
});
export const str = (value: string): RowExpr => ({ kind: 'literal', value, type: 'string' });
export const eq = (left: RowExpr, right: RowExpr): RowExpr => ({ kind: 'binary', op: '=', left, right });
export const ref = (name: string): FormulaExpr => ({ kind: 'measure_ref', name });
export const div = (left: FormulaExpr, right: FormulaExpr): FormulaExpr => ({
  kind: 'binary',
  op: '/',
  left,
  right,
});

export function measure(
  catalog: Catalog,
  name: string,
  fn: AggregateFn,
  table: TableRef,
  column: string | null,
  extra: Partial<Measure> = {},
): Measure {
  const t = catalog.sources[table.source]!.tables[table.table]!;
  return {
    kind: 'measure',
    name,
    fn,
    table,
    arg: column ? col(catalog, table, column) : null,
    filter: null,
    timeColumn: t.timeColumn,
    type: fn === 'count' || fn === 'count_distinct' ? 'bigint' : column ? t.columns[column]! : 'bigint',
    ...extra,
  };
}

export function kpi(
  id: string,
  formula: FormulaExpr,
  measures: Measure[],
  extra: Partial<KpiIR> = {},
): KpiIR {
  return {
    id,
    name: id,
    category: 'business',
    description: '',
    formula,
    measures,
    dimensions: [],
    grains: ['day', 'week', 'month'],
    filters: [],
    approximate: false,
    dependsOn: [],
    ...extra,
  };
}

export function demoKpis(catalog: Catalog): KpiIR[] {
  const spend = measure(catalog, 'marketing_spend', 'sum', T.expenses, 'amount', {
    filter: eq(col(catalog, T.expenses, 'category'), str('marketing')),
  });
  const newCustomers = measure(catalog, 'new_customers', 'count', T.accounts, 'id');
  return [
    kpi(
      'mrr',
      ref('subscription_amount'),
      [measure(catalog, 'subscription_amount', 'sum', T.subscriptions, 'amount')],
      {
        dimensions: ['plan_type', 'region'],
      },
    ),
    kpi('cac', div(ref('marketing_spend'), ref('new_customers')), [spend, newCustomers], {
      dimensions: ['channel', 'campaign'],
    }),
    kpi(
      'active_mrr',
      ref('amount'),
      [
        measure(catalog, 'amount', 'sum', T.subscriptions, 'amount', {
          validity: { startColumn: 'started_at', endColumn: 'canceled_at' },
        }),
      ],
      { dimensions: ['region', 'plan_type'] },
    ),
    kpi('signups', ref('n'), [measure(catalog, 'n', 'count', T.accounts, null)], {
      dimensions: ['region', 'channel'],
    }),
    kpi(
      'signups_growth',
      { kind: 'growth', expr: { kind: 'kpi_ref', id: 'signups' }, offset: { amount: 1, unit: 'month' } },
      [],
      { dependsOn: ['signups'] },
    ),
    kpi('events_7d', { kind: 'rolling', expr: ref('n'), window: { amount: 7, unit: 'day' } }, [
      measure(catalog, 'n', 'count', T.events, null),
    ]),
    kpi('revenue_mtd', { kind: 'to_date', expr: ref('rev'), period: 'month' }, [
      measure(catalog, 'rev', 'sum', T.subscriptions, 'amount'),
    ]),
  ];
}

export const registryOf = (kpis: KpiIR[]): ReadonlyMap<string, KpiIR> => new Map(kpis.map((k) => [k.id, k]));

export const query = (kpiId: string, extra: Partial<MetricQuery> = {}): MetricQuery => ({
  kpi: kpiId,
  grain: 'month',
  range: { start: '2025-01-01T00:00:00Z', end: '2025-04-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
  ...extra,
});

const lit = (value: number): RowExpr & FormulaExpr => ({
  kind: 'literal',
  value,
  type: Number.isInteger(value) ? 'bigint' : 'double',
});

/** KPIs exercising every construct of the IR, for golden SQL fixtures. */
export function featureKpis(catalog: Catalog): KpiIR[] {
  const s = (c: string) => col(catalog, T.subscriptions, c);
  const e = (c: string) => col(catalog, T.events, c);
  const sessions = { source: 'analytics', table: 'sessions' } as const;
  return [
    kpi('row_predicates', ref('a'), [
      measure(catalog, 'a', 'sum', T.subscriptions, null, {
        type: 'decimal',
        arg: {
          kind: 'case',
          // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
          whens: [{ when: eq(s('currency'), str('EUR')), then: s('amount') }],
          else: { kind: 'binary', op: '*', left: s('amount'), right: lit(0.9) },
        },
        filter: {
          kind: 'binary',
          op: 'and',
          left: {
            kind: 'binary',
            op: 'and',
            left: {
              kind: 'in',
              operand: s('plan_type'),
              values: [str('pro'), str('enterprise')],
              negated: false,
            },
            right: { kind: 'between', operand: s('amount'), low: lit(10), high: lit(1000), negated: false },
          },
          right: {
            kind: 'binary',
            op: 'or',
            left: { kind: 'like', operand: s('status'), pattern: str('act%\\_'), negated: true },
            right: {
              kind: 'unary',
              op: 'not',
              operand: { kind: 'is_null', operand: s('canceled_at'), negated: false },
            },
          },
        },
      }),
    ]),
    kpi(
      'scalar_functions',
      {
        kind: 'call',
        fn: 'round',
        args: [
          {
            kind: 'binary',
            op: '+',
            left: {
              kind: 'binary',
              op: '/',
              left: { kind: 'call', fn: 'coalesce', args: [ref('a'), lit(0)] },
              right: { kind: 'call', fn: 'nullif', args: [ref('b'), lit(0)] },
            },
            right: {
              kind: 'binary',
              op: '%',
              left: { kind: 'call', fn: 'abs', args: [{ kind: 'unary', op: '-', operand: ref('b') }] },
              right: {
                kind: 'call',
                fn: 'greatest',
                args: [lit(3), { kind: 'call', fn: 'least', args: [ref('b'), lit(7)] }],
              },
            },
          },
          lit(2),
        ],
      },
      [
        measure(catalog, 'a', 'max', T.subscriptions, 'amount'),
        measure(catalog, 'b', 'min', T.subscriptions, 'amount'),
      ],
    ),
    kpi(
      'distinct_users',
      div(ref('users'), ref('sessions')),
      [
        measure(catalog, 'users', 'count_distinct', T.events, 'account_id'),
        measure(catalog, 'sessions', 'count', sessions, null),
      ],
      { dimensions: ['region'] },
    ),
    kpi('approx_users', ref('u'), [measure(catalog, 'u', 'approx_distinct', T.subscriptions, 'account_id')], {
      approximate: true,
    }),
    kpi('p95_amount', ref('p'), [
      measure(catalog, 'p', 'percentile', T.subscriptions, 'amount', { fraction: 0.95 }),
    ]),
    kpi('avg_session', ref('d'), [measure(catalog, 'd', 'avg', sessions, 'duration_s')]),
    kpi('cumulative_signups', { kind: 'to_date', expr: ref('n'), period: null }, [
      measure(catalog, 'n', 'count', T.accounts, null),
    ]),
    kpi(
      'rolling_previous',
      {
        kind: 'rolling',
        expr: { kind: 'previous', expr: ref('r'), offset: { amount: 1, unit: 'month' } },
        window: { amount: 3, unit: 'month' },
      },
      [measure(catalog, 'r', 'sum', T.subscriptions, 'amount')],
    ),
    kpi(
      'eu_purchases',
      ref('n'),
      [measure(catalog, 'n', 'count', T.events, null, { filter: eq(e('type'), str('purchase')) })],
      {
        filters: [eq({ kind: 'dimension', name: 'region' }, str('eu'))],
      },
    ),
    kpi('eu_arpa', div({ kind: 'kpi_ref', id: 'mrr' }, { kind: 'kpi_ref', id: 'signups' }), [], {
      filters: [eq({ kind: 'dimension', name: 'region' }, str('eu'))],
      dependsOn: ['mrr', 'signups'],
    }),
    kpi('loop_a', { kind: 'kpi_ref', id: 'loop_b' }, [], { dependsOn: ['loop_b'] }),
    kpi('loop_b', { kind: 'kpi_ref', id: 'loop_a' }, [], { dependsOn: ['loop_a'] }),
  ];
}
