/**
 * The embedded default (`npm start` with nothing configured: no Trino, no servers) serves the kpi
 * catalog to Trino's real clients: the Trino CLI 476 and the trino Python client list the KPI tables,
 * answer a KPI query with the numbers of /api/metrics/:kpiId/history, and say — in Trino's error shape —
 * that a statement for another catalog, or a join with one, needs the federation engine.
 */
// @ts-nocheck

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJavaHome } from '../../src/stack/prereqs.ts';
import { NOTHING_CONFIGURED, type RunningService, startService } from './api-support.ts';

const run = promisify(execFile);
const CACHE = process.env.KPI_CACHE_DIR ?? join(homedir(), '.cache', 'kpi-engine');
const CLI_JAR = join(CACHE, 'trino-clients', 'trino-cli-476-executable.jar');
const PYTHON = join(CACHE, 'python-trino', 'bin', 'python');
const JAVA = join(findJavaHome(), 'bin', 'java');
const KPI_SQL =
  "SELECT time_month, region, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-04-01' ORDER BY 1, 2";
const PASS_THROUGH = 'SELECT count(*) FROM payments.public.subscriptions';
const JOIN =
  "SELECT k.value FROM kpi.default.revenue k JOIN payments.public.subscriptions s ON s.region = k.region WHERE k.time_month >= DATE '2025-01-01'";

describe('the embedded default serves the kpi catalog to Trino’s real clients', () => {
  let service: RunningService;
  let expected: string[];

  beforeAll(async () => {
    for (const path of [CLI_JAR, PYTHON])
      if (!existsSync(path)) throw new Error(`${path} is missing: run bash scripts/install-prereqs.sh`);
    service = await startService({ ...NOTHING_CONFIGURED, DEMO_SCALE: '0.01' });
    const history = (await (
      await fetch(
        `${service.url}/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-04-01&dimensions=region`,
      )
    ).json()) as { history: { time: string; region: string | null; value: number }[] };
    // ORDER BY 1, 2 puts NULL regions last, as Trino does.
    const key = (h: { time: string; region: string | null }) => `${h.time}|${h.region ?? '\uffff'}`;
    expected = [...history.history]
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .map((h) => `${h.time.slice(0, 7)}|${h.region ?? ''}|${h.value}`);
    expect(expected.length).toBeGreaterThan(3);
  }, 600_000);
  afterAll(async () => {
    await service?.stop();
  }, 120_000);

  it('the Trino CLI lists KPI tables, answers a KPI query, and refuses pass-through with Trino’s error', async () => {
    const cli = async (sql: string) => {
      try {
        const r = await run(JAVA, [
          '--enable-native-access=ALL-UNNAMED',
          '-jar',
          CLI_JAR,
          '--server',
          service.url,
          '--timezone',
          'UTC',
          '--output-format',
          'TSV',
          '--execute',
          sql,
        ]);
        return { code: 0, rows: r.stdout.trim().split('\n'), err: r.stderr };
      } catch (error) {
        const e = error as { code: number; stderr: string };
        return { code: e.code, rows: [], err: e.stderr };
      }
    };
    expect((await cli('SHOW TABLES FROM kpi.default')).rows).toEqual(
      expect.arrayContaining(['revenue', 'mrr', 'cac']),
    );
    const answer = await cli(KPI_SQL);
    expect(answer.code).toBe(0);
    expect(
      answer.rows.map((l) => {
        const [time, region, value] = l.split('\t');
        return `${time!.slice(0, 7)}|${region}|${Number(value)}`;
      }),
    ).toEqual(expected);
    const passThrough = await cli(PASS_THROUGH);
    expect(passThrough.code).not.toBe(0);
    expect(passThrough.err).toMatch(/no federation engine is configured \(TRINO_URL is not set\)/);
    const joined = await cli(JOIN);
    expect(joined.err).toMatch(/line 1:43: a query joining a KPI table is answered only through Trino/);
  }, 300_000);

  it('the Python client lists KPI tables, answers a KPI query, and reports the pass-through refusal', async () => {
    const script = `
import json, sys, trino
conn = trino.dbapi.connect(host="127.0.0.1", port=int(sys.argv[1]), user="notebook", timezone="UTC")
cur = conn.cursor()
out = {}
cur.execute("SHOW TABLES FROM kpi.default")
out["tables"] = [r[0] for r in cur.fetchall()]
cur.execute(sys.argv[2])
out["rows"] = [[r[0].isoformat()[:7], r[1], str(r[2]), type(r[2]).__name__] for r in cur.fetchall()]
try:
    cur.execute(sys.argv[3])
    cur.fetchall()
except trino.exceptions.TrinoUserError as e:
    out["error"] = {"name": e.error_name, "message": e.message}
print(json.dumps(out))
`;
    const r = await run(PYTHON, ['-c', script, new URL(service.url).port, KPI_SQL, PASS_THROUGH]);
    const out = JSON.parse(r.stdout) as {
      tables: string[];
      rows: [string, string | null, string, string][];
      error: { name: string; message: string };
    };
    expect(out.tables).toEqual(expect.arrayContaining(['revenue', 'mrr']));
    // revenue is exact (a sum of decimal(12,2) amounts): the Python client reads value as a Decimal.
    expect(new Set(out.rows.map((r) => r[3]))).toEqual(new Set(['Decimal']));
    expect(out.rows.map(([m, region, v]) => `${m}|${region ?? ''}|${Number(v)}`)).toEqual(expected);
    expect(out.error).toEqual({
      name: 'NOT_SUPPORTED',
      message:
        'no federation engine is configured (TRINO_URL is not set): this kpi-engine serves only the kpi catalog',
    });
  }, 300_000);

  it('refuses a statement body over the limit without buffering it, also sent chunked with no length', async () => {
    const chunk = new TextEncoder().encode(`SELECT ${'1, '.repeat(100_000)}`);
    let sent = 0;
    // 6 MB in 300 kB chunks, no Content-Length: the service stops reading past 4 MB.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) controller.close();
        else {
          sent++;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await fetch(`${service.url}/v1/statement`, {
      method: 'POST',
      body,
      headers: { 'X-Trino-User': 'hostile', 'User-Agent': 'trino-cli' },
      duplex: 'half',
    } as RequestInit);
    const page = (await res.json()) as { error?: { errorName: string } };
    expect(page.error?.errorName).toBe('QUERY_TEXT_TOO_LARGE');
    const next = (await (
      await fetch(`${service.url}/v1/statement`, {
        method: 'POST',
        body: KPI_SQL,
        headers: { 'X-Trino-User': 'after', 'User-Agent': 'trino-cli', 'X-Trino-Time-Zone': 'UTC' },
      })
    ).json()) as { data?: unknown[][] };
    expect(next.data).toHaveLength(expected.length);
  }, 120_000);
});
