/**
 * Federated statements over KPI tables, without a server: which statements go to Trino with their KPI
 * parts compiled, which MetricQuery each KPI reference becomes (grain and dimensions from the columns
 * the statement uses, range and filters from the WHERE conjuncts on the KPI alone), how the statement
 * text is rewritten, and what is refused. The SQL Trino runs is checked on the real stack in
 * test/integration/sql-endpoint-federation.test.ts.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import type { SqlEndpointDeps } from '../../src/sql-endpoint/endpoint.ts';
import { SqlError } from '../../src/sql-endpoint/errors.ts';
import { federate, needsFederation } from '../../src/sql-endpoint/federate.ts';
import { tokenize } from '../../src/sql-endpoint/lexer.ts';
import type { RunContext } from '../../src/sql-endpoint/run-local.ts';
import { readSession } from '../../src/sql-endpoint/session.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const NOW = new Date('2025-06-15T10:30:00Z');

function context(headers: Record<string, string> = {}): RunContext {
  return {
    session: readSession(new Headers(headers)),
    zone: 'UTC',
    now: NOW,
    registry,
    catalog,
    deps: {} as SqlEndpointDeps,
    upstream: null,
    user: null,
  };
}

async function rewrite(sql: string, headers: Record<string, string> = {}) {
  const queries: MetricQuery[] = [];
  const text = await federate(sql, tokenize(sql), context(headers), {
    compileForTrino: async (q) => {
      queries.push(q);
      return `<${q.kpi}>`;
    },
  });
  return { text, queries };
}

async function refusal(sql: string): Promise<SqlError> {
  try {
    await rewrite(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`expected ${sql} to be refused`);
}

const RANGE = "time_month >= DATE '2025-01-01' AND time_month < DATE '2025-03-01'";

describe('which statements over KPI tables Trino runs', () => {
  it.each([
    [`SELECT time_month, value FROM kpi.default.revenue WHERE ${RANGE}`, false],
    [`SELECT time_month, nope FROM kpi.default.revenue WHERE ${RANGE}`, false],
    [`SELECT sum(value) FROM kpi.default.cac WHERE ${RANGE}`, false],
    [`SELECT * FROM kpi.default.revenue r JOIN users.public.accounts a ON a.region = r.region`, true],
    [`SELECT * FROM kpi.default.revenue r, users.public.accounts a`, true],
    [`SELECT count(*) FROM (SELECT time_month, value FROM kpi.default.revenue WHERE ${RANGE})`, true],
    [`WITH m AS (SELECT value FROM kpi.default.revenue WHERE ${RANGE}) SELECT * FROM m`, true],
    [`SELECT time_month, CASE WHEN value > 1 THEN 'a' END FROM kpi.default.revenue WHERE ${RANGE}`, true],
    [
      `SELECT value FROM kpi.default.mrr WHERE ${RANGE} UNION ALL SELECT value FROM kpi.default.revenue`,
      true,
    ],
    ['SELECT * FROM system.jdbc.tables WHERE table_cat = (SELECT 1)', false],
  ])('%s → %s', (sql, expected) => {
    expect(needsFederation(tokenize(sql), context())).toBe(expected);
  });
});

describe('a KPI table joined with Trino tables becomes a derived table', () => {
  it('takes the grain and dimensions from the KPI columns used, the range from WHERE on the KPI alone', async () => {
    const { text, queries } = await rewrite(
      `SELECT k.time_month, k.region, k.value, a.n FROM kpi.default.revenue k JOIN users.public.x a ON a.region = k.region WHERE k.${RANGE.replace(' AND ', ' AND k.')} AND a.n > 1`,
    );
    expect(queries).toEqual([
      {
        kpi: 'revenue',
        grain: 'month',
        range: { start: '2025-01-01T00:00:00Z', end: '2025-03-01T00:00:00Z' },
        timezone: 'UTC',
        dimensions: ['region'],
        filters: [],
      },
    ]);
    expect(text).toBe(
      `SELECT k.time_month, k.region, k.value, a.n FROM (SELECT CAST(from_unixtime(k.t / 1e3, 'UTC') AS timestamp(3) with time zone) AS "time_month", CAST(k.d0 AS varchar) AS "region", CAST(k.v AS decimal(38,2)) AS "value" FROM (<revenue>) AS k (t, d0, v)) k JOIN users.public.x a ON a.region = k.region WHERE TRUE AND TRUE AND a.n > 1`,
    );
  });

  it('reads a condition on a dimension used only in WHERE as a filter, not a dimension', async () => {
    const { queries, text } = await rewrite(
      `SELECT r.time_month, r.value FROM kpi.default.revenue r CROSS JOIN t WHERE r.${RANGE} AND r.region IN ('eu', 'na')`,
    );
    expect(queries[0]!.dimensions).toEqual([]);
    expect(queries[0]!.filters).toHaveLength(1);
    expect(text).toMatch(/WHERE TRUE AND time_month < DATE '2025-03-01' AND TRUE$/);
  });

  it('leaves conditions that involve other tables or value to Trino', async () => {
    const { queries, text } = await rewrite(
      `SELECT r.time_day FROM kpi.default.revenue r JOIN t ON true WHERE r.time_day >= DATE '2025-01-01' AND r.time_day < DATE '2025-01-08' AND r.value > t.x`,
    );
    expect(queries[0]).toMatchObject({ grain: 'day', dimensions: [] });
    expect(text).toMatch(/WHERE TRUE AND TRUE AND r\.value > t\.x$/);
  });

  it('uses the table name as the alias when there is none, and reads each reference of a self-join', async () => {
    const { text, queries } = await rewrite(
      `SELECT revenue.value, m.value FROM kpi.default.revenue JOIN kpi.default.mrr AS m ON m.time_month = revenue.time_month WHERE revenue.${RANGE} AND m.time_month >= DATE '2025-01-01'`,
    );
    expect(queries.map((q) => [q.kpi, q.grain])).toEqual([
      ['revenue', 'month'],
      ['mrr', 'month'],
    ]);
    expect(text).toContain('(<revenue>) AS k (t, v)) AS "revenue" JOIN (');
    expect(text).toContain('(<mrr>) AS k (t, v)) AS m ON');
  });

  it('refuses an aggregate over value that does not equal the KPI, and a missing range', async () => {
    const sum = await refusal(
      `SELECT a.region, sum(c.value) FROM kpi.default.cac c JOIN t a ON true WHERE c.${RANGE} GROUP BY 1`,
    );
    expect(sum).toMatchObject({ errorName: 'NOT_SUPPORTED', location: { line: 1, column: 18 } });
    expect(sum.message).toMatch(/sum\(value\) over KPI cac's rows does not equal the KPI/);
    expect(
      (await rewrite(`SELECT sum(r.value) FROM kpi.default.revenue r JOIN t ON true WHERE r.${RANGE}`))
        .queries,
    ).toHaveLength(1);
    const avg = await refusal(
      `SELECT avg(r.value) FROM kpi.default.revenue r JOIN t ON true WHERE r.${RANGE}`,
    );
    expect(avg.message).toMatch(/avg\(value\)/);
    const range = await refusal('SELECT r.value FROM kpi.default.revenue r JOIN t ON true');
    expect(range.message).toMatch(/needs a time range/);
  });
});

describe('a nested KPI query becomes its compiled SQL', () => {
  it('replaces the whole query specification, with its ORDER BY and LIMIT', async () => {
    const { text, queries } = await rewrite(
      `SELECT count(*) FROM (SELECT time_month, MEASURE(value) AS v FROM kpi.default.revenue WHERE ${RANGE} GROUP BY 1 ORDER BY v DESC LIMIT 1) x`,
    );
    expect(queries[0]).toMatchObject({ kpi: 'revenue', grain: 'month', dimensions: [] });
    expect(text).toBe(
      `SELECT count(*) FROM (SELECT CAST(from_unixtime(k.t / 1e3, 'UTC') AS timestamp(3) with time zone) AS "time_month", CAST(k.v AS decimal(38,2)) AS "v" FROM (<revenue>) AS k (t, v) ORDER BY 2 DESC NULLS LAST LIMIT 1) x`,
    );
  });

  it('reads WITH queries (a CTE name is not a KPI table) and each term of a UNION', async () => {
    const { queries, text } = await rewrite(
      `WITH m AS (SELECT time_month, value FROM revenue WHERE ${RANGE}) SELECT * FROM m UNION ALL SELECT time_month, value FROM mrr WHERE ${RANGE} ORDER BY 1`,
      { 'X-Trino-Catalog': 'kpi', 'X-Trino-Schema': 'default' },
    );
    expect(queries.map((q) => q.kpi)).toEqual(['revenue', 'mrr']);
    expect(text.startsWith('WITH m AS (SELECT CAST(from_unixtime')).toBe(true);
    expect(text.endsWith('FROM (<mrr>) AS k (t, v) ORDER BY 1')).toBe(true);
  });

  it('computes what only Trino can (CASE, constants, filters on value) over the KPI rows', async () => {
    const { queries, text } = await rewrite(
      `SELECT 'rev' AS k, time_month, CASE WHEN value > 10 THEN 'big' END AS size FROM kpi.default.revenue WHERE ${RANGE} AND value > 0 UNION ALL SELECT 'x', NULL, NULL`,
    );
    expect(queries[0]).toMatchObject({ grain: 'month', dimensions: [] });
    expect(text).toMatch(
      /^SELECT 'rev' AS k, time_month, CASE WHEN value > 10 .* AS "revenue" WHERE TRUE AND TRUE AND value > 0 UNION ALL/,
    );
  });

  it('keeps refusals that are no matter of Trino (a range cutting a bucket)', async () => {
    const e = await refusal(
      "SELECT count(*) FROM (SELECT time_month, value FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-15')",
    );
    expect(e.message).toMatch(/cuts a month bucket in two/);
  });
});
