/**
 * `KPI_STACK=containers`: the same stack as containers (testcontainers), for machines with a Docker
 * engine. Host ports are the local stack's, so `.stack/env` and every probe are identical. Containers
 * are created with `withReuse()` (no reaper: they outlive the `stack:up` process, like the local
 * servers do) and labelled, so `stack:down` finds and removes them. Their data lives in the containers.
 */
import { join } from 'node:path';
import {
  type ContainerRuntimeClient,
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { projectRoot, type StackConfig } from '../../config/stack-config.ts';
import type { StackEnv } from '../../config/stack-env.ts';
import { ensureSourceDatabases } from '../local/postgres.ts';
import { LOCAL_SERVICES, localStackEnv, type ServiceStatus } from '../local/stack.ts';
import { MissingPrerequisiteError } from '../prereqs.ts';

export const IMAGES = {
  postgres: 'postgres:17',
  redis: 'redis:7',
  mongo: 'mongo:7',
  // TimescaleDB on PostgreSQL 17, the same major as the embedded PGlite build.
  timescale: 'timescale/timescaledb:latest-pg17',
  trino: 'trinodb/trino:476',
} as const;

const LABEL = 'dev.kpi-engine.stack';
const NETWORK = 'kpi-engine-stack';

async function runtime(): Promise<ContainerRuntimeClient> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    throw new MissingPrerequisiteError(
      'KPI_STACK=containers needs a Docker engine (or another container runtime testcontainers supports), ' +
        `and none is reachable: ${error instanceof Error ? error.message : String(error)}. ` +
        'Start Docker, or unset KPI_STACK to run the local-process stack.',
    );
  }
}

async function ensureNetwork(client: ContainerRuntimeClient): Promise<void> {
  const networks = await client.container.dockerode.listNetworks({ filters: { name: [NETWORK] } });
  if (!networks.some((n) => n.Name === NETWORK)) {
    await client.container.dockerode.createNetwork({ Name: NETWORK, Labels: { [LABEL]: 'true' } });
  }
}

function container(image: string, alias: string, containerPort: number, hostPort: number): GenericContainer {
  return new GenericContainer(image)
    .withNetworkMode(NETWORK)
    .withNetworkAliases(alias)
    .withExposedPorts({ container: containerPort, host: hostPort })
    .withLabels({ [LABEL]: alias })
    .withReuse();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function timed(
  name: string,
  log: (line: string) => void,
  start: () => Promise<StartedTestContainer>,
): Promise<StartedTestContainer> {
  const startedAt = Date.now();
  const started = await start();
  log(`${name} container ready in ${seconds(Date.now() - startedAt)} (${started.getId().slice(0, 12)})`);
  return started;
}

export async function containersUp(
  config: StackConfig,
  log: (line: string) => void,
  afterSources: (env: StackEnv) => Promise<void>,
): Promise<StackEnv> {
  const client = await runtime();
  await ensureNetwork(client);
  const { ports, postgres } = config;
  const trino = timed('trino', log, () =>
    container(IMAGES.trino, 'trino', 8080, ports.trino)
      .withCopyDirectoriesToContainer([
        { source: join(projectRoot, 'trino', 'etc', 'catalog'), target: '/etc/trino/catalog' },
      ])
      // The catalog files' ${ENV:…} placeholders, resolved by Trino inside the network.
      .withEnvironment({
        PAYMENTS_JDBC_URL: 'jdbc:postgresql://postgres:5432/payments',
        USERS_JDBC_URL: 'jdbc:postgresql://postgres:5432/users',
        SOURCES_PG_USER: postgres.user,
        SOURCES_PG_PASSWORD: postgres.password,
        ANALYTICS_MONGO_URL: 'mongodb://mongo:27017/',
        METRICS_JDBC_URL: 'jdbc:postgresql://timescale:5432/postgres',
        METRICS_PG_USER: 'postgres',
        METRICS_PG_PASSWORD: 'postgres',
      })
      .withWaitStrategy(
        Wait.forHttp('/v1/info', 8080).forResponsePredicate(
          (body) => (JSON.parse(body) as { starting?: boolean }).starting === false,
        ),
      )
      .withStartupTimeout(300_000)
      .start(),
  );
  trino.catch(() => {}); // awaited below
  await Promise.all([
    timed('postgres', log, () =>
      container(IMAGES.postgres, 'postgres', 5432, ports.postgres)
        .withEnvironment({
          POSTGRES_USER: postgres.user,
          POSTGRES_PASSWORD: postgres.password,
          POSTGRES_DB: 'postgres',
        })
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start(),
    ),
    timed('redis', log, () =>
      container(IMAGES.redis, 'redis', 6379, ports.redis)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start(),
    ),
    timed('mongo', log, () =>
      container(IMAGES.mongo, 'mongo', 27017, ports.mongo)
        .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
        .start(),
    ),
    timed('timescale', log, () =>
      container(IMAGES.timescale, 'timescale', 5432, ports.timescale)
        .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start(),
    ),
  ]);
  await ensureSourceDatabases(config);
  const env = localStackEnv(config);
  await afterSources(env);
  await trino;
  return env;
}

export async function containersDown(_config: StackConfig, log: (line: string) => void): Promise<void> {
  const client = await runtime();
  const docker = client.container.dockerode;
  const found = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  for (const info of found) {
    await docker.getContainer(info.Id).remove({ force: true, v: true });
    log(`${info.Labels[LABEL] ?? info.Image} container removed (${info.Id.slice(0, 12)})`);
  }
  const networks = await docker.listNetworks({ filters: { name: [NETWORK] } });
  for (const network of networks.filter((n) => n.Name === NETWORK))
    await docker.getNetwork(network.Id).remove();
}

/** The same probes as the local stack (same host ports); there are no pids to show. */
export async function containersStatus(config: StackConfig): Promise<ServiceStatus[]> {
  await runtime();
  return Promise.all(
    LOCAL_SERVICES.map(async (service) => ({
      name: service.name,
      port: service.port(config),
      pid: undefined,
      ready: await service.ready(config).catch(() => false),
    })),
  );
}
