/**
 * Trino 476, single node, on Java >= 24. Its configuration lives in trino/etc as templates; `${ENV:X}`
 * placeholders are filled in here with the local stack's values (the same files work unrendered in
 * docker-compose, where Trino substitutes them from its environment), into .stack/trino/etc.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { processEnv } from '../../config/process-env.ts';
import { projectRoot, type StackConfig } from '../../config/stack-config.ts';
import { spawnDetached } from '../process.ts';
import { druidJdbcUrl } from './druid-conf.ts';
import type { LocalService } from './service.ts';
import { renderTemplate } from './template.ts';
import { trinoTlsSettings } from './trino-tls.ts';

export { renderTemplate };

/** The plugins the catalogs use; a private plugin folder keeps the others from slowing the boot. */
// geospatial provides the Geometry type the postgresql connector maps PostGIS columns to: it will not start without it.
// password-authenticators: the HTTPS door's password file (trino-tls.ts).
const PLUGINS = ['postgresql', 'mongodb', 'memory', 'geospatial', 'password-authenticators'] as const;
/**
 * The `druid` catalog (Druid rollups joined with other sources) is rendered only where Trino has the druid
 * plugin (scripts/install-prereqs.sh adds it): a JDBC catalog connects lazily, so Trino starts whether
 * or not Druid runs, and a query on it fails only while Druid is down.
 */
const OPTIONAL_CATALOGS: Readonly<Record<string, string>> = { 'druid.properties': 'druid' };

export function trinoTemplateValues(config: StackConfig): Record<string, string> {
  const pg = (db: string) => `jdbc:postgresql://${config.host}:${config.ports.postgres}/${db}`;
  return {
    TRINO_HEAP: config.trinoHeap,
    TRINO_HTTP_PORT: String(config.ports.trino),
    TRINO_PLUGIN_DIR: join(config.stackDir, 'trino', 'plugin'),
    PAYMENTS_JDBC_URL: pg('payments'),
    USERS_JDBC_URL: pg('users'),
    SOURCES_PG_USER: config.postgres.user,
    SOURCES_PG_PASSWORD: config.postgres.password,
    ANALYTICS_MONGO_URL: `mongodb://${config.host}:${config.ports.mongo}/?directConnection=true`,
    // PGlite keeps one session for every client in turn: server-side prepared statements (S_1, …)
    // would outlive a connection and collide with the next one's, so the driver must not create them.
    // PGlite does not answer the SSL request the driver sends first by default.
    METRICS_JDBC_URL: `jdbc:postgresql://${config.host}:${config.ports.timescale}/postgres?prepareThreshold=0&sslmode=disable`,
    METRICS_PG_USER: 'postgres',
    METRICS_PG_PASSWORD: 'postgres',
    DRUID_JDBC_URL: druidJdbcUrl(config),
  };
}

export function renderTrinoEtc(config: StackConfig, trinoHome: string, javaHome?: string): string {
  const source = join(projectRoot, 'trino', 'etc');
  const target = join(config.stackDir, 'trino', 'etc');
  const values = trinoTemplateValues(config);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, 'catalog'), { recursive: true });
  for (const dir of ['', 'catalog']) {
    for (const entry of readdirSync(join(source, dir), { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const plugin = dir === 'catalog' ? OPTIONAL_CATALOGS[entry.name] : undefined;
      if (plugin && !existsSync(join(trinoHome, 'plugin', plugin))) continue;
      const text = readFileSync(join(source, dir, entry.name), 'utf8');
      writeFileSync(join(target, dir, entry.name), renderTemplate(text, values));
    }
  }
  // The HTTPS door with password authentication: local stack only (docker-compose keeps plain HTTP).
  if (javaHome) appendFileSync(join(target, 'config.properties'), trinoTlsSettings(config, javaHome, target));
  const pluginDir = values.TRINO_PLUGIN_DIR!;
  rmSync(pluginDir, { recursive: true, force: true });
  mkdirSync(pluginDir, { recursive: true });
  for (const plugin of PLUGINS) symlinkSync(join(trinoHome, 'plugin', plugin), join(pluginDir, plugin));
  for (const plugin of Object.values(OPTIONAL_CATALOGS)) {
    const home = join(trinoHome, 'plugin', plugin);
    if (existsSync(home)) symlinkSync(home, join(pluginDir, plugin));
  }
  return target;
}

/**
 * Ready = `/v1/info` says `"starting":false` and a query runs: for a few seconds after start-up the
 * node is not yet registered and queries fail with "No nodes available to run query".
 */
export async function trinoStarted(url: string): Promise<boolean> {
  const response = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  const info = (await response.json()) as { starting?: boolean };
  return info.starting === false && (await trinoAnswers(url));
}

/** Runs a query over Trino's client protocol (POST, then follow nextUri) and says whether it succeeded. */
async function trinoAnswers(url: string): Promise<boolean> {
  const headers = { 'X-Trino-User': 'kpi-engine-stack' };
  let page = (await (
    await fetch(`${url}/v1/statement`, {
      method: 'POST',
      headers,
      body: "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'",
      signal: AbortSignal.timeout(5000),
    })
  ).json()) as { nextUri?: string; data?: unknown[][]; error?: unknown };
  let active = 0;
  for (;;) {
    if (page.error) return false;
    if (page.data?.[0]) active = Number(page.data[0][0]);
    if (!page.nextUri) return active > 0;
    page = (await (
      await fetch(page.nextUri, { headers, signal: AbortSignal.timeout(5000) })
    ).json()) as typeof page;
  }
}

export const trinoService: LocalService = {
  name: 'trino',
  portVariable: 'KPI_TRINO_PORT',
  port: (config) => config.ports.trino,
  readyTimeoutMs: 300_000,
  stopSignal: 'SIGTERM',
  stopGroup: true,
  async start({ config, prereqs }) {
    const etc = renderTrinoEtc(config, prereqs.trinoHome, prereqs.javaHome);
    const data = join(config.stackDir, 'trino', 'data');
    mkdirSync(data, { recursive: true });
    // The launcher refuses to start while the pid in its own pid file exists, and an exited Trino can
    // linger unreaped for seconds as a zombie; our pid file (.stack/run) is the one that counts.
    rmSync(join(data, 'var', 'run', 'launcher.pid'), { force: true });
    // `launcher run` stays in the foreground and execs the JVM, so the pid file holds Trino's own pid.
    return spawnDetached(
      config.stackDir,
      'trino',
      join(prereqs.trinoHome, 'bin', 'launcher'),
      ['run', `--etc-dir=${etc}`, `--data-dir=${data}`, `--jvm-dir=${prereqs.javaHome}`],
      { env: { ...processEnv(), JAVA_HOME: prereqs.javaHome } },
    );
  },
  ready: (config: StackConfig) => trinoStarted(`http://${config.host}:${config.ports.trino}`),
};
