/**
 * Split plans' pure half (src/optimize/split.ts, rules/choose-engine.ts): which plans may run as a split
 * plan and why not, and what each way costs by estimate, on the demo catalog with rollup_state given as
 * data. test/integration/optimize-split.test.ts runs the chosen plans on the real stack.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { contextFrom } from '../../src/optimize/context.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import {
  DEFAULT_ENGINE_COSTS,
  type EngineCosts,
  engineEstimate,
  splitRefusal,
} from '../../src/optimize/split.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { withRollups } from '../../src/rollup/names.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState, thousandDays } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) =>
  ['subscriptions_daily', 'accounts_daily'].includes(r.name),
);
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
// KPIs that exercise each refusal; analyzed over the demo registry.
const extra = analyzeDsl(
  `
kpi split_round "round" { formula: round(sum(payments.subscriptions.amount), 1) grains: day }
kpi split_text "a string literal" { formula: case when 'eu' = 'eu' then sum(payments.subscriptions.amount) else 0 end grains: day }
kpi split_least "least" { formula: least(sum(payments.subscriptions.amount), count(users.accounts.id)) grains: day }
kpi split_approx "approx" { formula: approx_distinct(payments.subscriptions.account_id) grains: day }
kpi split_events "events" { formula: count(analytics.events) / count(users.accounts.id) grains: day }
kpi split_rounded "rounded revenue" { formula: round(sum(payments.subscriptions.amount), 1) grains: day }
kpi split_shared "a shared value" { formula: split_rounded / (split_rounded + count(users.accounts.id)) grains: day }
kpi split_region_text "text aggregate" { formula: case when max(payments.subscriptions.region) = 'eu' then count(users.accounts.id) else 0 end grains: day }
kpi split_joined "joined" { formula: sum(payments.subscriptions.amount where users.accounts.region = 'eu') grains: day }
`,
  { catalog, registry },
);
const all = new Map([...registry, ...extra.kpis.map((k) => [k.id, k] as const)]);
const _DAY = 86_400_000;
const WATERMARK = '2026-06-30T00:00:00.000Z';
// 1,000 source rows a day before the watermark, 10 rollup rows a day (10,000 for 1,000 days).
const state = (name: string, over: Partial<RollupState> = {}): RollupState =>
  publishedState(rollups.find((r) => r.name === name)!, WATERMARK, { ...thousandDays(WATERMARK), ...over });
const ctxOf = (...states: RollupState[]) =>
  contextFrom(catalog, rollups, new Map(states.map((s) => [s.name, s])), { factor: 0, basis: 'test' });
const known = ctxOf(state('subscriptions_daily'), state('accounts_daily'));
const withStore = withRollups(catalog, rollups);

const query = (kpi: string, start = '2026-06-01T00:00:00Z', end = '2026-07-01T00:00:00Z'): MetricQuery => ({
  kpi,
  grain: 'day',
  range: { start, end },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
});
const plan = (kpi: string, ctx: OptimizeContext = known, q = query(kpi)) => {
  const k = all.get(kpi);
  if (!k) throw new Error(`no KPI ${kpi}: ${JSON.stringify(extra.diagnostics)}`);
  return optimize(planQuery(k, q, { catalog, registry: all }), ctx);
};

describe('splitRefusal', () => {
  it('accepts a stitched plan: the rollup piece on the metrics store, the raw tail on PostgreSQL', () => {
    const r = plan('revenue');
    expect(r.plan.root.input.inputs.map((m) => m.kind)).toEqual(['stitch']);
    expect(splitRefusal(r.plan, withStore)).toBeNull();
  });

  it('names what only SQL can do: a spine, a window, approx_distinct, a text value, a non-direct engine', () => {
    expect(splitRefusal(plan('mrr_active').plan, withStore)).toBe(
      'a spine of buckets (windowed or interval-valid measure) is generated in SQL',
    );
    expect(extra.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // By region the windowed measure has no shared spine, but its own bucketing is still a window.
    const byRegion = plan('mrr_active', known, { ...query('mrr_active'), dimensions: ['region'] }).plan;
    expect(byRegion.root.input.spine).toBeNull();
    expect(splitRefusal(byRegion, withStore)).toMatch(/ is windowed or interval-valid$/);
    expect(splitRefusal(plan('split_region_text').plan, withStore)).toMatch(
      / is a string, combined only in SQL$/,
    );
    expect(splitRefusal(plan('split_approx').plan, withStore)).toMatch(/ uses approx_distinct$/);
    expect(splitRefusal(plan('split_events').plan, withStore)).toMatch(/ reads analytics \(mongodb\)$/);
    expect(splitRefusal(plan('split_joined').plan, withStore)).toMatch(/ joins tables of 2 connections$/);
  });

  it('names the formula function the process cannot evaluate as SQL would', () => {
    expect(splitRefusal(plan('split_round').plan, withStore)).toBe(
      'the formula uses round (rounds the exact decimal, not a double)',
    );
    expect(splitRefusal(plan('split_text').plan, withStore)).toBe("the formula uses the string literal 'eu'");
    // Read twice, the rounded revenue is a shared value: the refusal comes from there.
    const shared = plan('split_shared').plan;
    expect(shared.root.shared?.length).toBe(1);
    expect(splitRefusal(shared, withStore)).toBe(
      'the formula uses round (rounds the exact decimal, not a double)',
    );
    expect(splitRefusal(plan('split_least').plan, withStore)).toBe(
      'the formula uses least (NULL handling differs between engines)',
    );
  });
});

describe('engineEstimate', () => {
  // Distinct costs a term each, so every term shows in the total.
  const costs: EngineCosts = {
    trinoFixedMs: 1_000,
    trinoRowMs: 1,
    directFixedMs: 100_000,
    directRowMs: { postgres: 10, timescale: 1_000 },
  };

  it('counts the rollup rows and raw rows each piece reads, per connection, against one Trino statement', () => {
    const p = plan('revenue').plan;
    // 29 days of the rollup (10 rows a day) on metrics, 1 day raw (1,000 rows) on payments.
    const e = engineEstimate(p, withStore, known, costs);
    expect(e.parts).toBe(2);
    expect(e.trinoMs).toBeCloseTo(1_000 + 1_290, 6);
    expect(e.splitMs).toBeCloseTo(Math.max(100_000 + 290 * 1_000, 100_000 + 1_000 * 10), 6);
    expect(e.text).toBe(
      'split 390000.0 ms vs one trino statement 2290.0 ms by estimate (2 parts on metrics, payments; 1290 rows by estimate)',
    );
  });

  it('adds the parts of one connection and takes the slowest connection', () => {
    // A month straddling the watermark on both ends: raw head and tail on payments, the rollup between.
    const p = plan('revenue', known, query('revenue', '2026-05-31T12:00:00Z', '2026-07-01T00:00:00Z')).plan;
    const e = engineEstimate(p, withStore, known, costs);
    expect(e.parts).toBe(3);
    // Head: 12 hours (500 rows); tail: 1 day (1,000 rows); rollup: 29 days (290 rows).
    expect(e.trinoMs).toBeCloseTo(1_000 + 1_790, 6);
    expect(e.splitMs).toBeCloseTo(100_000 + 290 * 1_000, 6);
    const flat = { ...costs, directRowMs: { postgres: 1_000, timescale: 10 } };
    expect(engineEstimate(p, withStore, known, flat).splitMs).toBeCloseTo(2 * 100_000 + 1_500 * 1_000, 6);
  });

  it('counts a read it cannot estimate as no rows, and says how many', () => {
    const blind = ctxOf(
      state('subscriptions_daily', { sourceRows: null, sourceStart: null }),
      state('accounts_daily'),
    );
    const p = plan('revenue').plan;
    const e = engineEstimate(p, withStore, blind);
    expect(e.parts).toBe(2);
    expect(e.trinoMs).toBe(DEFAULT_ENGINE_COSTS.trinoFixedMs);
    expect(e.text).toMatch(/; 0 rows by estimate \(2 of 2 reads unknown\)\)$/);
    expect(engineEstimate(p, withStore, known).text).toMatch(/; 1290 rows by estimate\)$/);
  });
});

describe('choose-engine', () => {
  it('runs a plan over two connections split when that is cheaper, and says both estimates', () => {
    const r = plan('revenue');
    expect(r.engine?.dialect).toBe('split');
    expect(r.engine?.connection).toBeNull();
    expect(r.engine?.reason).toMatch(/: split [\d.]+ ms vs one trino statement [\d.]+ ms by estimate/);
  });

  it('sends a plan that cannot be split to Trino with the refusal, and one dearer split to Trino with its estimate', () => {
    const refused = plan('split_events');
    expect(refused.engine?.dialect).toBe('trino');
    expect(refused.engine?.reason).toMatch(/; not split: .* reads analytics \(mongodb\)$/);
    expect(refused.steps.at(-1)!.notes).toEqual([`engine trino: ${refused.engine!.reason}`]);
    // A rollup of a million rows a day read on the metrics store costs more than Trino reading it.
    const huge = ctxOf(state('subscriptions_daily', { aggRows: 1_000_000_000 }), state('accounts_daily'));
    const dear = plan('revenue', huge);
    expect(dear.plan.root.input.inputs.map((m) => m.kind)).toEqual(['stitch']);
    expect(dear.engine?.dialect).toBe('trino');
    expect(dear.engine?.reason).toMatch(/; not split: split [\d.]+ ms vs one trino statement [\d.]+ ms/);
  });

  it('runs a plan on one PostgreSQL connection there, and names the connection', () => {
    const r = plan('revenue', ctxOf());
    expect(r.engine).toMatchObject({ dialect: 'postgres', connection: 'payments' });
    expect(r.steps.at(-1)!.notes[0]).toMatch(/^engine postgres on payments: /);
  });
});
