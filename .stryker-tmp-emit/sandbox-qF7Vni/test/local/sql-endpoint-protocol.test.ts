/**
 * Trino's client protocol at /v1/statement on the embedded service (no Trino): browsing the kpi
 * catalog, KPI queries whose numbers equal the metric routes', paging through nextUri, cancelling,
 * abandoned queries, errors with positions, prepared statements — driven as the official clients do.
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../../src/api/bootstrap.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { loadConfig } from '../../src/config/env.ts';
import { DEMO_DATA } from '../../src/data/settings.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { createSqlEndpoint, type SqlEndpoint } from '../../src/sql-endpoint/endpoint.ts';

type Fetch = (path: string, init?: RequestInit) => Response | Promise<Response>;
interface Results {
  id: string;
  nextUri?: string;
  columns?: { name: string; type: string }[];
  data?: unknown[][];
  stats: { state: string };
  error?: {
    message: string;
    errorName: string;
    errorCode: number;
    errorType: string;
    errorLocation?: { lineNumber: number; columnNumber: number };
  };
  updateType?: string;
}

const pathOf = (uri: string) => {
  const u = new URL(uri);
  return `${u.pathname}${u.search}`;
};

/** The clients' loop: POST, then GET each nextUri until there is none; rows from every page. */
async function run(fetch: Fetch, sql: string, headers: Record<string, string> = {}) {
  let res = await fetch('/v1/statement', {
    method: 'POST',
    body: sql,
    headers: { 'X-Trino-User': 'test', ...headers },
  });
  let page = (await res.json()) as Results;
  const pages = [page];
  const rows: unknown[][] = [];
  const responseHeaders: Headers[] = [res.headers];
  for (;;) {
    if (page.data) rows.push(...page.data);
    if (!page.nextUri) break;
    res = await fetch(pathOf(page.nextUri), { headers: { 'X-Trino-User': 'test' } });
    page = (await res.json()) as Results;
    pages.push(page);
    responseHeaders.push(res.headers);
  }
  return {
    last: page,
    pages,
    rows,
    columns: pages.find((p) => p.columns)?.columns ?? [],
    headers: responseHeaders,
  };
}

