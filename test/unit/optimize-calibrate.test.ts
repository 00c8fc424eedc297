/**
 * The cost estimate's inputs in a running service: the rows a plan reads (from the rollups' recorded
 * counts) and the row cost fitted to observed runtimes, which re-chooses plans once it moves.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import {
  MAX_FACTOR,
  MIN_FACTOR,
  MIN_RUNS,
  RowCostCalibration,
  rowsRead,
} from '../../src/optimize/calibrate.ts';
import { contextFrom } from '../../src/optimize/context.ts';
import { LiveOptimizer, ROW_COST_STEP, readsDruid } from '../../src/optimize/live.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import type { RollupFacts } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState, thousandDays } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) => r.name === 'subscriptions_daily');
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const daily = rollups[0]!;
const DAY = 86_400_000;

// 1,000 days of source rows (1,000 a day) before the watermark, summarized in 10,000 rollup rows.
const WATERMARK = '2026-06-30T00:00:00.000Z';
const START = new Date(Date.parse(WATERMARK) - 1_000 * DAY).toISOString();
const states = new Map<string, RollupState>([
  [daily.name, publishedState(daily, WATERMARK, { ...thousandDays(WATERMARK), sourceStart: START })],
]);
const query: MetricQuery = {
  kpi: 'revenue',
  grain: 'day',
  range: { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};
const planned = planQuery(registry.get('revenue')!, query, { catalog, registry });
const kinds = (ctx: ReturnType<typeof contextFrom>) =>
  optimize(planned, ctx).plan.root.input.inputs.map((m) => m.kind);

/** A run's time when a source row costs 1 µs, a rollup row `perRollupRow` µs, and every query 800 ms. */
const runtime = (rows: { raw: number; rollup: number }, perRollupRow: number) =>
  800 + rows.raw / 1_000 + (rows.rollup * perRollupRow) / 1_000;

describe('rows a plan reads, by estimate', () => {
  const ctx = contextFrom(catalog, rollups, states);

  it('the raw plan reads the range at the source density recorded by the rollup', () => {
    expect(rowsRead(planned, ctx)).toEqual({ raw: 30_000, rollup: 0 });
  });

  it('a stitched plan reads 29 days of rollup rows and one day of source rows', () => {
    const stitched = optimize(planned, ctx).plan;
    expect(kinds(ctx)).toEqual(['stitch']);
    const rows = rowsRead(stitched, ctx)!;
    expect(rows.raw).toBeCloseTo(1_000, 6);
    expect(rows.rollup).toBeCloseTo(290, 6);
  });

  it('cannot estimate a rollup read whose source span is unknown or empty', () => {
    const stitched = optimize(planned, ctx).plan;
    const state = states.get(daily.name)!;
    const noStart = contextFrom(catalog, rollups, new Map([[daily.name, { ...state, sourceStart: null }]]));
    expect(rowsRead(stitched, noStart)).toBeNull();
    const empty = contextFrom(
      catalog,
      rollups,
      new Map([[daily.name, { ...state, sourceStart: WATERMARK }]]),
    );
    expect(rowsRead(planned, empty)).toBeNull();
    // The raw tail described by another rollup of the table, the rollup read by one with an empty span.
    const other = { ...daily, name: 'subscriptions_other' };
    const facts = ctx.facts.get(daily.name)!;
    const split = {
      ...ctx,
      rollups: [other, ...ctx.rollups],
      facts: new Map([
        [other.name, facts],
        [daily.name, { ...facts, sourceStart: WATERMARK }],
      ]),
    };
    expect(rowsRead(stitched, split)).toBeNull();
  });

  it('cannot estimate a windowed read, nor a rollup read without facts or a watermark', () => {
    const windowed = planQuery(
      registry.get('mrr_active')!,
      { ...query, kpi: 'mrr_active' },
      { catalog, registry },
    );
    expect(rowsRead(windowed, ctx)).toBeNull();
    const stitched = optimize(planned, ctx).plan;
    expect(rowsRead(stitched, { ...ctx, facts: new Map() })).toBeNull();
    const facts = ctx.facts.get(daily.name)!;
    expect(
      rowsRead(stitched, { ...ctx, facts: new Map([[daily.name, { ...facts, watermark: null }]]) }),
    ).toBeNull();
  });

  it('takes the source density from the first rollup of the table that recorded all it needs', () => {
    const facts = ctx.facts.get(daily.name)!;
    const { sourceRows: _, ...noRows } = facts;
    const { sourceStart: __, ...noStart } = facts;
    const incompletes: RollupFacts[] = [{ ...facts, watermark: null }, noStart, noRows];
    for (const incomplete of incompletes) {
      const other = { ...daily, name: 'subscriptions_other' };
      const two = {
        ...ctx,
        rollups: [other, ...ctx.rollups],
        facts: new Map([
          [other.name, incomplete],
          [daily.name, facts],
        ]),
      };
      expect(rowsRead(planned, two), JSON.stringify(incomplete)).toEqual({
        raw: 30_000,
        rollup: 0,
      });
    }
  });

  it('passes over a rollup of the table that has no facts yet (never built)', () => {
    // subscriptions_monthly_region reads the same table and comes first here, but rollup_state has no
    // row for it: the density comes from subscriptions_daily's counts, as with it alone.
    const monthly = loadRollups(catalog).find((r) => r.name === 'subscriptions_monthly_region')!;
    expect(monthly.table).toEqual(daily.table);
    const unbuiltFirst = contextFrom(catalog, [monthly, daily], states);
    expect(unbuiltFirst.facts.has(monthly.name)).toBe(false);
    expect(rowsRead(planned, unbuiltFirst)).toEqual({ raw: 30_000, rollup: 0 });
  });

  it('does not estimate a read of a Druid-backed rollup: its rows have their own price', () => {
    // The same rollup and counts loaded into Druid: every count the estimate needs is there.
    const druidDaily = { ...daily, target: 'druid' as const };
    const druidState = publishedState(druidDaily, WATERMARK, {
      ...thousandDays(WATERMARK),
      sourceStart: START,
    });
    const druidCtx = contextFrom(catalog, [druidDaily], new Map([[daily.name, druidState]]));
    const plan = optimize(
      planQuery(
        registry.get('revenue')!,
        { ...query, range: { ...query.range, start: '2025-07-01T00:00:00Z' } },
        { catalog, registry },
      ),
      druidCtx,
    ).plan;
    expect(readsDruid(plan)).toBe(true);
    expect(druidCtx.facts.get(daily.name)?.sourceRows).toBe(1_000_000);
    expect(rowsRead(plan, druidCtx)).toBeNull();
  });

  it('cannot estimate a table no rollup with recorded counts describes', () => {
    const unknown = contextFrom(
      catalog,
      rollups,
      new Map([[daily.name, { ...states.get(daily.name)!, sourceRows: null, sourceStart: null }]]),
    );
    expect(rowsRead(planned, unknown)).toBeNull();
  });
});

