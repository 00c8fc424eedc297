import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import { type Aggregate, aggregatesOf, type PlanNode } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { planHash, printPlan } from '../../src/plan/print.ts';
import { walkPlan } from '../../src/plan/visit.ts';
import { refusal } from '../support/compile-refusal.ts';
import { col, demoKpis, eq, kpi, measure, query, ref, registryOf, str, T } from './compile-kpis.ts';

const catalog = loadCatalog();
const kpis = demoKpis(catalog);
const registry = registryOf(kpis);
const ctx = { catalog, registry };
const get = (id: string) => registry.get(id)!;
const aggregates = (p: ReturnType<typeof planQuery>): Aggregate[] =>
  p.root.input.inputs.flatMap(aggregatesOf);
const dim = (name: string): RowExpr => ({ kind: 'dimension', name });

describe('planQuery', () => {
  it('aggregates each measure of a cross-source ratio on its own and joins them on (bucket, dimensions)', () => {
    const p = planQuery(get('cac'), query('cac', { dimensions: ['channel'] }), ctx);
    const [spend, customers] = aggregates(p);
    expect(spend!.input.input.table).toEqual(T.expenses);
    expect(customers!.input.input.table).toEqual(T.accounts);
    expect(spend!.input.input.joins).toEqual([]);
    expect(customers!.input.input.joins).toEqual([]);
    expect(spend!.dimensions).toEqual([{ name: 'channel', table: T.expenses, column: 'channel' }]);
    expect(customers!.dimensions).toEqual([{ name: 'channel', table: T.accounts, column: 'channel' }]);
    expect(p.root.input.dimensions).toEqual(['channel']);
    expect(p.root.value).toEqual({
      kind: 'binary',
      op: '/',
      left: { kind: 'col', name: 'm0' },
      right: { kind: 'col', name: 'm1' },
    });
  });

  it('reaches a dimension through a declared join and never joins raw rows of two facts', () => {
    const p = planQuery(get('mrr'), query('mrr', { dimensions: ['channel'] }), ctx);
    const [a] = aggregates(p);
    expect(a!.input.input.joins).toEqual([
      { fromAlias: 't0', column: 'account_id', table: T.accounts, toColumn: 'id', alias: 't1' },
    ]);
    expect(a!.dimensions[0]).toEqual({ name: 'channel', table: T.accounts, column: 'channel' });
  });

  it('names the table when a dimension is unreachable from a measure', () => {
    expect(refusal(() => planQuery(get('cac'), query('cac', { dimensions: ['device'] }), ctx))).toMatch(
      /^unreachable-dimension: dimension "device" is not reachable from finance\.expenses/,
    );
    expect(
      refusal(() =>
        planQuery(get('cac'), query('cac', { filters: [eq(dim('plan_type'), str('pro'))] }), ctx),
      ),
    ).toMatch(/^unreachable-dimension: .*"plan_type" is not reachable from finance\.expenses/);
  });

  it('resolves query filters per measure table and keeps the measure where and KPI filters', () => {
    const withFilter = kpi('eu_cac', get('cac').formula, [...get('cac').measures], {
      filters: [eq(dim('channel'), str('social'))],
    });
    const p = planQuery(withFilter, query('eu_cac', { filters: [eq(dim('campaign'), str("o'brien"))] }), {
      catalog,
      registry: registryOf([...kpis, withFilter]),
    });
    const [spend, customers] = aggregates(p);
    expect(spend!.input.conditions).toEqual([
      eq(col(catalog, T.expenses, 'category'), str('marketing')),
      eq(col(catalog, T.expenses, 'channel'), str('social')),
      eq(col(catalog, T.expenses, 'campaign'), str("o'brien")),
    ]);
    expect(customers!.input.conditions).toEqual([
      eq(col(catalog, T.accounts, 'channel'), str('social')),
      eq(col(catalog, T.accounts, 'campaign'), str("o'brien")),
    ]);
  });

  it('expands derived KPIs and rejects cycles', () => {
    const p = planQuery(get('signups_growth'), query('signups_growth'), ctx);
    expect(aggregates(p).map((a) => a.source)).toEqual(['signups.n', 'signups.n']);
    expect(aggregates(p)[1]!.bucketing).toMatchObject({
      kind: 'spine',
      window: [{ op: 'shift', amount: 1, unit: 'month' }],
    });
    const a = kpi('a', { kind: 'kpi_ref', id: 'b' }, []);
    const b = kpi('b', { kind: 'binary', op: '+', left: { kind: 'kpi_ref', id: 'a' }, right: ref('x') }, []);
    expect(refusal(() => planQuery(a, query('a'), { catalog, registry: registryOf([a, b]) }))).toBe(
      'kpi-cycle: KPI references form a cycle: a → b → a',
    );
    expect(refusal(() => planQuery(kpi('c', { kind: 'kpi_ref', id: 'nope' }, []), query('c'), ctx))).toMatch(
      /^unknown-kpi/,
    );
  });

  it('puts interval-valid measures and windows on a spine; without dimensions every bucket appears', () => {
    const p = planQuery(get('active_mrr'), query('active_mrr'), ctx);
    expect(aggregates(p)[0]!.bucketing).toMatchObject({
      kind: 'spine',
      validity: { startColumn: 'started_at', endColumn: 'canceled_at' },
    });
    expect(p.root.input.spine).not.toBeNull();
    const byRegion = planQuery(get('active_mrr'), query('active_mrr', { dimensions: ['region'] }), ctx);
    expect(byRegion.root.input.spine).toBeNull();
    const rolling = planQuery(get('events_7d'), query('events_7d', { grain: 'day' }), ctx);
    expect(aggregates(rolling)[0]!.bucketing).toMatchObject({
      window: [{ op: 'trailing', amount: 7, unit: 'day' }],
    });
  });

  it('0-fills a bare count but keeps NULL for a missing side of a ratio', () => {
    expect(planQuery(get('signups'), query('signups'), ctx).root.value.kind).toBe('zero_fill');
    expect(planQuery(get('cac'), query('cac'), ctx).root.value.kind).toBe('binary');
  });

  it('normalizes the range to UTC instants, reading naive times in the query zone', () => {
    const p = planQuery(
      get('mrr'),
      query('mrr', { timezone: 'Europe/Berlin', range: { start: '2025-03-01', end: '2025-04-01T00:00' } }),
      ctx,
    );
    expect(p.range).toEqual({ start: '2025-02-28T23:00:00.000Z', end: '2025-03-31T22:00:00.000Z' });
    expect(
      refusal(() => planQuery(get('mrr'), query('mrr', { timezone: "UTC'; DROP TABLE x" }), ctx)),
    ).toMatch(/^invalid-query: time zone/);
    expect(
      refusal(() =>
        planQuery(get('mrr'), query('mrr', { range: { start: '2025-02-01Z', end: '2025-01-01Z' } }), ctx),
      ),
    ).toMatch(/^invalid-query/);
    expect(
      refusal(() =>
        planQuery(
          get('mrr'),
          query('mrr', { range: { start: '2025-02-01T00:00:00Z', end: '2025-01-01T00:00:00Z' } }),
          ctx,
        ),
      ),
    ).toMatch(/^invalid-query: range start .* is not before its end/);
  });

  it('builds frozen plans with a stable hash that changes with the question', () => {
    const a = planQuery(get('cac'), query('cac'), ctx);
    const b = planQuery(get('cac'), query('cac'), ctx);
    expect(Object.isFrozen(a) && Object.isFrozen(a.root) && Object.isFrozen(aggregates(a)[0]!.input)).toBe(
      true,
    );
    expect(planHash(a)).toBe(planHash(b));
    expect(printPlan(a)).toBe(printPlan(b));
    expect(planHash(planQuery(get('cac'), query('cac', { timezone: 'Europe/Berlin' }), ctx))).not.toBe(
      planHash(a),
    );
    expect(planHash(planQuery(get('cac'), query('cac', { grain: 'quarter' }), ctx))).not.toBe(planHash(a));
  });
});

