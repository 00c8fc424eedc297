/**
 * A stitched plan in a running service: the post-run check covers the rollup its pieces read, the raw
 * pieces' tables are among what it reads (cache tags), and its plan — hence its cache key — moves with
 * the watermark, so the raw tail shrinks instead of a stale answer staying cached.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { contextFrom } from '../../src/optimize/context.ts';
import { answerHolds, rollupsRead, runChecked, tablesRead } from '../../src/optimize/live.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { planHash } from '../../src/plan/print.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) => r.name === 'subscriptions_daily');
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const daily = rollups[0]!;

const state = (watermark: string, over: Partial<RollupState> = {}): Map<string, RollupState> =>
  new Map([[daily.name, publishedState(daily, watermark, { buildId: '7', ...over })]]);

// The default route range on 2026-06-30: the last 30 days including today.
const query: MetricQuery = {
  kpi: 'revenue',
  grain: 'day',
  range: { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};
const planned = planQuery(registry.get('revenue')!, query, { catalog, registry });
const before = contextFrom(catalog, rollups, state('2026-06-30T00:00:00.000Z'));
const stitched = optimize(planned, before).plan;

describe('stitched plans in a running service', () => {
  it('reads the rollup in its pieces and the raw table in its tail', () => {
    expect(stitched.root.input.inputs.map((m) => m.kind)).toEqual(['stitch']);
    expect(rollupsRead(stitched)).toEqual(['subscriptions_daily']);
    expect(tablesRead(stitched, rollups)).toEqual(['payments.subscriptions']);
  });

  it('holds while the watermark moves forward; is void when it goes back, the build or revision changes', () => {
    const read = rollupsRead(stitched);
    expect(answerHolds(before, read, state('2026-06-30T12:00:00.000Z'))).toBe(true);
    expect(answerHolds(before, read, state('2026-06-29T00:00:00.000Z'))).toBe(false);
    expect(answerHolds(before, read, state('2026-06-30T00:00:00.000Z', { buildId: '8' }))).toBe(false);
    expect(answerHolds(before, read, state('2026-06-30T00:00:00.000Z', { revision: '1' }))).toBe(false);
  });

  it('answers from the raw plan when the rollup changed while the stitched plan ran', async () => {
    const r = await runChecked({
      plan: stitched,
      run: async () => 'stitched',
      runRaw: async () => 'raw',
      holds: async () => answerHolds(before, rollupsRead(stitched), state('2026-06-29T00:00:00.000Z')),
    });
    expect(r).toEqual({ result: 'raw', readRollups: true, voided: true });
  });

  it('plans a shorter raw tail under another hash when the watermark moves', () => {
    const later = optimize(planned, contextFrom(catalog, rollups, state('2026-07-01T00:00:00.000Z'))).plan;
    expect(later.root.input.inputs.map((m) => m.kind)).toEqual(['aggregate']);
    expect(planHash(later)).not.toBe(planHash(stitched));
    const mid = optimize(planned, contextFrom(catalog, rollups, state('2026-06-30T06:00:00.000Z'))).plan;
    expect(planHash(mid)).toBe(planHash(stitched)); // same complete buckets: same plan, same cache entry
  });
});
