/**
 * Injection: filter values and identifiers full of quotes, backslashes, comments and `; DROP TABLE`
 * reach Trino and PostgreSQL as data — the queries find nothing, or fail to find a table — and every
 * source table keeps its row count.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildCatalog, DEMO_CATALOG_PATH, loadCatalog } from '../../src/catalog/load.ts';
import { createEngine } from '../../src/exec/engine.ts';
import { EngineError } from '../../src/exec/errors.ts';
import { runTrino } from '../../src/exec/trino-http.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { demoKpis, eq, kpi, measure, ref, registryOf, str } from '../unit/compile-kpis.ts';
import { mongoFind, pgQuery } from './oracle-support.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();
const registry = registryOf(demoKpis(catalog));
const engines = (['trino', 'postgres'] as const).map((dialect) =>
  createEngine({ catalog, registry, env, dialect, timeoutMs: 120_000 }),
);
afterAll(async () => {
  for (const e of engines) await e.close();
});

const NASTY = [
  `eu'; DROP TABLE public.subscriptions; --`,
  `eu\\'; DELETE FROM public.subscriptions WHERE 'a' = 'a`,
  `' OR '1'='1`,
  `eu" OR "region" = "region`,
  `/* comment */ eu -- trailing`,
  `\\\\'; TRUNCATE finance.expenses; SELECT '`,
  `$1 ? :x %s \${x} ); DROP TABLE public.accounts; (`,
];

async function sourceCounts(): Promise<Record<string, number>> {
  const count = async (url: string, table: string) =>
    (await pgQuery(url, `SELECT count(*)::int AS n FROM ${table}`))[0]!.n as number;
  const mongoCount = async (collection: string) =>
    (await mongoFind(env.ANALYTICS_DB_URL!, collection, {})).length;
  return {
    subscriptions: await count(env.PAYMENTS_DB_URL!, 'public.subscriptions'),
    expenses: await count(env.PAYMENTS_DB_URL!, 'finance.expenses'),
    accounts: await count(env.USERS_DB_URL!, 'public.accounts'),
    events: await mongoCount('events'),
    sessions: await mongoCount('sessions'),
  };
}

const region = (value: string): RowExpr => eq({ kind: 'dimension', name: 'region' }, str(value));
const query = (filters: RowExpr[]): MetricQuery => ({
  kpi: 'mrr',
  grain: 'month',
  range: { start: '2024-01-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: ['region'],
  filters,
});

describe('user values and identifiers reach the engines as data', () => {
  it('filter values full of quotes, backslashes, comments and DROP TABLE match nothing and change nothing', async () => {
    const before = await sourceCounts();
    expect(before.subscriptions).toBeGreaterThan(0);
    for (const engine of engines) {
      const control = await engine.run(query([region('eu')]));
      expect(control.rows.length).toBeGreaterThan(0);
      expect(control.rows.every((r) => r.region === 'eu')).toBe(true);
      for (const value of NASTY) {
        const r = await engine.run(query([region(value)]));
        expect(r.rows, `${engine === engines[0] ? 'trino' : 'postgres'}: ${value}`).toEqual([]);
        expect(r.sql).not.toContain('DROP');
      }
    }
    expect(await sourceCounts()).toEqual(before);
  });

  it('identifiers full of quotes are quoted: the engines look for a table of that odd name and find none', async () => {
    const before = await sourceCounts();
    const file = JSON.parse(readFileSync(DEMO_CATALOG_PATH, 'utf8'));
    const evil = `subscriptions"; DROP TABLE public.subscriptions; --`;
    file.sources.payments.tables[evil] = {
      ...file.sources.payments.tables.subscriptions,
      columns: { ...file.sources.payments.tables.subscriptions.columns, 'amount" FROM x; --': 'decimal' },
    };
    const odd = buildCatalog(file);
    const k = kpi('odd', ref('a'), [
      measure(odd, 'a', 'sum', { source: 'payments', table: evil }, `amount" FROM x; --`),
    ]);
    for (const dialect of ['trino', 'postgres'] as const) {
      const engine = createEngine({ catalog: odd, registry: registryOf([k]), env, dialect });
      try {
        const error = await engine
          .run({ ...query([]), kpi: 'odd', dimensions: [] })
          .then(() => null)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EngineError);
        expect((error as EngineError).code).toBe('engine-error');
        expect((error as EngineError).message).toMatch(/KPI "odd" on (trino|postgres)/);
        expect((error as EngineError).message).toMatch(/does not exist|not found|TABLE_NOT_FOUND/i);
      } finally {
        await engine.close();
      }
    }
    expect(await sourceCounts()).toEqual(before);
  });
});

