/**
 * Cancelling KPI statements on the real stack: identical statements from two clients share one Trino
 * query (single-flight); a DELETE on one client's query URI, or a client that stops polling, cancels
 * that Trino query only when no other client still waits on it. Trino's own state
 * (system.runtime.queries) is the witness. The Trino query is held RUNNING by a PostgreSQL lock on the
 * table it reads (no sleeps): a fresh KPI (unique per run, so no cached answer) over finance.expenses
 * and users.accounts, two databases, so it runs on Trino. Its expenses measure is `max(amount)`, which
 * no rollup keeps (fixtures/demo-rollups.json: expenses_daily has sum and counts only), so it reads
 * finance.expenses itself even after other tests built rollups (a sum was answered from expenses_daily
 * once stitched plans came, and never waited on the lock).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningService, startService } from '../e2e/api-support.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const KPI = `cancel_${randomBytes(4).toString('hex')}`;
const HEADERS = { 'X-Trino-User': 'cancel-test', 'X-Trino-Time-Zone': 'UTC' };
const TEST_MS = 300_000;
const WAIT_MS = 120_000;
const statementFor = (from: string, to: string) =>
  `SELECT time_month, value FROM kpi.default.${KPI} WHERE time_month >= DATE '${from}' AND time_month < DATE '${to}'`;

interface Page {
  nextUri?: string;
  data?: unknown[][];
  error?: { errorName: string; message: string };
  stats: { state: string };
}

/** POST and the first poll: the statement is then running in the service. */
async function start(service: RunningService, sql: string): Promise<Page> {
  const posted = (await (
    await fetch(`${service.url}/v1/statement`, { method: 'POST', body: sql, headers: HEADERS })
  ).json()) as Page;
  return (await (await fetch(posted.nextUri!, { headers: HEADERS })).json()) as Page;
}

async function finish(page: Page): Promise<Page & { rows: unknown[][] }> {
  const rows: unknown[][] = [];
  let p = page;
  for (;;) {
    rows.push(...(p.data ?? []));
    if (!p.nextUri || p.error) return { ...p, rows };
    p = (await (await fetch(p.nextUri, { headers: HEADERS })).json()) as Page;
  }
}

const startedAt = new Date().toISOString();

/** The Trino queries this run sent for the KPI over one range, with their states. */
async function trinoQueries(from: string): Promise<string[]> {
  const rows = await trinoRows(
    env.TRINO_URL!,
    `SELECT state FROM system.runtime.queries WHERE query LIKE '%finance%expenses%' AND query LIKE '%${from} 00:00:00%'
       AND source = 'kpi-engine' AND created >= from_iso8601_timestamp('${startedAt}')`,
  );
  return rows.map((r) => String(r.state));
}

/** Polls Trino (a short pause between reads) until this run's queries are all in `states`. */
async function waitFor(from: string, states: readonly string[]): Promise<string[]> {
  // Bounded below the test's own timeout, so a miss reports what Trino showed instead of a bare timeout.
  const deadline = Date.now() + WAIT_MS;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await trinoQueries(from);
    if (seen.length > 0 && seen.every((s) => states.includes(s))) return seen;
    await pause(200);
  }
  throw new Error(
    `Trino's queries for ${from} never all reached ${states.join('/')}: saw [${seen.join(', ')}]`,
  );
}

describe('cancelling shared KPI statements (real Trino)', () => {
  let service: RunningService;
  let lock: pg.Client;

  beforeAll(async () => {
    service = await startService({
      ...(env as Record<string, string>),
      ENABLE_SCHEDULER: 'false',
      // The optimizer off: a split plan would read the two databases directly, never through Trino.
      ENABLE_OPTIMIZER: 'false',
      // Far from the test's reach: only the client timeout below may cancel.
      QUERY_TIMEOUT_MS: '900000',
      SQL_CLIENT_TIMEOUT_SECONDS: '20',
    });
    const created = await fetch(`${service.url}/api/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `kpi ${KPI} = max(finance.expenses.amount) / count(users.accounts.id)`,
    });
    expect(created.status).toBe(201);
    lock = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
    await lock.connect();
  }, 300_000);
  afterAll(async () => {
    await lock?.query('ROLLBACK').catch(() => {});
    await lock?.end();
    await service?.stop();
  }, 120_000);

  const hold = async () => {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE finance.expenses IN ACCESS EXCLUSIVE MODE');
  };
  const release = () => lock.query('ROLLBACK');

  it(
    'a DELETE from one of two clients leaves their one Trino query running for the other',
    async () => {
      const [from, to] = ['2024-01-01', '2024-04-01'];
      await hold();
      const a = await start(service, statementFor(from, to));
      const b = await start(service, statementFor(from, to));
      expect(await waitFor(from, ['RUNNING'])).toEqual(['RUNNING']); // one query for both
      expect((await fetch(a.nextUri!, { method: 'DELETE', headers: HEADERS })).status).toBe(204);
      expect(
        ((await (await fetch(a.nextUri!, { headers: HEADERS })).json().catch(() => null)) as Page | null)
          ?.data,
      ).toBeUndefined();
      expect(await trinoQueries(from)).toEqual(['RUNNING']);
      await release();
      const done = await finish(b);
      expect(done.error).toBeUndefined();
      const inRange = (column: string) =>
        `${column} >= TIMESTAMP '${from} 00:00:00 UTC' AND ${column} < TIMESTAMP '${to} 00:00:00 UTC'`;
      const oracle = await trinoRows(
        env.TRINO_URL!,
        `SELECT e.m, e.s / a.c AS v FROM
         (SELECT date_trunc('month', spent_at AT TIME ZONE 'UTC') AS m, CAST(max(amount) AS double) AS s
          FROM payments.finance.expenses WHERE ${inRange('spent_at')} GROUP BY 1) e
       JOIN (SELECT date_trunc('month', created_at AT TIME ZONE 'UTC') AS m, count(id) AS c
          FROM users.public.accounts WHERE ${inRange('created_at')} GROUP BY 1) a ON a.m = e.m
       ORDER BY 1`,
      );
      expect(oracle).toHaveLength(3);
      expect(done.rows.map((r) => String(r[0]).slice(0, 7))).toEqual(
        oracle.map((o) => String(o.m).slice(0, 7)),
      );
      done.rows.forEach((r, i) => {
        expect(r[1] as number).toBeCloseTo(oracle[i]!.v as number, 6);
      });
      expect(await waitFor(from, ['FINISHED'])).toEqual(['FINISHED']);
    },
    TEST_MS,
  );

  it(
    'cancels the shared Trino query once the last client gives up: one DELETE, one that stops polling',
    async () => {
      const [from, to] = ['2024-07-01', '2024-10-01'];
      await hold();
      try {
        await start(service, statementFor(from, to)); // then never polls again
        const b = await start(service, statementFor(from, to));
        expect(await waitFor(from, ['RUNNING'])).toEqual(['RUNNING']);
        expect((await fetch(b.nextUri!, { method: 'DELETE', headers: HEADERS })).status).toBe(204);
        expect(await trinoQueries(from)).toEqual(['RUNNING']); // the silent client still counts
        // SQL_CLIENT_TIMEOUT_SECONDS after its last poll, the silent client is let go: nobody waits.
        expect(await waitFor(from, ['FAILED'])).toEqual(['FAILED']);
      } finally {
        await release();
      }
    },
    TEST_MS,
  );
});
