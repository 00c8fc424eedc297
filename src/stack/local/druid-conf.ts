/**
 * Where the local Druid lives: its ports (KPI_DRUID_PORT_BASE and the six after it), its jars
 * (~/.cache/kpi-engine/druid, resolved from Maven Central by scripts/install-druid.sh), the Java it runs
 * on (17 or 21: Druid 33 is not certified on Trino's Java 25), and its configuration, rendered from
 * druid/conf into .stack/druid/conf with this stack's ports and folders.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, type StackConfig } from '../../config/stack-config.ts';
import { findJava, MissingPrerequisiteError } from '../prereqs.ts';
import { renderTemplate } from './template.ts';

export const DRUID_VERSION = '33.0.0';

/** The Druid processes of the local stack, in start order (ZooKeeper first, the router last). */
export const DRUID_ROLES = [
  'zookeeper',
  'coordinator-overlord',
  'broker',
  'historical',
  'indexer',
  'router',
] as const;
export type DruidRole = (typeof DRUID_ROLES)[number];

export interface DruidPorts {
  /** The one address clients use (DRUID_URL): SQL, native queries and task submissions. */
  readonly router: number;
  readonly coordinator: number;
  readonly broker: number;
  readonly historical: number;
  readonly indexer: number;
  readonly zookeeper: number;
  /** Derby's network server, run inside the coordinator-overlord (the metadata store). */
  readonly derby: number;
}

export function druidPorts(config: StackConfig): DruidPorts {
  const base = config.druidPortBase;
  return Object.freeze({
    router: base,
    coordinator: base + 1,
    broker: base + 2,
    historical: base + 3,
    indexer: base + 4,
    zookeeper: base + 5,
    derby: base + 6,
  });
}

export function rolePort(config: StackConfig, role: DruidRole): number {
  const ports = druidPorts(config);
  return role === 'coordinator-overlord' ? ports.coordinator : ports[role];
}

export const druidUrl = (config: StackConfig): string => `http://${config.host}:${druidPorts(config).router}`;

/** Trino's druid connector speaks Avatica (JDBC over HTTP) to the router, which keeps a connection on one broker. */
export const druidJdbcUrl = (config: StackConfig): string =>
  `jdbc:avatica:remote:url=${druidUrl(config)}/druid/v2/sql/avatica/`;

export const druidDir = (config: StackConfig): string => join(config.stackDir, 'druid');

export interface DruidPrerequisites {
  readonly javaHome: string;
  /** Every jar of Druid, its extensions and ZooKeeper: one classpath. */
  readonly lib: string;
}

const SUPPORTED_JAVA = [17, 21];

export function findDruidPrerequisites(config: StackConfig): DruidPrerequisites {
  const lib = join(config.cacheDir, 'druid', `lib-${DRUID_VERSION}`);
  if (!existsSync(join(lib, '.kpi-complete'))) {
    throw new MissingPrerequisiteError(
      `Druid ${DRUID_VERSION} is not in ${lib}: run \`npm run stack:install\` (scripts/install-prereqs.sh)`,
    );
  }
  const javaHome = findJava(config.javaHomes.druid, config, (major) => SUPPORTED_JAVA.includes(major));
  if (!javaHome) {
    throw new MissingPrerequisiteError(
      `Druid ${DRUID_VERSION} runs on Java 17 or 21 and none was found (looked at KPI_DRUID_JAVA_HOME, ` +
        '/usr/lib/jvm/*, PATH): apt-get install openjdk-17-jre-headless, or set KPI_DRUID_JAVA_HOME.',
    );
  }
  return Object.freeze({ javaHome, lib });
}

export function druidTemplateValues(config: StackConfig): Record<string, string> {
  const ports = druidPorts(config);
  const dir = druidDir(config);
  return {
    DRUID_HOST: config.host,
    DRUID_CONF_DIR: join(dir, 'conf'),
    DRUID_VAR_DIR: join(dir, 'var'),
    DRUID_ZK_PORT: String(ports.zookeeper),
    DRUID_DERBY_PORT: String(ports.derby),
    DRUID_ROUTER_PORT: String(ports.router),
    DRUID_COORDINATOR_PORT: String(ports.coordinator),
    DRUID_BROKER_PORT: String(ports.broker),
    DRUID_HISTORICAL_PORT: String(ports.historical),
    DRUID_INDEXER_PORT: String(ports.indexer),
  };
}

/** Writes a file by rename, so a JVM starting meanwhile reads the old or the new text, never half. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Renders druid/conf into .stack/druid/conf (idempotent) and makes the data folders; returns the conf folder. */
export function renderDruidConf(config: StackConfig): string {
  const values = druidTemplateValues(config);
  const source = join(projectRoot, 'druid', 'conf');
  const target = values.DRUID_CONF_DIR!;
  for (const dir of readdirSync(source, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    mkdirSync(join(target, dir.name), { recursive: true });
    for (const file of readdirSync(join(source, dir.name), { withFileTypes: true })) {
      if (!file.isFile()) continue;
      const text = readFileSync(join(source, dir.name, file.name), 'utf8');
      writeAtomically(join(target, dir.name, file.name), renderTemplate(text, values));
    }
  }
  for (const sub of ['tmp', 'zk', 'segments', 'task', 'processing']) {
    mkdirSync(join(values.DRUID_VAR_DIR!, sub), { recursive: true });
  }
  mkdirSync(join(target, 'no-extensions'), { recursive: true });
  return target;
}

/** A JVM options file: one option a line, `#` comments. */
export function jvmOptions(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
