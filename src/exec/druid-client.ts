/**
 * Apache Druid over HTTP (its router, DRUID_URL): Druid SQL at /druid/v2/sql with a query id and the
 * query context's timeout, cancelled by id (DELETE /druid/v2/sql/{id}) when the caller's signal aborts
 * (asked again until Druid knows the id, and its answer awaited a few seconds as the confirmation);
 * native batch tasks at /druid/indexer/v1/task and their status. Failures are EngineErrors (engine
 * 'druid'), never a raw HTTP body.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Param } from '../emit/params.ts';
import { EngineError, isUnavailable } from './errors.ts';

/** A Druid SQL dynamic parameter (`?`): Druid wants each value's SQL type next to it. */
export type DruidParameter =
  | { readonly type: 'VARCHAR'; readonly value: string }
  | { readonly type: 'BIGINT' | 'DOUBLE'; readonly value: number }
  | { readonly type: 'BOOLEAN'; readonly value: boolean };

/**
 * The emitter's parameters as Druid wants them: timestamps stay ISO text (the druid dialect wraps their
 * markers in TIME_PARSE), whole numbers are BIGINT, other numbers DOUBLE.
 */
export function druidParameters(params: readonly Param[]): DruidParameter[] {
  return params.map((p): DruidParameter => {
    switch (p.type) {
      case 'string':
      case 'timestamp':
        return { type: 'VARCHAR', value: p.value };
      case 'number':
        return { type: Number.isInteger(p.value) ? 'BIGINT' : 'DOUBLE', value: p.value };
      case 'boolean':
        return { type: 'BOOLEAN', value: p.value };
      default:
        throw new Error(`unknown parameter ${JSON.stringify(p)}`);
    }
  });
}

export interface DruidSqlOptions {
  readonly parameters?: readonly DruidParameter[];
  /** Druid stops the query itself after this long (query context `timeout`); the client waits a little more. */
  readonly timeoutMs?: number;
  /** The query's id (`sqlQueryId`), for cancellation and Druid's logs; a random one when absent. */
  readonly queryId?: string;
  readonly signal?: AbortSignal;
  readonly context?: Readonly<Record<string, string | number | boolean>>;
  readonly kpi?: string | null;
}