describe('the SQL endpoint on the embedded service', () => {
  let service: Service;
  const fetch: Fetch = (path, init) => service.app.request(path, init);
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-sql-endpoint-'));
  beforeAll(async () => {
    // Pinned demo data and no live rows, as the oracle's.
    service = await buildService(
      loadConfig({
        DEMO_SCALE: '0.01',
        KPI_DATA_DIR: dataDir,
        DEMO_END: new Date(DEMO_DATA.end).toISOString(),
        DEMO_LIVE: '0',
      }),
    );
  }, 600_000);
  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 600_000);

  it('lists the KPIs as tables of kpi.default and describes one', async () => {
    const tables = await run(fetch, 'SHOW TABLES FROM kpi.default');
    expect(tables.columns).toEqual([expect.objectContaining({ name: 'Table', type: 'varchar' })]);
    expect(tables.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['mrr', 'revenue', 'cac_marketing']));
    const described = await run(fetch, 'DESCRIBE kpi.default.cac_marketing');
    expect(described.rows.map((r) => [r[0], r[1]])).toEqual([
      ['time_month', 'timestamp(3) with time zone'],
      ['time_quarter', 'timestamp(3) with time zone'],
      ['channel', 'varchar'],
      ['campaign', 'varchar'],
      ['value', 'double'],
    ]);
    const catalogs = await run(fetch, 'SHOW CATALOGS');
    expect(catalogs.rows).toEqual([['kpi']]);
  });

  it('answers a grouped KPI query with the numbers of /api/metrics/:kpiId/history', async () => {
    const sql = await run(
      fetch,
      "SELECT time_month, region, MEASURE(value) AS revenue FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-07-01' GROUP BY 1, 2 ORDER BY 1, 2",
    );
    expect(sql.last.stats.state).toBe('FINISHED');
    const history = (await (
      await fetch(
        '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-07-01&dimensions=region',
      )
    ).json()) as { history: { time: string; region: string | null; value: number | null }[] };
    // revenue sums decimal(12,2) amounts: value is decimal(38,2), sent as Trino sends decimals (strings).
    expect(sql.columns.at(-1)).toMatchObject({ name: 'revenue', type: 'decimal(38,2)' });
    const expected = history.history
      .map((h) => [`${h.time.slice(0, 10)} 00:00:00.000 UTC`, h.region, h.value?.toFixed(2) ?? null])
      .sort((a, b) => (`${a[0]}|${a[1] ?? '~'}` < `${b[0]}|${b[1] ?? '~'}` ? -1 : 1));
    expect(sql.rows.length).toBeGreaterThan(10);
    expect(sql.rows).toEqual(expected);
  });

  it('answers with the session time zone: buckets start at local midnight', async () => {
    const r = await run(
      fetch,
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-03-01' AND time_month < DATE '2025-05-01'",
      { 'X-Trino-Time-Zone': 'Europe/Berlin' },
    );
    expect(r.rows.map((x) => x[0])).toEqual([
      '2025-03-01 00:00:00.000 Europe/Berlin',
      '2025-04-01 00:00:00.000 Europe/Berlin',
    ]);
  });

  it('fails a wrong statement with Trino’s error object and position', async () => {
    const r = await run(
      fetch,
      "SELECT time_month,\n  nope FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01'",
    );
    expect(r.last.stats.state).toBe('FAILED');
    expect(r.last.error).toMatchObject({
      errorName: 'COLUMN_NOT_FOUND',
      errorCode: 47,
      errorType: 'USER_ERROR',
      errorLocation: { lineNumber: 2, columnNumber: 3 },
    });
    const syntax = await run(fetch, 'SELECT value FROM kpi.default.revenue WHERE');
    expect(syntax.last.error).toMatchObject({
      errorName: 'SYNTAX_ERROR',
      errorCode: 1,
      errorLocation: { lineNumber: 1, columnNumber: 44 },
    });
  });

  it('says that no federation engine is configured for a statement meant for Trino', async () => {
    const r = await run(fetch, 'SELECT * FROM payments.public.subscriptions');
    expect(r.last.error).toMatchObject({ errorName: 'NOT_SUPPORTED' });
    expect(r.last.error?.message).toMatch(/no federation engine is configured/);
  });

  it('prepares, executes with parameters and deallocates as JDBC does, through X-Trino-* headers', async () => {
    const text =
      'SELECT time_month, value FROM kpi.default.revenue WHERE region = ? AND time_month >= ? AND time_month < ?';
    const prepared = await run(fetch, `PREPARE statement1 FROM ${text}`);
    expect(prepared.last.updateType).toBe('PREPARE');
    const added = prepared.headers.at(-1)!.get('x-trino-added-prepare')!;
    expect(decodeURIComponent(added.split('=')[1]!)).toBe(text);
    const executed = await run(fetch, "EXECUTE statement1 USING 'eu', DATE '2025-01-01', DATE '2025-03-01'", {
      'X-Trino-Prepared-Statement': added,
    });
    const direct = await run(
      fetch,
      "SELECT time_month, value FROM kpi.default.revenue WHERE region = 'eu' AND time_month >= DATE '2025-01-01' AND time_month < DATE '2025-03-01'",
    );
    expect(executed.rows).toEqual(direct.rows);
    expect(executed.rows).toHaveLength(2);
    const gone = await run(fetch, 'DEALLOCATE PREPARE statement1', { 'X-Trino-Prepared-Statement': added });
    expect(gone.headers.at(-1)!.get('x-trino-deallocated-prepare')).toBe('statement1');
  });

  it('changes the session catalog and schema with USE', async () => {
    const r = await run(fetch, 'USE kpi.default');
    expect(r.headers.at(-1)!.get('x-trino-set-catalog')).toBe('kpi');
    expect(r.headers.at(-1)!.get('x-trino-set-schema')).toBe('default');
    const t = await run(
      fetch,
      "SELECT value FROM revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-02-01'",
      {
        'X-Trino-Catalog': 'kpi',
        'X-Trino-Schema': 'default',
      },
    );
    expect(t.rows).toHaveLength(1);
  });

  it('shows the MetricQuery and the SQL for EXPLAIN', async () => {
    const r = await run(
      fetch,
      "EXPLAIN SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-02-01'",
    );
    const text = String(r.rows[0]![0]);
    expect(text).toContain('MetricQuery: {"kpi":"revenue","grain":"month"');
    expect(text).toMatch(/SELECT/);
  });

  it('answers hostile input with errors, never a crash', async () => {
    for (const sql of [
      '',
      '\u0000',
      "SELECT 'unterminated",
      'SELECT "" FROM kpi.default.x',
      'SHOW TABLES FROM kpi.nope',
      `SELECT ${'('.repeat(50)}`,
    ]) {
      const r = await run(fetch, sql);
      expect(r.last.stats.state).toBe('FAILED');
    }
    expect((await fetch('/v1/statement/kpi/nope/00/0')).status).toBe(404);
    expect((await fetch('/v1/statement/executing/../../etc/passwd')).status).toBe(404);
  });
});

