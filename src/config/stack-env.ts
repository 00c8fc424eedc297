/**
 * The stack's connection settings, in the seed's variable names. `stack:up` writes them to
 * `.stack/env` (KEY=VALUE lines); everything else reads them with `readStackEnv()`.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trinoUrlWithCredentials } from '../exec/trino-connection.ts';

/** The repository's root (the stack keeps its state under it unless KPI_STACK_DIR says otherwise). */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where `stack:up` keeps its data and `.stack/env`: KPI_STACK_DIR, or `.stack` in the repository. */
export function stackDirFrom(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.KPI_STACK_DIR || join(projectRoot, '.stack'));
}

/** The variables `.stack/env` holds (DRUID_URL joins when Druid lands). */
export const STACK_ENV_KEYS = [
  'TRINO_URL',
  'PAYMENTS_DB_URL',
  'USERS_DB_URL',
  'ANALYTICS_DB_URL',
  'TIMESCALE_URL',
  'REDIS_URL',
  'DRUID_URL',
] as const;

export type StackEnvKey = (typeof STACK_ENV_KEYS)[number];
export type StackEnv = Readonly<Partial<Record<StackEnvKey, string>>>;

export function stackEnvPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stackDirFrom(env), 'env');
}

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    values[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return values;
}

/**
 * The stack's settings: `.stack/env` (if any) overlaid by the same variables from `process.env`, so a
 * user pointing at their own servers (or CI at containers) wins over the local stack's file.
 * Only the STACK_ENV_KEYS are returned; a missing file gives whatever process.env has.
 */
export function readStackEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnvFile(readFileSync(stackEnvPath(env), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const result: Record<string, string> = {};
  for (const key of STACK_ENV_KEYS) {
    const value = env[key] || fromFile[key];
    if (value) result[key] = value;
  }
  // TRINO_USER / TRINO_PASSWORD travel inside TRINO_URL (src/exec/trino-connection.ts).
  const trino = trinoUrlWithCredentials({
    ...result,
    TRINO_USER: env.TRINO_USER,
    TRINO_PASSWORD: env.TRINO_PASSWORD,
  });
  if (trino) result.TRINO_URL = trino;
  return result;
}

/** Writes `.stack/env` atomically (a reader never sees half a file). */
export function writeStackEnv(values: StackEnv, env: NodeJS.ProcessEnv = process.env): string {
  const path = stackEnvPath(env);
  mkdirSync(dirname(path), { recursive: true });
  const lines = STACK_ENV_KEYS.filter((key) => values[key]).map((key) => `${key}=${values[key]}`);
  const header = '# Written by `npm run stack:up`; read with readStackEnv() (process.env wins).\n';
  writeFileSync(`${path}.tmp`, header + lines.join('\n') + '\n');
  renameSync(`${path}.tmp`, path);
  return path;
}
