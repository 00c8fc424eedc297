/**
 * Which dialect a user's plan runs in, and the Druid dialect's own SQL: a plan over Druid datasources
 * only is Druid SQL when Druid can express it, else it goes through Trino's druid catalog and says why;
 * a plan over several connections says when Druid is among them. The Druid primitives the shared
 * emitter rarely reaches (TIME_SHIFT, ROUND, NOT LIKE, a typed NULL) are pinned against Druid's SQL
 * reference; a stitched instance re-aggregates its pieces with its own combine function.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import { druid } from '../../src/emit/druid.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { stitchSql } from '../../src/emit/measures.ts';
import { postgres } from '../../src/emit/postgres.ts';
import type { Stitch } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { refusal } from '../support/compile-refusal.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);

/** The demo catalog with the `payments` connection (subscriptions, expenses) moved to Druid. */
const druidPayments: Catalog = {
  ...catalog,
  connections: { ...catalog.connections, payments: { ...catalog.connections.payments!, engine: 'druid' } },
};

const planOf = (formula: string, on: Catalog, grain: 'month' | 'day' = 'month') => {
  const k = analyzeFormula(formula, { catalog: on, registry }).kpis[0]!;
  const range = { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' };
  const q = { kpi: k.id, grain, range, timezone: 'UTC', dimensions: [], filters: [] };
  return planQuery(k, q, { catalog: on, registry: new Map(registry).set(k.id, k) });
};

describe('dialect choice', () => {
  it('runs a plan over Druid datasources only as Druid SQL, on that connection', () => {
    const choice = chooseDialect(planOf('sum(payments.subscriptions.amount)', druidPayments), druidPayments);
    expect(choice.dialect.name).toBe('druid');
    expect(choice.connection?.name).toBe('payments');
    expect(choice.reason).toBe('every table is a Druid datasource on payments: Druid SQL on /druid/v2/sql');
    // The SQL it runs reads the datasource from Druid's `druid` schema, bucketed by TIME_FLOOR.
    const { sql } = emitSql(
      planOf('sum(payments.subscriptions.amount)', druidPayments),
      druid,
      druidPayments,
    );
    expect(sql).toContain('"druid"."subscriptions"');
    expect(sql).toMatch(/TIME_FLOOR\([^)]*, 'P1M', NULL, 'UTC'\)/);
  });

  it('sends a Druid plan that needs a series of buckets through Trino, saying why', () => {
    // A rolling window needs a spine of buckets, which Druid SQL cannot generate.
    const rolling = planOf('rolling(sum(payments.subscriptions.amount), 7 days)', druidPayments, 'day');
    expect(refusal(() => emitSql(rolling, druid, druidPayments))).toMatch(
      /^unsupported: a series of day buckets/,
    );
    const choice = chooseDialect(rolling, druidPayments);
    expect(choice.dialect.name).toBe('trino');
    expect(choice.connection).toBeNull();
    expect(choice.reason).toMatch(
      /^Druid SQL cannot run it \(a series of day buckets .* cannot be expressed in the druid dialect: .*\): through trino's druid catalog$/,
    );
  });

  it('says Druid is read through Trino when a plan reads Druid and another connection', () => {
    const mixed = planOf('sum(payments.subscriptions.amount) / count(users.accounts.id)', druidPayments);
    const choice = chooseDialect(mixed, druidPayments);
    expect(choice.dialect.name).toBe('trino');
    expect(choice.reason).toBe("reads 2 connections (Druid datasources through trino's druid catalog)");
    // Without Druid among them, the reason only counts the connections.
    const plain = chooseDialect(
      planOf('sum(payments.subscriptions.amount) / count(users.accounts.id)', catalog),
      catalog,
    );
    expect(plain.reason).toBe('reads 2 connections');
  });
});

describe('the Druid dialect', () => {
  it('refuses a table that is not a Druid datasource, naming its engine', () => {
    const pg = planOf('sum(payments.subscriptions.amount)', catalog);
    expect(refusal(() => emitSql(pg, druid, catalog))).toBe(
      'unsupported: table payments.subscriptions cannot be expressed in the druid dialect: it lives in postgres, not in Druid; run it through trino',
    );
    // A hand-built catalog whose source names no connection: still a refusal, not a TypeError.
    const dangling: Catalog = {
      ...catalog,
      sources: { ...catalog.sources, payments: { ...catalog.sources.payments!, connection: 'gone' } },
    };
    expect(refusal(() => druid.table(dangling, { source: 'payments', table: 'subscriptions' }))).toBe(
      'unsupported: table payments.subscriptions cannot be expressed in the druid dialect: it lives in an unknown engine, not in Druid; run it through trino',
    );
  });

  it('writes the primitives the shared emitter rarely reaches as Druid SQL spells them', () => {
    // TIME_SHIFT(timestamp, period, step, timezone): a whole number of ISO 8601 periods.
    expect(druid.shift('ts', -3, 'week', 'Europe/Berlin')).toBe("TIME_SHIFT(ts, 'P1W', -3, 'Europe/Berlin')");
    expect(druid.stringParam('?')).toBe('CAST(? AS VARCHAR)');
    expect(druid.like('x', "'a%'", true)).toBe("x NOT LIKE 'a%'");
    expect(druid.like('x', "'a%'", false)).toBe("x LIKE 'a%'");
    expect(druid.round('v', null)).toBe('ROUND(v)');
    expect(druid.round('v', '2')).toBe('ROUND(v, 2)');
    // Druid SQL has no DECIMAL: money is read as DOUBLE.
    expect(druid.nullOf('decimal')).toBe('CAST(NULL AS DOUBLE)');
  });
});

describe('PostgreSQL refusals', () => {
  it('refuses approx_distinct, which PostgreSQL has no sketch for', () => {
    const approx = planOf('approx_distinct(payments.subscriptions.account_id)', catalog);
    expect(refusal(() => emitSql(approx, postgres, catalog))).toBe(
      'unsupported: approx_distinct cannot be expressed in the postgres dialect: no sketch aggregate; run it through trino',
    );
    // The emitter checks the flag first; the dialect itself still refuses rather than print SQL.
    expect(refusal(() => postgres.approxDistinct('x'))).toBe(
      'unsupported: approx_distinct cannot be expressed in the postgres dialect: no sketch aggregate; run it through trino',
    );
  });
});

describe('stitched instances', () => {
  const stitch = (combine: Stitch['combine']) => ({ combine }) as Stitch;

  it('re-aggregates the pieces with the combine function, grouped by every key', () => {
    expect(stitchSql(stitch('min'), ['A', 'B'], ['k1', 'k2'], 'm')).toBe(
      'SELECT k1, k2, MIN(m) AS m FROM ((A) UNION ALL (B)) p GROUP BY 1, 2',
    );
    expect(stitchSql(stitch('max'), ['A'], [], 'm')).toBe('SELECT MAX(m) AS m FROM ((A)) p');
    expect(stitchSql(stitch('sum'), ['A', 'B'], ['k'], 'm')).toBe(
      'SELECT k, SUM(m) AS m FROM ((A) UNION ALL (B)) p GROUP BY 1',
    );
  });
});
