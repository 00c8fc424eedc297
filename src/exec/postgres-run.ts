/**
 * Direct PostgreSQL/TimescaleDB execution through pg. One pool per URL; the PGlite metrics store serves a
 * single connection, so its pool has max 1. Timeouts are server-side (statement_timeout) so the query
 * really stops; an AbortSignal cancels with pg_cancel_backend from a second connection.
 */
import pg from 'pg';
import type { Param } from '../emit/params.ts';
import { EngineError, isUnavailable } from './errors.ts';

export const SHARED_SERVER: PoolShape = { max: 4, idleTimeoutMillis: 10_000 };
/** The PGlite socket server serves one connection at a time; other clients (the store) wait for it. */
export const SINGLE_CONNECTION_SERVER: PoolShape = {
  max: 1,
  idleTimeoutMillis: 500,
  // Waiting for the one connection can take a while when other clients share the server.
  connectionTimeoutMillis: 30_000,
};

export interface PgResult {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  readonly engineMs: number;
  readonly transferMs: number;
}

/** Per-URL pool sizing: a single-connection server needs its connection handed back quickly. */
export interface PoolShape {
  readonly max: number;
  readonly idleTimeoutMillis: number;
  readonly connectionTimeoutMillis?: number;
}

export class PgPools {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly shapeFor: (url: string) => PoolShape = () => SHARED_SERVER) {}

  pool(url: string): pg.Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, ...this.shapeFor(url) });
      pool.on('error', () => undefined); // idle client errors surface on the next query instead
      this.pools.set(url, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    this.pools.clear();
  }
}

/** The statement_timeout each pooled connection's session has now. */
const TIMEOUT_OF = new WeakMap<pg.PoolClient, number>();

export interface PgRunOptions {
  readonly engine: string;
  readonly kpi?: string | null;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** false for single-connection servers (PGlite) where a second connection cannot cancel. */
  readonly canCancel?: boolean;
  /**
   * For a server that cannot cancel a statement at all (PGlite enforces no statement_timeout and has no
   * second connection): called on abort to stop it by force, e.g. by restarting the embedded worker.
   */
  readonly interrupt?: () => Promise<void>;
}

export async function runPostgres(
  pools: PgPools,
  url: string,
  sql: string,
  params: readonly Param[],
  o: PgRunOptions,
): Promise<PgResult> {
  const kpi = o.kpi ?? null;
  let client: pg.PoolClient;
  try {
    client = await pools.pool(url).connect();
  } catch (error) {
    throw new EngineError(
      isUnavailable(error) ? 'engine-unavailable' : 'engine-error',
      o.engine,
      kpi,
      `cannot connect: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // The pool listens for errors only on idle clients: a server that goes away mid-query (the embedded
  // worker restarted to stop a statement) must fail this query, not crash the process.
  const ignore = () => undefined;
  client.on('error', ignore);
  const pid = (client as unknown as { processID?: number }).processID;
  let canceled = false;
  const cancel = async () => {
    canceled = true;
    if (o.interrupt) {
      await o.interrupt().catch(() => undefined);
      return;
    }
    if (o.canCancel === false || !pid) return;
    const killer = new pg.Client({ connectionString: url });
    try {
      await killer.connect();
      await killer.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // best effort: the statement_timeout still bounds the query
    } finally {
      await killer.end().catch(() => undefined);
    }
  };
  o.signal?.addEventListener('abort', cancel, { once: true });
  const started = performance.now();
  try {
    const timeout = o.timeoutMs && o.timeoutMs > 0 ? Math.ceil(o.timeoutMs) : 0;
    // A session keeps its setting: set it only when this connection has another one (one round trip
    // less per query; a split plan's parts each pay it).
    if (TIMEOUT_OF.get(client) !== timeout) {
      await client.query(`SET statement_timeout = ${timeout}`);
      TIMEOUT_OF.set(client, timeout);
    }
    const res = await client.query({ text: sql, values: params.map((p) => p.value), rowMode: 'array' });
    const engineMs = performance.now() - started;
    return { columns: res.fields.map((f) => f.name), rows: res.rows as unknown[][], engineMs, transferMs: 0 };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '57014') {
      throw new EngineError(
        canceled ? 'engine-canceled' : 'engine-timeout',
        o.engine,
        kpi,
        canceled ? 'query canceled' : `query canceled after ${o.timeoutMs} ms`,
        { cause: error },
      );
    }
    throw new EngineError(
      isUnavailable(error) ? 'engine-unavailable' : 'engine-error',
      o.engine,
      kpi,
      `${code ? `${code} ` : ''}${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    o.signal?.removeEventListener('abort', cancel);
    // A connection whose statement was interrupted by force is gone: never hand it out again.
    const gone = canceled && o.interrupt !== undefined;
    if (!gone) client.off('error', ignore);
    client.release(gone ? true : undefined);
  }
}
