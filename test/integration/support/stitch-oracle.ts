/**
 * Shared by the stitched-plan tests on the real stack (optimize-stitch.test.ts, optimize-split.test.ts):
 * the three rollups they build, the optimizer context at a chosen watermark, and the oracle — hand-written
 * SQL on a source, bucketed in UTC, apart from the compiler — with the comparison of an answer against it
 * (cents exact, ratios to 1e-9).
 */
import { expect } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.ts';
import { createEngine, type ResultRow, type Runtime } from '../../../src/exec/engine.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';
import { ANY_ROLLUP, loadOptimizeContext, optimizerFor } from '../../../src/optimize/context.ts';
import type { OptimizeContext } from '../../../src/optimize/types.ts';
import { buildRollup } from '../../../src/rollup/build.ts';
import { loadRollups } from '../../../src/rollup/definitions.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../../src/semantic/index.ts';
import { pgQuery, ratio } from '../oracle-support.ts';

type Env = Readonly<Record<string, string | undefined>>;
export type Range = { readonly start: string; readonly end: string };

export const catalog = loadCatalog();
export const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
export const rollups = loadRollups(catalog).filter((r) =>
  ['subscriptions_daily', 'expenses_daily', 'accounts_daily'].includes(r.name),
);

/**
 * Builds the rollups and loads the optimizer's context twice: `built` pins the row cost (this small data
 * set's rollups are nearly as large as their sources, and the estimate would rightly read the sources),
 * `costed` estimates as a service would.
 */
export async function buildStitchRollups(
  env: Env,
): Promise<{ built: OptimizeContext; costed: OptimizeContext }> {
  for (const r of rollups) await buildRollup(catalog, r, env);
  return {
    built: await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL, ANY_ROLLUP),
    costed: await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL),
  };
}

/** The context with every rollup's watermark set (below the built one: the rollup holds more). */
export const at = (ctx: OptimizeContext, watermark: string): OptimizeContext => ({
  ...ctx,
  facts: new Map([...ctx.facts].map(([n, f]) => [n, { ...f, watermark }])),
});

export const engineOn = (env: Env, runtime: Runtime, ctx: OptimizeContext, timeoutMs = 120_000) =>
  createEngine({ catalog, registry, env, runtime, timeoutMs, optimizer: optimizerFor(ctx) });

export const query = (
  kpi: string,
  grain: 'day' | 'month',
  range: Range,
  more: Partial<MetricQuery> = {},
): MetricQuery => ({ kpi, grain, range, timezone: 'UTC', dimensions: [], filters: [], ...more });

/** `[bucket start ms, dims…]` as text → value, from hand-written SQL on a source (bucket in UTC). */
export async function oracle(
  url: string,
  grain: 'day' | 'month',
  sql: { from: string; ts: string; agg: string; where?: string; dims?: string[] },
  range: Range,
): Promise<Map<string, number>> {
  const dims = sql.dims ?? [];
  const rows = await pgQuery(
    url,
    `SELECT extract(epoch FROM date_trunc('${grain}', ${sql.ts} AT TIME ZONE 'UTC'))::bigint * 1000 AS b,
       ${dims.map((d, i) => `${d} AS d${i},`).join(' ')} (${sql.agg})::text AS v
     FROM ${sql.from} WHERE ${sql.ts} >= $1::timestamptz AND ${sql.ts} < $2::timestamptz ${sql.where ? `AND ${sql.where}` : ''}
     GROUP BY ${['1', ...dims.map((_, i) => String(i + 2))].join(', ')}`,
    [range.start, range.end],
  );
  return new Map(
    rows.map((r) => [JSON.stringify([Number(r.b), ...dims.map((_, i) => r[`d${i}`] ?? null)]), Number(r.v)]),
  );
}

/** revenue's source: the sum of subscription amounts. */
export const revenueOracle = (env: Env, grain: 'day' | 'month', range: Range) =>
  oracle(
    env.PAYMENTS_DB_URL!,
    grain,
    { from: 'public.subscriptions', ts: 'started_at', agg: 'sum(amount)' },
    range,
  );

/** cac_marketing: marketing spend (payments) over new accounts (users), per day. */
export async function cacOracle(env: Env, range: Range): Promise<Map<string, number | null>> {
  const spend = await oracle(
    env.PAYMENTS_DB_URL!,
    'day',
    { from: 'finance.expenses', ts: 'spent_at', agg: 'sum(amount)', where: `category = 'marketing'` },
    range,
  );
  const customers = await oracle(
    env.USERS_DB_URL!,
    'day',
    { from: 'public.accounts', ts: 'created_at', agg: 'count(id)' },
    range,
  );
  const keys = new Set([...spend.keys(), ...customers.keys()]);
  return new Map([...keys].map((k) => [k, ratio(spend.get(k) ?? null, customers.get(k) ?? null)]));
}

const keyOf = (r: ResultRow, dims: readonly string[]) =>
  JSON.stringify([Date.parse(String(r.time)), ...dims.map((d) => r[d] ?? null)]);

/** The answer has exactly the oracle's non-NULL keys; cents equal, or ratios to 1e-9. */
export function expectRows(
  got: readonly ResultRow[],
  want: Map<string, number | null>,
  exact: 'cents' | 'ratio',
  dims: readonly string[] = [],
): void {
  const g = new Map(got.filter((r) => r.value !== null).map((r) => [keyOf(r, dims), r.value as number]));
  const w = [...want].filter(([, v]) => v !== null) as [string, number][];
  expect([...g.keys()].sort()).toEqual(w.map(([k]) => k).sort());
  for (const [k, v] of w) {
    const x = g.get(k)!;
    if (exact === 'cents') expect(Math.round(x * 100), k).toBe(Math.round(v * 100));
    else expect(Math.abs(x - v), k).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
  }
}