describe('plan walking and rewriting', () => {
  it('visits every node, parents before children', () => {
    const p = planQuery(get('signups_growth'), query('signups_growth'), ctx);
    const kinds: string[] = [];
    walkPlan(p.root, (n: PlanNode) => kinds.push(n.kind));
    expect(kinds).toEqual([
      'project',
      'join',
      'aggregate',
      'filter',
      'scan',
      'aggregate',
      'filter',
      'scan',
      'spine',
      'spine',
    ]);
  });
});

describe('emitSql', () => {
  it('divides safely in every dialect: doubles, and NULL for a zero divisor', () => {
    const p = planQuery(get('cac'), query('cac'), ctx);
    expect(emitSql(p, trino, catalog).sql).toContain(
      'CAST(j."m0" AS double) / NULLIF(CAST(j."m1" AS double), 0)',
    );
    const single = kpi('ratio', { kind: 'binary', op: '/', left: ref('a'), right: ref('b') }, [
      measure(catalog, 'a', 'sum', T.subscriptions, 'amount'),
      measure(catalog, 'b', 'count', T.expenses, null),
    ]);
    expect(emitSql(planQuery(single, query('ratio'), ctx), postgres, catalog).sql).toContain(
      'CAST(j."m0" AS double precision) / NULLIF(CAST(j."m1" AS double precision), 0)',
    );
  });

  it('keeps user values out of the SQL text', () => {
    const evil = `x' OR 1=1; DROP TABLE subscriptions; -- \\ "`;
    const p = planQuery(get('mrr'), query('mrr', { filters: [eq(dim('region'), str(evil))] }), ctx);
    for (const d of [trino, postgres]) {
      const out = emitSql(p, d, catalog);
      expect(out.sql).not.toContain('DROP');
      expect(out.params).toContainEqual({ type: 'string', value: evil });
    }
    expect(emitSql(p, postgres, catalog).sql).toContain('(t0."region" = $3)');
  });

  it('quotes identifiers with doubled double quotes', () => {
    const weird = kpi('weird', ref('a'), [measure(catalog, 'a', 'sum', T.subscriptions, 'amount')]);
    const p = planQuery(weird, query('weird', { dimensions: ['region'] }), ctx);
    expect(trino.quote('a"b')).toBe('"a""b"');
    expect(emitSql(p, trino, catalog).sql).toContain('AS "region"');
  });

  it('refuses what a dialect cannot express, naming construct and dialect', () => {
    expect(refusal(() => emitSql(planQuery(get('cac'), query('cac'), ctx), postgres, catalog))).toBe(
      'unsupported: a query over connections payments, users cannot be expressed in the postgres dialect: one PostgreSQL connection cannot read another; use trino',
    );
    expect(
      refusal(() => emitSql(planQuery(get('events_7d'), query('events_7d'), ctx), postgres, catalog)),
    ).toMatch(/^unsupported: table analytics\.events cannot be expressed in the postgres dialect/);
    const p90 = kpi('p90', ref('a'), [
      measure(catalog, 'a', 'percentile', T.subscriptions, 'amount', { fraction: 0.9 }),
    ]);
    expect(refusal(() => emitSql(planQuery(p90, query('p90'), ctx), trino, catalog))).toMatch(
      /^unsupported: an exact percentile cannot be expressed in the trino dialect/,
    );
  });

  it('chooses the direct PostgreSQL dialect only when one PostgreSQL connection holds every table', () => {
    const both = kpi('rev_per_spend', { kind: 'binary', op: '/', left: ref('a'), right: ref('b') }, [
      measure(catalog, 'a', 'sum', T.subscriptions, 'amount'),
      measure(catalog, 'b', 'sum', T.expenses, 'amount'),
    ]);
    expect(chooseDialect(planQuery(both, query('x'), ctx), catalog).dialect.name).toBe('postgres');
    expect(chooseDialect(planQuery(get('cac'), query('cac'), ctx), catalog).dialect.name).toBe('trino');
    expect(chooseDialect(planQuery(get('events_7d'), query('events_7d'), ctx), catalog).dialect.name).toBe(
      'trino',
    );
    // A dimension on another connection (users.accounts) forces Trino even for a payments measure.
    expect(
      chooseDialect(planQuery(get('mrr'), query('mrr', { dimensions: ['channel'] }), ctx), catalog).dialect
        .name,
    ).toBe('trino');
  });

  it('numbers PostgreSQL parameters once per value and Trino parameters in text order', () => {
    const p = planQuery(get('active_mrr'), query('active_mrr'), ctx);
    const pg = emitSql(p, postgres, catalog);
    expect(pg.params).toHaveLength(2);
    const t = emitSql(p, trino, catalog);
    expect(t.sql.split('?').length - 1).toBe(t.params.length);
  });
});

