/**
 * Where the local stack lives and how to reach it: ports (overridable), folders, credentials.
 * Everything binds to 127.0.0.1; data stays under the project's ignored `.stack/` folder and
 * downloads under ~/.cache/kpi-engine (both overridable for CI or a second checkout).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from './process-env.ts';
import { projectRoot, stackDirFrom } from './stack-env.ts';

export interface StackPorts {
  readonly postgres: number;
  readonly redis: number;
  readonly mongo: number;
  readonly trino: number;
  readonly timescale: number;
}

export interface StackConfig {
  readonly host: '127.0.0.1';
  readonly ports: StackPorts;
  /** `.stack/`: data, logs, pid files, rendered Trino configuration, the env file. */
  readonly stackDir: string;
  /** ~/.cache/kpi-engine: Trino and mongo-java-server, fetched by scripts/install-prereqs.sh. */
  readonly cacheDir: string;
  /** The PostgreSQL superuser of the stack's own cluster (payments and users). */
  readonly postgres: { readonly user: string; readonly password: string };
  /** Trino's maximum heap (-Xmx): 3G leaves room for everything else on a 24 GiB, 2-core machine. */
  readonly trinoHeap: string;
  /** Trino's HTTPS port with password authentication (src/stack/local/trino-tls.ts): KPI_TRINO_HTTPS_PORT, default the HTTP port + 1. */
  readonly trinoHttpsPort: number;
  /** Druid's first port (KPI_DRUID_PORT_BASE): its router, then the other services (local/druid-conf.ts). */
  readonly druidPortBase: number;
  /** KPI_STACK: local processes (default) or testcontainers. */
  readonly kind: StackKind;
  /** KPI_WITH_DRUID=1: the stack runs Druid too (the test script sets it), as `--with druid` asks. */
  readonly withDruid: boolean;
  /** Java homes to try first, in order: for Trino KPI_JAVA_HOME and JAVA_HOME, for Druid KPI_DRUID_JAVA_HOME. */
  readonly javaHomes: { readonly trino: readonly string[]; readonly druid: readonly string[] };
  /** PATH, where redis-server and a java may be found. */
  readonly searchPath: string;
}

export type StackKind = 'local' | 'containers';

/** Clear of every other default above (58080/58081 are Trino's). */
export const DEFAULT_DRUID_PORT_BASE = 58800;

export const DEFAULT_PORTS: StackPorts = {
  postgres: 55432,
  redis: 56379,
  mongo: 57017,
  trino: 58080,
  timescale: 55433,
};

const PORT_VARIABLES: Record<keyof StackPorts, string> = {
  postgres: 'KPI_PG_PORT',
  redis: 'KPI_REDIS_PORT',
  mongo: 'KPI_MONGO_PORT',
  trino: 'KPI_TRINO_PORT',
  timescale: 'KPI_TIMESCALE_PORT',
};

function port(env: Env, name: keyof StackPorts): number {
  const raw = env[PORT_VARIABLES[name]];
  if (raw === undefined || raw === '') return DEFAULT_PORTS[name];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${PORT_VARIABLES[name]}=${raw} is not a TCP port`);
  }
  return value;
}

/** A port from `variable`, or `fallback`; `span` more ports after it must also fit. */
function portFrom(env: Env, variable: string, fallback: number, span = 0): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value + span > 65535) {
    throw new Error(`${variable}=${raw} is not a TCP port`);
  }
  return value;
}

export { projectRoot, stackDirFrom };

export function loadStackConfig(env: Env = process.env): StackConfig {
  const kind = env.KPI_STACK || 'local';
  if (kind !== 'local' && kind !== 'containers') {
    throw new Error(`KPI_STACK=${kind}: expected "local" (default) or "containers"`);
  }
  const given = (...values: (string | undefined)[]) =>
    Object.freeze(values.filter((v): v is string => Boolean(v)));
  return Object.freeze({
    host: '127.0.0.1',
    ports: Object.freeze({
      postgres: port(env, 'postgres'),
      redis: port(env, 'redis'),
      mongo: port(env, 'mongo'),
      trino: port(env, 'trino'),
      timescale: port(env, 'timescale'),
    }),
    stackDir: stackDirFrom(env),
    cacheDir: resolve(env.KPI_CACHE_DIR || join(homedir(), '.cache', 'kpi-engine')),
    postgres: Object.freeze({ user: 'kpi', password: 'kpi' }),
    trinoHeap: env.KPI_TRINO_HEAP || '3G',
    trinoHttpsPort: portFrom(env, 'KPI_TRINO_HTTPS_PORT', port(env, 'trino') + 1),
    druidPortBase: portFrom(env, 'KPI_DRUID_PORT_BASE', DEFAULT_DRUID_PORT_BASE, 6),
    kind,
    withDruid: env.KPI_WITH_DRUID === '1',
    javaHomes: Object.freeze({
      trino: given(env.KPI_JAVA_HOME, env.JAVA_HOME),
      druid: given(env.KPI_DRUID_JAVA_HOME),
    }),
    searchPath: env.PATH ?? '',
  });
}
