/**
 * Statements the endpoint answers itself, between POST and the last page: each runs once, its result
 * is served in pages of `pageRows` through `nextUri` tokens (page k is served again until page k+1 is
 * asked for, so a slow or retrying client never loses rows), DELETE cancels it, and one that nobody
 * polls for `abandonAfterMs` is cancelled and forgotten (Trino's query.client.timeout).
 */
// @ts-nocheck

import { randomBytes } from 'node:crypto';
import { SqlError, toSqlError } from './errors.ts';
import type { Column } from './protocol.ts';

export interface LocalResult {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly unknown[])[];
  /** SET/USE/PREPARE…: Trino's updateType, with no rows. */
  readonly updateType?: string;
  /** X-Trino-* headers that change the client's session. */
  readonly headers?: readonly (readonly [string, string])[];
}

export interface LocalQuery {
  readonly id: string;
  readonly slug: string;
  /** Who started it (token subject or X-Trino-User): only they may cancel it by id. */
  readonly owner: string | null;
  readonly startedAt: number;
  readonly controller: AbortController;
  /** Settles when the result (or the failure) is known; never rejects. */
  readonly done: Promise<void>;
  result: LocalResult | null;
  error: SqlError | null;
  /** The highest page token asked for so far. */
  token: number;
  timer: NodeJS.Timeout | null;
}

export interface LocalQueriesOptions {
  readonly abandonAfterMs: number;
  readonly maxQueries: number;
}

let sequence = 0;

/**
 * Random bytes for ids and slugs, drawn from the CSPRNG 4 KiB at a time: one randomBytes call per
 * statement cost more than the rest of a cached KPI statement's bookkeeping.
 */
const pool = { bytes: Buffer.alloc(0), at: 0 };
function randomHex(bytes: number): string {
  if (pool.at + bytes > pool.bytes.length) {
    pool.bytes = randomBytes(4_096);
    pool.at = 0;
  }
  const hex = pool.bytes.toString('hex', pool.at, pool.at + bytes);
  pool.at += bytes;
  return hex;
}
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Trino-shaped ids (`20250101_120000_00001_kpi3f`), so tools that show or parse them are at home. */
function queryId(now: Date): string {
  sequence = (sequence + 1) % 100_000;
  const d = now;
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}`;
  return `${stamp}_${pad(sequence, 5)}_kpi${randomHex(1)}`;
}

export class LocalQueries {
  private readonly queries = new Map<string, LocalQuery>();

  constructor(private readonly o: LocalQueriesOptions) {}

  get size(): number {
    return this.queries.size;
  }

  start(run: (signal: AbortSignal) => Promise<LocalResult>, owner: string | null): LocalQuery {
    if (this.queries.size >= this.o.maxQueries) {
      throw new SqlError(
        'QUERY_QUEUE_FULL',
        `Too many queries in flight here (${this.o.maxQueries}); retry later`,
      );
    }
    const controller = new AbortController();
    const query: LocalQuery = {
      id: queryId(new Date()),
      owner,
      slug: randomHex(12),
      startedAt: performance.now(),
      controller,
      done: Promise.resolve(),
      result: null,
      error: null,
      token: 0,
      timer: null,
    };
    (query as { done: Promise<void> }).done = run(controller.signal).then(
      (result) => {
        if (!controller.signal.aborted) query.result = result;
      },
      (error: unknown) => {
        query.error = controller.signal.aborted
          ? new SqlError('USER_CANCELED', 'Query was canceled')
          : toSqlError(error);
      },
    );
    this.queries.set(query.id, query);
    this.touch(query);
    return query;
  }

  /** The query if the id and slug match (the slug keeps other clients from reading or cancelling it). */
  get(id: string, slug: string): LocalQuery | null {
    const q = this.queries.get(id);
    return q && q.slug === slug ? q : null;
  }

  /** By id alone (DELETE /v1/query/{id}, as trino-client cancels), for the caller who started it. */
  byId(id: string, owner: string | null): LocalQuery | null {
    const q = this.queries.get(id);
    return q && q.owner === owner ? q : null;
  }

  /** Restarts the abandonment clock: a client polling keeps its query alive. */
  touch(q: LocalQuery): void {
    if (q.timer) clearTimeout(q.timer);
    q.timer = setTimeout(() => this.cancel(q), this.o.abandonAfterMs);
    q.timer.unref();
  }

  cancel(q: LocalQuery): void {
    q.controller.abort();
    this.forget(q);
  }

  forget(q: LocalQuery): void {
    if (q.timer) clearTimeout(q.timer);
    q.timer = null;
    this.queries.delete(q.id);
  }

  close(): void {
    for (const q of [...this.queries.values()]) this.cancel(q);
  }
}