interface DruidErrorBody {
  readonly error?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly category?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function describeError(
  status: number,
  text: string,
): { timeout: boolean; cancelled: boolean; message: string } {
  let body: DruidErrorBody = {};
  try {
    body = JSON.parse(text) as DruidErrorBody;
  } catch {
    // not JSON: the status line says enough
  }
  const message = body.errorMessage ?? body.error ?? `HTTP ${status}`;
  const timeout = status === 504 || body.errorCode === 'timeout' || body.category === 'TIMEOUT';
  const cancelled = body.category === 'CANCELED';
  return { timeout, cancelled, message: message.split('\n')[0]!.slice(0, 500) };
}

/**
 * Asks Druid to stop a running SQL query: `cancelled` when Druid found and stopped it (202), `unknown`
 * when Druid does not know the id (404: it has ended, or has not reached the broker yet), `unreachable`.
 */
export async function cancelDruidQuery(
  url: string,
  queryId: string,
): Promise<'cancelled' | 'unknown' | 'unreachable'> {
  const response = await fetch(`${url}/druid/v2/sql/${encodeURIComponent(queryId)}`, {
    method: 'DELETE',
    signal: AbortSignal.timeout(5000),
  }).catch(() => null);
  await response?.body?.cancel().catch(() => undefined);
  if (!response) return 'unreachable';
  return response.status === 202 ? 'cancelled' : 'unknown';
}

/** How long a caller who went away keeps the query's request open for Druid to confirm the cancel. */
const CANCEL_GRACE_MS = 5000;

/**
 * Cancels by id until Druid has it stopped: a caller can go away before the query reaches the broker
 * (Druid answers 404 then), so an unknown id is asked again while the query's request is still open —
 * a query that reached Druid is registered under its id before it runs, and then stopped.
 */
async function cancelUntilStopped(url: string, queryId: string, answered: () => boolean): Promise<void> {
  const deadline = Date.now() + CANCEL_GRACE_MS;
  for (;;) {
    const outcome = await cancelDruidQuery(url, queryId);
    if (outcome !== 'unknown' || answered() || Date.now() > deadline) return;
    await sleep(100);
  }
}

/** Runs Druid SQL and returns its rows as objects (column name → value). */
export async function druidSql(
  url: string,
  query: string,
  options: DruidSqlOptions = {},
): Promise<Array<Record<string, unknown>>> {
  const queryId = options.queryId ?? `kpi-${randomUUID()}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const kpi = options.kpi ?? null;
  if (options.signal?.aborted)
    throw new EngineError('engine-canceled', 'druid', kpi, 'canceled before it ran');
  // Druid enforces `timeout` itself; the client's own limit is a backstop for a Druid that stops answering.
  const local = new AbortController();
  const backstop = setTimeout(() => local.abort(), timeoutMs + 5000);
  let answered = false;
  let grace: NodeJS.Timeout | undefined;
  // The caller went away: the query is cancelled by id and its request kept open for Druid's answer
  // (the cancel's confirmation) for a few seconds, then let go.
  const onAbort = () => {
    void cancelUntilStopped(url, queryId, () => answered);
    grace = setTimeout(() => local.abort(), CANCEL_GRACE_MS);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(`${url}/druid/v2/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query,
        resultFormat: 'object',
        parameters: options.parameters ?? [],
        // COUNT(DISTINCT x) exact, as in every other dialect (Druid's default is an HLL estimate).
        context: {
          useApproximateCountDistinct: false,
          ...options.context,
          sqlQueryId: queryId,
          timeout: timeoutMs,
        },
      }),
      signal: local.signal,
    });
    const text = await response.text();
    answered = true;
    if (options.signal?.aborted) {
      const confirmed = !response.ok && describeError(response.status, text).cancelled;
      throw new EngineError(
        'engine-canceled',
        'druid',
        kpi,
        confirmed
          ? `query ${queryId} canceled on Druid`
          : `query ${queryId} canceled (Druid had answered it)`,
      );
    }
    if (!response.ok) {
      const { timeout, message } = describeError(response.status, text);
      throw new EngineError(timeout ? 'engine-timeout' : 'engine-error', 'druid', kpi, message);
    }
    return JSON.parse(text) as Array<Record<string, unknown>>;
  } catch (error) {
    answered = true;
    if (error instanceof EngineError) throw error;
    if (options.signal?.aborted) {
      throw new EngineError(
        'engine-canceled',
        'druid',
        kpi,
        `query ${queryId} canceled (Druid did not confirm within ${CANCEL_GRACE_MS} ms)`,
        { cause: error },
      );
    }
    if (local.signal.aborted) {
      void cancelDruidQuery(url, queryId);
      throw new EngineError('engine-timeout', 'druid', kpi, `no answer within ${timeoutMs} ms`, {
        cause: error,
      });
    }
    if (isUnavailable(error) || (error as Error).name === 'TypeError') {
      throw new EngineError('engine-unavailable', 'druid', kpi, `cannot reach Druid at ${url}`, {
        cause: error,
      });
    }
    throw new EngineError('engine-error', 'druid', kpi, (error as Error).message, { cause: error });
  } finally {
    clearTimeout(backstop);
    clearTimeout(grace);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export type DruidTaskState = 'RUNNING' | 'SUCCESS' | 'FAILED';

export interface DruidTaskStatus {
  readonly id: string;
  readonly state: DruidTaskState;
  readonly error: string | null;
}

/** Submits a native batch ingestion spec (the whole task JSON) and returns the task id. */
export async function submitDruidTask(url: string, task: unknown): Promise<string> {
  const response = await fetch(`${url}/druid/indexer/v1/task`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(task),
    signal: AbortSignal.timeout(30_000),
  }).catch((error: unknown) => {
    throw new EngineError('engine-unavailable', 'druid', null, `cannot reach Druid at ${url}`, {
      cause: error,
    });
  });
  const text = await response.text();
  if (!response.ok) {
    throw new EngineError('engine-error', 'druid', null, describeError(response.status, text).message);
  }
  return (JSON.parse(text) as { task: string }).task;
}

export async function druidTaskStatus(url: string, taskId: string): Promise<DruidTaskStatus> {
  const response = await fetch(`${url}/druid/indexer/v1/task/${encodeURIComponent(taskId)}/status`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new EngineError('engine-error', 'druid', null, `task ${taskId}: HTTP ${response.status}`);
  const body = (await response.json()) as { status?: { statusCode?: string; errorMsg?: string | null } };
  const code = body.status?.statusCode;
  const state: DruidTaskState = code === 'SUCCESS' || code === 'FAILED' ? code : 'RUNNING';
  return { id: taskId, state, error: body.status?.errorMsg?.split('\n')[0] ?? null };
}

/** Polls a task until it succeeds (returns) or fails (throws with Druid's reason). */
export async function waitForDruidTask(
  url: string,
  taskId: string,
  { timeoutMs = 600_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await druidTaskStatus(url, taskId);
    if (status.state === 'SUCCESS') return;
    if (status.state === 'FAILED') {
      throw new EngineError(
        'engine-error',
        'druid',
        null,
        `task ${taskId} failed: ${status.error ?? 'no reason given'}`,
      );
    }
    if (Date.now() > deadline) {
      throw new EngineError(
        'engine-timeout',
        'druid',
        null,
        `task ${taskId} still running after ${timeoutMs} ms`,
      );
    }
    await sleep(500, undefined, { signal });
  }
}
