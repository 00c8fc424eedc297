/**
 * A small Trino client-protocol client over fetch. Why not trino-client: it creates an axios instance
 * per request, keeps prepared statements in shared mutable headers (unsafe with concurrent queries) and
 * takes no AbortSignal. The protocol is simple: POST /v1/statement, then GET each `nextUri` right away
 * (the server long-polls, so no client sleep is needed), and DELETE the current `nextUri` to cancel.
 * Values are bound with `EXECUTE IMMEDIATE '<sql>' USING <literals>` (Trino 418+): the protocol has no
 * binary parameters, so `trinoLiteral` (emit/literal.ts) is the single quoting function.
 */
// @ts-nocheck


import { setTimeout as sleep } from 'node:timers/promises';
import { sqlString, trinoLiteral } from '../emit/literal.ts';
import type { Param } from '../emit/params.ts';
import { EngineError, isUnavailable } from './errors.ts';
import { retryDelayMs, type TrinoConnection, trinoConnection, trinoHeaders } from './trino-connection.ts';

export interface TrinoColumn {
  readonly name: string;
  readonly type: string;
}

export interface TrinoResult {
  readonly queryId: string;
  readonly columns: readonly TrinoColumn[];
  readonly rows: readonly unknown[][];
  /** Time until the first page with data or the end (engine), and spent fetching pages after it. */
  readonly engineMs: number;
  readonly transferMs: number;
}

export interface TrinoOptions {
  /** TRINO_URL (credentials in it are taken out and sent as Authorization), or a parsed connection. */
  readonly url: string | TrinoConnection;
  /** The end user the query runs for (X-Trino-User); default the connection's user. */
  readonly user?: string | null;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** For messages: which KPI this query computes. */
  readonly kpi?: string | null;
}

interface Page {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  stats?: { state: string };
  error?: { message: string; errorName: string; errorType: string };
}

/** The statement text sent to Trino: the SQL itself, or EXECUTE IMMEDIATE with literal values. */
export function trinoStatement(sql: string, params: readonly Param[]): string {
  if (params.length === 0) return sql;
  return `EXECUTE IMMEDIATE ${sqlString(sql)} USING ${params.map(trinoLiteral).join(', ')}`;
}

/**
 * Trino errors that say the cluster cannot run queries right now (starting, stopping, no worker yet
 * registered for a catalog) rather than that the query is wrong: "unavailable", worth retrying later.
 */
const TRINO_UNAVAILABLE = new Set([
  'NO_NODES_AVAILABLE',
  'SERVER_STARTING_UP',
  'SERVER_SHUTTING_DOWN',
  'REMOTE_HOST_GONE',
]);

export async function runTrino(sql: string, params: readonly Param[], o: TrinoOptions): Promise<TrinoResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    o.timeoutMs && o.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, o.timeoutMs)
      : null;
  let connection: TrinoConnection;
  try {
    connection = typeof o.url === 'string' ? trinoConnection({ TRINO_URL: o.url }) : o.url;
  } catch (error) {
    throw new EngineError('engine-unavailable', 'trino', o.kpi ?? null, (error as Error).message);
  }
  const headers = {
    ...trinoHeaders(connection, o.user),
    'X-Trino-Source': 'kpi-engine',
    // Time columns without a zone (MongoDB dates) are UTC instants; the emitted SQL relies on it.
    'X-Trino-Time-Zone': 'UTC',
  };
  const started = performance.now();
  let firstData: number | null = null;
  let nextUri: string | undefined;
  let queryId = '';
  const columns: TrinoColumn[] = [];
  const rows: unknown[][] = [];
  try {
    // The POST is not aborted mid-flight (it returns at once, queued): we need its id and nextUri to
    // cancel the query on the server. Aborts interrupt the long-polling GETs that follow.
    let page: Page = await request(`${connection.url}/v1/statement`, {
      method: 'POST',
      body: trinoStatement(sql, params),
      headers,
    });
    for (;;) {
      queryId = page.id;
      nextUri = page.nextUri;
      if (page.error) {
        throw new EngineError(
          TRINO_UNAVAILABLE.has(page.error.errorName) ? 'engine-unavailable' : 'engine-error',
          'trino',
          o.kpi ?? null,
          `${page.error.errorName}: ${page.error.message}`,
        );
      }
      if (page.columns && columns.length === 0) columns.push(...page.columns);
      if (page.data?.length) {
        firstData ??= performance.now();
        for (const r of page.data) rows.push(r);
      }
      if (!nextUri) break;
      if (controller.signal.aborted) throw controller.signal.reason ?? new Error('aborted');
      page = await request(nextUri, { headers, signal: controller.signal });
    }
    const end = performance.now();
    return {
      queryId,
      columns,
      rows,
      engineMs: (firstData ?? end) - started,
      transferMs: firstData === null ? 0 : end - firstData,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      // Really stop the query on the server: DELETE on the current nextUri cancels it.
      if (nextUri) await fetch(nextUri, { method: 'DELETE', headers }).catch(() => undefined);
      const what = `query ${queryId || '(not started)'}`;
      if (timedOut) {
        throw new EngineError(
          'engine-timeout',
          'trino',
          o.kpi ?? null,
          `${what} canceled after ${o.timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      throw new EngineError('engine-canceled', 'trino', o.kpi ?? null, `${what} canceled`, { cause: error });
    }
    if (error instanceof EngineError) throw error;
    const tls = tlsProblem(error);
    if (tls) {
      throw new EngineError(
        'engine-unavailable',
        'trino',
        o.kpi ?? null,
        `cannot verify the TLS certificate of ${connection.url} (${tls}): if a private CA signed it, ` +
          'start kpi-engine with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
        { cause: error },
      );
    }
    // fetch rejects with TypeError('fetch failed') for any network failure: the server is unreachable.
    if (isUnavailable(error) || (error instanceof TypeError && error.message === 'fetch failed')) {
      throw new EngineError('engine-unavailable', 'trino', o.kpi ?? null, `cannot reach ${connection.url}`, {
        cause: error,
      });
    }
    throw new EngineError('engine-error', 'trino', o.kpi ?? null, (error as Error).message, { cause: error });
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The OpenSSL code when fetch failed because the server's certificate is not trusted (self-signed, an
 * unknown CA, a name that does not match, expired): the fix is on the client's side, so say so.
 */
function tlsProblem(error: unknown): string | null {
  const code = ((error as { cause?: { code?: unknown } })?.cause?.code ?? '') as string;
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/.test(code) ? code : null;
}

async function request(url: string, init: RequestInit): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init);
    const delay = retryDelayMs(res.status, init.method ?? 'GET', attempt);
    if (delay !== null) {
      await res.body?.cancel();
      await sleep(delay, undefined, init.signal ? { signal: init.signal } : undefined);
      continue;
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new Error(
        'Trino refused the credentials (HTTP 401): check TRINO_USER and TRINO_PASSWORD (or the user:password in TRINO_URL)',
      );
    }
    if (!res.ok) {
      const text = await res.text();
      throw new Error(`HTTP ${res.status} from Trino: ${text.slice(0, 500)}`);
    }
    return (await res.json()) as Page;
  }
}