describe('paging, cancelling and abandoned queries', () => {
  const catalog = loadCatalog();
  const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
  const day = 86_400_000;
  let answered = 0;
  let release: () => void = () => {};
  let lastSignal: AbortSignal | null = null;
  const endpoint = (o: { pageRows?: number; abandonAfterMs?: number; slow?: boolean }): SqlEndpoint =>
    createSqlEndpoint({
      registry: () => registry,
      catalog,
      // The engine's answer for a day series over the range (the protocol, not the numbers, is under test).
      answer: async (query, signal) => {
        lastSignal = signal;
        if (o.slow) {
          await new Promise<void>((resolve, reject) => {
            release = resolve;
            signal.addEventListener('abort', () => reject(new Error('aborted')));
          });
        }
        answered++;
        const start = Date.parse(query.range.start);
        const n = Math.round((Date.parse(query.range.end) - start) / day);
        return Array.from({ length: n }, (_, i) => ({
          time: new Date(start + i * day).toISOString(),
          value: i,
        }));
      },
      explain: async () => '',
      trinoUrl: null,
      defaultTimeZone: 'UTC',
      pageRows: o.pageRows ?? 10_000,
      abandonAfterMs: o.abandonAfterMs ?? 300_000,
      maxWaitMs: 50,
    });
  const fetchOf =
    (e: SqlEndpoint): Fetch =>
    (path, init) => {
      const request = new Request(`http://127.0.0.1${path}`, init);
      const caller = { subject: null, canReadKpis: true };
      if (request.method === 'POST') return e.statement(request, caller);
      if (request.method === 'DELETE') return e.cancel(request, caller);
      return e.poll(request, caller);
    };
  const YEAR =
    "SELECT time_day, value FROM kpi.default.revenue WHERE time_day >= DATE '2024-01-01' AND time_day < DATE '2025-01-01'";

  it('refuses a long statement that may read the kpi catalog before lexing it; a long one for Trino is not parsed here', async () => {
    const e = endpoint({});
    // 40,000 conditions: lexed and parsed on the event loop, seconds of work per request.
    const long = `${YEAR} AND ${Array(40_000).fill('value <> 1').join(' AND ')}`;
    const refused = await run(fetchOf(e), long);
    expect(refused.last.stats.state).toBe('FAILED');
    expect(refused.last.error?.errorName).toBe('QUERY_TEXT_TOO_LARGE');
    expect(refused.last.error?.message).toContain(`MAX_KPI_STATEMENT_CHARS`);
    // No Trino is configured here: a long statement for it is refused as such, without being parsed.
    const other = await run(fetchOf(e), `SELECT ${'1, '.repeat(20_000)}1`);
    expect(other.last.error?.errorName).toBe('NOT_SUPPORTED');
    // Short statements are answered as before.
    expect((await run(fetchOf(e), YEAR)).last.stats.state).toBe('FINISHED');
  });

  it('serves a result in pages, and a page asked for again is served again (slow or retrying pollers lose nothing)', async () => {
    const e = endpoint({ pageRows: 100 });
    const fetch = fetchOf(e);
    const first = (await (await fetch('/v1/statement', { method: 'POST', body: YEAR })).json()) as Results;
    expect(first.data).toBeUndefined();
    expect(first.stats.state).toBe('QUEUED');
    const page0 = (await (await fetch(pathOf(first.nextUri!))).json()) as Results;
    expect(page0.data).toHaveLength(100);
    const again = (await (await fetch(pathOf(page0.nextUri!))).json()) as Results;
    const repeated = (await (await fetch(pathOf(page0.nextUri!))).json()) as Results;
    expect(repeated.data).toEqual(again.data);
    const all = await run(fetch, YEAR);
    expect(all.rows).toHaveLength(366);
    expect(all.rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 366 }, (_, i) => i));
    expect(all.pages.length).toBe(5);
    e.close();
  });

  it('answers in the POST itself, when ready within a poll, for the clients that read it there (JDBC, CLI, Python)', async () => {
    const e = endpoint({ pageRows: 100 });
    const fetch = fetchOf(e);
    for (const agent of ['Trino JDBC Driver/476', 'trino-cli', 'Trino Python Client/0.340.0']) {
      const res = await fetch('/v1/statement', {
        method: 'POST',
        body: YEAR,
        headers: { 'User-Agent': agent },
      });
      const first = (await res.json()) as Results;
      expect(first.data?.map((r) => Number(r[1]))).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(first.stats.state).toBe('RUNNING');
      // The rest follows through nextUri from page 1: nothing lost, nothing twice.
      const rest = await run(fetch, YEAR, { 'User-Agent': agent });
      expect(rest.rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 366 }, (_, i) => i));
      expect(rest.pages).toHaveLength(4);
      const failed = (await (
        await fetch('/v1/statement', {
          method: 'POST',
          body: 'SELECT nope FROM kpi.default.revenue',
          headers: { 'User-Agent': agent },
        })
      ).json()) as Results;
      expect(failed.stats.state).toBe('FAILED');
      expect(failed.error?.errorName).toBe('COLUMN_NOT_FOUND');
      expect(failed.nextUri).toBeUndefined();
    }
    // trino-client from npm reads only nextUri from the POST, as do clients not known here: Trino's answer.
    for (const agent of ['trino-js-client', 'Trino JDBC Driver', 'curl/8.0', 'superset']) {
      const first = (await (
        await fetch('/v1/statement', { method: 'POST', body: YEAR, headers: { 'User-Agent': agent } })
      ).json()) as Results;
      expect(first.data).toBeUndefined();
      expect(first.stats.state).toBe('QUEUED');
    }
    e.close();
  });

  it('answers "queued" in the POST when the answer is not ready within a poll, even for clients that read it there', async () => {
    const e = endpoint({ slow: true });
    const fetch = fetchOf(e);
    const post = fetch('/v1/statement', {
      method: 'POST',
      body: YEAR,
      headers: { 'User-Agent': 'trino-cli' },
    });
    const first = (await (await post).json()) as Results;
    expect(first.stats.state).toBe('QUEUED');
    expect(first.data).toBeUndefined();
    release();
    const rows: unknown[][] = [];
    let page = first;
    while (page.nextUri) {
      page = (await (await fetch(pathOf(page.nextUri))).json()) as Results;
      rows.push(...(page.data ?? []));
    }
    expect(rows).toHaveLength(366);
    e.close();
  });

  it('cancels a running query on DELETE: its nextUri is gone and its result never computed', async () => {
    const e = endpoint({ slow: true });
    const fetch = fetchOf(e);
    const before = answered;
    const first = (await (await fetch('/v1/statement', { method: 'POST', body: YEAR })).json()) as Results;
    expect(first.stats.state).toBe('QUEUED');
    expect((await fetch(pathOf(first.nextUri!), { method: 'DELETE' })).status).toBe(204);
    release();
    expect((await fetch(pathOf(first.nextUri!))).status).toBe(404);
    expect(answered).toBe(before);
    e.close();
  });

  it('cancels a query nobody polls once the abandonment timeout passes', async () => {
    const e = endpoint({ slow: true, abandonAfterMs: 100 });
    const fetch = fetchOf(e);
    const first = (await (await fetch('/v1/statement', { method: 'POST', body: YEAR })).json()) as Results;
    // Nobody polls: the server's own timer cancels the query, which aborts the engine's answer.
    await new Promise<void>((resolve) =>
      lastSignal!.aborted ? resolve() : lastSignal!.addEventListener('abort', () => resolve()),
    );
    expect((await fetch(pathOf(first.nextUri!))).status).toBe(404);
    e.close();
  });
});
