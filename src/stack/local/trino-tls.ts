/**
 * The local Trino's second door: HTTPS with password authentication, as a production Trino is set up
 * (https://trino.io/docs/current/security/password-file.html), so kpi-engine's Trino connection is
 * tested over TLS with a real password check. Plain HTTP stays open for everything else
 * (`allow-insecure-over-http`: there the user is asserted by X-Trino-User, as before).
 *
 * Made once per stack folder, under `.stack/trino/tls/`:
 * - `keystore.p12`: a self-signed certificate for 127.0.0.1/localhost, made with the JDK's `keytool`
 *   (the JDK Trino runs on has it, so no extra prerequisite);
 * - `ca.pem`: that certificate, for clients to trust (NODE_EXTRA_CA_CERTS=…/ca.pem);
 * - `password.db`: `user:hash` lines in Trino's PBKDF2 format (`iterations:salt:hash`, hex,
 *   PBKDF2WithHmacSHA1 — read off Trino 476's EncryptionUtil), made with node:crypto: no bcrypt
 *   package or htpasswd needed;
 * - `connection.json`: the URL, CA file, user and password, read by the tests (`readTrinoTls`).
 */
import { spawnSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../../config/stack-config.ts';

export interface TrinoTls {
  /** https://127.0.0.1:<KPI_TRINO_HTTPS_PORT>, without credentials. */
  readonly url: string;
  /** The self-signed certificate (PEM) a client must trust. */
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
}

/** The stack's Trino account for password authentication (not kpi-engine's default user, so a test can tell them apart). */
export const TRINO_TLS_USER = 'kpi_tls_analyst';
/** Trino requires at least 1000; more only slows every login (Trino checks each request's password). */
const PBKDF2_ITERATIONS = 10_000;

const tlsDir = (config: StackConfig) => join(config.stackDir, 'trino', 'tls');

/** One `user:hash` line of Trino's password file, in its PBKDF2 format. */
export function trinoPasswordLine(user: string, password: string, salt = randomBytes(16)): string {
  const hash = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, 'sha1');
  return `${user}:${PBKDF2_ITERATIONS}:${salt.toString('hex')}:${hash.toString('hex')}`;
}

function keytool(javaHome: string, args: readonly string[]): void {
  const r = spawnSync(join(javaHome, 'bin', 'keytool'), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keytool ${args[0]} failed: ${r.stderr || r.stdout || r.error}`);
}

/** Makes (once) the keystore, CA file, password file and connection record of the HTTPS door. */
function ensureFiles(config: StackConfig, javaHome: string): { tls: TrinoTls; storePassword: string } {
  const dir = tlsDir(config);
  const record = join(dir, 'connection.json');
  const url = `https://${config.host}:${config.trinoHttpsPort}`;
  const saved = existsSync(record)
    ? (JSON.parse(readFileSync(record, 'utf8')) as TrinoTls & { storePassword: string })
    : null;
  if (saved?.user === TRINO_TLS_USER) {
    const { storePassword, ...tls } = saved;
    // The port may change between runs (KPI_TRINO_HTTPS_PORT): the files stay valid.
    const current = { ...tls, url };
    writeFileSync(record, `${JSON.stringify({ ...current, storePassword }, null, 2)}\n`, { mode: 0o600 });
    return { tls: current, storePassword };
  }
  // No record, or one from an older layout: start afresh (keytool will not overwrite an alias).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const storePassword = randomBytes(12).toString('hex');
  const password = randomBytes(12).toString('hex');
  const keystore = join(dir, 'keystore.p12');
  const caFile = join(dir, 'ca.pem');
  const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', storePassword];
  keytool(javaHome, [
    '-genkeypair',
    '-alias',
    'trino',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '3650',
    '-dname',
    'CN=localhost',
    '-ext',
    `SAN=IP:${config.host},DNS:localhost`,
    ...store,
  ]);
  keytool(javaHome, ['-exportcert', '-rfc', '-alias', 'trino', '-file', caFile, ...store]);
  writeFileSync(join(dir, 'password.db'), `${trinoPasswordLine(TRINO_TLS_USER, password)}\n`, {
    mode: 0o600,
  });
  const tls: TrinoTls = { url, caFile, user: TRINO_TLS_USER, password };
  writeFileSync(record, `${JSON.stringify({ ...tls, storePassword }, null, 2)}\n`, { mode: 0o600 });
  return { tls, storePassword };
}

/**
 * The lines added to the rendered config.properties, after writing password-authenticator.properties
 * into `etc`. Password authentication needs TLS and an internal shared secret (Trino refuses to start
 * without them).
 */
export function trinoTlsSettings(config: StackConfig, javaHome: string, etc: string): string {
  const { storePassword } = ensureFiles(config, javaHome);
  const dir = tlsDir(config);
  writeFileSync(
    join(etc, 'password-authenticator.properties'),
    `password-authenticator.name=file\nfile.password-file=${join(dir, 'password.db')}\n`,
  );
  return [
    '',
    '# The HTTPS door with password authentication (src/stack/local/trino-tls.ts); HTTP stays open.',
    'http-server.https.enabled=true',
    `http-server.https.port=${config.trinoHttpsPort}`,
    `http-server.https.keystore.path=${join(dir, 'keystore.p12')}`,
    `http-server.https.keystore.key=${storePassword}`,
    'http-server.authentication.type=PASSWORD',
    'http-server.authentication.allow-insecure-over-http=true',
    `internal-communication.shared-secret=${randomBytes(32).toString('base64')}`,
    '',
  ].join('\n');
}

/** The HTTPS door of a running local stack, or null when the stack was started without one. */
export function readTrinoTls(config: StackConfig): TrinoTls | null {
  try {
    const { storePassword: _, ...tls } = JSON.parse(
      readFileSync(join(tlsDir(config), 'connection.json'), 'utf8'),
    ) as TrinoTls & { storePassword: string };
    return tls;
  } catch {
    return null;
  }
}
