/**
 * Which runs a live optimizer feeds to the engine-cost fit (engine-calibrate.ts), and when the fitted
 * costs move its context: one-statement Trino runs fit Trino's line over every row they read, direct
 * runs scale the direct costs by observed over estimated time, Druid runs and unestimable runs feed
 * nothing; the context (and the generation) moves only once a fit exists and has moved by more than
 * ROW_COST_STEP, and keeps the fitted costs across re-reads of rollup_state.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { rowsRead } from '../../src/optimize/calibrate.ts';
import { MIN_DIRECT_RUNS, MIN_TRINO_RUNS } from '../../src/optimize/engine-calibrate.ts';
import { LiveOptimizer, ROW_COST_STEP, readsDruid } from '../../src/optimize/live.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { DEFAULT_ENGINE_COSTS, engineEstimate } from '../../src/optimize/split.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import type { Plan } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { withRollups } from '../../src/rollup/names.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState, thousandDays } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) => r.name === 'subscriptions_daily');
const daily = rollups[0]!;
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const WATERMARK = '2026-06-30T00:00:00.000Z';
const query: MetricQuery = {
  kpi: 'revenue',
  grain: 'day',
  range: { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};
const revenue = (start: string) =>
  planQuery(registry.get('revenue')!, { ...query, range: { ...query.range, start } }, { catalog, registry });
const RANGES = ['2026-06-01T00:00:00Z', '2026-03-01T00:00:00Z', '2025-07-01T00:00:00Z'];
const windowed = planQuery(
  registry.get('mrr_active')!,
  { ...query, kpi: 'mrr_active' },
  { catalog, registry },
);

async function start(state: RollupState = publishedState(daily, WATERMARK, thousandDays(WATERMARK))) {
  let current = state;
  const live = await LiveOptimizer.start({
    catalog,
    rollups,
    readStates: async () => new Map([[daily.name, current]]),
  });
  return {
    live,
    /** rollup_state from now on (the next reload reads it). */
    set: (s: RollupState) => {
      current = s;
    },
  };
}

/** What the default engine costs estimate a direct run of `plan` takes. */
const estimate = (plan: Plan, ctx: OptimizeContext) =>
  engineEstimate(plan, withRollups(ctx.catalog, ctx.rollups), ctx, DEFAULT_ENGINE_COSTS);

