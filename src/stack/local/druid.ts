/**
 * Apache Druid 33 as six detached JVMs of the local stack, sized like Druid's nano-quickstart:
 * ZooKeeper (service discovery), the coordinator with the overlord inside it (and Derby, the metadata
 * store), a broker, a historical, an indexer (ingestion tasks as threads: no peon JVM per task) and the
 * router, the one address clients use (DRUID_URL). Deep storage, segment cache and task logs live under
 * .stack/druid/var. Started by `npm run stack:up -- --with druid` (or KPI_WITH_DRUID=1).
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { StackConfig } from '../../config/stack-config.ts';
import { spawnDetached } from '../process.ts';
import {
  DRUID_ROLES,
  type DruidRole,
  druidDir,
  druidUrl,
  findDruidPrerequisites,
  jvmOptions,
  renderDruidConf,
  rolePort,
} from './druid-conf.ts';
import type { LocalService } from './service.ts';

/** The `druid main` subcommand of each Druid role (the coordinator runs the overlord too, by its config). */
const DRUID_MAIN: Record<Exclude<DruidRole, 'zookeeper'>, string> = {
  'coordinator-overlord': 'coordinator',
  broker: 'broker',
  historical: 'historical',
  indexer: 'indexer',
  router: 'router',
};

const httpGet = async (url: string, timeoutMs = 2000): Promise<Response> =>
  fetch(url, { signal: AbortSignal.timeout(timeoutMs) });

/** Druid's own liveness route: `true` once the process has started all its lifecycle stages. */
async function healthy(config: StackConfig, role: DruidRole): Promise<boolean> {
  const response = await httpGet(`http://${config.host}:${rolePort(config, role)}/status/health`);
  return response.ok && (await response.text()).trim() === 'true';
}

/** ZooKeeper answers `imok` to `ruok` (allowed by -Dzookeeper.4lw.commands.whitelist below). */
export function zookeeperOk(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOk) => {
    const socket = createConnection({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolveOk(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('ruok'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
    });
    socket.once('end', () => done(reply === 'imok'));
    socket.once('error', () => done(false));
  });
}

/** Druid SQL through the router: proves router → broker and the broker's SQL planner work. */
export async function druidSqlAnswers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/druid/v2/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'SELECT 1 AS x', context: { timeout: 5000 } }),
    signal: AbortSignal.timeout(8000),
  });
  if (!response.ok) return false;
  const rows = (await response.json()) as { x?: number }[];
  return rows[0]?.x === 1;
}

function druidProcess(
  role: Exclude<DruidRole, 'zookeeper'>,
  readyExtra?: (c: StackConfig) => Promise<boolean>,
) {
  return {
    name: `druid-${role}`,
    portVariable: 'KPI_DRUID_PORT_BASE',
    port: (config: StackConfig) => rolePort(config, role),
    // Six JVMs booting at once on two busy cores, beside Trino's.
    readyTimeoutMs: 420_000,
    stopSignal: 'SIGTERM' as const,
    stopGroup: true,
    async start({ config }: { config: StackConfig }) {
      const prereqs = findDruidPrerequisites(config);
      const conf = renderDruidConf(config);
      const java = join(prereqs.javaHome, 'bin', 'java');
      return spawnDetached(
        config.stackDir,
        `druid-${role}`,
        java,
        [
          ...jvmOptions(join(conf, '_common', 'jvm.config')),
          ...jvmOptions(join(conf, role, 'jvm.config')),
          `-Djava.io.tmpdir=${join(druidDir(config), 'var', 'tmp')}`,
          '-cp',
          [join(conf, '_common'), join(conf, role), join(prereqs.lib, '*')].join(':'),
          'org.apache.druid.cli.Main',
          'server',
          DRUID_MAIN[role],
        ],
        { cwd: druidDir(config) },
      );
    },
    async ready(config: StackConfig) {
      if (!(await healthy(config, role))) return false;
      return readyExtra ? readyExtra(config) : true;
    },
  } satisfies LocalService;
}

const zookeeperService: LocalService = {
  name: 'druid-zookeeper',
  portVariable: 'KPI_DRUID_PORT_BASE',
  port: (config) => rolePort(config, 'zookeeper'),
  readyTimeoutMs: 120_000,
  stopSignal: 'SIGTERM',
  stopGroup: true,
  async start({ config }) {
    const prereqs = findDruidPrerequisites(config);
    renderDruidConf(config);
    return spawnDetached(
      config.stackDir,
      'druid-zookeeper',
      join(prereqs.javaHome, 'bin', 'java'),
      [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        // Its admin web server would take port 8080 of the machine; `ruok` is the readiness probe.
        '-Dzookeeper.admin.enableServer=false',
        '-Dzookeeper.4lw.commands.whitelist=ruok',
        '-cp',
        join(prereqs.lib, '*'),
        'org.apache.zookeeper.server.ZooKeeperServerMain',
        String(rolePort(config, 'zookeeper')),
        join(druidDir(config), 'var', 'zk'),
      ],
      { cwd: druidDir(config) },
    );
  },
  ready: (config) => zookeeperOk(config.host, rolePort(config, 'zookeeper')),
};

/**
 * In start order. The broker is ready once it has loaded the cluster's segment view (its readiness
 * route), the router once SQL answers through it.
 */
export const DRUID_SERVICES: readonly LocalService[] = DRUID_ROLES.map((role) => {
  switch (role) {
    case 'zookeeper':
      return zookeeperService;
    case 'broker':
      return druidProcess(role, async (config) => {
        const response = await httpGet(
          `http://${config.host}:${rolePort(config, 'broker')}/druid/broker/v1/readiness`,
        );
        return response.ok;
      });
    case 'router':
      return druidProcess(role, (config) => druidSqlAnswers(druidUrl(config)));
    default:
      return druidProcess(role);
  }
});
