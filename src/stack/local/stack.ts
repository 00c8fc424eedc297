/**
 * The local-process stack: PostgreSQL, Redis, mongo-java-server, PGlite TimescaleDB and Trino as
 * detached processes of this machine, with data, logs and pid files under .stack/.
 */

import type { StackConfig } from '../../config/stack-config.ts';
import type { StackEnv } from '../../config/stack-env.ts';
import { findPrerequisites } from '../prereqs.ts';
import {
  logFile,
  portOpen,
  removePidFile,
  runningPid,
  stopProcessGroup,
  waitUntilReady,
} from '../process.ts';
import { DRUID_SERVICES } from './druid.ts';
import { druidUrl } from './druid-conf.ts';
import { mongoService } from './mongo.ts';
import { ensureSourceDatabases, postgresService } from './postgres.ts';
import { redisService } from './redis.ts';
import type { LocalService, ServiceContext } from './service.ts';
import { timescaleService, timescaleUrl } from './timescale.ts';
import { trinoService } from './trino.ts';

/** Trino first: its JVM boot is the longest, and it needs no source to be up to start. */
export const LOCAL_SERVICES: readonly LocalService[] = [
  trinoService,
  postgresService,
  redisService,
  mongoService,
  timescaleService,
];

/**
 * Druid joins the stack when asked (`--with druid`, KPI_WITH_DRUID=1) and stays part of it while any of
 * its processes runs, so a later plain `stack:up` (the test suite's) keeps DRUID_URL in .stack/env.
 */
export function druidRunning(config: StackConfig): boolean {
  return DRUID_SERVICES.some((service) => runningPid(config.stackDir, service.name) !== undefined);
}

export function localServices(config: StackConfig, withDruid: boolean): readonly LocalService[] {
  return withDruid || druidRunning(config) ? [...LOCAL_SERVICES, ...DRUID_SERVICES] : LOCAL_SERVICES;
}

export function localStackEnv(config: StackConfig, withDruid = false): StackEnv {
  const { host, ports, postgres } = config;
  const pgUrl = (db: string) =>
    `postgresql://${postgres.user}:${postgres.password}@${host}:${ports.postgres}/${db}`;
  return {
    TRINO_URL: `http://${host}:${ports.trino}`,
    PAYMENTS_DB_URL: pgUrl('payments'),
    USERS_DB_URL: pgUrl('users'),
    ANALYTICS_DB_URL: `mongodb://${host}:${ports.mongo}/analytics?directConnection=true`,
    TIMESCALE_URL: timescaleUrl(config),
    REDIS_URL: `redis://${host}:${ports.redis}`,
    ...(withDruid ? { DRUID_URL: druidUrl(config) } : {}),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** A started (or already running) service and the promise of its readiness. */
interface Starting {
  readonly service: LocalService;
  readonly ready: Promise<void>;
}

async function startService(
  ctx: ServiceContext,
  service: LocalService,
  log: (line: string) => void,
): Promise<Starting> {
  const { config } = ctx;
  const port = service.port(config);
  const existing = runningPid(config.stackDir, service.name);
  if (existing === undefined && (await portOpen(config.host, port))) {
    throw new Error(
      `${service.name}: port ${port} is in use by a process this stack did not start; ` +
        `stop it or choose another port with ${service.portVariable}=…`,
    );
  }
  const startedAt = Date.now();
  const pid = existing ?? (await service.start(ctx));
  const ready = waitUntilReady(service.name, () => service.ready(config), {
    timeoutMs: service.readyTimeoutMs,
    pid,
    log: logFile(config.stackDir, service.name),
  }).then(() => {
    log(
      existing === undefined
        ? `${service.name} ready in ${seconds(Date.now() - startedAt)} (pid ${pid}, port ${port})`
        : `${service.name} already running (pid ${pid}, port ${port})`,
    );
  });
  ready.catch(() => {}); // awaited below; keeps an early failure from being "unhandled" meanwhile
  return { service, ready };
}

/**
 * Starts every server that is not running, waits until each answers, creates the source databases,
 * then runs `afterSources` (the demo data load) while Trino may still be booting.
 */
export async function localUp(
  config: StackConfig,
  log: (line: string) => void,
  afterSources: (env: StackEnv) => Promise<void>,
  withDruid = false,
): Promise<StackEnv> {
  const ctx: ServiceContext = { config, prereqs: findPrerequisites(config) };
  const druid = withDruid || druidRunning(config);
  const starting: Starting[] = [];
  try {
    for (const service of LOCAL_SERVICES) starting.push(await startService(ctx, service, log));
    const sources = starting.filter((s) => s.service !== trinoService);
    await Promise.all(sources.map((s) => s.ready));
    // Druid's six JVMs start once the sources answer: booting beside them on two cores would push the
    // sources past their readiness limits. They boot while the data loads and Trino starts.
    if (druid) for (const service of DRUID_SERVICES) starting.push(await startService(ctx, service, log));
    await ensureSourceDatabases(config);
    const env = localStackEnv(config, druid);
    await afterSources(env);
    await Promise.all(starting.map((s) => s.ready));
    return env;
  } catch (error) {
    await Promise.allSettled(starting.map((s) => s.ready));
    throw error;
  }
}

export async function localDown(config: StackConfig, log: (line: string) => void): Promise<void> {
  const stop = async (service: LocalService) => {
    const pid = runningPid(config.stackDir, service.name);
    if (pid === undefined) {
      removePidFile(config.stackDir, service.name);
      return;
    }
    const startedAt = Date.now();
    await stopProcessGroup(pid, { signal: service.stopSignal, group: service.stopGroup });
    removePidFile(config.stackDir, service.name);
    log(`${service.name} stopped in ${seconds(Date.now() - startedAt)} (pid ${pid})`);
  };
  // Druid's JVMs together, then its ZooKeeper: one that loses ZooKeeper first hangs in its shutdown.
  const [zookeeper, ...druidJvms] = DRUID_SERVICES;
  await Promise.all(druidJvms.map(stop));
  if (zookeeper) await stop(zookeeper);
  for (const service of [...LOCAL_SERVICES].reverse()) await stop(service);
}

export interface ServiceStatus {
  readonly name: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly ready: boolean;
}

export async function localStatus(config: StackConfig, withDruid = false): Promise<ServiceStatus[]> {
  return Promise.all(
    localServices(config, withDruid).map(async (service) => ({
      name: service.name,
      port: service.port(config),
      pid: runningPid(config.stackDir, service.name),
      ready: await service.ready(config).catch(() => false),
    })),
  );
}