describe('engine runs a live optimizer observes', () => {
  it('scales the direct costs by direct runs taking three times their estimate', async () => {
    const { live } = await start();
    const plans = RANGES.map(revenue);
    for (let i = 0; i < MIN_DIRECT_RUNS; i++) {
      const plan = plans[i % plans.length]!;
      expect(estimate(plan, live.context).unknown).toBe(0);
      live.observe(live.context, plan, 3 * estimate(plan, live.context).splitMs, 'timescale');
    }
    const fitted = live.context.engineCosts!;
    expect(fitted.basis).toBe(`fitted from ${MIN_DIRECT_RUNS} direct or split runs`);
    expect(fitted.costs.directFixedMs).toBeCloseTo(3 * DEFAULT_ENGINE_COSTS.directFixedMs, 9);
    expect(fitted.costs.trinoFixedMs).toBe(DEFAULT_ENGINE_COSTS.trinoFixedMs);
    live.close();
  });

  it("fits Trino's line over the source and rollup rows a run reads together", async () => {
    const { live } = await start();
    // Raw and stitched reads, each costing 500 ms plus 1 µs a row read, whatever kind of row.
    const plans = RANGES.map(revenue).flatMap((raw) => [raw, optimize(raw, live.context).plan]);
    const rows = plans.map((p) => rowsRead(p, live.context)!);
    expect(rows.some((r) => r.rollup > 0 && r.raw > 0)).toBe(true);
    for (let i = 0; i < MIN_TRINO_RUNS; i++)
      live.observe(live.context, plans[i]!, 500 + (rows[i]!.raw + rows[i]!.rollup) / 1_000, 'trino');
    const costs = live.context.engineCosts!.costs;
    expect(costs.trinoFixedMs).toBeCloseTo(500, 6);
    expect(costs.trinoRowMs).toBeCloseTo(0.001, 9);
    live.close();
  });

  it('feeds nothing from runs whose reads cannot be estimated', async () => {
    const { live } = await start();
    const generation = live.generation;
    expect(estimate(windowed, live.context).unknown).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      live.observe(live.context, windowed, 50_000 * (i + 1), 'trino');
      live.observe(live.context, windowed, 50_000 * (i + 1), 'timescale');
    }
    expect(live.context.engineCosts).toBeUndefined();
    expect(live.generation).toBe(generation);
    live.close();
  });

  it('feeds nothing from runs on Druid: its rows have their own price', async () => {
    // The same rollup loaded into Druid, and a plan reading it there.
    const druidDaily = { ...daily, target: 'druid' as const };
    const state = publishedState(druidDaily, WATERMARK, thousandDays(WATERMARK));
    const live = await LiveOptimizer.start({
      catalog,
      rollups: [druidDaily],
      readStates: async () => new Map([[daily.name, state]]),
    });
    const generation = live.generation;
    const plan = optimize(revenue(RANGES[2]!), live.context).plan;
    expect(readsDruid(plan)).toBe(true);
    // Its reads can be estimated, so nothing but its engine keeps it out of the direct-cost fit.
    expect(estimate(plan, live.context).unknown).toBe(0);
    for (let i = 0; i < 20; i++) live.observe(live.context, plan, 50_000 * (i + 1), 'druid');
    expect(live.context.engineCosts).toBeUndefined();
    expect(live.generation).toBe(generation);
    live.close();
  });
});

describe('engine costs a live optimizer adopts', () => {
  /** `n` direct runs of the raw 30-day plan, each taking `times` its estimate. */
  const direct = (live: LiveOptimizer, n: number, times: number) => {
    const plan = revenue(RANGES[0]!);
    for (let i = 0; i < n; i++)
      live.observe(live.context, plan, times * estimate(plan, live.context).splitMs, 'timescale');
  };

  it('leaves the context and its generation alone until a fit exists', async () => {
    const { live } = await start();
    const generation = live.generation;
    direct(live, MIN_DIRECT_RUNS - 1, 3);
    expect(live.generation).toBe(generation);
    expect(live.context.engineCosts).toBeUndefined();
    direct(live, 1, 3);
    expect(live.generation).toBe(generation + 1);
    live.close();
  });

  it('moves to new costs only when they differ by more than ROW_COST_STEP', async () => {
    const { live } = await start();
    direct(live, MIN_DIRECT_RUNS, 3);
    const adopted = live.generation;
    const costs = live.context.engineCosts;
    // More runs at the same ratio fit the same costs: plans stay as chosen.
    direct(live, 10, 3);
    expect(live.generation).toBe(adopted);
    expect(live.context.engineCosts).toBe(costs);
    // Runs at ten times their estimate move the fitted ratio past 3 × ROW_COST_STEP.
    direct(live, 10, 10);
    expect(live.generation).toBeGreaterThan(adopted);
    expect(live.context.engineCosts!.costs.directFixedMs).toBeGreaterThan(
      3 * ROW_COST_STEP * DEFAULT_ENGINE_COSTS.directFixedMs,
    );
    live.close();
  });

  it('keeps the fitted costs when a re-read of rollup_state changes the context', async () => {
    const { live, set } = await start();
    direct(live, MIN_DIRECT_RUNS, 3);
    const costs = live.context.engineCosts;
    const generation = live.generation;
    set(publishedState(daily, '2026-07-01T00:00:00.000Z', thousandDays('2026-07-01T00:00:00.000Z')));
    await live.reload();
    expect(live.generation).toBeGreaterThan(generation);
    expect(live.context.facts.get(daily.name)?.watermark).toBe('2026-07-01T00:00:00.000Z');
    expect(live.context.engineCosts).toBe(costs);
    live.close();
  });
});
