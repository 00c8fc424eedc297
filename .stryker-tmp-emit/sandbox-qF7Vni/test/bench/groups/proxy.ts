/**
 * proxy: the SQL endpoint side by side with Trino, in one run on the real stack.
 *  - pass-through latency: a tiny federated query through kpi-engine's /v1/statement vs sent to Trino
 *    directly (same client loop, alternating, medians);
 *  - a cached KPI query through the protocol vs the same question on the cached
 *    `/api/metrics/:kpiId/history` route (medians), as the Python client, JDBC and the CLI send it (their
 *    User-Agent: the answer comes in the POST's own response) and as trino-client from npm (POST, then
 *    the first nextUri);
 *  - throughput of a 10M-row pass-through result (BENCH_PROXY_ROWS) through the proxy vs direct (twice
 *    each, alternating; the faster run of each), and
 *    the service's peak RSS (VmHWM) before and after it: pages stream, nothing is buffered whole.
 * The service runs as `npm start` would (a child process), on the stack's Redis.
 */
// @ts-nocheck


import { stackUp } from '../../../src/stack/up.ts';
import { startService } from '../../e2e/api-support.ts';
import { memoryOf as memoryOfPid, pidOnPort } from '../process.ts';
import { type BenchResult, percentile } from '../types.ts';

const ROWS = Number(process.env.BENCH_PROXY_ROWS ?? 10_000_000);
const SAMPLES = Number(process.env.BENCH_PROXY_SAMPLES ?? 40);
const TINY =
  "SELECT count(*) FROM payments.public.subscriptions s JOIN users.public.accounts a ON a.id = s.account_id WHERE a.region = 'eu'";
const KPI_SQL =
  "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-07-01'";
const KPI_ROUTE = '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-07-01';
const MANY = `SELECT a.x * 1000 + b.y FROM UNNEST(sequence(1, ${ROWS / 1000})) a(x) CROSS JOIN UNNEST(sequence(1, 1000)) b(y)`;

interface Page {
  nextUri?: string;
  data?: unknown[][];
  error?: { message: string };
}

/** The Python client's User-Agent (JDBC's and the CLI's are answered alike); trino-client sends none. */
const PYTHON_AGENT = 'Trino Python Client/0.340.0';

/** The clients' loop; counts rows without keeping them. */
async function statement(server: string, sql: string, agent = 'trino-js-client'): Promise<number> {
  const headers = { 'X-Trino-User': 'bench', 'X-Trino-Time-Zone': 'UTC', 'User-Agent': agent };
  let page = (await (
    await fetch(`${server}/v1/statement`, { method: 'POST', body: sql, headers })
  ).json()) as Page;
  let rows = 0;
  for (;;) {
    if (page.error) throw new Error(page.error.message);
    rows += page.data?.length ?? 0;
    if (!page.nextUri) return rows;
    page = (await (await fetch(page.nextUri, { headers })).json()) as Page;
  }
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Medians of a and b, sampled alternately so machine load hits both alike. */
async function sideBySide(a: () => Promise<unknown>, b: () => Promise<unknown>, n: number) {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < n; i++) {
    as.push(await time(a));
    bs.push(await time(b));
  }
  as.sort((x, y) => x - y);
  bs.sort((x, y) => x - y);
  return { a: percentile(as, 50), b: percentile(bs, 50), a90: percentile(as, 90), b90: percentile(bs, 90) };
}

const memoryOf = (port: number) => memoryOfPid(pidOnPort(port));

export async function run(): Promise<BenchResult> {
  const env = (await stackUp({ log: (line) => console.log(`[stack] ${line}`) })) as Record<string, string>;
  const trino = env.TRINO_URL!;
  const service = await startService({ ...env, ENABLE_SCHEDULER: 'false', CACHE_TTL_SECONDS: '3600' });
  const port = Number(new URL(service.url).port);
  try {
    const pass = await sideBySide(
      () => statement(service.url, TINY),
      () => statement(trino, TINY),
      SAMPLES,
    );
    const metrics = async () => (await fetch(`${service.url}${KPI_ROUTE}`)).text();
    const cached = await sideBySide(
      () => statement(service.url, KPI_SQL, PYTHON_AGENT),
      metrics,
      SAMPLES * 5,
    );
    const polled = await sideBySide(() => statement(service.url, KPI_SQL), metrics, SAMPLES * 5);
    const before = memoryOf(port);
    // Twice each, alternating (the first run of a 10M-row query also warms Trino): the faster of each.
    const many = async (server: string, what: string) =>
      time(async () => {
        if ((await statement(server, MANY)) !== ROWS) throw new Error(`${what}: wrong row count`);
      });
    let direct = Number.POSITIVE_INFINITY;
    let proxied = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 2; round++) {
      direct = Math.min(direct, await many(trino, 'direct'));
      proxied = Math.min(proxied, await many(service.url, 'proxy'));
    }
    const after = memoryOf(port);
    const ratio = pass.a / pass.b;
    const table = [
      {
        case: 'pass-through tiny query (median ms)',
        'kpi-engine': pass.a,
        trino: pass.b,
        ratio,
        'p90 kpi-engine': pass.a90,
        'p90 trino': pass.b90,
      },
      {
        case: 'cached KPI query: protocol (Python/JDBC/CLI) vs /api/metrics (median ms)',
        'kpi-engine': cached.a,
        trino: cached.b,
        ratio: cached.a / cached.b,
        'p90 kpi-engine': cached.a90,
        'p90 trino': cached.b90,
      },
      {
        case: 'cached KPI query: protocol (trino-client: POST + poll) vs /api/metrics (median ms)',
        'kpi-engine': polled.a,
        trino: polled.b,
        ratio: polled.a / polled.b,
        'p90 kpi-engine': polled.a90,
        'p90 trino': polled.b90,
      },
      {
        case: `${ROWS} rows pass-through (rows/s)`,
        'kpi-engine': Math.round(ROWS / (proxied / 1000)),
        trino: Math.round(ROWS / (direct / 1000)),
        ratio: proxied / direct,
        'p90 kpi-engine': '',
        'p90 trino': '',
      },
      {
        case: 'service RSS MiB (peak before → peak after; now)',
        'kpi-engine': `${before.peak} → ${after.peak}; ${after.rss}`,
        trino: '',
        ratio: '',
        'p90 kpi-engine': '',
        'p90 trino': '',
      },
    ];
    return {
      group: 'proxy',
      table,
      headline: `proxy: ${ratio.toFixed(2)} x Trino's median latency on pass-through, cached KPI query ${cached.a.toFixed(2)} ms (${(cached.a / cached.b).toFixed(2)} x /api/metrics; ${(polled.a / polled.b).toFixed(2)} x with POST + poll), ${ROWS} rows at ${(proxied / direct).toFixed(2)} x direct time, peak RSS ${after.peak} MiB (${before.peak} before)`,
      results: { pass, cached, polled, directMs: direct, proxiedMs: proxied, before, after, rows: ROWS },
    };
  } finally {
    await service.stop();
  }
}
