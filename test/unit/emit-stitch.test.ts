/**
 * Stitched instances in the emitted SQL (a rollup's complete buckets plus the raw tail): the pieces are
 * re-aggregated per key — the bucket when the query has a grain, every dimension — with the measure's
 * own combine function (MIN of minimums, MAX of maximums, SUM of sums), and a windowed instance joins
 * its base rows to the spine the same way. Plans from the optimizer over the demo's daily rollup.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { trino } from '../../src/emit/trino.ts';
import type { Grain } from '../../src/ir/kpi.ts';
import { contextFrom } from '../../src/optimize/context.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import type { Plan } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { refusal } from '../support/compile-refusal.ts';
import { publishedState } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog).filter((r) => r.name === 'subscriptions_daily');
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
// Complete up to June 30th: June is read from the rollup up to then, the last day raw.
const ctx = contextFrom(
  catalog,
  rollups,
  new Map([[rollups[0]!.name, publishedState(rollups[0]!, '2026-06-30T00:00:00.000Z', { buildId: '7' })]]),
);

const stitched = (formula: string, grain: Grain | null, dimensions: string[]) => {
  const k = analyzeFormula(formula, { catalog, registry }).kpis[0]!;
  const range = { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' };
  const q = { kpi: k.id, grain, range, timezone: 'UTC', dimensions, filters: [] };
  const o = optimize(planQuery(k, q, { catalog, registry: new Map(registry).set(k.id, k) }), ctx);
  expect(o.plan.root.input.inputs.map((m) => m.kind)).toEqual(['stitch']);
  return { plan: o.plan, catalog: o.catalog, sql: () => emitSql(o.plan, trino, o.catalog).sql };
};

describe('stitched instances', () => {
  it('re-aggregate a total per dimension: no bucket key, grouped by the dimension, SUM of sums', () => {
    const { sql } = stitched('sum(payments.subscriptions.amount)', null, ['region']);
    expect(sql()).toMatch(
      /^WITH "m0" AS \(SELECT d0, SUM\("m0"\) AS "m0" FROM \(.* UNION ALL .*\) p GROUP BY 1\),$/m,
    );
  });

  it('re-aggregate maximums with MAX per bucket and dimension', () => {
    const { sql } = stitched('max(payments.subscriptions.amount)', 'day', ['region']);
    expect(sql()).toMatch(
      /^WITH "m0" AS \(SELECT bucket, d0, MAX\("m0"\) AS "m0" FROM \(.*\) p GROUP BY 1, 2\),$/m,
    );
  });

  it('join a windowed instance to the spine with its combine function, keyed by what the query asks', () => {
    // Minimums of a 7-day window, one total per region: no bucket key, grouped by the region only.
    const byRegion = stitched('rolling(min(payments.subscriptions.amount), 7 days)', null, ['region']);
    expect(byRegion.sql()).toMatch(
      /^"m0" AS \(SELECT f\.d0 AS d0, MIN\(f\.arg\) AS "m0" FROM spine s JOIN .* GROUP BY 1\),$/m,
    );
    // Maximums per day: the spine's bucket is the key.
    const daily = stitched('rolling(max(payments.subscriptions.amount), 7 days)', 'day', []);
    expect(daily.sql()).toMatch(
      /^"m0" AS \(SELECT s\.bucket AS bucket, MAX\(f\.arg\) AS "m0" FROM spine s JOIN .* GROUP BY 1\),$/m,
    );
    // One total and no dimension: nothing to group by.
    const total = stitched('rolling(max(payments.subscriptions.amount), 7 days)', null, []);
    expect(total.sql()).toMatch(
      /^"m0" AS \(SELECT MAX\(f\.arg\) AS "m0" FROM spine s JOIN .* AND f\.ts < s\.hi\),$/m,
    );
  });

  it('refuses a windowed stitch whose piece is not bucketed by truncation', () => {
    const { plan, catalog: extended } = stitched(
      'rolling(max(payments.subscriptions.amount), 7 days)',
      'day',
      [],
    );
    // A faulty rule's plan: a piece bucketed over the spine, which the base-row join cannot read.
    const broken = JSON.parse(JSON.stringify(plan)) as Plan;
    const piece = (broken.root.input.inputs[0] as unknown as { pieces: { bucketing: { kind: string } }[] })
      .pieces[0]!;
    piece.bucketing.kind = 'spine';
    expect(refusal(() => emitSql(broken, trino, extended))).toMatch(
      /^invalid-query: a windowed stitch piece of \S+ is not truncated$/,
    );
  });
});
