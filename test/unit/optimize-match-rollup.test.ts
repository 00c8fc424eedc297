/**
 * matchRollup on its own: why a rollup of the scanned table can never answer a measure instance, and the
 * rewrite it gives when it can. Each case is a planned demo KPI, sometimes with one field changed by
 * hand (a shape the planner gives rarely), so the refusal it pins cannot hide behind an earlier one.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { matchRollup } from '../../src/optimize/match-rollup.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import type { Aggregate } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { DRUID_ROLLUP_SOURCE } from '../../src/rollup/names.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const demo = loadRegistry(DEMO_KPI_FILES, catalog).registry;
const registry = new Map(demo);
for (const k of analyzeDsl('kpi paying = approx_distinct(payments.subscriptions.account_id)', {
  catalog,
  registry: demo,
}).kpis ?? [])
  registry.set(k.id, k);
const ctx: OptimizeContext = { catalog, rollups: [], facts: new Map() };

const SUBSCRIPTIONS = { source: 'payments', table: 'subscriptions' } as const;
const rollup = (fields: Partial<RollupDef> = {}): RollupDef =>
  Object.freeze<RollupDef>({
    name: 'r',
    table: SUBSCRIPTIONS,
    grain: 'day',
    timezone: 'UTC',
    dimensions: ['region', 'plan_type'],
    measures: [
      { fn: 'sum', column: 'amount' },
      { fn: 'count', column: null },
      { fn: 'count', column: 'amount' },
    ],
    filter: null,
    ...fields,
  });

/** The first measure instance of a demo KPI's plan. */
function instance(kpi: string, o: Partial<MetricQuery> = {}): Aggregate {
  const query: MetricQuery = {
    kpi,
    grain: 'month',
    range: { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
    ...o,
  };
  const plan = planQuery(registry.get(kpi)!, query, { catalog, registry });
  const first = plan.root.input.inputs[0]!;
  if (first.kind !== 'aggregate') throw new Error(`expected an aggregate, got ${first.kind}`);
  return first;
}

const reasons = (a: Aggregate, r: RollupDef) => {
  const m = matchRollup(a, r, ctx);
  return Array.isArray(m) ? m : [];
};
const rewrite = (a: Aggregate, r: RollupDef) => {
  const m = matchRollup(a, r, ctx);
  if (Array.isArray(m)) throw new Error(`no match: ${m.join('; ')}`);
  return m;
};

describe('matchRollup: what a rollup of the same table cannot answer', () => {
  it('refuses an argument column of a joined table even when the rollup stores a column of that name', () => {
    const a = instance('revenue');
    const joined = {
      ...a,
      arg: { ...(a.arg as RowExpr & { kind: 'column' }), table: { source: 'users', table: 'accounts' } },
    };
    expect(reasons(a, rollup())).toEqual([]);
    expect(reasons(joined as Aggregate, rollup())).toEqual([
      'the argument of `revenue.m1` is an expression, not a stored column',
    ]);
  });

  it('refuses a percentile and a count distinct with the reason of each', () => {
    expect(reasons(instance('p95_subscription_amount'), rollup())).toEqual([
      'a percentile cannot be re-aggregated from a rollup',
    ]);
    const events = rollup({
      table: { source: 'analytics', table: 'events' },
      dimensions: [],
      measures: [{ fn: 'count', column: 'account_id' }],
    });
    expect(reasons(instance('distinct_active_accounts'), events)).toEqual([
      'count distinct cannot be re-aggregated from a rollup',
    ]);
  });

  it('names a missing count(*) as such', () => {
    const sums = rollup({ measures: [{ fn: 'sum', column: 'amount' }] });
    expect(reasons(instance('new_subscriptions'), sums)).toEqual(['measure count(*) is not in the rollup']);
  });

  it("takes the rollup's own filter out of the query's conditions, and still checks the others", () => {
    // eu_pro_revenue's measure filters region and plan_type; a rollup filtered the same way answers it,
    // but not a query that also filters on channel, a column the rollup does not have.
    const own = instance('eu_pro_revenue');
    expect(own.input.conditions).toHaveLength(1);
    const filtered = rollup({ filter: own.input.conditions[0]! });
    const m = rewrite(own, filtered);
    const window = { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' };
    expect(m.outputs[0]!.rollup(window).input.conditions).toEqual([]);
    const ads = parseFilter("channel = 'ads'", { catalog, registry }).expr!;
    const more = instance('eu_pro_revenue', { filters: [ads] });
    expect(more.input.conditions).toHaveLength(2);
    expect(reasons(more, filtered)).toEqual(['filtered column `channel` is not in the rollup']);
  });

  it('names a filtered dimension the rollup cannot see', () => {
    const a = instance('revenue');
    // An unresolved dimension reference, as a filter is parsed before the planner resolves it.
    const onDimension = parseFilter("region = 'eu'", { catalog, registry }).expr!;
    expect(JSON.stringify(onDimension)).toContain('"kind":"dimension"');
    const withDimension = { ...a, input: { ...a.input, conditions: [onDimension] } } as Aggregate;
    expect(reasons(withDimension, rollup())).toEqual(['filtered dimension `region` is not in the rollup']);
  });
});

describe('matchRollup: the table, the time column and the fraction', () => {
  it('refuses a rollup of another table, naming both', () => {
    const accounts = rollup({ table: { source: 'users', table: 'accounts' } });
    expect(reasons(instance('revenue'), accounts)).toEqual([
      'reads payments.subscriptions, not users.accounts',
    ]);
  });

  it("refuses a time column of a joined table, though it has the name of the rollup's time column", () => {
    const a = instance('revenue');
    const time = a.bucketing.time;
    expect(time.column).toBe(catalog.sources.payments!.tables.subscriptions!.timeColumn);
    const joined = {
      ...a,
      bucketing: { ...a.bucketing, time: { ...time, table: { source: 'users', table: 'accounts' } } },
    };
    expect(reasons(joined as Aggregate, rollup())).toEqual([
      `measure \`revenue.m1\` is bucketed on \`${time.column}\`, the rollup on its time column`,
    ]);
  });

  it('refuses any aggregate with a fraction: only the whole rows give a fraction of them', () => {
    // Only percentiles carry a fraction (refused by name above); a sum with one is refused all the same.
    const a = { ...instance('revenue'), fraction: 0.5 };
    expect(reasons(a, rollup())).toEqual(['sum cannot be re-aggregated']);
  });
});

describe('matchRollup: approx_distinct reads an HLL sketch of a Druid rollup', () => {
  const druid = (measures: RollupDef['measures']) => rollup({ target: 'druid', measures });
  const SKETCH = { fn: 'approx_distinct', column: 'account_id' } as const;

  it('refuses a metrics-store rollup, even one declaring the measure (the loaders refuse such a rollup)', () => {
    expect(reasons(instance('paying'), rollup({ measures: [SKETCH] }))).toEqual([
      'approximate distinct needs an HLL sketch, which only a Druid rollup stores',
    ]);
  });

  it('refuses a Druid rollup without a sketch of that column, whatever else it stores of it', () => {
    const others = druid([
      { fn: 'count', column: 'account_id' },
      { fn: 'approx_distinct', column: 'region' },
    ]);
    expect(reasons(instance('paying'), others)).toEqual([
      'measure approx_distinct(account_id) is not in the rollup (no sketch of it)',
    ]);
    // Without an argument (no planned KPI has one) the message names `*`, as for count(*).
    expect(reasons({ ...instance('paying'), arg: null }, druid([SKETCH]))).toEqual([
      'measure approx_distinct(*) is not in the rollup (no sketch of it)',
    ]);
  });

  it('rewrites to the sketch column, merged by the same aggregate, marked as a sketch', () => {
    const a = instance('paying');
    const m = rewrite(a, druid([{ fn: 'sum', column: 'amount' }, SKETCH]));
    expect(m.sketch).toBe(true);
    expect(m.value).toBeNull();
    expect(m.outputs.map((o) => [o.name, o.combine])).toEqual([[a.name, 'sum']]);
    const window = { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' };
    const onRollup = m.outputs[0]!.rollup(window);
    expect(onRollup).toMatchObject({
      fn: 'approx_distinct',
      arg: {
        kind: 'column',
        table: { source: DRUID_ROLLUP_SOURCE, table: 'r' },
        column: 'approx_distinct_account_id',
      },
      bucketing: { kind: 'truncate', range: window },
    });
    // The raw side is the instance itself over the window.
    expect(m.outputs[0]!.raw(window)).toEqual({ ...a, bucketing: { ...a.bucketing, range: window } });
  });
});

describe('matchRollup: the rewrite of a count', () => {
  it('zero-fills a total count (no grain, no dimension) and nothing else', () => {
    const zeroFill = { kind: 'zero_fill', operand: { kind: 'col', name: 'm0' } };
    expect(rewrite(instance('new_subscriptions', { grain: null }), rollup()).value).toEqual(zeroFill);
    expect(rewrite(instance('new_subscriptions'), rollup()).value).toBeNull();
    expect(
      rewrite(instance('new_subscriptions', { grain: null, dimensions: ['region'] }), rollup()).value,
    ).toBeNull();
  });
});
