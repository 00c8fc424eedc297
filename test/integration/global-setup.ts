/**
 * Global setup of the `integration` project: brings the real stack up through the same code as
 * `npm run stack:up` (idempotent; loads the demo data at scale 0.01 into empty sources) and hands its
 * settings to the tests three ways: `inject('stackEnv')`, `process.env` (inherited by the workers), and
 * `.stack/env` (`readStackEnv()`).
 *
 * Teardown policy: a stack that was already running before the tests (a developer's `stack:up`, the
 * benchmarks) is left running. A stack that a test run started is stopped by the last test run still
 * using it (each run holds a lease file while it runs), so CI leaves nothing behind even when several
 * runs share one machine. `KPI_KEEP_STACK=1` keeps it running anyway (faster reruns while developing).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadStackConfig } from '../../src/config/stack-config.ts';
import { isAlive } from '../../src/stack/process.ts';
import { stackDown, stackIsUp, stackUp } from '../../src/stack/up.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The stack's connection settings (TRINO_URL, PAYMENTS_DB_URL, …), as in `.stack/env`. */
    stackEnv: Record<string, string>;
  }
}

const runDir = join(loadStackConfig().stackDir, 'run');
const startedByTestsMarker = join(runDir, 'started-by-tests');
const leaseFile = join(runDir, `test-lease-${process.pid}`);

function liveLeases(): string[] {
  return readdirSync(runDir)
    .filter((name) => name.startsWith('test-lease-'))
    .filter((name) => {
      const pid = Number(readFileSync(join(runDir, name), 'utf8'));
      if (isAlive(pid)) return true;
      rmSync(join(runDir, name), { force: true });
      return false;
    });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[stack] ${line}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(leaseFile, String(process.pid));
  if (!(await stackIsUp())) writeFileSync(startedByTestsMarker, String(process.pid));
  const env = { ...(await stackUp({ scale: 0.01, log })) } as Record<string, string>;
  Object.assign(process.env, env);
  project.provide('stackEnv', env);

  return async () => {
    rmSync(leaseFile, { force: true });
    if (process.env.KPI_KEEP_STACK === '1') return;
    let startedByTests = false;
    try {
      startedByTests = Boolean(readFileSync(startedByTestsMarker, 'utf8'));
    } catch {
      // no marker: the stack was running before the tests
    }
    if (startedByTests && liveLeases().length === 0) {
      rmSync(startedByTestsMarker, { force: true });
      await stackDown({ log });
    }
  };
}
