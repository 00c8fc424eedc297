/**
 * stack:up / stack:down / stack:status for both kinds of stack: local processes (the default) or
 * containers (`KPI_STACK=containers`, needs a Docker engine). Both load the demo data into empty
 * sources and write `.stack/env`; tests, benchmarks and the CLI all come through here.
 */
import { rmSync } from 'node:fs';
import { type Env, processEnv } from '../config/process-env.ts';
import { loadStackConfig, type StackConfig } from '../config/stack-config.ts';
import { type StackEnv, stackEnvPath, writeStackEnv } from '../config/stack-env.ts';
import { localDown, localStatus, localUp, type ServiceStatus } from './local/stack.ts';
import { withStackLock } from './lock.ts';

export interface StackUpOptions {
  /** Demo data scale loaded into empty sources (0.01 for tests, 1 for benchmarks). */
  readonly scale?: number;
  readonly seed?: number;
  /** Skip the demo data load (the servers and databases only). */
  readonly skipData?: boolean;
  readonly log?: (line: string) => void;
  readonly env?: Env;
  /** Also run Apache Druid (src/stack/local/druid.ts); KPI_WITH_DRUID=1 says the same. */
  readonly withDruid?: boolean;
}

/** `--with druid`, or KPI_WITH_DRUID=1 (the test script sets it: the Druid tests run in the suite). */
export function wantsDruid(options: Pick<StackUpOptions, 'withDruid'>, config: StackConfig): boolean {
  return options.withDruid === true || config.withDruid;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function loadData(env: StackEnv, options: StackUpOptions, log: (line: string) => void): Promise<void> {
  if (options.skipData) return;
  const scale = options.scale ?? 0.01;
  const startedAt = Date.now();
  // Imported lazily: `--no-data` never loads the generator.
  const { loadDemoData, DEMO_SOURCE_ENV } = await import('../data/load.ts');
  const { demoEnd } = await import('../data/settings.ts');
  const loaded = await loadDemoData({
    scale,
    // Up to today (DEMO_END pins it; the test suite does): a source holding another end is reloaded.
    end: demoEnd(processEnv()),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    env,
    onlyIfEmpty: true,
    log,
  });
  // Rollups built on reloaded sources no longer hold their numbers: unpublished until repaired.
  const { afterSourcesReloaded } = await import('../rollup/reload.ts');
  const { loadCatalog } = await import('../catalog/load.ts');
  await afterSourcesReloaded(
    env as Readonly<Record<string, string | undefined>>,
    loadCatalog(),
    loaded.map((s) => DEMO_SOURCE_ENV[s]),
    `the source was reloaded (demo data scale ${scale})`,
    log,
  );
  log(`demo data (scale ${scale}) checked/loaded in ${seconds(Date.now() - startedAt)}`);
}

/** Brings the whole stack up (idempotent) and returns its connection settings, also in `.stack/env`. */
export async function stackUp(options: StackUpOptions = {}): Promise<StackEnv> {
  const env0 = options.env ?? processEnv();
  const log = options.log ?? ((line: string) => console.log(line));
  const config = loadStackConfig(env0);
  const startedAt = Date.now();
  return withStackLock(config.stackDir, log, async () => {
    const afterSources = (env: StackEnv) => loadData(env, options, log);
    let env: StackEnv;
    if (config.kind === 'containers') {
      if (wantsDruid(options, config)) {
        throw new Error('Druid runs in the local stack or docker-compose, not with KPI_STACK=containers');
      }
      const { containersUp } = await import('./containers/stack.ts');
      env = await containersUp(config, log, afterSources);
    } else {
      env = await localUp(config, log, afterSources, wantsDruid(options, config));
    }
    const path = writeStackEnv(env, env0);
    log(`stack up in ${seconds(Date.now() - startedAt)}; settings in ${path}`);
    return env;
  });
}

export async function stackDown(options: Pick<StackUpOptions, 'log' | 'env'> = {}): Promise<void> {
  const env0 = options.env ?? processEnv();
  const log = options.log ?? ((line: string) => console.log(line));
  const config: StackConfig = loadStackConfig(env0);
  await withStackLock(config.stackDir, log, async () => {
    if (config.kind === 'containers') {
      const { containersDown } = await import('./containers/stack.ts');
      await containersDown(config, log);
    } else {
      await localDown(config, log);
    }
    rmSync(stackEnvPath(env0), { force: true });
  });
}

export async function stackStatus(env: Env = processEnv()): Promise<ServiceStatus[]> {
  const config = loadStackConfig(env);
  if (config.kind === 'containers') {
    const { containersStatus } = await import('./containers/stack.ts');
    return containersStatus(config);
  }
  return localStatus(config);
}

/** True when every server of the stack answers (used to leave a stack running that tests did not start). */
export async function stackIsUp(env: Env = processEnv()): Promise<boolean> {
  const statuses = await stackStatus(env);
  return statuses.every((s) => s.ready);
}
