/**
 * The SQL endpoint with Trino's real clients on the real stack: the Trino CLI 476, the trino Python
 * client with SQLAlchemy and pandas, and trino-client from npm — none written here. Each lists the kpi
 * tables, describes one, runs a grouped KPI query whose numbers equal /api/metrics/:kpiId/history, a
 * Superset-style time series, a federated pass-through join (payments, users, analytics) that equals
 * Trino's own answer, a failing statement with its position, and a long query it cancels (checked in
 * Trino's system.runtime.queries).
 */
// @ts-nocheck

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BasicAuth, Trino } from 'trino-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findJavaHome } from '../../src/stack/prereqs.ts';
import { type RunningService, startService } from '../e2e/api-support.ts';
import { pgQuery } from './oracle-support.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const run = promisify(execFile);
const CACHE = process.env.KPI_CACHE_DIR ?? join(homedir(), '.cache', 'kpi-engine');
const CLI_JAR = join(CACHE, 'trino-clients', 'trino-cli-476-executable.jar');
const PYTHON = join(CACHE, 'python-trino', 'bin', 'python');
const JAVA = join(findJavaHome(), 'bin', 'java');
const JDBC_JAR = join(CACHE, 'trino-clients', 'trino-jdbc-476.jar');

const RANGE = "time_month >= DATE '2025-01-01' AND time_month < DATE '2025-07-01'";
const Q = {
  tables: 'SHOW TABLES FROM kpi.default',
  describe: 'DESCRIBE kpi.default.revenue',
  grouped: `SELECT time_month, region, MEASURE(value) AS v FROM kpi.default.revenue WHERE ${RANGE} GROUP BY 1, 2 ORDER BY 1, 2`,
  superset:
    "SELECT date_trunc('month', time_day) AS __timestamp, MEASURE(value) AS revenue FROM kpi.default.revenue " +
    "WHERE time_day >= TIMESTAMP '2025-01-01 00:00:00.000000' AND time_day < TIMESTAMP '2025-07-01 00:00:00.000000' " +
    "GROUP BY date_trunc('month', time_day) ORDER BY revenue DESC LIMIT 3",
  federated: `SELECT a.region, count(*) AS subscriptions, CAST(sum(s.amount) AS varchar) AS revenue,
  (SELECT count(*) FROM analytics.analytics.events e JOIN users.public.accounts x ON x.id = e.account_id WHERE x.region = a.region) AS events
FROM payments.public.subscriptions s JOIN users.public.accounts a ON a.id = s.account_id
WHERE a.region IS NOT NULL GROUP BY a.region ORDER BY a.region`,
  prepared:
    'SELECT time_month, value FROM kpi.default.revenue WHERE region = ? AND time_month >= CAST(? AS DATE) AND time_month < CAST(? AS DATE)',
  failing: 'SELECT region,\n  nope FROM payments.public.subscriptions',
  long: (marker: string) =>
    `SELECT /* ${marker} */ count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(x) CROSS JOIN UNNEST(sequence(1, 10000)) c(x)`,
};

interface History {
  history: { time: string; region?: string | null; value: number | null }[];
}

/** The oracle: the same questions asked of the cached metric routes. */
async function expectations(url: string) {
  const get = async (path: string) => (await (await fetch(`${url}${path}`)).json()) as History;
  const byRegion = await get(
    '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-07-01&dimensions=region',
  );
  const monthly = await get('/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-07-01');
  const sortKey = (h: { time: string; region?: string | null }) => `${h.time}|${h.region ?? '\uffff'}`;
  return {
    grouped: [...byRegion.history]
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
      .map((h) => [h.time.slice(0, 10), h.region ?? null, h.value]),
    superset: [...monthly.history]
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
      .slice(0, 3)
      .map((h) => [h.time.slice(0, 10), h.value]),
  };
}

/**
 * The hand-written oracle for Q.grouped: revenue per month and region summed exactly by PostgreSQL
 * (numeric), as text, in Q.grouped's order (NULL regions last, as Trino orders them).
 */
async function exactOracle(): Promise<string[][]> {
  const rows = await pgQuery(
    env.PAYMENTS_DB_URL!,
    `SELECT to_char(date_trunc('month', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month, region,
            sum(amount)::text AS revenue
       FROM public.subscriptions
      WHERE started_at >= '2025-01-01T00:00:00Z' AND started_at < '2025-07-01T00:00:00Z'
      GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST`,
  );
  return rows.map((r) => [r.month, r.region ?? null, r.revenue]);
}

