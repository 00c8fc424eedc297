/**
 * The SQL endpoint behind the REST API's auth, with Trino's real clients on the real stack: with
 * AUTH0_DOMAIN set, a Bearer token is required on /v1 (CLI `--access-token`, JDBC `accessToken`,
 * Python `JWTAuthentication`), the `read:kpis` scope gates the kpi catalog, any valid token may send
 * statements on to Trino, which runs them as the token's subject whatever X-Trino-User the client sends. Trino's clients send tokens only over HTTPS,
 * so the test puts a TLS proxy (a self-signed certificate the clients are told to trust or not to check) in front.
 * Tokens are RS256 JWTs signed here and checked against a local JWKS server, as Auth0's would be.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { createServer, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findJavaHome } from '../../src/stack/prereqs.ts';
import { type RunningService, startService } from '../e2e/api-support.ts';
import { selfSignedCertificate } from './support/tls.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const run = promisify(execFile);
const CACHE = process.env.KPI_CACHE_DIR ?? join(homedir(), '.cache', 'kpi-engine');
const CLI_JAR = join(CACHE, 'trino-clients', 'trino-cli-476-executable.jar');
const JDBC_JAR = join(CACHE, 'trino-clients', 'trino-jdbc-476.jar');
const PYTHON = join(CACHE, 'python-trino', 'bin', 'python');
const JAVA = join(findJavaHome(), 'bin', 'java');
const AUDIENCE = 'https://kpi-engine.test';
const DOMAIN = 'tenant.example.test';
const KPI_SQL =
  "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-04-01' ORDER BY 1";

/** A TLS front for the service: forwards every request, telling the service its public scheme and host. */
function tlsProxy(target: string, key: string, cert: string): Promise<https.Server> {
  const upstream = new URL(target);
  const server = https.createServer({ key, cert }, (req, res) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host ?? '' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The environment without CA-bundle overrides, which would make requests ignore the certificate passed to it. */
function pythonEnv(): NodeJS.ProcessEnv {
  const out = { ...process.env };
  for (const name of ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR'])
    delete out[name];
  return out;
}

describe('the SQL endpoint with auth on, through Trino’s real clients (real stack, TLS in front)', () => {
  let service: RunningService;
  let jwks: Server;
  let proxy: https.Server;
  let base: string;
  let reader: string;
  let noScope: string;
  let expected: string[];
  let dir: string;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const sign = (scope: string) =>
      new SignJWT({ scope })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(`https://${DOMAIN}/`)
        .setAudience(AUDIENCE)
        .setSubject('bi-tool@clients')
        .setIssuedAt()
        .setExpirationTime('30m')
        .sign(privateKey);
    reader = await sign('read:kpis');
    noScope = await sign('');
    service = await startService({
      ...(env as Record<string, string>),
      ENABLE_SCHEDULER: 'false',
      // The test witnesses whose name Trino runs a KPI's statement under. With the optimizer on, the
      // service's own checks of rollups that earlier tests built over the same table (partition
      // fingerprints, run as the service) also show up there; they are not a client's statement.
      ENABLE_OPTIMIZER: 'false',
      AUTH0_DOMAIN: DOMAIN,
      AUTH0_AUDIENCE: AUDIENCE,
      AUTH0_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    });
    dir = mkdtempSync(join(tmpdir(), 'kpi-tls-'));
    const tls = await selfSignedCertificate(dir);
    proxy = await tlsProxy(service.url, tls.key, tls.cert);
    base = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const history = (await (
      await fetch(
        `${service.url}/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-04-01`,
        { headers: { authorization: `Bearer ${reader}` } },
      )
    ).json()) as { history: { time: string; value: number }[] };
    expected = history.history.map((h) => `${h.time.slice(0, 7)}|${h.value}`);
    expect(expected).toHaveLength(3);
  }, 300_000);
  afterAll(async () => {
    proxy?.close();
    jwks?.close();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const cli = async (sql: string, extra: string[]) => {
    const args = ['-jar', CLI_JAR, '--server', base, '--insecure', '--output-format', 'TSV', ...extra];
    try {
      const r = await run(JAVA, ['--enable-native-access=ALL-UNNAMED', ...args, '--execute', sql]);
      return { code: 0, out: r.stdout.trim(), err: r.stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout.trim(), err: e.stderr };
    }
  };
  const rowsOf = (tsv: string) =>
    tsv
      .split('\n')
      .map((l) => l.split('\t'))
      .map((r) => `${r[0]!.slice(0, 7)}|${Number(r[1])}`);

  it('the Trino CLI: a token with read:kpis reads KPI tables; no token is refused; no scope reaches only Trino, as the token subject', async () => {
    const ok = await cli(KPI_SQL, ['--access-token', reader]);
    expect(ok.code).toBe(0);
    expect(rowsOf(ok.out)).toEqual(expected);

    const anonymous = await cli(KPI_SQL, []);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.err).toMatch(/401|Unauthorized|Authentication/i);

    const denied = await cli(KPI_SQL, ['--access-token', noScope]);
    expect(denied.code).not.toBe(0);
    expect(denied.err).toMatch(/Access Denied: the kpi catalog needs the read:kpis scope/);

    // Any valid token may send statements on to Trino, which runs them as the token's subject: the
    // client's --user does not let a token's holder act as someone else.
    const marker = `auth-${randomUUID()}`;
    const passed = await cli(`SELECT '${marker}', count(*) FROM users.public.accounts`, [
      '--access-token',
      noScope,
      '--user',
      'analyst-7',
    ]);
    expect(passed.code).toBe(0);
    const [seen] = await trinoRows(
      env.TRINO_URL!,
      `SELECT "user" FROM system.runtime.queries WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime%'`,
    );
    expect(seen?.user).toBe('bi-tool@clients');

    // A KPI that Trino computes (sign-ups are MongoDB events) runs there as the token's subject too, as
    // the metric routes do. A day no earlier run asked for, so the answer is not already cached.
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(Math.random() * 700) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const kpi = await cli(`SELECT time_day, value FROM kpi.default.signups WHERE time_day = DATE '${day}'`, [
      '--access-token',
      reader,
      '--user',
      'analyst-7',
    ]);
    expect(kpi.code).toBe(0);
    const users = await trinoRows(
      env.TRINO_URL!,
      `SELECT DISTINCT "user" FROM system.runtime.queries WHERE query LIKE '%"analytics"."analytics"."events"%' AND query LIKE '%${day}%' AND query NOT LIKE '%system.runtime%'`,
    );
    expect(users.map((u) => u.user)).toEqual(['bi-tool@clients']);
  });

  it('JDBC with accessToken (SSL) reads KPI tables; without a token it fails', async () => {
    const jdbc = (url: string) =>
      run(JAVA, [
        '-cp',
        JDBC_JAR,
        join(import.meta.dirname, 'support', 'SqlEndpointJdbcQuery.java'),
        url,
        KPI_SQL,
      ]);
    const url = `jdbc:trino://127.0.0.1:${(proxy.address() as AddressInfo).port}/kpi/default?SSL=true&SSLVerification=NONE&user=dbeaver`;
    const ok = await jdbc(`${url}&accessToken=${reader}`);
    expect(
      ok.stdout
        .trim()
        .split('\n')
        .map((l) => `${l.slice(0, 7)}|${Number(l.split('|')[1])}`),
    ).toEqual(expected);
    const refused = await jdbc(url);
    expect(refused.stdout).toMatch(/^ERROR\t.*(401|Unauthorized|Authentication)/i);
  });

  it('the Python client with JWTAuthentication reads KPI tables; a token without the scope is refused', async () => {
    const script = `
import json, sys, trino
from trino.auth import JWTAuthentication
def query(token):
    conn = trino.dbapi.connect(host="127.0.0.1", port=int(sys.argv[1]), http_scheme="https", verify=sys.argv[5],
                               auth=JWTAuthentication(token), user="notebook")
    cur = conn.cursor()
    try:
        cur.execute(sys.argv[4])
        return [[str(r[0])[:7], str(r[1])] for r in cur.fetchall()]
    except trino.exceptions.TrinoUserError as e:
        return {"error": e.error_name, "message": e.message}
print(json.dumps({"reader": query(sys.argv[2]), "none": query(sys.argv[3])}))
`;
    const r = await run(
      PYTHON,
      [
        '-c',
        script,
        String((proxy.address() as AddressInfo).port),
        reader,
        noScope,
        KPI_SQL,
        join(dir, 'cert.pem'),
      ],
      { env: pythonEnv() },
    );
    const out = JSON.parse(r.stdout) as {
      reader: [string, number][];
      none: { error: string; message: string };
    };
    expect(out.reader.map(([m, v]) => `${m}|${Number(v)}`)).toEqual(expected);
    expect(out.none).toMatchObject({ error: 'PERMISSION_DENIED' });
  });
});
