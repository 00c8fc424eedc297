/**
 * The optimizer's context over rollup_state rows (src/optimize/context.ts), its rule list
 * (optimize.ts) and EXPLAIN's refusals and fields (explain.ts); the EXPLAIN text itself is pinned by
 * the goldens in fixtures/golden/optimize.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { contextFrom, loadOptimizeContext } from '../../src/optimize/context.ts';
import { explain } from '../../src/optimize/explain.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { chooseEngine } from '../../src/optimize/rules/choose-engine.ts';
import { selectRollups } from '../../src/optimize/rules/select-rollups.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) =>
  ['subscriptions_daily', 'accounts_daily'].includes(r.name),
);
const [daily, accounts] = rollups as [(typeof rollups)[0], (typeof rollups)[0]];
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const WATERMARK = '2026-06-30T00:00:00.000Z';
const state = (over: Partial<RollupState> = {}): RollupState =>
  publishedState(daily, WATERMARK, {
    buildId: '4',
    revision: '2',
    aggRows: 12,
    sourceRows: 1_000,
    sourceStart: '2026-01-01T00:00:00.000Z',
    ...over,
  });
const query = {
  kpi: 'revenue',
  grain: 'day' as const,
  range: { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};
const env = { TRINO_URL: 't', PAYMENTS_DB_URL: 'p', USERS_DB_URL: 'u', TIMESCALE_URL: 'm' };

describe('contextFrom', () => {
  it('takes the facts of each rollup built from its own definition, and no others', () => {
    const ctx = contextFrom(
      catalog,
      rollups,
      new Map([
        [daily.name, state()],
        [accounts.name, state({ name: accounts.name, definition: 'an older definition' })],
      ]),
    );
    expect([...ctx.facts.keys()]).toEqual([daily.name]);
    expect(ctx.facts.get(daily.name)).toStrictEqual({
      watermark: WATERMARK,
      rows: 12,
      sourceRows: 1_000,
      sourceStart: '2026-01-01T00:00:00.000Z',
      buildId: '4',
      revision: '2',
      dirty: [],
    });
    expect(ctx.rowCost).toBeUndefined();
  });

  it('leaves out source counts a build did not record, and keeps a row cost it is given', () => {
    const cost = { factor: 3, basis: 'pinned' };
    const ctx = contextFrom(
      catalog,
      rollups,
      new Map([[daily.name, state({ sourceRows: null, sourceStart: null })]]),
      cost,
    );
    const facts = ctx.facts.get(daily.name)!;
    expect('sourceRows' in facts).toBe(false);
    expect('sourceStart' in facts).toBe(false);
    expect(ctx.rowCost).toBe(cost);
  });

  it('reads no store when there is no store or no rollup to read', async () => {
    // A URL nothing listens on: reading it would fail.
    const nowhere = 'postgres://kpi@127.0.0.1:1/none';
    expect((await loadOptimizeContext(catalog, [], nowhere)).facts.size).toBe(0);
    const none = await loadOptimizeContext(catalog, rollups, undefined, { factor: 2, basis: 'pinned' });
    expect(none.facts.size).toBe(0);
    expect(none.rollups).toBe(rollups);
    expect(none.rowCost?.factor).toBe(2);
  });
});

describe('optimize with a list of rules', () => {
  const planned = planQuery(registry.get('revenue')!, query, { catalog, registry });
  const ctx = contextFrom(catalog, rollups, new Map([[daily.name, state()]]), { factor: 0, basis: 't' });

  it('keeps one step per rule, the last rollup choices and the last engine any rule gave', () => {
    const all = optimize(planned, ctx, [selectRollups, chooseEngine]);
    expect(all.steps.map((s) => s.rule)).toEqual(['select-rollups', 'choose-engine']);
    expect(all.choices).toHaveLength(1);
    expect(all.engine?.dialect).toBe('split');
    // Without choose-engine nothing picks an engine; without select-rollups nothing is chosen.
    expect(optimize(planned, ctx, [selectRollups]).engine).toBeNull();
    const engineOnly = optimize(planned, ctx, [chooseEngine]);
    expect(engineOnly.choices).toEqual([]);
    expect(engineOnly.steps).toHaveLength(1);
    expect(engineOnly.engine?.dialect).toBe('postgres');
  });
});

describe('explain', () => {
  it('refuses an unknown KPI by name', () => {
    const ctx = contextFrom(catalog, rollups, new Map());
    const run = () => explain({ catalog, registry, context: ctx, env }, { ...query, kpi: 'nope' });
    expect(run).toThrow(CompileError);
    expect(run).toThrow('no KPI "nope" is defined');
    try {
      run();
    } catch (e) {
      expect((e as CompileError).code).toBe('unknown-kpi');
    }
  });

  it('names the connection a direct plan runs on, and none for Trino', () => {
    const ctx = contextFrom(catalog, rollups, new Map());
    const direct = explain({ catalog, registry, context: ctx, env }, query);
    expect(direct.dialect).toBe('postgres');
    expect(direct.connection).toBe('payments');
    const trino = explain({ catalog, registry, context: ctx, env, dialect: 'trino' }, query);
    expect(trino.connection).toBeNull();
  });
});