/** Waits (on Trino's own state, no fixed sleep) until the query with this marker is in `states`. */
async function queryState(marker: string, states: readonly string[], deadlineMs = 120_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const rows = await trinoRows(
      env.TRINO_URL!,
      `SELECT state FROM system.runtime.queries WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime.queries%'`,
    );
    const state = String(rows[0]?.state ?? 'NONE');
    if (states.includes(state)) return state;
    if (Date.now() - started > deadlineMs)
      throw new Error(`query ${marker} is ${state}, not ${states.join('/')}`);
  }
}

describe('the SQL endpoint with real Trino clients on the real stack', () => {
  let service: RunningService;
  let port: number;
  let expected: Awaited<ReturnType<typeof expectations>>;
  let direct: Array<Record<string, unknown>>;
  let exact: string[][];

  beforeAll(async () => {
    service = await startService({ ...(env as Record<string, string>), ENABLE_SCHEDULER: 'false' });
    port = Number(new URL(service.url).port);
    expected = await expectations(service.url);
    direct = await trinoRows(env.TRINO_URL!, Q.federated);
    exact = await exactOracle();
    expect(exact.length).toBeGreaterThan(10);
    // The metric routes' numbers (doubles) agree with the oracle's to the cent.
    expect(expected.grouped.map((g) => [g[0], g[1], (g[2] as number).toFixed(2)])).toEqual(exact);
    expect(direct.length).toBeGreaterThan(2);
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
  }, 120_000);

  describe('the Trino CLI 476', () => {
    const cli = async (sql: string, extra: string[] = []) => {
      try {
        const r = await run(
          JAVA,
          [
            '--enable-native-access=ALL-UNNAMED',
            '-jar',
            CLI_JAR,
            '--server',
            service.url,
            '--output-format',
            'TSV',
            ...extra,
            '--execute',
            sql,
          ],
          {
            maxBuffer: 16 * 1024 * 1024,
          },
        );
        return {
          code: 0,
          rows:
            r.stdout.trim() === ''
              ? []
              : r.stdout
                  .trim()
                  .split('\n')
                  .map((l) => l.split('\t')),
          stderr: r.stderr,
        };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, rows: [], stderr: e.stderr };
      }
    };
    beforeAll(() => {
      if (!existsSync(CLI_JAR)) throw new Error(`${CLI_JAR} is missing: run bash scripts/install-prereqs.sh`);
    });

    it('lists and describes KPI tables', async () => {
      expect((await cli(Q.tables)).rows.map((r) => r[0])).toEqual(
        expect.arrayContaining(['revenue', 'mrr', 'cac']),
      );
      const described = await cli(Q.describe);
      expect(described.rows.map((r) => [r[0], r[1]])).toEqual([
        ['time_day', 'timestamp(3) with time zone'],
        ['time_month', 'timestamp(3) with time zone'],
        ['region', 'varchar'],
        ['plan_type', 'varchar'],
        ['value', 'decimal(38,2)'],
      ]);
    });

    it('answers KPI queries with the numbers of the metric routes, exact decimals as the oracle sums them', async () => {
      const grouped = await cli(Q.grouped, ['--timezone', 'UTC']);
      expect(grouped.rows.map((r) => [r[0]!.slice(0, 10), r[1] === '' ? null : r[1], Number(r[2])])).toEqual(
        expected.grouped,
      );
      expect(grouped.rows.map((r) => [r[0]!.slice(0, 10), r[1] === '' ? null : r[1], r[2]])).toEqual(exact);
      const superset = await cli(Q.superset, ['--timezone', 'UTC']);
      expect(superset.rows.map((r) => [r[0]!.slice(0, 10), Number(r[1])])).toEqual(expected.superset);
    });

    it('passes a federated join through to Trino and back unchanged', async () => {
      const r = await cli(Q.federated);
      expect(r.rows).toEqual(
        direct.map((d) => [d.region, String(d.subscriptions), d.revenue, String(d.events)]),
      );
    });

    it('shows a failing statement with its position', async () => {
      const r = await cli(Q.failing);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/line 2:3: Column 'nope' cannot be resolved/);
      const kpi = await cli(
        "SELECT time_month,\n  nope FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01'",
      );
      expect(kpi.stderr).toMatch(/line 2:3: Column 'nope' cannot be resolved/);
    });

    it('cancels a long query on Ctrl-C: Trino no longer runs it', async () => {
      const marker = `cli-cancel-${randomUUID()}`;
      const child: ChildProcess = spawn(
        JAVA,
        [
          '--enable-native-access=ALL-UNNAMED',
          '-jar',
          CLI_JAR,
          '--server',
          service.url,
          '--execute',
          Q.long(marker),
        ],
        {
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await queryState(marker, ['RUNNING']);
      child.kill('SIGINT');
      await exited;
      expect(await queryState(marker, ['FAILED', 'FINISHED'])).toBe('FAILED');
    });
  });

  describe('the trino Python client, SQLAlchemy and pandas', () => {
    let out: Record<string, any>;
    const marker = `python-cancel-${randomUUID()}`;
    beforeAll(async () => {
      if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run bash scripts/install-prereqs.sh`);
      const queries = { ...Q, long: Q.long(marker), marker };
      const r = await run(
        PYTHON,
        [
          join(import.meta.dirname, 'support', 'sql-endpoint-client.py'),
          String(port),
          JSON.stringify(queries),
        ],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      out = JSON.parse(r.stdout);
    }, 300_000);

    it('lists and describes KPI tables, also through SQLAlchemy’s inspector', () => {
      expect(out.tables.map((r: string[]) => r[0])).toEqual(expect.arrayContaining(['revenue', 'mrr']));
      expect(out.describe.map((r: string[]) => r[0])).toEqual([
        'time_day',
        'time_month',
        'region',
        'plan_type',
        'value',
      ]);
      expect(out.sqlalchemy.schemas).toEqual(['default', 'information_schema']);
      expect(out.sqlalchemy.tables).toEqual(expect.arrayContaining(['revenue', 'mrr']));
      expect(out.sqlalchemy.columns).toEqual([
        ['time_day', 'TIMESTAMP'],
        ['time_month', 'TIMESTAMP'],
        ['region', 'VARCHAR'],
        ['plan_type', 'VARCHAR'],
        ['value', 'DECIMAL(38, 2)'],
      ]);
    });

    it('answers KPI queries (plain, prepared, pandas) with the numbers of the metric routes, as Decimals', () => {
      expect(out.grouped.map((r: unknown[]) => [String(r[0]).slice(0, 10), r[1], Number(r[2])])).toEqual(
        expected.grouped,
      );
      // value is decimal(38,2): the client reads Decimal, exactly the oracle's sums.
      expect(out.grouped_value_types).toEqual(['Decimal']);
      expect(out.grouped_description.at(-1)).toEqual(['v', 'decimal(38,2)']);
      expect(out.grouped.map((r: unknown[]) => [String(r[0]).slice(0, 10), r[1], r[2]])).toEqual(exact);
      expect(out.superset.map((r: unknown[]) => [String(r[0]).slice(0, 10), Number(r[1])])).toEqual(
        expected.superset,
      );
      expect(out.pandas.map((r: unknown[]) => [String(r[0]).slice(0, 10), Number(r[1])])).toEqual(
        expected.superset,
      );
      const eu = expected.grouped.filter((g) => g[1] === 'eu' && String(g[0]) < '2025-03');
      expect(out.prepared.map((r: unknown[]) => [String(r[0]).slice(0, 10), 'eu', Number(r[1])])).toEqual(eu);
    });

    it('passes a federated join through, reports errors with positions, and cancels', async () => {
      expect(out.federated).toEqual(direct.map((d) => [d.region, d.subscriptions, d.revenue, d.events]));
      expect(out.error).toEqual({ name: 'COLUMN_NOT_FOUND', location: [2, 3] });
      expect(await queryState(marker, ['FAILED', 'FINISHED'])).toBe('FAILED');
    });
  });

  describe('the Trino JDBC driver 476 (a Java program run from source)', () => {
    let out: Map<string, string>;
    const marker = `jdbc-cancel-${randomUUID()}`;
    beforeAll(async () => {
      if (!existsSync(JDBC_JAR))
        throw new Error(`${JDBC_JAR} is missing: run bash scripts/install-prereqs.sh`);
      const r = await run(
        JAVA,
        [
          '-cp',
          JDBC_JAR,
          join(import.meta.dirname, 'support', 'SqlEndpointJdbc.java'),
          `jdbc:trino://127.0.0.1:${port}/kpi/default`,
          Q.grouped,
          Q.federated,
          'SELECT time_month, value FROM kpi.default.revenue WHERE region = ? AND time_month >= ? AND time_month < ?',
          Q.failing,
          Q.long(marker),
          marker,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      out = new Map(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('\t') as [string, string]),
      );
    }, 300_000);

    it('reads the kpi catalog through DatabaseMetaData.getTables/getColumns/getCatalogs', () => {
      expect(out.get('tables')!.split(',')).toEqual(expect.arrayContaining(['revenue:TABLE', 'mrr:TABLE']));
      expect(out.get('columns')).toBe(
        'time_day:timestamp(3) with time zone:2014,time_month:timestamp(3) with time zone:2014,region:varchar:12,plan_type:varchar:12,value:decimal(38,2):3',
      );
      expect(out.get('catalogs')!.split(',')).toEqual(
        expect.arrayContaining(['kpi', 'payments', 'users', 'analytics']),
      );
      expect(out.get('show')!.split(',')).toContain('revenue');
    });

    it('answers a query and a PreparedStatement with parameters with the numbers of the metric routes', () => {
      const grouped = out
        .get('grouped')!
        .split(';')
        .map((r) => r.split('|'));
      expect(grouped.map((r) => [r[0]!.slice(0, 10), r[1] === 'null' ? null : r[1], Number(r[2])])).toEqual(
        expected.grouped,
      );
      // value is DECIMAL (java.sql.Types 3) of precision 38, scale 2: getBigDecimal gives the oracle's sums.
      expect(out.get('value_type')).toBe('decimal(38,2):3:38:2:java.math.BigDecimal');
      expect(out.get('exact')!.split(';')).toEqual(exact.map((e) => e[2]));
      const eu = expected.grouped.filter((g) => g[1] === 'eu' && String(g[0]) < '2025-03');
      expect(
        out
          .get('prepared')!
          .split(';')
          .map((r) => r.split('|'))
          .map((r) => [r[0]!.slice(0, 10), 'eu', Number(r[1])]),
      ).toEqual(eu);
    });

    it('passes a federated join through, reports errors with positions, and cancels', async () => {
      expect(out.get('federated')!.split(';')).toEqual(
        direct.map((d) => [d.region, d.subscriptions, d.revenue, d.events].join('|')),
      );
      expect(out.get('error')).toMatch(/line 2:3: Column 'nope' cannot be resolved/);
      expect(out.get('cancel')).not.toBe('not cancelled');
      expect(await queryState(marker, ['FAILED', 'FINISHED'])).toBe('FAILED');
    });
  });

  describe('trino-client from npm', () => {
    const client = () =>
      Trino.create({
        server: service.url,
        auth: new BasicAuth('node-client'),
        catalog: 'kpi',
        schema: 'default',
      });
    const all = async (sql: string) => {
      const rows: unknown[][] = [];
      let error:
        | { errorName: string; errorLocation?: { lineNumber: number; columnNumber: number } }
        | undefined;
      for await (const page of await client().query(sql)) {
        if (page.error) error = page.error as typeof error;
        rows.push(...(page.data ?? []));
      }
      return { rows, error };
    };

    it('lists tables, answers KPI queries as the metric routes, passes joins through, reports errors', async () => {
      expect((await all(Q.tables)).rows.map((r) => r[0])).toEqual(expect.arrayContaining(['revenue']));
      expect((await all(Q.describe)).rows.map((r) => r[0])).toEqual([
        'time_day',
        'time_month',
        'region',
        'plan_type',
        'value',
      ]);
      // Decimals come as Trino sends them, strings: exactly the oracle's sums.
      expect((await all(Q.grouped)).rows.map((r) => [String(r[0]).slice(0, 10), r[1], r[2]])).toEqual(exact);
      expect((await all(Q.superset)).rows.map((r) => [String(r[0]).slice(0, 10), Number(r[1])])).toEqual(
        expected.superset,
      );
      expect((await all(Q.federated)).rows).toEqual(
        direct.map((d) => [d.region, d.subscriptions, d.revenue, d.events]),
      );
      const failed = await all(Q.failing);
      expect(failed.error).toMatchObject({
        errorName: 'COLUMN_NOT_FOUND',
        errorLocation: { lineNumber: 2, columnNumber: 3 },
      });
    });

    it('cancels a long query by id', async () => {
      const marker = `node-cancel-${randomUUID()}`;
      const trino = client();
      // The iterator waits for rows that never come: find the query by its marker, cancel it by id.
      // Trino starts a queued query when its nextUri is first polled: keep the iterator polling.
      const polling = (await trino.query(Q.long(marker))).next().catch((error: unknown) => error);
      await queryState(marker, ['RUNNING']);
      const [found] = await trinoRows(
        env.TRINO_URL!,
        `SELECT query_id FROM system.runtime.queries WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime.queries%'`,
      );
      await trino.cancel(String(found!.query_id));
      expect(await queryState(marker, ['FAILED', 'FINISHED'])).toBe('FAILED');
      await polling;
    });
  });
});
