/**
 * Split plans on the real stack (issue 16): a plan over several connections runs each aggregate and
 * stitch piece directly on its own engine — the rollup piece on the metrics store, the raw tail on
 * PostgreSQL, a second variable on the users database — and is combined in process. Checked against
 * hand-written SQL on the sources (counts and cents exact, ratios to 1e-9) and against the same plan
 * as one Trino statement; the engine's deadline covers every part.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRuntime } from '../../src/exec/engine.ts';
import { explain } from '../../src/optimize/explain.ts';
import { rollupsRead } from '../../src/optimize/live.ts';
import type { OptimizeContext } from '../../src/optimize/types.ts';
import { eq, str } from '../unit/compile-kpis.ts';
import { pgQuery } from './oracle-support.ts';
import {
  at,
  buildStitchRollups,
  cacOracle,
  catalog,
  engineOn as engineWith,
  expectRows,
  oracle,
  query,
  registry,
  revenueOracle,
} from './support/stitch-oracle.ts';

const env = inject('stackEnv');
const runtime = createRuntime({ env, maxConcurrent: 2 });
let built: OptimizeContext;
let costed: OptimizeContext;
const WATERMARK = '2026-06-30T00:00:00.000Z';
const DEFAULT_RANGE = { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' };

beforeAll(async () => {
  ({ built, costed } = await buildStitchRollups(env));
}, 600_000);

afterAll(async () => {
  await runtime.close();
});

const engineOn = (ctx: OptimizeContext, timeoutMs = 120_000) => engineWith(env, runtime, ctx, timeoutMs);
const P = () => env.PAYMENTS_DB_URL!;

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
    const want = await revenueOracle(env, 'day', DEFAULT_RANGE);
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
    expectRows((await engine.execute(c)).rows, await cacOracle(env, DEFAULT_RANGE), 'ratio');
  });

  it('raw variables on two source databases run directly too when cost keeps them raw (cac_marketing)', async () => {
    const q = query('cac_marketing', 'day', DEFAULT_RANGE);
    const engine = engineOn(at(costed, WATERMARK));
    const c = engine.compile(q);
    expect(c.dialect).toBe('split');
    expect(c.parts?.map((p) => p.connection.name).sort()).toEqual(['payments', 'users']);
    expectRows((await engine.execute(c)).rows, await cacOracle(env, DEFAULT_RANGE), 'ratio');
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
