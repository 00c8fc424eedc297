/**
 * Split plans on the real stack (issue 16): a plan over several connections runs each aggregate and
 * stitch piece directly on its own engine — the rollup piece on the metrics store, the raw tail on
 * PostgreSQL, a second variable on the users database — and is combined in process. Checked against
 * hand-written SQL on the sources (counts and cents exact, ratios to 1e-9) and against the same plan
 * as one Trino statement; the engine's deadline covers every part.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine, createRuntime, type ResultRow } from '../../src/exec/engine.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { ANY_ROLLUP, loadOptimizeContext, optimizerFor } from '../../src/optimize/context.ts';
import { explain } from '../../src/optimize/explain.ts';
import { rollupsRead } from '../../src/optimize/live.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { eq, str } from '../unit/compile-kpis.ts';
import { pgQuery, ratio } from './oracle-support.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const rollups = loadRollups(catalog).filter((r) =>
  ['subscriptions_daily', 'expenses_daily', 'accounts_daily'].includes(r.name),
);
const runtime = createRuntime({ env, maxConcurrent: 2 });
let built: OptimizeContext;
let costed: OptimizeContext;
const WATERMARK = '2026-06-30T00:00:00.000Z';
const DEFAULT_RANGE = { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' };

beforeAll(async () => {
  for (const r of rollups) await buildRollup(catalog, r, env);
  built = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL, ANY_ROLLUP);
  costed = await loadOptimizeContext(catalog, rollups, env.TIMESCALE_URL);
}, 600_000);

afterAll(async () => {
  await runtime.close();
});

/** The context with every rollup's watermark set below the built one (the rollup holds more). */
const at = (ctx: OptimizeContext, watermark: string): OptimizeContext => ({
  ...ctx,
  facts: new Map([...ctx.facts].map(([n, f]) => [n, { ...f, watermark }])),
});

const engineOn = (ctx: OptimizeContext, timeoutMs = 120_000) =>
  createEngine({ catalog, registry, env, runtime, timeoutMs, optimizer: optimizerFor(ctx) });

