/**
 * PostgreSQL from Debian's packages, as the stack's own cluster in .stack/postgres (initdb on first
 * start). PostgreSQL refuses to run as root, so under root (CI containers) it runs as the `postgres`
 * system user the Debian package creates, owning its data directory.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { StackConfig } from '../../config/stack-config.ts';
import { quoteIdentifier } from '../../emit/literal.ts';
import { MissingPrerequisiteError } from '../prereqs.ts';
import { spawnDetached } from '../process.ts';
import type { LocalService, ServiceContext } from './service.ts';

interface SystemUser {
  readonly uid: number;
  readonly gid: number;
}

/** Under root, the `postgres` system user; otherwise the current user (undefined = no switch). */
function postgresUser(): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) {
    throw new MissingPrerequisiteError(
      'running as root, PostgreSQL needs the `postgres` system user (created by the apt package postgresql)',
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export const dataDir = (config: StackConfig) => join(config.stackDir, 'postgres', 'data');

function initCluster(ctx: ServiceContext, user: SystemUser | undefined): void {
  const dir = dataDir(ctx.config);
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwfile = join(ctx.config.stackDir, 'postgres', 'pwfile');
  writeFileSync(pwfile, `${ctx.config.postgres.password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(join(ctx.config.stackDir, 'postgres'), user.uid, user.gid);
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  const result = spawnSync(
    join(ctx.prereqs.postgresBin, 'initdb'),
    [
      '-D',
      dir,
      '-U',
      ctx.config.postgres.user,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ],
    { encoding: 'utf8', ...(user ?? {}) },
  );
  if (result.status !== 0) {
    throw new Error(`initdb failed (${result.status}):\n${result.stderr || result.stdout || result.error}`);
  }
}

export async function queryPostgres(
  config: StackConfig,
  database: string,
  sql: string,
): Promise<pg.QueryResult> {
  const client = new pg.Client({
    host: config.host,
    port: config.ports.postgres,
    user: config.postgres.user,
    password: config.postgres.password,
    database,
    connectionTimeoutMillis: 2000,
  });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The two source databases and payments' `finance` schema; the data loader creates the tables. */
export async function ensureSourceDatabases(config: StackConfig): Promise<void> {
  const existing = await queryPostgres(config, 'postgres', 'SELECT datname FROM pg_database');
  const names = new Set(existing.rows.map((r) => r.datname as string));
  for (const db of ['payments', 'users']) {
    if (!names.has(db)) await queryPostgres(config, 'postgres', `CREATE DATABASE ${quoteIdentifier(db)}`);
  }
  await queryPostgres(config, 'payments', 'CREATE SCHEMA IF NOT EXISTS finance');
}

export const postgresService: LocalService = {
  name: 'postgres',
  portVariable: 'KPI_PG_PORT',
  port: (config) => config.ports.postgres,
  readyTimeoutMs: 60_000,
  // SIGINT is PostgreSQL's "fast" shutdown: it ends sessions and checkpoints (SIGTERM waits for clients).
  stopSignal: 'SIGINT',
  stopGroup: false,
  async start(ctx) {
    const user = postgresUser();
    initCluster(ctx, user);
    return spawnDetached(
      ctx.config.stackDir,
      'postgres',
      join(ctx.prereqs.postgresBin, 'postgres'),
      [
        '-D',
        dataDir(ctx.config),
        '-c',
        `port=${ctx.config.ports.postgres}`,
        '-c',
        `listen_addresses=${ctx.config.host}`,
        // TCP only: a socket path under a deep project folder can exceed the 107-byte limit.
        '-c',
        'unix_socket_directories=',
        '-c',
        'shared_buffers=256MB',
        // Test and benchmark data is reloadable: do not wait for the disk on every commit.
        '-c',
        'synchronous_commit=off',
        '-c',
        'max_connections=200',
      ],
      user ?? {},
    );
  },
  async ready(config) {
    await queryPostgres(config, 'postgres', 'SELECT 1');
    return true;
  },
};
