/**
 * The live optimizer's rules for trusting an answer read from a rollup (pure: rollup_state rows are
 * given as data here; test/e2e/api-rollups.test.ts runs them against a real rebuild).
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { contextFrom, optimizerFor } from '../../src/optimize/context.ts';
import {
  answerHolds,
  changedRollups,
  druidRollupsRead,
  LiveOptimizer,
  readsDruid,
  rollupsRead,
  rollupVersion,
  runChecked,
  tablesRead,
} from '../../src/optimize/live.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { DRUID_ROLLUP_SOURCE, ROLLUP_SOURCE } from '../../src/rollup/names.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { publishedState } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog);
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const daily = rollups.find((r) => r.name === 'subscriptions_daily')!;

const state = (over: Partial<RollupState> = {}): RollupState =>
  publishedState(daily, '2026-07-01T00:00:00.000Z', { buildId: '100', ...over });
const states = (s: RollupState) => new Map([[s.name, s]]);
const ctx = contextFrom(catalog, rollups, states(state()));

const revenuePlan = (c = ctx) =>
  optimizerFor(c)(
    planQuery(
      registry.get('revenue')!,
      {
        kpi: 'revenue',
        grain: 'day',
        range: { start: '2025-01-01', end: '2025-02-01' },
        timezone: 'UTC',
        dimensions: [],
        filters: [],
      },
      { catalog, registry },
    ),
  ).plan;

describe('rollupsRead', () => {
  it('names the rollups an optimized plan reads, and none of a raw one', () => {
    expect(rollupsRead(revenuePlan())).toEqual(['subscriptions_daily']);
    expect(rollupsRead(revenuePlan(contextFrom(catalog, rollups, new Map())))).toEqual([]);
  });
});

describe('tablesRead', () => {
  it('names the source tables behind the rollups a plan reads, and those it scans raw with their joins', () => {
    expect(tablesRead(revenuePlan(), rollups)).toEqual(['payments.subscriptions']);
    const arpa = optimizerFor(contextFrom(catalog, rollups, new Map()))(
      planQuery(
        registry.get('arpa')!,
        {
          kpi: 'arpa',
          grain: 'month',
          range: { start: '2025-01-01', end: '2025-02-01' },
          timezone: 'UTC',
          dimensions: ['channel'],
          filters: [],
        },
        { catalog, registry },
      ),
    ).plan;
    expect(tablesRead(arpa, rollups)).toEqual(['payments.subscriptions', 'users.accounts']);
    // A rollup the definitions no longer know names no table.
    expect(tablesRead(revenuePlan(), [])).toEqual([]);
  });
});

describe('tablesRead, more rollups', () => {
  it('maps a rollup to its own table, whatever other rollups come first, and sorts the tables', () => {
    const expenses = rollups.find((r) => r.name === 'expenses_daily')!;
    expect(tablesRead(revenuePlan(), [expenses, daily])).toEqual(['payments.subscriptions']);
    const extra = analyzeDsl(
      'kpi users_per_cost "u" { formula: count(users.accounts.id) / sum(finance.expenses.amount) grains: day }',
      {
        catalog,
        registry,
      },
    ).kpis[0]!;
    const plan = planQuery(
      extra,
      {
        kpi: extra.id,
        grain: 'day',
        range: { start: '2025-01-01', end: '2025-02-01' },
        timezone: 'UTC',
        dimensions: [],
        filters: [],
      },
      { catalog, registry },
    );
    expect(tablesRead(plan, rollups)).toEqual(['finance.expenses', 'users.accounts']);
  });
});

describe('changedRollups', () => {
  const other = { ...state(), name: 'expenses_daily' };
  const both = (a: RollupState) =>
    new Map([
      [a.name, a],
      [other.name, other],
    ]);
  it('names a rollup rebuilt, revised, redefined, unpublished, moved back, added or gone, and no other', () => {
    const before = both(state());
    expect(changedRollups(before, both(state()))).toEqual([]);
    expect(changedRollups(before, both(state({ watermark: '2026-08-01T00:00:00.000Z' })))).toEqual([]);
    for (const over of [
      { buildId: '101' },
      { revision: '1' },
      { definition: 'other' },
      { watermark: null },
      { watermark: '2026-06-30T23:59:59.999Z' },
    ]) {
      expect(changedRollups(before, both(state(over))), JSON.stringify(over)).toEqual([daily.name]);
    }
    expect(changedRollups(before, states(other))).toEqual([daily.name]);
    expect(changedRollups(states(other), before)).toEqual([daily.name]);
    // An unpublished rollup that stays unpublished has no answer to change; one published since has.
    const unpublished = both(state({ watermark: null }));
    expect(changedRollups(unpublished, both(state({ watermark: null })))).toEqual([]);
    expect(changedRollups(unpublished, both(state()))).toEqual([]);
  });
});

describe('rollupVersion', () => {
  it('is build.revision for a published rollup, and null for an unpublished or unknown one', () => {
    expect(rollupVersion(state({ buildId: '7', revision: '3' }))).toBe('7.3');
    expect(rollupVersion(state({ watermark: null }))).toBeNull();
    expect(rollupVersion(undefined)).toBeNull();
  });
});

describe('answerHolds', () => {
  const read = ['subscriptions_daily'];
  it('holds for the same build, and when the watermark only moved on', () => {
    expect(answerHolds(ctx, read, states(state()))).toBe(true);
    expect(answerHolds(ctx, read, states(state({ watermark: '2026-08-01T00:00:00.000Z' })))).toBe(true);
  });
  it('is void once the rollup is rebuilt, unpublished, moved back, redefined or gone', () => {
    expect(answerHolds(ctx, read, states(state({ buildId: '101' })))).toBe(false);
    expect(answerHolds(ctx, read, states(state({ watermark: null })))).toBe(false);
    expect(answerHolds(ctx, read, states(state({ watermark: '2026-06-01T00:00:00.000Z' })))).toBe(false);
    expect(answerHolds(ctx, read, states(state({ definition: 'something else' })))).toBe(false);
    expect(answerHolds(ctx, read, new Map())).toBe(false);
  });
  it('holds trivially for a plan that reads no rollup', () => {
    expect(answerHolds(ctx, [], new Map())).toBe(true);
  });
  it('checks each rollup against its own definition, not the first one listed', () => {
    // expenses_daily is not the first rollup of the definitions: its published state must be compared
    // with its own definition text, or every answer read from it would be void.
    const expenses = rollups.find((r) => r.name === 'expenses_daily')!;
    expect(rollups[0]).not.toBe(expenses);
    const both = new Map([
      [daily.name, state()],
      [expenses.name, publishedState(expenses, '2026-07-01T00:00:00.000Z')],
    ]);
    expect(answerHolds(contextFrom(catalog, rollups, both), [expenses.name], both)).toBe(true);
  });
  it('is void for a rollup the plan was not made with (no facts when planned)', () => {
    // Planned before the rollup was ever built, read after: nothing to compare with, not an error.
    const unbuilt = contextFrom(catalog, rollups, new Map());
    expect(answerHolds(unbuilt, read, states(state()))).toBe(false);
  });
});

describe('LiveOptimizer', () => {
  it('keeps its generation while rollup_state is unchanged and moves it when a build publishes', async () => {
    let current = states(state({ watermark: null, loadedTo: null }));
    const live = await LiveOptimizer.start({ catalog, rollups, readStates: async () => current });
    const first = live.generation;
    await live.reload();
    expect(live.generation).toBe(first);
    expect(rollupsRead(revenuePlan(live.context))).toEqual([]);

    current = states(state());
    const planned = live.context;
    await live.reload();
    expect(live.generation).not.toBe(first);
    const plan = revenuePlan(live.context);
    expect(rollupsRead(plan)).toEqual(['subscriptions_daily']);
    expect(await live.holds(live.context, plan)).toBe(true);

    // A rebuild starts after planning: the answer is void, and the context moves to the new build.
    const before = live.context;
    current = states(state({ buildId: '200', watermark: null, loadedTo: null }));
    expect(await live.holds(before, plan)).toBe(false);
    expect(rollupsRead(revenuePlan(live.context))).toEqual([]);
    expect(planned).not.toBe(before);
    live.close();
  });

  it('tells its listeners which rollups changed after the first reading, never on the first', async () => {
    let current = states(state());
    const live = await LiveOptimizer.start({ catalog, rollups, readStates: async () => current });
    const heard: string[][] = [];
    live.onRollupsChanged((names) => heard.push([...names]));
    await live.reload();
    expect(heard).toEqual([]);
    expect(live.stateOf(daily.name)?.revision).toBe('0');
    current = states(state({ revision: '1' }));
    const generation = live.generation;
    await live.reload();
    expect(heard).toEqual([[daily.name]]);
    expect(live.stateOf(daily.name)?.revision).toBe('1');
    // A new revision voids answers planned on the old one, and the context follows it.
    expect(live.generation).not.toBe(generation);
    expect(answerHolds(ctx, [daily.name], current)).toBe(false);
    live.close();
  });

  it('re-reads rollup_state on its interval until closed', async () => {
    let reads = 0;
    let third: () => void = () => {};
    const thirdRead = new Promise<void>((resolve) => {
      third = resolve;
    });
    const live = await LiveOptimizer.start({
      catalog,
      rollups,
      intervalMs: 5,
      readStates: async () => {
        if (++reads === 3) third();
        return states(state());
      },
    });
    await thirdRead;
    live.close();
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('reports a failed re-read on its interval, starts without a listener for errors, and keeps its rollups', async () => {
    let reads = 0;
    let failed: (e: unknown) => void = () => {};
    const reported = new Promise<unknown>((resolve) => {
      failed = resolve;
    });
    const live = await LiveOptimizer.start({
      catalog,
      rollups,
      intervalMs: 5,
      readStates: async () => {
        if (++reads > 1) throw new Error('store gone');
        return states(state());
      },
      onError: (e) => failed(e),
    });
    expect(((await reported) as Error).message).toBe('store gone');
    live.close();
    expect(live.rollups).toBe(rollups);
    const quiet = await LiveOptimizer.start({
      catalog,
      rollups,
      readStates: async () => {
        throw new Error('store down');
      },
    });
    expect(quiet.context.facts.size).toBe(0);
  });

  it('checks a plan that reads no rollup without reading rollup_state; a publish moves the generation forward', async () => {
    let reads = 0;
    let current = states(state({ watermark: null, loadedTo: null }));
    const live = await LiveOptimizer.start({
      catalog,
      rollups,
      readStates: async () => {
        reads++;
        return current;
      },
    });
    const raw = revenuePlan(live.context);
    expect(await live.holds(live.context, raw)).toBe(true);
    expect(reads).toBe(1);
    const before = live.generation;
    current = states(state());
    await live.reload();
    expect(live.generation).toBeGreaterThan(before);
    live.close();
  });

  it('starts with no rollups when rollup_state cannot be read, and says so', async () => {
    const errors: unknown[] = [];
    const live = await LiveOptimizer.start({
      catalog,
      rollups,
      readStates: async () => {
        throw new Error('store down');
      },
      onError: (e) => errors.push(e),
    });
    expect(live.context.facts.size).toBe(0);
    expect(errors).toHaveLength(1);
  });
});

describe('runChecked', () => {
  const rollupPlan = revenuePlan();
  const rawPlan = revenuePlan(contextFrom(catalog, rollups, new Map()));
  const run = (o: { holds: boolean; fails?: boolean; plan?: typeof rollupPlan; signal?: AbortSignal }) => {
    const calls: string[] = [];
    const result = runChecked({
      plan: o.plan ?? rollupPlan,
      run: async () => {
        calls.push('run');
        if (o.fails) throw new Error('relation does not exist');
        return 'rollup answer';
      },
      runRaw: async () => {
        calls.push('raw');
        return 'raw answer';
      },
      holds: async () => {
        calls.push('holds');
        return o.holds;
      },
      signal: o.signal,
    });
    return { result, calls };
  };

  it('keeps an answer that holds, and replaces a void one by the raw plan', async () => {
    const ok = run({ holds: true });
    expect(await ok.result).toEqual({ result: 'rollup answer', readRollups: true, voided: false });
    const void_ = run({ holds: false });
    expect(await void_.result).toEqual({ result: 'raw answer', readRollups: true, voided: true });
    expect(void_.calls).toEqual(['run', 'holds', 'raw']);
  });

  it('answers raw when the run failed because its rollup changed, and rethrows other failures', async () => {
    expect(await run({ holds: false, fails: true }).result).toEqual({
      result: 'raw answer',
      readRollups: true,
      voided: true,
    });
    await expect(run({ holds: true, fails: true }).result).rejects.toThrow(/relation does not exist/);
    const aborted = AbortSignal.abort();
    await expect(run({ holds: false, fails: true, signal: aborted }).result).rejects.toThrow();
  });

  it('treats a check that cannot read rollup_state as void: the raw plan answers', async () => {
    const r = await runChecked({
      plan: rollupPlan,
      run: async () => 'rollup answer',
      runRaw: async () => 'raw answer',
      holds: async () => {
        throw new Error('store down');
      },
    });
    expect(r).toEqual({ result: 'raw answer', readRollups: true, voided: true });
  });

  it('never checks a plan that reads no rollup', async () => {
    const r = run({ holds: false, plan: rawPlan });
    expect(await r.result).toEqual({ result: 'rollup answer', readRollups: false, voided: false });
    expect(r.calls).toEqual(['run']);
  });

  // The same plan with its rollup served by Druid (plans are plain data).
  const druidPlan = JSON.parse(
    JSON.stringify(rollupPlan).replaceAll(`"source":"${ROLLUP_SOURCE}"`, `"source":"${DRUID_ROLLUP_SOURCE}"`),
  ) as typeof rollupPlan;
  const failing = (plan: typeof rollupPlan, code: string) =>
    runChecked({
      plan,
      run: async () => {
        throw Object.assign(new Error(`druid: ${code}`), { code });
      },
      runRaw: async () => 'raw answer',
      holds: async () => true,
    });

  it('knows which plans read a Druid rollup', () => {
    expect(JSON.stringify(druidPlan)).toContain(DRUID_ROLLUP_SOURCE);
    expect(readsDruid(druidPlan)).toBe(true);
    expect(rollupsRead(druidPlan)).toEqual(['subscriptions_daily']);
    expect(readsDruid(rollupPlan)).toBe(false);
    expect(readsDruid(rawPlan)).toBe(false);
    expect(druidRollupsRead(druidPlan)).toEqual(['subscriptions_daily']);
    expect(druidRollupsRead(rollupPlan)).toEqual([]);
  });

  it('answers raw without running the rollup plan when it is unusable before the run, and says why', async () => {
    const calls: string[] = [];
    const checked = (why: string | null) =>
      runChecked({
        plan: druidPlan,
        run: async () => {
          calls.push('run');
          return 'partial answer';
        },
        runRaw: async () => {
          calls.push('raw');
          return 'raw answer';
        },
        holds: async () => true,
        unusable: async () => {
          calls.push('unusable');
          return why;
        },
      });
    const why = 'Druid does not serve 2 published segment(s) of subscriptions_daily';
    expect(await checked(why)).toEqual({
      result: 'raw answer',
      readRollups: true,
      voided: true,
      reason: why,
    });
    expect(calls).toEqual(['unusable', 'raw']);
    calls.length = 0;
    expect(await checked(null)).toEqual({ result: 'partial answer', readRollups: true, voided: false });
    expect(calls).toEqual(['unusable', 'run']);
  });

  it('answers raw when Druid fails under a Druid rollup, and rethrows a timeout or a failure elsewhere', async () => {
    for (const code of ['engine-unavailable', 'engine-error']) {
      expect(await failing(druidPlan, code)).toEqual({
        result: 'raw answer',
        readRollups: true,
        voided: true,
      });
      // The same failure of the metrics store is not Druid's: the rollup still holds, so it is the answer.
      await expect(failing(rollupPlan, code)).rejects.toThrow(`druid: ${code}`);
    }
    await expect(failing(druidPlan, 'query-timeout')).rejects.toThrow('druid: query-timeout');
  });
});
