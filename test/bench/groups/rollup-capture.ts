/**
 * How long a captured source change takes to reach an answer: change capture installed on
 * payments.subscriptions, one old row's amount updated, then what the service's scheduler does — poll
 * the log, refresh the rollup (which re-loads exactly the logged partition) — until the optimized
 * answer for that day equals the source again. The row and the rollup are put back afterwards.
 */
import pg from 'pg';
import type { Catalog } from '../../../src/catalog/types.ts';
import { quoteIdentifier } from '../../../src/emit/literal.ts';
import type { RollupDef } from '../../../src/ir/rollup.ts';
import { installCapture, latestCapture, removeCapture } from '../../../src/rollup/capture.ts';
import { refreshRollup } from '../../../src/rollup/refresh.ts';
import { readStates } from '../../../src/rollup/state.ts';

const POLL_MS = 100;

export async function capturedChangeLatency(
  catalog: Catalog,
  rollups: readonly RollupDef[],
  env: Record<string, string>,
): Promise<{ ms: number; repaired: number; checked: number }> {
  const subs = rollups.find((r) => r.name === 'subscriptions_daily')!;
  await installCapture(catalog, subs, env);
  const payments = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
  await payments.connect();
  try {
    await refreshRollup(catalog, subs, env); // starts reading the log
    const row = (
      await payments.query(
        `SELECT id, amount::float8 AS amount FROM public.subscriptions
         WHERE started_at >= '2024-03-10' AND started_at < '2024-03-11' ORDER BY id LIMIT 1`,
      )
    ).rows[0] as { id: number; amount: number };
    const dayTotal = async () => {
      const c = new pg.Client({ connectionString: env.TIMESCALE_URL });
      await c.connect();
      try {
        const res = await c.query(
          `SELECT sum(sum_amount)::float8 AS v FROM kpi_rollups.${quoteIdentifier(subs.name)} WHERE bucket = '2024-03-10T00:00:00Z'`,
        );
        return Number(res.rows[0].v);
      } finally {
        await c.end();
      }
    };
    const before = await dayTotal();
    const t0 = performance.now();
    await payments.query('UPDATE public.subscriptions SET amount = amount + 1000 WHERE id = $1', [row.id]);
    let repaired = 0;
    let checked = 0;
    try {
      for (;;) {
        const seen = (await readStates(env.TIMESCALE_URL!)).get(subs.name)?.captureSeen ?? null;
        const latest = await latestCapture(catalog, subs, env);
        if (latest !== null && seen !== null && Number(latest) > Number(seen)) {
          const report = await refreshRollup(catalog, subs, env);
          repaired += report.repaired.length;
          checked += report.checked.partitions;
        }
        if (Math.abs((await dayTotal()) - (before + 1000)) < 1e-6) break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      return { ms: performance.now() - t0, repaired, checked };
    } finally {
      await payments.query('UPDATE public.subscriptions SET amount = $2 WHERE id = $1', [row.id, row.amount]);
      await refreshRollup(catalog, subs, env);
    }
  } finally {
    await removeCapture(catalog, subs, env);
    await payments.end();
  }
}