describe('the row cost fitted to observed runtimes', () => {
  const mix = [
    { raw: 30_000, rollup: 0 },
    { raw: 1_000, rollup: 290 },
    { raw: 365_000, rollup: 0 },
    { raw: 12_000, rollup: 3_500 },
    { raw: 2_000, rollup: 9_000 },
    { raw: 100_000, rollup: 50 },
  ];

  it('recovers the ratio of per-row costs past the fixed cost of every query', () => {
    const c = new RowCostCalibration();
    for (let i = 0; i < 4; i++) for (const rows of mix) c.observe(rows, runtime(rows, 7));
    expect(c.current()!.factor).toBeCloseTo(7, 6);
    expect(c.current()!.basis).toBe('calibrated from 24 runs');
  });

  it('says nothing before enough runs of both kinds', () => {
    const c = new RowCostCalibration();
    for (let i = 0; i < MIN_RUNS - 1; i++) c.observe(mix[i % mix.length]!, runtime(mix[i % mix.length]!, 7));
    expect(c.current()).toBeNull();
    const rawOnly = new RowCostCalibration();
    for (let i = 0; i < 20; i++) rawOnly.observe({ raw: 1_000 * (i + 1), rollup: 0 }, 800 + i);
    expect(rawOnly.current()).toBeNull();
  });

  const fitted = (perRollupRow: number, extra: (c: RowCostCalibration) => void = () => {}) => {
    const c = new RowCostCalibration();
    for (let i = 0; i < 4; i++) for (const rows of mix) c.observe(rows, runtime(rows, perRollupRow));
    extra(c);
    return c.current();
  };

  it('clamps the factor to [MIN_FACTOR, MAX_FACTOR], so one odd stretch of runs cannot flip every plan', () => {
    expect(fitted(1_000)!.factor).toBe(MAX_FACTOR);
    expect(fitted(0.01)!.factor).toBe(MIN_FACTOR);
    expect(fitted(MAX_FACTOR - 1)!.factor).toBeCloseTo(MAX_FACTOR - 1, 6);
  });

  it('ignores a run with no time, a negative or infinite time, or nothing read', () => {
    const c = fitted(7, (c) => {
      c.observe({ raw: 1_000, rollup: 0 }, Number.NaN);
      c.observe({ raw: 1_000, rollup: 0 }, Number.POSITIVE_INFINITY);
      c.observe({ raw: 1_000, rollup: 0 }, -1);
      c.observe({ raw: 0, rollup: 0 }, 900);
    })!;
    expect(c.basis).toBe('calibrated from 24 runs');
    expect(c.factor).toBeCloseTo(7, 6);
    // A run of 0 ms is a run.
    expect(fitted(7, (c) => c.observe({ raw: 1, rollup: 0 }, 0))!.basis).toBe('calibrated from 25 runs');
  });

  it('says nothing before three runs read rollup rows, or from runs that cannot separate the two costs', () => {
    const fewRollup = new RowCostCalibration();
    for (let i = 0; i < 20; i++)
      fewRollup.observe({ raw: 1_000 * (i + 1), rollup: 0 }, runtime({ raw: 1_000 * (i + 1), rollup: 0 }, 7));
    for (const rows of [mix[1]!, mix[3]!]) fewRollup.observe(rows, runtime(rows, 7));
    expect(fewRollup.current()).toBeNull();
    fewRollup.observe(mix[4]!, runtime(mix[4]!, 7));
    expect(fewRollup.current()!.factor).toBeCloseTo(7, 6);
    // Two kinds of run only: three unknowns (fixed cost and two per-row costs) cannot be told apart.
    const two = new RowCostCalibration();
    for (let i = 0; i < 10; i++) {
      two.observe({ raw: 1_000, rollup: 0 }, 801);
      two.observe({ raw: 0, rollup: 1_000 }, 807);
    }
    expect(two.current()).toBeNull();
  });

  it('says nothing before three runs read source rows only, and fits from the third', () => {
    const c = new RowCostCalibration();
    for (const rows of [mix[0]!, mix[2]!]) c.observe(rows, runtime(rows, 7));
    for (let i = 0; i < 2; i++)
      for (const rows of [mix[1]!, mix[3]!, mix[4]!, mix[5]!]) c.observe(rows, runtime(rows, 7));
    expect(c.current()).toBeNull();
    const third = { raw: 200_000, rollup: 0 };
    c.observe(third, runtime(third, 7));
    expect(c.current()!.factor).toBeCloseTo(7, 6);
  });

  it('says nothing when reading more source rows seems to take less time', () => {
    const c = new RowCostCalibration();
    for (let i = 0; i < 4; i++)
      for (const rows of mix) c.observe(rows, 5_000 - rows.raw / 100 + rows.rollup / 100);
    expect(c.current()).toBeNull();
    const d = new RowCostCalibration();
    for (let i = 0; i < 4; i++)
      for (const rows of mix) d.observe(rows, 5_000 + rows.raw / 100 - rows.rollup / 10);
    expect(d.current()).toBeNull();
  });

  it('follows a change: recent runs outweigh old ones', () => {
    const c = new RowCostCalibration();
    for (let i = 0; i < 4; i++) for (const rows of mix) c.observe(rows, runtime(rows, 2));
    expect(c.current()!.factor).toBeCloseTo(2, 6);
    for (let i = 0; i < 40; i++) for (const rows of mix) c.observe(rows, runtime(rows, 30));
    expect(c.current()!.factor).toBeGreaterThan(25);
  });

  it('a live optimizer re-chooses plans when observed runs make rollup rows dear; a pinned cost never moves', async () => {
    // 50,000 rollup rows for 1M source rows: 0.05 a source row, cheap at the default row cost.
    const dense = new Map([[daily.name, { ...states.get(daily.name)!, aggRows: 50_000 }]]);
    const live = await LiveOptimizer.start({ catalog, rollups, readStates: async () => dense });
    expect(kinds(live.context)).toEqual(['stitch']);
    const gen = live.generation;
    // Observed: a rollup row costs 30 source rows (1/30 + 29/30 × 0.05 × 30 > 1: stitching loses).
    for (const start of ['2026-06-01T00:00:00Z', '2026-03-01T00:00:00Z', '2025-07-01T00:00:00Z']) {
      const raw = planQuery(
        registry.get('revenue')!,
        { ...query, range: { ...query.range, start } },
        {
          catalog,
          registry,
        },
      );
      const stitched = optimize(raw, live.context).plan;
      for (const plan of [raw, stitched])
        live.observe(live.context, plan, runtime(rowsRead(plan, live.context)!, 30));
    }
    for (let i = 0; i < 2; i++) live.observe(live.context, planned, runtime({ raw: 30_000, rollup: 0 }, 30));
    expect(live.generation).toBeGreaterThan(gen);
    expect(live.context.rowCost!.factor).toBeCloseTo(30, 3);
    expect(kinds(live.context)).toEqual(['aggregate']);
    const text = optimize(planned, live.context).choices[0]!.rejected.join('\n');
    expect(text).toMatch(/calibrated from \d+ runs\)\) is no cheaper than raw/);

    const pinned = await LiveOptimizer.start({
      catalog,
      rollups,
      readStates: async () => states,
      rowCost: { factor: 0, basis: 'pinned' },
    });
    const pinnedGen = pinned.generation;
    const stitched = optimize(planned, pinned.context).plan;
    for (let i = 0; i < 12; i++) {
      pinned.observe(pinned.context, stitched, 10_000 * (i + 1));
      pinned.observe(pinned.context, planned, 100 * (i + 1));
    }
    expect(pinned.generation).toBe(pinnedGen);
    expect(kinds(pinned.context)).toEqual(['stitch']);
    live.close();
    pinned.close();
  });

  it('moves to a new fitted row cost only when it differs by more than ROW_COST_STEP, up or down', async () => {
    const live = await LiveOptimizer.start({ catalog, rollups, readStates: async () => states });
    // Plans chosen once at the default row cost: raw and stitched reads of three ranges.
    const at = live.context;
    const plans = ['2026-06-01T00:00:00Z', '2026-03-01T00:00:00Z', '2025-07-01T00:00:00Z'].flatMap(
      (start) => {
        const raw = planQuery(
          registry.get('revenue')!,
          { ...query, range: { ...query.range, start } },
          { catalog, registry },
        );
        return [raw, optimize(raw, at).plan];
      },
    );
    const runs = (perRollupRow: number, rounds: number) => {
      for (let i = 0; i < rounds; i++)
        for (const plan of plans) live.observe(at, plan, runtime(rowsRead(plan, at)!, perRollupRow));
    };
    const start = live.generation;
    runs(10, 2);
    expect(live.context.rowCost!.factor).toBeCloseTo(10, 6);
    const adopted = live.generation;
    expect(adopted).toBeGreaterThan(start);
    // Runs at 11 (a move of 10 %, inside the step) leave plans as they were chosen.
    runs(11, 30);
    expect(live.generation).toBe(adopted);
    expect(live.context.rowCost!.factor).toBeCloseTo(10, 6);
    // Runs at 20: once the fit passes 10 × ROW_COST_STEP, plans are chosen with it.
    runs(20, 30);
    const up = live.context.rowCost!.factor;
    expect(live.generation).toBeGreaterThan(adopted);
    expect(up).toBeGreaterThan(10 * ROW_COST_STEP);
    // Down again: runs at 2 move it below its last value divided by the step.
    const upGeneration = live.generation;
    runs(2, 30);
    expect(live.generation).toBeGreaterThan(upGeneration);
    expect(live.context.rowCost!.factor).toBeLessThan(up / ROW_COST_STEP);
    // An unestimable run (a windowed plan) is no observation.
    const generation = live.generation;
    const windowed = planQuery(
      registry.get('mrr_active')!,
      { ...query, kpi: 'mrr_active' },
      { catalog, registry },
    );
    for (let i = 0; i < 20; i++) live.observe(at, windowed, 1_000_000 * (i + 1));
    expect(live.generation).toBe(generation);
    live.close();
    // A pinned row cost stays whatever the runs say.
    const pinned = await LiveOptimizer.start({
      catalog,
      rollups,
      readStates: async () => states,
      rowCost: { factor: 3, basis: 'pinned' },
    });
    const pinnedGeneration = pinned.generation;
    for (let i = 0; i < 5; i++)
      for (const plan of plans) pinned.observe(at, plan, runtime(rowsRead(plan, at)!, 20));
    expect(pinned.generation).toBe(pinnedGeneration);
    expect(pinned.context.rowCost).toEqual({ factor: 3, basis: 'pinned' });
    pinned.close();
  });
});
