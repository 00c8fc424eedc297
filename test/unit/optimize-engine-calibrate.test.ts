/**
 * Engine costs (split plan vs one Trino statement) fitted to observed runtimes, and a live optimizer that
 * re-chooses the engine when they move — while split runs never feed the row cost (their wall time is
 * the slowest of several engines' parts, not one engine's reading).
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { rowsRead } from '../../src/optimize/calibrate.ts';
import {
  EngineCostCalibration,
  MAX_DIRECT_SCALE,
  MIN_DIRECT_RUNS,
  MIN_TRINO_RUNS,
} from '../../src/optimize/engine-calibrate.ts';
import { LiveOptimizer } from '../../src/optimize/live.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { DEFAULT_ENGINE_COSTS } from '../../src/optimize/split.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState, thousandDays } from '../support/rollup-state.ts';

describe('engine costs fitted to observed runs', () => {
  it('recovers Trino fixed and per-row costs from one-statement runs', () => {
    const c = new EngineCostCalibration();
    for (let i = 0; i < MIN_TRINO_RUNS - 1; i++)
      c.observeTrino(100_000 * (i + 1), 650 + 0.002 * 100_000 * (i + 1));
    expect(c.current()).toBeNull();
    c.observeTrino(1_000_000, 650 + 2_000);
    const fitted = c.current()!;
    expect(fitted.costs.trinoFixedMs).toBeCloseTo(650, 6);
    expect(fitted.costs.trinoRowMs).toBeCloseTo(0.002, 9);
    expect(fitted.costs.directFixedMs).toBe(DEFAULT_ENGINE_COSTS.directFixedMs);
    expect(fitted.basis).toBe(`fitted from ${MIN_TRINO_RUNS} trino runs`);
  });

  it('fits the fixed cost alone, with the default per row, when every run read the same rows', () => {
    const c = new EngineCostCalibration();
    for (let i = 0; i < MIN_TRINO_RUNS; i++) c.observeTrino(10_000, 400 + (i % 2 ? 10 : -10));
    expect(c.current()!.costs.trinoRowMs).toBe(DEFAULT_ENGINE_COSTS.trinoRowMs);
    expect(c.current()!.costs.trinoFixedMs).toBeCloseTo(400 - 10_000 * DEFAULT_ENGINE_COSTS.trinoRowMs, 0);
  });

  it('scales direct costs by observed over estimated time, clamped, and ignores runs with no time', () => {
    const c = new EngineCostCalibration();
    c.observeDirect(10, Number.NaN);
    c.observeDirect(0, 30);
    for (let i = 0; i < MIN_DIRECT_RUNS; i++) c.observeDirect(10 * (i + 1), 30 * (i + 1));
    const fitted = c.current()!;
    expect(fitted.costs.directFixedMs).toBeCloseTo(DEFAULT_ENGINE_COSTS.directFixedMs * 3, 9);
    expect(fitted.costs.directRowMs.timescale).toBeCloseTo(
      DEFAULT_ENGINE_COSTS.directRowMs.timescale * 3,
      12,
    );
    expect(fitted.costs.trinoFixedMs).toBe(DEFAULT_ENGINE_COSTS.trinoFixedMs);
    for (let i = 0; i < 200; i++) c.observeDirect(1, 10_000);
    expect(c.current()!.costs.directFixedMs).toBeCloseTo(
      DEFAULT_ENGINE_COSTS.directFixedMs * MAX_DIRECT_SCALE,
      9,
    );
  });
});

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) => r.name === 'subscriptions_daily');
const daily = rollups[0]!;
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const WATERMARK = '2026-06-30T00:00:00.000Z';
const state: RollupState = publishedState(daily, WATERMARK, thousandDays(WATERMARK));
const query: MetricQuery = {
  kpi: 'revenue',
  grain: 'day',
  range: { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};
const planned = planQuery(registry.get('revenue')!, query, { catalog, registry });
const start = () =>
  LiveOptimizer.start({ catalog, rollups, readStates: async () => new Map([[daily.name, state]]) });

describe('a live optimizer and observed engine runtimes', () => {
  it('re-chooses one Trino statement over a split plan when Trino runs prove cheap, and EXPLAIN says why', async () => {
    const live = await start();
    const before = optimize(planned, live.context);
    expect(before.engine?.dialect).toBe('split');
    const gen = live.generation;
    // A Trino that answers in 2 ms whatever it reads: cheaper than the split plan's two round trips.
    for (let i = 0; i < MIN_TRINO_RUNS; i++) live.observe(live.context, planned, 2 + i * 1e-6, 'trino');
    expect(live.generation).toBeGreaterThan(gen);
    const after = optimize(planned, live.context);
    expect(after.engine?.dialect).toBe('trino');
    expect(after.engine?.reason).toMatch(/engine costs fitted from \d+ trino runs/);
    live.close();
  });

  it('never fits the row cost to split runs, however their times fall', async () => {
    // Runs of three ranges, raw and stitched, timed as if a rollup row cost 30 source rows.
    const plans = ['2026-06-01T00:00:00Z', '2026-03-01T00:00:00Z', '2025-07-01T00:00:00Z'].map((from) =>
      planQuery(
        registry.get('revenue')!,
        { ...query, range: { ...query.range, start: from } },
        { catalog, registry },
      ),
    );
    const feed = (live: LiveOptimizer, ranOn: string) => {
      for (let i = 0; i < 3; i++) {
        for (const raw of plans) {
          for (const plan of [raw, optimize(raw, live.context).plan]) {
            const rows = rowsRead(plan, live.context)!;
            live.observe(live.context, plan, 800 + rows.raw / 1_000 + (rows.rollup * 30) / 1_000, ranOn);
          }
        }
      }
    };
    const split = await start();
    feed(split, 'split');
    expect(split.context.rowCost).toBeUndefined();
    // The same runs on one engine do move it.
    const direct = await start();
    feed(direct, 'timescale');
    expect(direct.context.rowCost?.factor).toBeCloseTo(30, 3);
    split.close();
    direct.close();
  });
});
