/**
 * What the `kpi` CLI takes from the environment, read and checked in one place. Kept free of zod: the
 * CLI's start-up time is part of the product, and these few values need no schema library.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from './process-env.ts';

/** The connection variables the CLI honours (the seed's names), as the service does. */
export const CONNECTION_VARIABLES = [
  'TRINO_URL',
  'PAYMENTS_DB_URL',
  'USERS_DB_URL',
  'ANALYTICS_DB_URL',
  'TIMESCALE_URL',
] as const;
export type ConnectionVariable = (typeof CONNECTION_VARIABLES)[number];

export interface CliEnv {
  /** The connection variables that are set (non-empty). */
  readonly connections: Readonly<Partial<Record<ConnectionVariable, string>>>;
  /** SCHEDULER_TIMEZONE: the default `--tz` (default UTC; `kpi` checks the zone like any `--tz`). */
  readonly defaultTimezone: string;
  /** KPI_CACHE_DIR: where downloads and the embedded demo's snapshots are kept (default ~/.cache/kpi-engine). */
  readonly cacheDir: string;
  /** KPI_CLI_BUILD: the build folder whose caches the CLI may use (set by bin/kpi), if any. */
  readonly buildDir: string | undefined;
  /** DEMO_END as given (checked where it is used, by data/settings.ts demoEnd). */
  readonly demoEnd: string | undefined;
  /** FORCE_COLOR (not 0) forces colour, NO_COLOR (non-empty) turns it off; else the terminal decides. */
  readonly colour: 'always' | 'never' | 'auto';
  /** QUERY_TIMEOUT_MS as the service reads it; throws CliEnvError when it is not a whole number ≥ 1. */
  queryTimeoutMs(): number;
  /** DEMO_SCALE in (0, 1] (default 0.01); throws CliEnvError otherwise. */
  demoScale(): number;
}

/** An environment variable the CLI cannot use; the CLI reports it like a usage error (exit 2). */
export class CliEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliEnvError';
  }
}

const set = (value: string | undefined) =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

export function readCliEnv(env: Env = process.env): CliEnv {
  const connections: Partial<Record<ConnectionVariable, string>> = {};
  for (const name of CONNECTION_VARIABLES) {
    const value = set(env[name]);
    if (value) connections[name] = value;
  }
  return Object.freeze({
    connections: Object.freeze(connections),
    defaultTimezone: set(env.SCHEDULER_TIMEZONE) ?? 'UTC',
    cacheDir: set(env.KPI_CACHE_DIR) ?? join(homedir(), '.cache', 'kpi-engine'),
    buildDir: set(env.KPI_CLI_BUILD),
    demoEnd: set(env.DEMO_END),
    colour:
      env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
        ? 'always'
        : env.NO_COLOR !== undefined && env.NO_COLOR !== ''
          ? 'never'
          : 'auto',
    queryTimeoutMs() {
      const text = set(env.QUERY_TIMEOUT_MS) ?? '30000';
      const ms = Number(text);
      if (!Number.isInteger(ms) || ms < 1)
        throw new CliEnvError(`QUERY_TIMEOUT_MS must be a whole number of milliseconds ≥ 1, got "${text}"`);
      return ms;
    },
    demoScale() {
      const text = set(env.DEMO_SCALE) ?? '0.01';
      const scale = Number(text);
      if (!(scale > 0 && scale <= 1))
        throw new CliEnvError(`DEMO_SCALE must be a number in (0, 1], got "${text}"`);
      return scale;
    },
  } satisfies CliEnv);
}
