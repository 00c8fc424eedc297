/**
 * KPI tables joined with Trino's tables, and KPI queries nested in others, on the real stack: the
 * endpoint compiles each KPI part and Trino runs the rest. Every answer is checked against an oracle
 * written by hand in plain Trino SQL over the raw sources (revenue = sum(payments.subscriptions.amount)
 * by the month its subscription started, UTC) — never against the endpoint's own KPI answers.
 */
// @ts-nocheck

import { BasicAuth, Trino } from 'trino-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningService, startService } from '../e2e/api-support.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const RANGE = "time_month >= DATE '2025-01-01' AND time_month < DATE '2025-07-01'";
const ORACLE_REVENUE = `SELECT date_trunc('month', started_at AT TIME ZONE 'UTC') AS month, region, CAST(sum(amount) AS double) AS revenue
FROM payments.public.subscriptions
WHERE started_at >= TIMESTAMP '2025-01-01 00:00:00 UTC' AND started_at < TIMESTAMP '2025-07-01 00:00:00 UTC'`;
const ACCOUNTS = 'SELECT region, count(*) AS n FROM users.public.accounts GROUP BY region';

interface Answer {
  rows: unknown[][];
  error?: {
    errorName: string;
    message: string;
    errorLocation?: { lineNumber: number; columnNumber: number };
  };
}

/** Decimal values come as strings, as Trino sends them (an exact KPI's `value` is decimal(p,s)). */
const asNumber = (v: unknown) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
const close = (actual: unknown, b: unknown) => {
  const a = typeof b === 'number' ? asNumber(actual) : actual;
  if (typeof a !== 'number' || typeof b !== 'number') return a === b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
};
const expectRows = (actual: unknown[][], expected: unknown[][]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      if (!close(v, expected[i]![j])) expect([i, j, v]).toEqual([i, j, expected[i]![j]]);
    });
  });
};
const month = (v: unknown) => String(v).slice(0, 7);

