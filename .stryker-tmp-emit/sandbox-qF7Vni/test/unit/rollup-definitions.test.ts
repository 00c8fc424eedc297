// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { rollupDdl } from '../../src/rollup/ddl.ts';
import { loadRollups, parseRollups } from '../../src/rollup/definitions.ts';
import { withRollups } from '../../src/rollup/names.ts';

const catalog = loadCatalog();

describe('rollup definitions (JSON form)', () => {
  it('loads the demo rollups as frozen RollupDefs', () => {
    const rollups = loadRollups(catalog);
    expect(rollups.map((r) => r.name)).toContain('subscriptions_daily');
    const s = rollups.find((r) => r.name === 'subscriptions_daily')!;
    expect(s.table).toEqual({ source: 'payments', table: 'subscriptions' });
    expect(s.measures).toContainEqual({ fn: 'count', column: null });
    expect(Object.isFrozen(s.measures[0])).toBe(true);
  });

  it('rejects unknown columns, bad measures and duplicates with a message', () => {
    const one = (r: object) => () => parseRollups({ rollups: [r] }, catalog);
    const base = {
      name: 'x',
      on: 'payments.subscriptions',
      grain: 'day',
      dimensions: [],
      measures: ['count(*)'],
    };
    expect(one({ ...base, dimensions: ['nope'] })).toThrow(/has no column nope/);
    expect(one({ ...base, measures: ['avg(amount)'] })).toThrow(/sum\(col\)/);
    expect(one({ ...base, measures: ['sum(*)'] })).toThrow(/only count takes \*/);
    expect(one({ ...base, on: 'payments.nope' })).toThrow(/not in the catalog/);
    expect(() => parseRollups({ rollups: [base, base] }, catalog)).toThrow(/defined twice/);
  });

  it('renders the facts hypertable and continuous aggregate with precise types', () => {
    const s = loadRollups(catalog).find((r) => r.name === 'subscriptions_daily')!;
    const ddl = rollupDdl(catalog, s, { policy: true });
    expect(ddl.facts).toContain('create_hypertable(\'"kpi_rollups"."subscriptions_daily_facts"\'');
    expect(ddl.aggregate).toContain('timescaledb.continuous');
    expect(ddl.aggregate).toContain("time_bucket(INTERVAL '1 day', ts, 'UTC')");
    expect(ddl.aggregate).toContain('CAST(sum("count_all") AS bigint) AS "count_all"');
    expect(ddl.aggregate).toContain('CAST(min("min_amount") AS numeric(38,6))');
    expect(ddl.policy).toContain('add_continuous_aggregate_policy');
    expect(rollupDdl(catalog, s, { materialization: 'table', policy: true }).policy).toBeNull();
  });

  it('shows rollups to the planner as tables of the metrics connection', () => {
    const c = withRollups(catalog, loadRollups(catalog));
    const t = c.sources.rollups!.tables.subscriptions_daily!;
    expect(c.sources.rollups!.connection).toBe('metrics');
    expect(t.timeColumn).toBe('bucket');
    expect(t.columns).toMatchObject({
      bucket: 'timestamp',
      region: 'string',
      sum_amount: 'decimal',
      count_all: 'bigint',
    });
  });
});
