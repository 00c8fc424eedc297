/**
 * Druid-backed rollups without a Druid: `target: druid` in the JSON and the DSL, the ingestion spec
 * (Druid's rollup at the grain in the rollup's zone, whole chunks replaced), how the optimizer sees the
 * datasource, and the engine choice — Druid SQL when Druid alone can answer, Trino otherwise.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import { EngineError } from '../../src/exec/errors.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { readsDruid, runChecked } from '../../src/optimize/live.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { parseRollups } from '../../src/rollup/definitions.ts';
import { druidChunkUnit, ingestionTask, inlineRows, loadedMeasures } from '../../src/rollup/druid-ingest.ts';
import { DRUID_ROLLUP_SOURCE, rollupRef, withRollups } from '../../src/rollup/names.ts';
import { definitionText } from '../../src/rollup/state.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const [druidDaily, storeDaily] = parseRollups(
  {
    rollups: [
      {
        name: 'subs_druid',
        on: 'payments.subscriptions',
        grain: 'day',
        timezone: 'Europe/Berlin',
        target: 'druid',
        dimensions: ['region'],
        measures: ['sum(amount)', 'count(amount)'],
      },
      {
        name: 'subs_store',
        on: 'payments.subscriptions',
        grain: 'day',
        dimensions: ['region'],
        measures: ['sum(amount)'],
      },
    ],
  },
  catalog,
);

describe('rollups with target: druid', () => {
  it('are read from JSON and the DSL; the metrics store stays the default and its definitions unchanged', () => {
    expect(druidDaily!.target).toBe('druid');
    expect(storeDaily!.target).toBeUndefined();
    // A rollup built before targets existed is still "built with this definition".
    expect(definitionText(storeDaily!)).not.toContain('target');
    const dsl = analyzeDsl(
      `rollup r1 on payments.subscriptions { grain: day; target: druid; measures: count(*); }
       rollup r2 on payments.subscriptions { grain: day; target: timescale; measures: count(*); }
       rollup r3 on payments.subscriptions { grain: day; target: drud; measures: count(*); }`,
      { catalog, registry },
    );
    expect(dsl.rollups?.map((r) => [r.name, r.target ?? 'timescale'])).toEqual([
      ['r1', 'druid'],
      ['r2', 'timescale'],
    ]);
    expect(dsl.diagnostics.map((d) => `${d.code}: ${d.message} ${d.hint ?? ''}`)).toEqual([
      expect.stringMatching(/bad-property: a rollup target is timescale or druid .*druid/),
    ]);
    expect(() =>
      parseRollups(
        {
          rollups: [
            {
              name: 'x',
              on: 'payments.subscriptions',
              grain: 'day',
              target: 'kafka',
              measures: ['count(*)'],
            },
          ],
        },
        catalog,
      ),
    ).toThrow(/target/);
  });

  it('ingest by native batch with Druid rollup at the grain in the zone, replacing whole chunks', () => {
    const task = ingestionTask(
      catalog,
      druidDaily!,
      ['2025-02-28T23:00:00.000Z', '2025-03-31T22:00:00.000Z'],
      [['2025-03-01T00:00:00.000+01:00', 'eu', '12.34', 2, 2]],
    ) as { spec: Record<string, Record<string, unknown>> };
    const { dataSchema, ioConfig } = task.spec;
    expect(dataSchema!.dataSource).toBe('subs_druid');
    expect(dataSchema!.granularitySpec).toEqual({
      segmentGranularity: { type: 'period', period: 'P1M', timeZone: 'Europe/Berlin' },
      queryGranularity: { type: 'period', period: 'P1D', timeZone: 'Europe/Berlin' },
      rollup: true,
      intervals: ['2025-02-28T23:00:00.000Z/2025-03-31T22:00:00.000Z'],
    });
    // count(*) is stored even when not declared: the source rows behind each bucket.
    expect(loadedMeasures(druidDaily!).map((m) => `${m.fn}(${m.column ?? '*'})`)).toEqual([
      'sum(amount)',
      'count(amount)',
      'count(*)',
    ]);
    expect(dataSchema!.metricsSpec).toEqual([
      { type: 'doubleSum', name: 'sum_amount', fieldName: 'sum_amount' },
      { type: 'longSum', name: 'count_amount', fieldName: 'count_amount' },
      { type: 'longSum', name: 'count_all', fieldName: 'count_all' },
    ]);
    expect(ioConfig).toMatchObject({ appendToExisting: false, dropExisting: true });
    expect(
      JSON.parse(inlineRows(druidDaily!, [['2025-03-01T00:00:00.000+01:00', null, '12.34', 2, 2]])),
    ).toEqual({
      __time: '2025-03-01T00:00:00.000+01:00',
      region: null,
      sum_amount: 12.34,
      count_amount: 2,
      count_all: 2,
    });
    expect(
      ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].map((g) => druidChunkUnit(g as never)),
    ).toEqual(['day', 'month', 'month', 'week', 'year', 'year', 'year']);
  });

  it('are Druid datasources to the optimizer: Druid SQL when Druid alone answers, Trino when it joins raw rows', () => {
    const rollups = [druidDaily!];
    expect(rollupRef(druidDaily!)).toEqual({ source: DRUID_ROLLUP_SOURCE, table: 'subs_druid' });
    const extended = withRollups(catalog, rollups);
    expect(extended.connections.druid?.engine).toBe('druid');
    expect(extended.sources[DRUID_ROLLUP_SOURCE]?.tables.subs_druid?.timeColumn).toBe('__time');
    const ctx: OptimizeContext = {
      catalog,
      rollups,
      facts: new Map([
        ['subs_druid', { watermark: '2026-01-01T00:00:00Z', rows: 10, sourceRows: 1_000_000, buildId: '1' }],
      ]),
    };
    const ask = (start: string, end: string): MetricQuery => ({
      kpi: 'revenue',
      grain: 'month',
      range: { start, end },
      timezone: 'Europe/Berlin',
      dimensions: ['region'],
      filters: [],
    });
    const whole = optimize(
      planQuery(registry.get('revenue')!, ask('2025-01-01T00:00:00+01:00', '2025-07-01T00:00:00+02:00'), {
        catalog,
        registry,
      }),
      ctx,
    );
    expect(whole.choices[0]?.chosen).toBe('subs_druid');
    expect(whole.engine).toMatchObject({ dialect: 'druid', connection: 'druid' });
    expect(whole.engine?.reason).toMatch(/Druid datasource.*\/druid\/v2\/sql/);
    // Past the watermark the tail is read raw: rollup and source in one plan, through Trino's druid catalog.
    const stitched = optimize(
      planQuery(registry.get('revenue')!, ask('2025-07-01T00:00:00+02:00', '2026-03-01T00:00:00+01:00'), {
        catalog,
        registry,
      }),
      ctx,
    );
    expect(stitched.choices[0]?.chosen).toBe('subs_druid');
    expect(stitched.engine).toMatchObject({ dialect: 'trino' });
    expect(stitched.engine?.reason).toMatch(/druid catalog/);
    // What Druid SQL cannot express (avg reads two stored measures: a union Druid cannot plan) goes
    // through Trino's druid catalog, and says why.
    const avg = analyzeDsl('kpi t_avg = avg(payments.subscriptions.amount)', { catalog, registry }).kpis![0]!;
    const both = optimize(
      planQuery(
        avg,
        { ...ask('2025-01-01T00:00:00+01:00', '2025-07-01T00:00:00+02:00'), kpi: 't_avg' },
        {
          catalog,
          registry: new Map([[avg.id, avg]]),
        },
      ),
      ctx,
    );
    expect(both.choices[0]?.chosen).toBe('subs_druid');
    expect(both.engine).toMatchObject({ dialect: 'trino' });
    expect(both.engine?.reason).toMatch(/Druid SQL cannot run it .*druid catalog/);
    expect(chooseDialect(whole.plan, whole.catalog).dialect.name).toBe('druid');
  });

  it('fall back to the raw plan when Druid fails under a Druid rollup, never for a cancel or a limit', async () => {
    const rollups = [druidDaily!];
    const ctx: OptimizeContext = {
      catalog,
      rollups,
      facts: new Map([['subs_druid', { watermark: '2026-01-01T00:00:00Z', rows: 10, buildId: '1' }]]),
    };
    const query: MetricQuery = {
      kpi: 'revenue',
      grain: 'month',
      range: { start: '2025-01-01T00:00:00+01:00', end: '2025-07-01T00:00:00+02:00' },
      timezone: 'Europe/Berlin',
      dimensions: [],
      filters: [],
    };
    const plan = optimize(planQuery(registry.get('revenue')!, query, { catalog, registry }), ctx).plan;
    expect(readsDruid(plan)).toBe(true);
    const failing = (error: Error, signal?: AbortSignal) =>
      runChecked({
        plan,
        run: () => Promise.reject(error),
        runRaw: async () => 'raw answer',
        // The rollup itself is unchanged: only Druid's failure sends the answer to the sources.
        holds: async () => true,
        signal,
      });
    for (const code of ['engine-unavailable', 'engine-error'] as const) {
      expect(await failing(new EngineError(code, 'druid', 'revenue', 'cannot reach Druid'))).toEqual({
        result: 'raw answer',
        readRollups: true,
        voided: true,
      });
    }
    await expect(
      failing(new EngineError('too-many-calculations', 'druid', 'revenue', 'busy')),
    ).rejects.toThrow(/busy/);
    await expect(
      failing(new EngineError('engine-unavailable', 'druid', 'revenue', 'gone'), AbortSignal.abort()),
    ).rejects.toThrow(/gone/);
  });
});
