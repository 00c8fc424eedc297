/**
 * A rollup with a filter holds only the rows its filter keeps (the optimizer answers a query from it
 * only when the query filters the same way). Its load used to read every row, so a filtered rollup
 * held — and would have answered — the unfiltered totals. Checked on the real stack (Trino loads the
 * metrics store) against hand-written SQL on the source PostgreSQL.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();
const expenses = loadRollups(catalog).find((r) => r.name === 'expenses_daily')!;
const NAME = 'expenses_social_daily_filter_test';
const filtered: RollupDef = {
  ...expenses,
  name: NAME,
  filter: {
    kind: 'binary',
    op: '=',
    left: { kind: 'column', table: expenses.table, column: 'channel', type: 'string' },
    right: { kind: 'literal', value: 'social', type: 'string' },
  },
};

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

const dropRollup = () =>
  withClient(env.TIMESCALE_URL!, async (c) => {
    await c.query(`DROP MATERIALIZED VIEW IF EXISTS kpi_rollups.${NAME} CASCADE`).catch(() => {});
    await c.query(`DROP TABLE IF EXISTS kpi_rollups.${NAME} CASCADE`).catch(() => {});
    await c.query(`DROP TABLE IF EXISTS kpi_rollups.${NAME}_facts CASCADE`);
    await c.query('DELETE FROM kpi_rollups.rollup_partitions WHERE name = $1', [NAME]);
    await c.query('DELETE FROM kpi_rollups.rollup_state WHERE name = $1', [NAME]);
  });

describe('a filtered rollup', () => {
  beforeAll(async () => {
    await buildRollup(catalog, filtered, env);
  }, 300_000);
  afterAll(dropRollup, 120_000);

  it('holds exactly the rows its filter keeps, day by day', async () => {
    const oracle = await withClient(env.PAYMENTS_DB_URL!, (c) =>
      c.query<{ day: string; n: string; total: string }>(
        `SELECT to_char(date_trunc('day', spent_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                count(*) AS n, sum(amount) AS total
         FROM finance.expenses WHERE channel = 'social' GROUP BY 1 ORDER BY 1`,
      ),
    );
    const everything = await withClient(env.PAYMENTS_DB_URL!, (c) =>
      c.query<{ n: string }>('SELECT count(*) AS n FROM finance.expenses'),
    );
    const held = await withClient(env.TIMESCALE_URL!, (c) =>
      c.query<{ day: string; n: string; total: string }>(
        `SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(count_all) AS n,
                sum(sum_amount) AS total
         FROM kpi_rollups.${NAME} GROUP BY 1 ORDER BY 1`,
      ),
    );
    expect(oracle.rows.length).toBeGreaterThan(10);
    // The filter is real: the source holds more rows than the filtered ones.
    const kept = oracle.rows.reduce((s, r) => s + Number(r.n), 0);
    expect(kept).toBeLessThan(Number(everything.rows[0]!.n));
    expect(held.rows.map((r) => r.day)).toEqual(oracle.rows.map((r) => r.day));
    for (const [i, row] of held.rows.entries()) {
      expect(Number(row.n)).toBe(Number(oracle.rows[i]!.n));
      expect(Number(row.total)).toBeCloseTo(Number(oracle.rows[i]!.total), 2);
    }
  }, 120_000);
});
