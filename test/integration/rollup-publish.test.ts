/**
 * Rollup loads on the real stack (Trino → the metrics store): a load that committed its facts but never
 * published its watermark is finished by the next refresh, and two refreshes racing for the same new
 * source row count it once. Rows are added to finance.expenses after the demo data and removed again.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { RollupConflictError } from '../../src/rollup/load-report.ts';
import { refreshRollup } from '../../src/rollup/refresh.ts';
import { readStates } from '../../src/rollup/state.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();
const expenses = loadRollups(catalog).find((r) => r.name === 'expenses_daily')!;
const IDS = [990_000_101, 990_000_102];

describe('publishing rollup loads', () => {
  let payments: pg.Client;
  const state = async () => (await readStates(env.TIMESCALE_URL!)).get(expenses.name)!;
  const store = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: env.TIMESCALE_URL });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  const addExpense = (id: number, at: string) =>
    payments.query(
      `INSERT INTO finance.expenses (id, category, channel, campaign, amount, spent_at)
       VALUES ($1, 'publish_test', 'ads', 'publish', 10.00, $2::timestamptz)`,
      [id, at],
    );

  beforeAll(async () => {
    payments = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
    await payments.connect();
    await payments.query('DELETE FROM finance.expenses WHERE id = ANY($1)', [IDS]);
    await buildRollup(catalog, expenses, env);
  }, 300_000);

  afterAll(async () => {
    await payments.query('DELETE FROM finance.expenses WHERE id = ANY($1)', [IDS]);
    await payments.end();
    await buildRollup(catalog, expenses, env);
  }, 300_000);

  it('finishes a load whose watermark was never published, without loading anything twice', async () => {
    const built = await state();
    expect(built.watermark).toBe(built.loadedTo);
    await addExpense(IDS[0]!, '2026-07-10T12:00:00Z');
    const loaded = await refreshRollup(catalog, expenses, env);
    expect(loaded.factRows).toBe(1);
    const after = await state();
    expect(after.watermark).toBe('2026-07-10T12:00:00.001Z');

    // As if the process died between committing the facts and publishing: watermark back, facts kept.
    await store((c) =>
      c.query('UPDATE kpi_rollups.rollup_state SET watermark = $2 WHERE name = $1', [
        expenses.name,
        built.watermark,
      ]),
    );
    const finished = await refreshRollup(catalog, expenses, env);
    expect(finished.factRows).toBe(0);
    const published = await state();
    expect(published.watermark).toBe(after.loadedTo);
    expect(published.factRows).toBe(after.factRows);
    const day = await store((c) =>
      c.query(
        `SELECT sum(count_all)::int AS n FROM kpi_rollups.${expenses.name}
         WHERE bucket = '2026-07-10T00:00:00Z' AND category = 'publish_test'`,
      ),
    );
    expect(day.rows[0].n).toBe(1);
  }, 300_000);

  it('counts a new source row once when two refreshes race for it', async () => {
    const before = await state();
    await addExpense(IDS[1]!, '2026-07-11T08:00:00Z');
    const results = await Promise.allSettled([
      refreshRollup(catalog, expenses, env),
      refreshRollup(catalog, expenses, env),
    ]);
    let loaded = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') loaded += r.value.factRows;
      else expect(r.reason).toBeInstanceOf(RollupConflictError);
    }
    expect(loaded).toBe(1);
    const after = await state();
    expect(after.factRows).toBe(before.factRows + 1);
    expect(after.watermark).toBe('2026-07-11T08:00:00.001Z');
    const facts = await store((c) =>
      c.query(
        `SELECT sum(count_all)::int AS n FROM kpi_rollups.${expenses.name}_facts WHERE category = 'publish_test'`,
      ),
    );
    expect(facts.rows[0].n).toBe(2);
  }, 300_000);
});
