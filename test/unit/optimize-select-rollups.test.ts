/**
 * select-rollups decides on the facts that make a rollup's answer identical to the raw one: the rollup
 * answers alone when the range starts and ends on its bucket boundaries at or before the watermark;
 * otherwise it answers the complete buckets below the watermark and the rest is read raw (stitched).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Grain } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { selectRollups } from '../../src/optimize/rules/select-rollups.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { runs } from '../property/hard-arbitraries.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const revenue = registry.get('revenue')!;

const rollup = (name: string, grain: Grain): RollupDef =>
  Object.freeze<RollupDef>({
    name,
    table: { source: 'payments', table: 'subscriptions' },
    grain,
    timezone: 'UTC',
    dimensions: ['region'],
    measures: [{ fn: 'sum', column: 'amount' }],
    filter: null,
  });

function choose(r: RollupDef, start: string, end: string, watermark: string | null, grain: Grain = 'month') {
  const query: MetricQuery = {
    kpi: 'revenue',
    grain,
    range: { start, end },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
  };
  const plan = planQuery(revenue, query, { catalog, registry });
  const ctx: OptimizeContext = {
    catalog,
    rollups: [r],
    facts: new Map([[r.name, { watermark, rows: 10, buildId: '1' }]]),
  };
  const [choice] = selectRollups.apply(plan, ctx).choices!;
  return choice!;
}

const shape = (c: ReturnType<typeof choose>) =>
  (c.pieces ?? []).map((t) => `${t.from} ${t.start.slice(0, 10)}..${t.end.slice(0, 10)}`);

const MONTHLY = rollup('subscriptions_monthly', 'month');

describe('select-rollups: watermark and alignment', () => {
  it('answers from the rollup alone when the watermark is exactly the range end', () => {
    const c = choose(MONTHLY, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', '2025-03-01T00:00:00.000Z');
    expect(c.chosen).toBe('subscriptions_monthly');
    expect(shape(c)).toEqual(['rollup 2025-01-01..2025-03-01']);
  });

  it('reads the buckets after a watermark 1 ms before the end raw, the complete ones from the rollup', () => {
    const c = choose(MONTHLY, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', '2025-02-28T23:59:59.999Z');
    expect(c.chosen).toBe('subscriptions_monthly');
    expect(shape(c)).toEqual(['rollup 2025-01-01..2025-02-01', 'raw 2025-02-01..2025-03-01']);
  });

  it('never reads a rollup that was not built', () => {
    const c = choose(MONTHLY, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', null);
    expect(c.chosen).toBeNull();
    expect(c.rejected.join('\n')).toContain('not built');
  });

  it('reads a range entirely after the watermark raw, saying it is stale', () => {
    const c = choose(MONTHLY, '2025-04-01T00:00:00Z', '2025-06-01T00:00:00Z', '2025-03-01T00:00:00.000Z');
    expect(c.chosen).toBeNull();
    expect(c.rejected.join('\n')).toContain('stale for [2025-03-01T00:00:00.000Z, 2025-06-01T00:00:00.000Z)');
  });

  it('reads the rollup alone iff end <= watermark, else stitches a raw tail from the watermark (property)', () => {
    const end = Date.UTC(2025, 6, 1);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -40 * 86_400_000, max: 86_400_000 })),
        (delta) => {
          const watermark = new Date(end + delta).toISOString();
          const c = choose(MONTHLY, '2025-01-01T00:00:00Z', new Date(end).toISOString(), watermark);
          expect(c.chosen).toBe('subscriptions_monthly');
          const pieces = c.pieces ?? [];
          expect(pieces.length === 1).toBe(delta >= 0);
          const rollupEnd = Date.parse(pieces[0]!.end);
          expect(rollupEnd).toBeLessThanOrEqual(end + delta);
          if (delta < 0)
            expect(pieces[1]).toEqual({
              from: 'raw',
              start: pieces[0]!.end,
              end: new Date(end).toISOString(),
            });
        },
      ),
      { seed: 7401, numRuns: runs(200) },
    );
  });

  it('a year rollup answers whole years only: a range from a quarter start reads the partial year raw', () => {
    const yearly = rollup('subscriptions_yearly', 'year');
    const wm = '2027-01-01T00:00:00.000Z';
    expect(choose(yearly, '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', wm, 'year').chosen).toBe(
      'subscriptions_yearly',
    );
    for (const start of ['2025-04-01T00:00:00Z', '2025-02-01T00:00:00Z', '2025-07-01T00:00:00Z']) {
      const c = choose(yearly, start, '2026-01-01T00:00:00Z', wm, 'year');
      expect(c.chosen, start).toBeNull();
      expect(c.rejected.join('\n')).toContain('no complete year bucket');
    }
    const quarterly = rollup('subscriptions_quarterly', 'quarter');
    expect(shape(choose(quarterly, '2025-05-01T00:00:00Z', '2025-10-01T00:00:00Z', wm, 'quarter'))).toEqual([
      'raw 2025-05-01..2025-07-01',
      'rollup 2025-07-01..2025-10-01',
    ]);
  });

  it('chooses by cost: a rollup nearly as large as its source loses to the raw plan, EXPLAIN says why', () => {
    const query: MetricQuery = {
      kpi: 'revenue',
      grain: 'month',
      range: { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
      timezone: 'UTC',
      dimensions: [],
      filters: [],
    };
    const plan = planQuery(revenue, query, { catalog, registry });
    const at = (rows: number) =>
      selectRollups.apply(plan, {
        catalog,
        rollups: [MONTHLY],
        facts: new Map([
          [MONTHLY.name, { watermark: '2026-01-01T00:00:00Z', rows, sourceRows: 100_000, buildId: '1' }],
        ]),
      }).choices![0]!;
    expect(at(1_000).chosen).toBe('subscriptions_monthly');
    expect(at(1_000).estimate).toMatch(/^cost 0\.025 of raw/);
    const big = at(62_917);
    expect(big.chosen).toBeNull();
    expect(big.rejected.join('\n')).toMatch(/matches, but cost 1\.573 of raw .* is no cheaper than raw/);
  });

  it('refuses an empty range before any rollup is considered', () => {
    expect(() => choose(MONTHLY, '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z', null)).toThrow(CompileError);
  });
});

describe('select-rollups: cost, ties and a second pass', () => {
  const query: MetricQuery = {
    kpi: 'revenue',
    grain: 'month',
    range: { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
  };
  const plan = planQuery(revenue, query, { catalog, registry });
  const daily = rollup('subscriptions_daily', 'day');
  const facts = (rows: Record<string, number>) =>
    new Map(
      Object.entries(rows).map(([name, n]) => [
        name,
        { watermark: '2025-06-01T00:00:00.000Z', rows: n, sourceRows: 1_000, buildId: '1' },
      ]),
    );

  it('takes the cheaper of two matching rollups whatever their order', () => {
    for (const rollups of [
      [daily, MONTHLY],
      [MONTHLY, daily],
    ]) {
      const ctx: OptimizeContext = {
        catalog,
        rollups,
        // The daily rollup has fewer rows here: cheaper, though coarser rollups usually win.
        facts: facts({ subscriptions_daily: 100, subscriptions_monthly: 400 }),
      };
      expect(selectRollups.apply(plan, ctx).choices![0]!.chosen).toBe('subscriptions_daily');
    }
  });

  it('reads raw when the rollup costs exactly as much as raw (1.000), and says so', () => {
    const ctx: OptimizeContext = {
      catalog,
      rollups: [MONTHLY],
      facts: facts({ subscriptions_monthly: 1_000 }),
      rowCost: { factor: 1, basis: 'test' },
    };
    const [choice] = selectRollups.apply(plan, ctx).choices!;
    expect(choice!.chosen).toBeNull();
    expect(choice!.rejected).toContain(
      'rollup subscriptions_monthly: matches, but cost 1.000 of raw (raw 0% of the range; 1000 rollup rows / 1000 source rows × row cost 1.00 (test)) is no cheaper than raw (1.00)',
    );
  });

  it('leaves a plan it already rewrote as it is, stitched instances included', () => {
    const ctx: OptimizeContext = {
      catalog,
      rollups: [MONTHLY],
      facts: new Map([[MONTHLY.name, { watermark: '2025-02-15T00:00:00.000Z', rows: 10, buildId: '1' }]]),
    };
    const once = selectRollups.apply(plan, ctx);
    expect(once.plan.root.input.inputs.map((m) => m.kind)).toEqual(['stitch']);
    expect(selectRollups.apply(once.plan, ctx).plan).toBe(once.plan);
  });
});

describe('select-rollups: what a rollup of the same table still cannot answer', () => {
  const monthOf = (kpi: string, o: Partial<MetricQuery> = {}): MetricQuery => ({
    kpi,
    grain: 'month',
    range: { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
    ...o,
  });
  const rejections = (kpi: string, r: RollupDef, o: Partial<MetricQuery> = {}) => {
    const plan = planQuery(registry.get(kpi)!, monthOf(kpi, o), { catalog, registry });
    const ctx: OptimizeContext = {
      catalog,
      rollups: [r],
      facts: new Map([[r.name, { watermark: '2025-06-01T00:00:00.000Z', rows: 10, buildId: '1' }]]),
    };
    return selectRollups.apply(plan, ctx).choices!.flatMap((c) => (c.chosen ? [] : c.rejected));
  };

  it('a measure bucketed on another time column (cancellations on canceled_at)', () => {
    const counts = Object.freeze<RollupDef>({
      ...rollup('subscriptions_counts', 'month'),
      measures: [{ fn: 'count', column: null }],
    });
    expect(rejections('churn_rate', counts)).toContain(
      'rollup subscriptions_counts: measure `churn_rate.canceled` is bucketed on `canceled_at`, the rollup on its time column',
    );
  });

  it('a dimension or filter column of a joined table, though the rollup has a column of that name', () => {
    // channel is users.accounts.channel, reached through the join; the rollup's own `channel` is not it.
    const byChannel = Object.freeze<RollupDef>({
      ...rollup('subscriptions_by_channel', 'month'),
      dimensions: ['channel'],
    });
    expect(rejections('revenue', byChannel, { dimensions: ['channel'] })).toContain(
      'rollup subscriptions_by_channel: dimension `channel` is not in the rollup',
    );
    const filter = parseFilter("channel = 'ads'", { catalog, registry }).expr!;
    expect(rejections('revenue', byChannel, { filters: [filter] })).toContain(
      'rollup subscriptions_by_channel: filtered column `channel` is not in the rollup',
    );
  });
});
