/**
 * HLL sketches in Druid-backed rollups without a Druid: `approx_distinct(col)` stored as a sketch per
 * bucket (Druid only), loaded from the column's values, matched for approx_distinct variables at the
 * rollup's grain and coarser, never stitched with raw pieces, only when Druid SQL runs the whole plan,
 * and the answer's approximation stated with its bound. Exact count distinct stays raw.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { approximationsOf, describeApproximation } from '../../src/optimize/approximations.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { parseRollups, RollupDefinitionError } from '../../src/rollup/definitions.ts';
import { ingestionTask, inlineRows } from '../../src/rollup/druid-ingest.ts';
import { HLL_RSE } from '../../src/rollup/sketch.ts';
import { partialAggregateSql } from '../../src/rollup/source-sql.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const base = loadRegistry(DEMO_KPI_FILES, catalog).registry;
const extra = analyzeDsl(
  `kpi paying_accounts = approx_distinct(payments.subscriptions.account_id)
   kpi paying_accounts_exact = count(distinct payments.subscriptions.account_id)
   kpi revenue_per_paying = sum(payments.subscriptions.amount) / approx_distinct(payments.subscriptions.account_id)
   kpi paying_per_signup = approx_distinct(payments.subscriptions.account_id) / count(users.accounts)`,
  { catalog, registry: base },
);
const registry = new Map(base);
for (const k of extra.kpis ?? []) registry.set(k.id, k);

const [sketched, plain] = parseRollups(
  {
    rollups: [
      {
        name: 'subs_sketch',
        on: 'payments.subscriptions',
        grain: 'day',
        timezone: 'America/New_York',
        target: 'druid',
        dimensions: ['region'],
        measures: ['sum(amount)', 'count(*)', 'approx_distinct(account_id)'],
      },
      {
        name: 'subs_plain',
        on: 'payments.subscriptions',
        grain: 'day',
        timezone: 'America/New_York',
        target: 'druid',
        dimensions: ['region'],
        measures: ['sum(amount)', 'count(*)'],
      },
    ],
  },
  catalog,
);

const ctx: OptimizeContext = {
  catalog,
  rollups: [sketched!, plain!],
  facts: new Map([
    ['subs_sketch', { watermark: '2026-01-01T05:00:00Z', rows: 10, sourceRows: 1_000_000, buildId: '1' }],
    ['subs_plain', { watermark: '2026-01-01T05:00:00Z', rows: 10, sourceRows: 1_000_000, buildId: '1' }],
  ]),
};
const ask = (
  kpi: string,
  start: string,
  end: string,
  grain: MetricQuery['grain'] = 'month',
): MetricQuery => ({
  kpi,
  grain,
  range: { start, end },
  timezone: 'America/New_York',
  dimensions: ['region'],
  filters: [],
});
const run = (q: MetricQuery) => optimize(planQuery(registry.get(q.kpi)!, q, { catalog, registry }), ctx);
const WHOLE = ['2025-01-01T05:00:00Z', '2025-07-01T04:00:00Z'] as const;

describe('HLL sketches in Druid rollups', () => {
  it('are declared only on Druid rollups (JSON and DSL)', () => {
    expect(sketched!.measures.at(-1)).toEqual({ fn: 'approx_distinct', column: 'account_id' });
    const json = (target: string) => () =>
      parseRollups(
        {
          rollups: [
            {
              name: 'x',
              on: 'payments.subscriptions',
              grain: 'day',
              target,
              measures: ['approx_distinct(account_id)'],
            },
          ],
        },
        catalog,
      );
    expect(json('timescale')).toThrow(RollupDefinitionError);
    expect(json('timescale')).toThrow(/only a Druid rollup/);
    expect(json('druid')).not.toThrow();
    const dsl = analyzeDsl(
      'rollup r on payments.subscriptions { grain: day; measures: approx_distinct(account_id); }',
      { catalog, registry },
    );
    expect(dsl.diagnostics.map((d) => d.message).join()).toMatch(/only a Druid rollup holds/);
  });

  it('load the column values (grouped by them) into an HLLSketchBuild metric', () => {
    const { sql } = partialAggregateSql(catalog, sketched!, [[null, '2026-01-01T00:00:00Z']]);
    expect(sql).toMatch(/, sum\("amount"\), count\(\*\), "account_id"\n/);
    // Bucket, region and the sketched column: the other measures are partial sums of finer groups.
    expect(sql).toMatch(/GROUP BY 1, 2, 5$/);
    const task = ingestionTask(catalog, sketched!, ['2025-01-01', '2025-02-01'], []) as {
      spec: { dataSchema: { metricsSpec: unknown[]; dimensionsSpec: { dimensions: unknown[] } } };
    };
    expect(task.spec.dataSchema.metricsSpec).toContainEqual({
      type: 'HLLSketchBuild',
      name: 'approx_distinct_account_id',
      fieldName: 'approx_distinct_account_id',
      lgK: 12,
      tgtHllType: 'HLL_4',
    });
    // The sketched column is no dimension: Druid rolls the rows up per (bucket, region).
    expect(task.spec.dataSchema.dimensionsSpec.dimensions).toEqual(['region']);
    const rows = inlineRows(sketched!, [['2025-01-01T00:00:00-05:00', 'eu', '12.50', 2, 'acct-7']]);
    expect(JSON.parse(rows)).toMatchObject({
      region: 'eu',
      sum_amount: 12.5,
      approx_distinct_account_id: 'acct-7',
    });
  });

  it('answer approx_distinct at the rollup grain and coarser on Druid SQL, stating the bound', () => {
    for (const grain of ['day', 'week', 'month', null] as const) {
      const r = run(ask('paying_accounts', ...WHOLE, grain));
      expect(r.choices[0]?.chosen).toBe('subs_sketch');
      expect(r.engine).toMatchObject({ dialect: 'druid' });
    }
    const r = run(ask('paying_accounts', ...WHOLE));
    // subs_plain has no sketch: rejected with its reason.
    expect(r.choices[0]?.rejected.join('\n')).toMatch(
      /subs_plain: measure approx_distinct\(account_id\) is not in the rollup/,
    );
    const [a] = approximationsOf(r.plan);
    expect(a).toMatchObject({
      measure: 'paying_accounts.m1',
      confidence: 0.997,
    });
    expect(a!.relativeError).toBeCloseTo(3 * HLL_RSE, 5);
    expect(a!.method).toMatch(/HLL sketches .* Druid rollup subs_sketch/);
    expect(describeApproximation(a!)).toMatch(/±4\.875% at 99\.7% confidence/);
    // Raw, it is Trino's HyperLogLog, with its own bound.
    const [rawA] = approximationsOf(r.plan, { raw: true });
    expect(rawA!.relativeError).toBeCloseTo(0.069, 5);
  });

  it('never stitch a sketch with raw pieces, nor read it where Druid SQL cannot run the plan', () => {
    // Past the watermark: the tail would be raw, and distinct counts of pieces do not add up.
    const tail = run(ask('paying_accounts', '2025-07-01T04:00:00Z', '2026-03-01T05:00:00Z'));
    expect(tail.choices[0]?.chosen).toBeNull();
    expect(tail.choices[0]?.rejected.join('\n')).toMatch(
      /subs_sketch: its sketch answers only a range it covers whole/,
    );
    // With a source the rollup lacks (users.accounts), the plan runs on Trino, which cannot read sketches.
    const mixed = run(ask('paying_per_signup', ...WHOLE));
    const paying = mixed.choices.find((c) => c.rejected.some((w) => w.startsWith('rollup subs_sketch')))!;
    expect(paying.chosen).toBeNull();
    expect(paying.rejected.join('\n')).toMatch(/its sketch is read by Druid SQL only/);
    expect(approximationsOf(mixed.plan)[0]?.method).toMatch(/Trino/);
    // Exact count distinct stays raw.
    const exact = run(ask('paying_accounts_exact', ...WHOLE));
    expect(exact.choices[0]?.chosen).toBeNull();
    expect(approximationsOf(exact.plan)).toEqual([]);
  });
});

describe("Druid rollups' cost estimate", () => {
  const facts = (rows: number, sourceRows: number) => ({
    watermark: '2026-01-01T05:00:00Z',
    sourceStart: '2024-01-01T05:00:00Z',
    rows,
    sourceRows,
    buildId: '1',
  });
  const withFacts = (rows: number, sourceRows: number, pinned = false): OptimizeContext => ({
    catalog,
    rollups: [plain!],
    facts: new Map([['subs_plain', facts(rows, sourceRows)]]),
    ...(pinned ? { rowCost: { factor: 0, basis: 'pinned', pinned: true as const } } : {}),
  });
  const revenue = (c: OptimizeContext, start: string, end: string) =>
    optimize(planQuery(registry.get('revenue')!, ask('revenue', start, end), { catalog, registry }), c);

  it('chooses Druid because it is cheaper by estimate, and says how much in milliseconds', () => {
    const r = revenue(withFacts(8_000, 1_000_000), ...WHOLE);
    expect(r.choices[0]?.chosen).toBe('subs_plain');
    expect(r.choices[0]?.estimate).toMatch(
      /^cost 0\.\d+ of raw \(raw 0% of the range; Druid SQL [\d.]+ ms for \d+ rollup rows vs raw Trino [\d.]+ ms for \d+ source rows by estimate; Druid costs 60 ms \+ 0\.005 ms a rollup row/,
    );
    expect(r.engine).toMatchObject({ dialect: 'druid' });
  });

  it('keeps raw when Druid would not be cheaper: stitched through Trino with a rollup as large as its source', () => {
    // Past the watermark the plan is one Trino statement reading the rollup through the druid catalog.
    const r = revenue(withFacts(1_000_000, 1_000_000), '2025-07-01T04:00:00Z', '2026-03-01T05:00:00Z');
    expect(r.choices[0]?.chosen).toBeNull();
    expect(r.choices[0]?.rejected.join('\n')).toMatch(
      /subs_plain: matches, but cost 1\.\d+ of raw .* no cheaper than raw/,
    );
    // A row cost pinned by the caller (OPTIMIZER_ROW_COST, ANY_ROLLUP) prices Druid rows too.
    const pinned = revenue(
      withFacts(1_000_000, 1_000_000, true),
      '2025-07-01T04:00:00Z',
      '2026-03-01T05:00:00Z',
    );
    expect(pinned.choices[0]?.chosen).toBe('subs_plain');
  });
});
