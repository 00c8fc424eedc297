/**
 * `kpi query` with nothing configured runs on the embedded demo database (as `npm start` does), says so
 * and how to point it at real sources; its numbers match hand-written SQL on an independent PGlite
 * loaded with the same demo data (same seed and scale give the same rows).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { createEmbeddedDb } from '../../src/store/pglite-client.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCALE = '0.001';

/** No stack file and no connection variable: run from an empty directory with a blank environment. */
function kpiQuery(args: string[], cacheDir: string, extra: Record<string, string> = {}) {
  // DEMO_END: the oracle holds the pinned data set (vitest.config.ts sets it for the test suite).
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DEMO_END: process.env.DEMO_END ?? '',
  };
  return spawnSync(process.execPath, [join(root, 'bin/kpi.mjs'), 'query', ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'kpi-nothing-')),
    encoding: 'utf8',
    env: {
      ...env,
      KPI_CACHE_DIR: cacheDir,
      DEMO_SCALE: SCALE,
      KPI_STACK_DIR: join(cacheDir, 'no-stack'),
      ...extra,
    },
    timeout: 300_000,
  });
}

describe('kpi query with nothing configured', () => {
  let oracle: PGlite;
  beforeAll(async () => {
    oracle = await createEmbeddedDb();
    await loadDemoDataIntoPglite(oracle, { scale: Number(SCALE) });
  });
  afterAll(async () => oracle?.close());

  it('answers from the embedded demo database, says how to configure real sources, and matches hand-written SQL', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kpi-cache-'));
    const args = [
      '--dsl',
      'sum(payments.subscriptions.amount)',
      '--grain',
      'month',
      '--from',
      '2025-01-01',
      '--to',
      '2025-07-01',
      '--format',
      'json',
    ];
    const first = kpiQuery(args, cache);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('-- no sources configured: the embedded demo database');
    expect(first.stderr).toMatch(/npm run stack:up.*TRINO_URL/);
    const rows = JSON.parse(first.stdout) as { time: string; value: number }[];
    const expected = (
      await oracle.query<{ month: string; total: number }>(
        `SELECT to_char(date_trunc('month', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T00:00:00Z"') AS month,
                sum(amount)::float8 AS total
           FROM payments.subscriptions
          WHERE started_at >= '2025-01-01T00:00:00Z' AND started_at < '2025-07-01T00:00:00Z'
          GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    expect(rows.map((r) => r.time)).toEqual(expected.map((r) => r.month));
    for (const [i, r] of rows.entries()) expect(r.value).toBeCloseTo(expected[i]!.total, 6);
    // The loaded database is kept: a second query does not load again and answers the same.
    const second = kpiQuery(args, cache);
    expect(second.status).toBe(0);
    expect(second.stderr).not.toContain('loading the demo data set');
    expect(JSON.parse(second.stdout)).toEqual(rows);
  });

  it('stops a statement at QUERY_TIMEOUT_MS: PGlite runs on a worker thread, not on the CLI event loop', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kpi-cache-'));
    // Hours over two years, each re-reading a year of events for a distinct count: minutes for PGlite.
    const slow = [
      '--dsl',
      'rolling(count(distinct analytics.events.account_id), 365 days)',
      '--grain',
      'hour',
      '--from',
      '2024-06-01',
      '--to',
      '2026-06-01',
    ];
    const timedOut = kpiQuery(slow, cache, { QUERY_TIMEOUT_MS: '2000' });
    // On the main thread nothing could interrupt PGlite: the query ran to its end (or past spawnSync's
    // own timeout, status null). Now the worker is stopped and the CLI says why.
    expect(timedOut.status, timedOut.stderr).toBe(1);
    expect(timedOut.stderr).toMatch(/error query-timeout: .*took longer than 2000 ms \(QUERY_TIMEOUT_MS\)/);
    expect(timedOut.stdout).toBe('');
  });
});