describe('windows from the seed and dialect limits', () => {
  it("turns a variable's timeRange.period (last_30_days) into a trailing window on the spine", () => {
    const k = kpi('spend_30d', ref('s'), [
      measure(catalog, 's', 'sum', T.expenses, 'amount', { period: 'last_30_days' }),
    ]);
    const p = planQuery(k, query('spend_30d', { grain: 'day' }), ctx);
    expect(aggregates(p)[0]!.bucketing).toMatchObject({
      kind: 'spine',
      window: [{ op: 'trailing', amount: 30, unit: 'day' }],
    });
    const bad = kpi('bad', ref('s'), [
      measure(catalog, 's', 'sum', T.expenses, 'amount', { period: 'fortnightly' }),
    ]);
    expect(refusal(() => planQuery(bad, query('bad'), ctx))).toMatch(/^unsupported: .*period "fortnightly"/);
  });

  it('refuses a Trino spine longer than its sequence limit, naming the construct and the dialect', () => {
    const p = planQuery(
      get('events_7d'),
      query('events_7d', {
        grain: 'minute',
        // 12,960 buckets: under MAX_BUCKETS, over Trino's sequence limit of 10,000.
        range: { start: '2025-01-01T00:00:00Z', end: '2025-01-10T00:00:00Z' },
      }),
      ctx,
    );
    expect(refusal(() => emitSql(p, trino, catalog))).toMatch(
      /^unsupported: a spine of about \d+ minute buckets cannot be expressed in the trino dialect/,
    );
  });
});
