/**
 * Finds the programs the local stack runs, or fails with a message that says what is missing and how
 * to install it (scripts/install-prereqs.sh installs all of them; `npm test` runs it first).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadStackConfig, type StackConfig } from '../config/stack-config.ts';

export const TRINO_VERSION = '476';
export const MONGO_JAVA_SERVER_VERSION = '1.47.0';

export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

const INSTALL_HINT = 'run `npm run stack:install` (scripts/install-prereqs.sh)';

export interface Prerequisites {
  readonly javaHome: string;
  readonly postgresBin: string;
  readonly redisServer: string;
  readonly trinoHome: string;
  readonly mongoLib: string;
}

/** The major version of the JDK at `home`, from its `release` file (starting a JVM costs a second). */
function javaMajor(home: string): number | undefined {
  try {
    if (!existsSync(join(home, 'bin', 'java'))) return undefined;
    const match = /^JAVA_VERSION="(\d+)/m.exec(readFileSync(join(home, 'release'), 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

type JavaSearch = Pick<StackConfig, 'javaHomes' | 'searchPath'>;

/**
 * The first JDK whose major version `accepts`: the homes the environment names first, then
 * /usr/lib/jvm/*, then a `java` on PATH. Trino and Druid want different ones (24+, 17 or 21).
 */
export function findJava(
  first: readonly string[],
  search: JavaSearch,
  accepts: (major: number) => boolean,
): string | undefined {
  const onPath = search.searchPath
    .split(delimiter)
    .filter((dir) => dir && existsSync(join(dir, 'java')))
    .map((dir) => join(dir, '..'));
  return [...first, ...listDir('/usr/lib/jvm').map((d) => join('/usr/lib/jvm', d)), ...onPath].find((home) =>
    accepts(javaMajor(home) ?? 0),
  );
}

/** A JDK Trino runs on (24 or newer). */
export function findJavaHome(search: JavaSearch = loadStackConfig()): string {
  const found = findJava(
    [...search.javaHomes.trino, '/usr/lib/jvm/temurin-25-jdk-amd64'],
    search,
    (major) => major >= 24,
  );
  if (!found) {
    throw new MissingPrerequisiteError(
      `Trino ${TRINO_VERSION} needs Java >= 24 and none was found (looked at KPI_JAVA_HOME, JAVA_HOME, ` +
        '/usr/lib/jvm/*, PATH). Install Temurin 25 (https://adoptium.net) or set JAVA_HOME to a JDK >= 24.',
    );
  }
  return found;
}

function findOnPath(name: string, searchPath: string): string | undefined {
  return searchPath
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((p) => existsSync(p));
}

/** Debian installs server binaries under /usr/lib/postgresql/<major>/bin; take the newest. */
export function findPostgresBin(): string {
  const majors = listDir('/usr/lib/postgresql')
    .filter((d) => existsSync(join('/usr/lib/postgresql', d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) {
    throw new MissingPrerequisiteError(
      `PostgreSQL server binaries not found (apt package postgresql): ${INSTALL_HINT}`,
    );
  }
  return join('/usr/lib/postgresql', majors[0]!, 'bin');
}

export function findPrerequisites(config: StackConfig): Prerequisites {
  const redisServer =
    findOnPath('redis-server', config.searchPath) ?? ['/usr/bin/redis-server'].find((p) => existsSync(p));
  if (!redisServer) {
    throw new MissingPrerequisiteError(`redis-server not found (apt package redis-server): ${INSTALL_HINT}`);
  }
  const trinoHome = join(config.cacheDir, 'trino', `trino-server-${TRINO_VERSION}`);
  if (!existsSync(join(trinoHome, '.kpi-complete'))) {
    throw new MissingPrerequisiteError(`Trino ${TRINO_VERSION} is not in ${trinoHome}: ${INSTALL_HINT}`);
  }
  const mongoLib = join(config.cacheDir, 'mongo', `lib-${MONGO_JAVA_SERVER_VERSION}`);
  if (!existsSync(join(mongoLib, '.kpi-complete'))) {
    throw new MissingPrerequisiteError(`mongo-java-server is not in ${mongoLib}: ${INSTALL_HINT}`);
  }
  return Object.freeze({
    javaHome: findJavaHome(config),
    postgresBin: findPostgresBin(),
    redisServer,
    trinoHome,
    mongoLib,
  });
}