describe('KPI tables in federated statements (real Trino)', () => {
  let service: RunningService;
  const ask = async (sql: string, catalog?: string): Promise<Answer> => {
    const client = Trino.create({
      server: service.url,
      auth: new BasicAuth('federation-test'),
      ...(catalog ? { catalog, schema: 'default' } : {}),
      extraHeaders: { 'X-Trino-Time-Zone': 'UTC' },
    });
    const rows: unknown[][] = [];
    let error: Answer['error'];
    for await (const page of await client.query(sql)) {
      if (page.error) error = page.error as Answer['error'];
      rows.push(...(page.data ?? []));
    }
    return { rows, ...(error ? { error } : {}) };
  };

  beforeAll(async () => {
    service = await startService({ ...(env as Record<string, string>), ENABLE_SCHEDULER: 'false' });
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
  }, 120_000);

  it('joins a KPI table with a Trino table: the KPI at the grain and dimensions used, per joined row', async () => {
    const r = await ask(
      `SELECT k.time_month, k.region, k.value, a.n FROM kpi.default.revenue k JOIN (${ACCOUNTS}) a ON a.region = k.region
       WHERE k.${RANGE.replace(' AND ', ' AND k.')} ORDER BY 1, 2`,
    );
    expect(r.error).toBeUndefined();
    const oracle = await trinoRows(
      env.TRINO_URL!,
      `SELECT o.month, o.region, o.revenue, a.n FROM (${ORACLE_REVENUE} GROUP BY 1, 2) o JOIN (${ACCOUNTS}) a ON a.region = o.region ORDER BY 1, 2`,
    );
    expect(oracle.length).toBeGreaterThan(10);
    expectRows(
      r.rows.map((x) => [month(x[0]), x[1], x[2], x[3]]),
      oracle.map((o) => [month(o.month), o.region, o.revenue, o.n]),
    );
  });

  it('filters on a dimension used only in WHERE (not a dimension of the answer), and ratios across joined KPIs', async () => {
    const r = await ask(
      // revenue's value is decimal(38,2): as on any Trino decimal column, a ratio of decimals keeps
      // scale 2, so the fraction is asked for in double.
      `SELECT r.time_month, r.value AS eu_na, t.value AS total, CAST(r.value AS double) / t.value AS share
       FROM kpi.default.revenue r JOIN kpi.default.revenue t ON t.time_month = r.time_month
       WHERE r.${RANGE.replace(' AND ', ' AND r.')} AND t.${RANGE.replace(' AND ', ' AND t.')} AND r.region IN ('eu', 'na')
       ORDER BY 1`,
    );
    expect(r.error).toBeUndefined();
    const oracle = await trinoRows(
      env.TRINO_URL!,
      `SELECT month, sum(revenue) FILTER (WHERE region IN ('eu', 'na')) AS part, sum(revenue) AS total FROM (${ORACLE_REVENUE} GROUP BY 1, 2) GROUP BY 1 ORDER BY 1`,
    );
    expect(oracle).toHaveLength(6);
    expectRows(
      r.rows.map((x) => [month(x[0]), x[1], x[2], x[3]]),
      oracle.map((o) => [month(o.month), o.part, o.total, (o.part as number) / (o.total as number)]),
    );
  });

  it('runs a nested KPI query (MEASURE, ORDER BY, LIMIT) and a WITH query under Trino’s own SQL', async () => {
    const nested = await ask(
      `SELECT count(*) AS months, sum(v) AS total, max(v) AS best FROM (
         SELECT time_month, MEASURE(value) AS v FROM kpi.default.revenue WHERE ${RANGE} GROUP BY 1 ORDER BY v DESC LIMIT 3) top3`,
    );
    expect(nested.error).toBeUndefined();
    const monthly = await trinoRows(
      env.TRINO_URL!,
      `SELECT month, sum(revenue) AS v FROM (${ORACLE_REVENUE} GROUP BY 1, 2) GROUP BY 1 ORDER BY v DESC`,
    );
    const top3 = monthly.slice(0, 3).map((m) => m.v as number);
    expectRows(nested.rows, [[3, top3.reduce((a, b) => a + b, 0), top3[0]]]);

    const cte = await ask(
      `WITH m AS (SELECT time_month, region, value FROM revenue WHERE ${RANGE})
       SELECT region, count(*) AS months, sum(value) AS total, CASE WHEN sum(value) > 0 THEN 'yes' END AS any
       FROM m GROUP BY region ORDER BY region`,
      'kpi',
    );
    expect(cte.error).toBeUndefined();
    const byRegion = await trinoRows(
      env.TRINO_URL!,
      `SELECT region, count(*) AS months, sum(revenue) AS total FROM (${ORACLE_REVENUE} GROUP BY 1, 2) GROUP BY region ORDER BY region`,
    );
    expectRows(
      cte.rows,
      byRegion.map((o) => [o.region, o.months, o.total, 'yes']),
    );
  });

  it('answers what only Trino reads (CASE, UNION) over the KPI rows, and EXPLAIN shows the SQL Trino runs', async () => {
    const r = await ask(
      `SELECT 'revenue' AS kpi, time_month, CASE WHEN value >= 50000 THEN 'high' ELSE 'low' END AS level FROM kpi.default.revenue WHERE ${RANGE}
       UNION ALL SELECT 'none', NULL, NULL ORDER BY 2 NULLS LAST`,
    );
    expect(r.error).toBeUndefined();
    const monthly = await trinoRows(
      env.TRINO_URL!,
      `SELECT month, sum(revenue) AS v FROM (${ORACLE_REVENUE} GROUP BY 1, 2) GROUP BY 1 ORDER BY 1`,
    );
    expect(r.rows.map((x) => [x[0], x[1] === null ? null : month(x[1]), x[2]])).toEqual([
      ...monthly.map((m) => ['revenue', month(m.month), (m.v as number) >= 50000 ? 'high' : 'low']),
      ['none', null, null],
    ]);
    const explained = await ask(
      `EXPLAIN SELECT r.time_month, a.n FROM kpi.default.revenue r JOIN (${ACCOUNTS}) a ON a.region = r.region WHERE r.${RANGE.replace(' AND ', ' AND r.')}`,
    );
    expect(String(explained.rows[0]![0])).toMatch(
      /^Federated: Trino runs\nSELECT r\.time_month, a\.n FROM \(SELECT CAST\(from_unixtime/,
    );
    // The KPI's own SQL reads its source, or any rollup of that source an earlier test built (the
    // optimizer, stitched plans included, answers from it then: daily, or monthly by region).
    expect(String(explained.rows[0]![0])).toMatch(
      /"payments"\."public"\."subscriptions"|"kpi_rollups"\."subscriptions_\w+"/,
    );
  });

  it('refuses what would be a wrong number, with its position', async () => {
    const sum = await ask(
      `SELECT a.region, sum(c.value) FROM kpi.default.cac c JOIN (${ACCOUNTS}) a ON true WHERE c.${RANGE.replace(' AND ', ' AND c.')} GROUP BY 1`,
    );
    expect(sum.error).toMatchObject({
      errorName: 'NOT_SUPPORTED',
      errorLocation: { lineNumber: 1, columnNumber: 18 },
    });
    const range = await ask(
      `SELECT r.value, a.n FROM kpi.default.revenue r JOIN (${ACCOUNTS}) a ON a.region = r.region`,
    );
    expect(range.error?.message).toMatch(/needs a time range/);
  });
});
