/** Starts `npm start` as a user would, with the given environment, and waits for its "listening" line. */
// @ts-nocheck


import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Blank every variable that would switch the service out of the embedded default. */
export const NOTHING_CONFIGURED = Object.fromEntries(
  [
    'TIMESCALE_URL',
    'REDIS_URL',
    'TRINO_URL',
    'PAYMENTS_DB_URL',
    'USERS_DB_URL',
    'ANALYTICS_DB_URL',
    'DRUID_URL',
    'AUTH0_DOMAIN',
    'AUTH0_AUDIENCE',
    'HOST',
    'ENABLE_SCHEDULER',
  ].map((k) => [k, '']),
);

export interface RunningService {
  readonly url: string;
  readonly output: () => string;
  readonly child: ChildProcess;
  /** SIGTERM to the process group, wait until it is gone; true when the service stopped cleanly. */
  stop(): Promise<boolean>;
  /** SIGKILL to the process group (a crash: nothing runs after it), resolved once it is gone. */
  kill(): Promise<void>;
}

/**
 * `timeoutMs` is only a backstop: the wait ends when the service says it is ready or exits. A service
 * without a KPI_DATA_DIR of the test's own gets a temporary one (removed when it stops), so tests never
 * touch the project's `.kpi-data` nor each other's.
 */
export async function startService(
  env: Record<string, string>,
  timeoutMs = 540_000,
): Promise<RunningService> {
  const port = await freePort();
  const ownDataDir = env.KPI_DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'kpi-e2e-data-'));
  const removeOwnDataDir = () => {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };
  // detached: npm → node form a process group we can signal as a whole.
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, ...env, PORT: String(port), ...(ownDataDir ? { KPI_DATA_DIR: ownDataDir } : {}) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), timeoutMs);
    const check = () => {
      if (/docs at http/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      removeOwnDataDir();
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    child,
    kill: async () => {
      if (groupAlive()) process.kill(-child.pid!, 'SIGKILL');
      while (groupAlive()) await new Promise((r) => setTimeout(r, 50));
      removeOwnDataDir();
    },
    // SIGTERM to npm alone, as a process manager or a terminal sends it: npm forwards it to the service
    // (`exec node …`, no shell in between), which finishes in-flight requests and stops. The group is
    // awaited (and killed only after a minute) so nothing outlives the test.
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const deadline = Date.now() + 60_000;
      while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive()) process.kill(-child.pid!, 'SIGKILL');
      removeOwnDataDir();
      return /kpi-engine: stopped\s*$/.test(output);
    },
  };
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** A redis-server of the test's own (so stopping it mid-run harms nobody), ready to accept connections. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept') && resolve());
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  return child;
}

/** SIGTERM and wait for the exit (at once when it has already exited). */
export const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** The seed's CAC KPI (marketing spend / new customers: two databases, so Trino runs it) under `id`. */
export const cacDefinition = (id: string) => ({
  id,
  name: 'Customer Acquisition Cost',
  category: 'business',
  description: 'Average cost to acquire a new customer',
  formula: {
    type: 'composite',
    expression: 'marketing_spend / new_customers',
    variables: [
      {
        name: 'marketing_spend',
        source: { database: 'finance', table: 'expenses', column: 'amount', aggregation: 'sum' },
      },
      {
        name: 'new_customers',
        source: { database: 'users', table: 'accounts', column: 'id', aggregation: 'count' },
      },
    ],
  },
  aggregations: ['month', 'quarter'],
  dimensions: ['channel', 'campaign'],
});

/** CAC over [start, end) (UTC dates) by hand-written SQL on the two source databases. */
export async function cacOracle(stack: Record<string, string>, start: string, end: string): Promise<number> {
  const payments = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
  const users = new pg.Client({ connectionString: stack.USERS_DB_URL });
  await payments.connect();
  await users.connect();
  try {
    const bounds = [`${start}T00:00:00Z`, `${end}T00:00:00Z`];
    const spend = await payments.query(
      `SELECT sum(amount)::float8 AS v FROM finance.expenses WHERE spent_at >= $1::timestamptz AND spent_at < $2::timestamptz`,
      bounds,
    );
    const customers = await users.query(
      `SELECT count(id)::float8 AS v FROM public.accounts WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz`,
      bounds,
    );
    return spend.rows[0].v / customers.rows[0].v;
  } finally {
    await payments.end();
    await users.end();
  }
}