describe('values round-trip as data', () => {
  it('Trino (EXECUTE IMMEDIATE … USING) and PostgreSQL ($n) return every nasty value unchanged', async () => {
    const values = [...NASTY, "it's", '\\', "'';--", 'ünïcödé ✓ \n new line'];
    const trinoRows = await runTrino(
      `SELECT ${values.map(() => '?').join(', ')}`,
      values.map((value) => ({ type: 'string' as const, value })),
      { url: env.TRINO_URL! },
    );
    expect(trinoRows.rows[0]).toEqual(values);
    const pgRows = await pgQuery(
      env.PAYMENTS_DB_URL!,
      `SELECT ${values.map((_, i) => `$${i + 1}::text AS v${i}`).join(', ')}`,
      values,
    );
    expect(Object.values(pgRows[0]!)).toEqual(values);
  });
});

describe('engine errors', () => {
  it('names the KPI and the engine, and cancels a query that runs past the timeout', async () => {
    const slow = kpi('slow', ref('n'), [
      measure(catalog, 'n', 'count', { source: 'users', table: 'accounts' }, null),
    ]);
    const engine = createEngine({
      catalog,
      registry: registryOf([slow]),
      env,
      dialect: 'trino',
      timeoutMs: 1,
    });
    try {
      const error = await engine
        .run({ ...query([]), kpi: 'slow', dimensions: [] })
        .then(() => null)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      // The engine's one deadline (exec/engine.ts execute) answers, whatever the driver is doing.
      expect((error as EngineError).code).toBe('query-timeout');
      expect((error as EngineError).message).toMatch(
        /^KPI "slow" on trino: the query took longer than 1 ms \(QUERY_TIMEOUT_MS\)/,
      );
    } finally {
      await engine.close();
    }
  });

  it('cancels the Trino query on the server when the timeout fires (DELETE on its nextUri)', async () => {
    const slow = `SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y)
      CROSS JOIN UNNEST(sequence(1, 1000)) c(z) WHERE x + y + z = 7`;
    const error = await runTrino(slow, [], { url: env.TRINO_URL!, timeoutMs: 1_500, kpi: 'slow' }).catch(
      (e: unknown) => e,
    );
    expect((error as EngineError).code).toBe('engine-timeout');
    const id = /query (\S+) canceled after 1500 ms/.exec((error as EngineError).message)?.[1];
    let state = 'RUNNING';
    let errorCode: unknown = null;
    for (let i = 0; i < 50 && state !== 'FAILED' && state !== 'FINISHED'; i++) {
      const r = await runTrino(
        'SELECT state, error_code FROM system.runtime.queries WHERE query_id = ?',
        [{ type: 'string', value: id! }],
        { url: env.TRINO_URL! },
      );
      [state, errorCode] = (r.rows[0] ?? ['RUNNING', null]) as [string, unknown];
      if (state !== 'FAILED' && state !== 'FINISHED') await new Promise((res) => setTimeout(res, 100));
    }
    // Stopped on the server, not just abandoned by the client.
    expect(state).toBe('FAILED');
    expect(errorCode).toBe('USER_CANCELED');
  });

  it('reports an unreachable engine as engine-unavailable', async () => {
    const engine = createEngine({
      catalog,
      registry,
      env: { TRINO_URL: 'http://127.0.0.1:59999' },
      dialect: 'trino',
    });
    const error = await engine.run(query([])).catch((e: unknown) => e);
    expect((error as EngineError).code).toBe('engine-unavailable');
    expect((error as EngineError).message).toMatch(/^KPI "mrr" on trino: cannot reach/);
  });
});