/** `time|dims → value` from hand-written SQL on a source (bucket in UTC). */
async function oracle(
  url: string,
  grain: 'day' | 'month',
  sql: { from: string; ts: string; agg: string; where?: string; dims?: string[] },
  range: { start: string; end: string },
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

const keyOf = (r: ResultRow, dims: readonly string[]) =>
  JSON.stringify([Date.parse(String(r.time)), ...dims.map((d) => r[d] ?? null)]);

function expectRows(
  got: readonly ResultRow[],
  want: Map<string, number | null>,
  exact: 'cents' | 'ratio',
  dims: readonly string[] = [],
) {
  const g = new Map(got.filter((r) => r.value !== null).map((r) => [keyOf(r, dims), r.value as number]));
  const w = [...want].filter(([, v]) => v !== null) as [string, number][];
  expect([...g.keys()].sort()).toEqual(w.map(([k]) => k).sort());
  for (const [k, v] of w) {
    const x = g.get(k)!;
    if (exact === 'cents') expect(Math.round(x * 100), k).toBe(Math.round(v * 100));
    else expect(Math.abs(x - v), k).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
  }
}

const query = (
  kpi: string,
  grain: 'day' | 'month',
  range: { start: string; end: string },
  more: Partial<MetricQuery> = {},
): MetricQuery => ({ kpi, grain, range, timezone: 'UTC', dimensions: [], filters: [], ...more });

const P = () => env.PAYMENTS_DB_URL!;
const U = () => env.USERS_DB_URL!;

async function cacOracle(range: { start: string; end: string }) {
  const spend = await oracle(
    P(),
    'day',
    { from: 'finance.expenses', ts: 'spent_at', agg: 'sum(amount)', where: `category = 'marketing'` },
    range,
  );
  const customers = await oracle(
    U(),
    'day',
    { from: 'public.accounts', ts: 'created_at', agg: 'count(id)' },
    range,
  );
  const keys = new Set([...spend.keys(), ...customers.keys()]);
  return new Map([...keys].map((k) => [k, ratio(spend.get(k) ?? null, customers.get(k) ?? null)]));
}

describe('split plans: stitched pieces on their own engines, combined in process', () => {
  it('the default route range: the rollup piece on the metrics store, today raw on PostgreSQL (revenue)', async () => {
    const q = query('revenue', 'day', DEFAULT_RANGE);
    const engine = engineOn(at(built, WATERMARK));
    const c = engine.compile(q);
    expect(c.dialect).toBe('split');
    expect(c.parts?.map((p) => [p.connection.name, p.dialect])).toEqual([
      ['metrics', 'timescale'],
      ['payments', 'postgres'],
    ]);
    // The post-run check still sees the rollup the rollup piece read.
    expect(rollupsRead(c.plan)).toEqual(['subscriptions_daily']);
    const want = await oracle(
      P(),
      'day',
      { from: 'public.subscriptions', ts: 'started_at', agg: 'sum(amount)' },
      DEFAULT_RANGE,
    );
    const split = await engine.execute(c);
    expect(split.dialect).toBe('split');
    expectRows(split.rows, want, 'cents');
    const trino = await engine.run(q, { dialect: 'trino' });
    expect(trino.dialect).toBe('trino');
    expect(split.rows).toEqual(trino.rows);
  });

  it('a month straddling the watermark, by region (NULL regions included) with a filter: exact per key', async () => {
    const range = { start: '2026-04-10T12:00:00.000Z', end: '2026-06-30T15:00:00.000Z' };
    const q = query('revenue', 'month', range, {
      dimensions: ['region'],
      filters: [eq({ kind: 'dimension', name: 'plan_type' }, str('pro'))],
    });
    const engine = engineOn(at(built, '2026-06-15T00:00:00.000Z'));
    const c = engine.compile(q);
    expect(c.dialect).toBe('split');
    expect(c.parts).toHaveLength(3); // raw head, rollup, raw tail
    const want = await oracle(
      P(),
      'month',
      {
        from: 'public.subscriptions',
        ts: 'started_at',
        agg: 'sum(amount)',
        where: `plan_type = 'pro'`,
        dims: ['region'],
      },
      range,
    );
    expect([...want.keys()].some((k) => k.endsWith(',null]'))).toBe(true);
    const r = await engine.execute(c);
    expectRows(r.rows, want, 'cents', ['region']);
  });

  it('a two-source ratio stitched on both variables: four parts on three databases (cac_marketing)', async () => {
    const q = query('cac_marketing', 'day', DEFAULT_RANGE);
    const engine = engineOn(at(built, WATERMARK));
    const c = engine.compile(q);
    expect(c.dialect).toBe('split');
    expect(new Set(c.parts?.map((p) => p.connection.name))).toEqual(
      new Set(['metrics', 'payments', 'users']),
    );
    expectRows((await engine.execute(c)).rows, await cacOracle(DEFAULT_RANGE), 'ratio');
  });

  it('raw variables on two source databases run directly too when cost keeps them raw (cac_marketing)', async () => {
    const q = query('cac_marketing', 'day', DEFAULT_RANGE);
    const engine = engineOn(at(costed, WATERMARK));
    const c = engine.compile(q);
    expect(c.dialect).toBe('split');
    expect(c.parts?.map((p) => p.connection.name).sort()).toEqual(['payments', 'users']);
    expectRows((await engine.execute(c)).rows, await cacOracle(DEFAULT_RANGE), 'ratio');
  });

  it('EXPLAIN shows the split choice with its estimate and every part', async () => {
    const e = explain(
      { catalog, registry, context: at(built, WATERMARK), env },
      query('revenue', 'day', DEFAULT_RANGE),
    );
    expect(e.text).toMatch(
      /== engine split \(reads 2 connections: split [\d.]+ ms vs one trino statement [\d.]+ ms/,
    );
    expect(e.text).toMatch(/-- part m0 piece 1 on metrics \(timescale\), combined in process/);
    expect(e.text).toMatch(/-- part m0 piece 2 on payments \(postgres\), combined in process/);
  });

  it('the engine deadline covers every part: the answer is query-timeout and no part keeps running', async () => {
    const q = query('revenue', 'day', { start: '2024-01-01T00:00:00Z', end: '2026-07-01T00:00:00Z' });
    const engine = engineOn(at(built, WATERMARK), 1);
    expect(engine.compile(q).dialect).toBe('split');
    await expect(engine.run(q)).rejects.toMatchObject({ code: 'query-timeout' });
    // Real state: PostgreSQL shows no statement of ours still running (each part was canceled or done).
    for (;;) {
      const active = await pgQuery(
        P(),
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%"subscriptions" t0%' AND pid <> pg_backend_pid()`,
      );
      if (active[0]!.n === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
});
