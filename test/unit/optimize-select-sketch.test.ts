/**
 * select-rollups and HLL sketches (approx_distinct from a Druid rollup), by the rule alone: a sketch
 * answers only a range its rollup covers whole (distinct counts of pieces do not add up), never a
 * windowed instance, and only when the whole plan then runs on Druid SQL (Trino cannot read sketches);
 * otherwise the rule chooses again with sketches refused, and every other instance keeps its choice.
 * Also: a Druid rollup is priced by Druid's own costs unless the caller pinned a row cost.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Grain } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { selectRollups } from '../../src/optimize/rules/select-rollups.ts';
import type { OptimizeContext, RollupFacts, RowCost } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const base = loadRegistry(DEMO_KPI_FILES, catalog).registry;
const extra = analyzeDsl(
  `kpi paying = approx_distinct(payments.subscriptions.account_id)
   kpi paying_weekly = rolling(approx_distinct(payments.subscriptions.account_id), 7 days)
   kpi revenue_per_paying = sum(payments.subscriptions.amount) / approx_distinct(payments.subscriptions.account_id)
   kpi paying_per_signup = approx_distinct(payments.subscriptions.account_id) / count(users.accounts)`,
  { catalog, registry: base },
);
const registry = new Map(base);
for (const k of extra.kpis ?? []) registry.set(k.id, k);

const rollup = (fields: Partial<RollupDef> & Pick<RollupDef, 'name' | 'measures'>): RollupDef =>
  Object.freeze<RollupDef>({
    table: { source: 'payments', table: 'subscriptions' },
    grain: 'day',
    timezone: 'UTC',
    dimensions: [],
    filter: null,
    ...fields,
  });
const SKETCH = rollup({
  name: 'sketch',
  target: 'druid',
  measures: [{ fn: 'approx_distinct', column: 'account_id' }],
});
const SUMS = rollup({ name: 'sums', measures: [{ fn: 'sum', column: 'amount' }] });
const ACCOUNTS = rollup({
  name: 'accounts',
  table: { source: 'users', table: 'accounts' },
  measures: [{ fn: 'count', column: null }],
});

// Loaded through 2026: every range below ends before the watermark. A small rollup (cheap) or one as
// large as its source (dearer than raw on Druid's costs: 60 ms + 0.005 ms a row against Trino's 300 ms
// + 0.0009 ms a row, for the 500,000 rows of half its span).
const facts = (rows: number): RollupFacts => ({
  watermark: '2026-01-01T00:00:00Z',
  sourceStart: '2025-01-01T00:00:00Z',
  rows,
  sourceRows: 1_000_000,
  buildId: '1',
});
const CHEAP = facts(1_000);

function apply(
  kpi: string,
  rollups: readonly RollupDef[],
  o: { grain?: Grain | null; end?: string; rowCost?: RowCost; dear?: string } = {},
) {
  const query: MetricQuery = {
    kpi,
    grain: o.grain === undefined ? 'month' : o.grain,
    range: { start: '2025-01-01T00:00:00Z', end: o.end ?? '2025-07-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
  };
  const plan = planQuery(registry.get(kpi)!, query, { catalog, registry });
  const ctx: OptimizeContext = {
    catalog,
    rollups,
    facts: new Map(rollups.map((r) => [r.name, r.name === o.dear ? facts(1_000_000) : CHEAP])),
    ...(o.rowCost ? { rowCost: o.rowCost } : {}),
  };
  const result = selectRollups.apply(plan, ctx);
  return { plan: result.plan, choices: result.choices! };
}

describe('select-rollups: a sketch answers a whole covered range on Druid SQL', () => {
  it('reads the sketch column alone (no stitch), priced by Druid SQL', () => {
    const { plan, choices } = apply('paying', [SKETCH]);
    expect(choices[0]).toMatchObject({ chosen: 'sketch', rejected: [] });
    expect(choices[0]!.estimate).toMatch(/; Druid SQL [\d.]+ ms for \d+ rollup rows vs raw Trino/);
    const [m] = plan.root.input.inputs;
    expect(m).toMatchObject({
      kind: 'aggregate',
      fn: 'approx_distinct',
      arg: { kind: 'column', column: 'approx_distinct_account_id' },
    });
  });

  it('prices a Druid rollup by the row cost a caller pinned instead', () => {
    const pinned: RowCost = { factor: 2.5, basis: 'pinned for the test', pinned: true };
    const { choices } = apply('paying', [SKETCH], { rowCost: pinned });
    expect(choices[0]!.chosen).toBe('sketch');
    expect(choices[0]!.estimate).toContain('× row cost 2.50 (pinned for the test)');
    expect(choices[0]!.estimate).not.toContain('Druid');
  });
});

describe('select-rollups: where a sketch cannot answer', () => {
  it('a range the rollup does not cover whole: pieces would need raw rows, named in the reason', () => {
    // Past the watermark (2026-01-01) the tail is raw.
    const { choices } = apply('paying', [SKETCH], { end: '2026-03-01T00:00:00Z' });
    expect(choices[0]!.chosen).toBeNull();
    expect(choices[0]!.rejected).toEqual([
      'rollup sketch: its sketch answers only a range it covers whole (rollup [2025-01-01T00:00:00.000Z, 2026-01-01T00:00:00.000Z), raw [2026-01-01T00:00:00.000Z, 2026-03-01T00:00:00.000Z)): distinct counts of pieces do not add up',
    ]);
  });

  it('a windowed instance: its windows would add up sketches', () => {
    const { choices } = apply('paying_weekly', [SKETCH], { grain: 'day', end: '2025-02-01T00:00:00Z' });
    expect(choices[0]!.chosen).toBeNull();
    expect(choices[0]!.rejected).toEqual([
      'rollup sketch: a windowed distinct count cannot add up sketches over its windows',
    ]);
  });

  it('a plan Druid SQL cannot run: the sketch is refused, the other instance keeps its rollup', () => {
    // users.accounts is not in Druid, so the plan runs on Trino, which cannot merge HLL sketches.
    const { plan, choices } = apply('paying_per_signup', [SKETCH, ACCOUNTS]);
    const [paying, signups] = choices;
    expect(paying!.source).toBe('paying_per_signup.m1');
    expect(paying!.chosen).toBeNull();
    expect(paying!.rejected).toHaveLength(1);
    expect(paying!.rejected[0]).toMatch(
      /^rollup sketch: its sketch is read by Druid SQL only, and this plan cannot run there \(.+\)$/,
    );
    expect(signups!.chosen).toBe('accounts');
    // The approx_distinct instance reads the subscriptions table again.
    const m1 = plan.root.input.inputs.find((m) => m.kind === 'aggregate' && m.fn === 'approx_distinct');
    expect(m1).toMatchObject({ input: { input: { table: { source: 'payments', table: 'subscriptions' } } } });
  });

  it('a sketch dearer than raw stays a cost refusal, beside another instance read from a rollup', () => {
    // Half the span's 1,000,000 rows: Druid ~60 + 0.005 × 500,000 ms against Trino's ~300 + 0.0009 ×
    // 500,000: about 3.4 times raw. No sketch is used, so the plan's engine is not asked about sketches: the reason stays the cost.
    const { choices } = apply('revenue_per_paying', [SKETCH, SUMS], { dear: 'sketch' });
    const [revenue, paying] = choices;
    expect(revenue!.chosen).toBe('sums');
    expect(paying!.chosen).toBeNull();
    // (the other rollup is refused for holding no sketch)
    expect(paying!.rejected).toEqual([
      'rollup sums: approximate distinct needs an HLL sketch, which only a Druid rollup stores',
      expect.stringMatching(/^rollup sketch: matches, but cost 3\.\d+ of raw .* no cheaper than raw/),
    ]);
  });
});
