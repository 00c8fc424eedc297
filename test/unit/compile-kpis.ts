/**
 * KPI IR values built by hand for the compiler's unit tests (independent of the language front end).
 */
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
