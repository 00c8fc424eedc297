/**
 * The scheduler's bookkeeping in the metrics store, shared by every instance: bucket leases (who
 * computes a bucket now, and which buckets are done at which definition version), the record of every
 * run (`GET /api/jobs`), and back-fill jobs. Times come from the caller's clock, never the database's,
 * so a test's controllable clock governs leases and backoff too.
 */
// @ts-nocheck

import type { SqlClient } from './sql-client.ts';

export interface BucketKey {
  readonly kpiId: string;
  readonly grain: string;
}

export interface ClaimRequest extends BucketKey {
  readonly timezone: string;
  readonly version: string;
  /** Candidate buckets [start, end), in ms. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  /** Recompute buckets done before this instant too (a back-fill); default: only stale or missing ones. */
  readonly redoBefore?: number;
}

export type RunOutcome = 'success' | 'failed';

export interface RunRecord {
  readonly kpiId: string;
  readonly grain: string;
  readonly timezone: string;
  readonly bucketStart: number;
  readonly bucketEnd: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly rows: number | null;
  readonly outcome: RunOutcome;
  readonly error: string | null;
  readonly trigger: string;
  readonly attempt: number;
  readonly backfillId: string | null;
  readonly instance: string;
}

export interface RunFilter {
  readonly kpi?: string | undefined;
  readonly outcome?: RunOutcome | undefined;
  readonly since?: number | undefined;
  readonly backfill?: string | undefined;
  readonly limit: number;
}

export interface BackfillRecord {
  readonly id: string;
  readonly kpiId: string;
  readonly grain: string;
  readonly timezone: string;
  readonly start: string;
  readonly end: string;
  readonly buckets: number;
  readonly state: 'queued' | 'running' | 'done' | 'failed';
  readonly succeeded: number;
  readonly failed: number;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

export class JobStore {
  constructor(private readonly db: SqlClient) {}

  /** Starts of the buckets in [from, to) done at `version` in `timezone`. */
  async doneBuckets(
    key: BucketKey,
    timezone: string,
    version: string,
    from: number,
    to: number,
  ): Promise<Set<number>> {
    const rows = await this.db.query<{ bucket_start: Date }>(
      `SELECT bucket_start FROM kpi_store.schedule_buckets
       WHERE kpi_id = $1 AND grain = $2 AND bucket_start >= $3 AND bucket_start < $4
         AND state = 'done' AND version = $5 AND timezone = $6`,
      [key.kpiId, key.grain, new Date(from), new Date(to), version, timezone],
    );
    return new Set(rows.map((r) => new Date(r.bucket_start).getTime()));
  }

  /**
   * Takes the lease of every candidate bucket nobody else holds and that needs computing: new, failed
   * and due for a retry, running under an expired lease (its owner died), or done at another version or
   * time zone (or before `redoBefore`). One statement: two instances never both get a bucket.
   * Returns the claimed buckets with their attempt number, oldest first.
   */
  async claim(r: ClaimRequest): Promise<{ start: number; end: number; attempt: number }[]> {
    if (r.buckets.length === 0) return [];
    const now = new Date(r.now);
    const rows = await this.db.query<{ bucket_start: Date; bucket_end: Date; attempts: number }>(
      `INSERT INTO kpi_store.schedule_buckets AS b
         (kpi_id, grain, bucket_start, bucket_end, timezone, state, version, owner, lease_until, attempts, updated_at)
       SELECT $1, $2, s, e, $3, 'running', $4, $5, $6::timestamptz, 1, $7::timestamptz
       FROM unnest($8::timestamptz[], $9::timestamptz[]) AS c(s, e)
       ON CONFLICT (kpi_id, grain, bucket_start) DO UPDATE
         SET state = 'running', owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until,
             bucket_end = EXCLUDED.bucket_end, timezone = EXCLUDED.timezone, version = EXCLUDED.version,
             attempts = CASE WHEN b.state = 'done' THEN 1 ELSE b.attempts + 1 END, updated_at = EXCLUDED.updated_at
         WHERE (b.state = 'running' AND b.lease_until <= $7::timestamptz)
            OR (b.state = 'failed' AND (b.next_attempt_at IS NULL OR b.next_attempt_at <= $7::timestamptz
                                        OR b.version <> $4 OR b.timezone <> $3))
            OR (b.state = 'done' AND (b.version <> $4 OR b.timezone <> $3 OR ($10::timestamptz IS NOT NULL AND b.updated_at <= $10::timestamptz)))
       RETURNING bucket_start, bucket_end, attempts`,
      [
        r.kpiId,
        r.grain,
        r.timezone,
        r.version,
        r.owner,
        new Date(r.now + r.leaseMs),
        now,
        r.buckets.map(([s]) => new Date(s).toISOString()),
        r.buckets.map(([, e]) => new Date(e).toISOString()),
        r.redoBefore === undefined ? null : new Date(r.redoBefore),
      ],
    );
    return rows
      .map((x) => ({
        start: new Date(x.bucket_start).getTime(),
        end: new Date(x.bucket_end).getTime(),
        attempt: Number(x.attempts),
      }))
      .sort((a, b) => a.start - b.start);
  }

  /**
   * Marks a claimed bucket done, inside the transaction that wrote its rows. Throws when the lease was
   * lost meanwhile (it expired and another instance took the bucket): the transaction then rolls back.
   */
  static async complete(
    tx: SqlClient,
    key: BucketKey,
    start: number,
    owner: string,
    rows: number,
    now: number,
  ): Promise<void> {
    const done = await tx.query(
      `UPDATE kpi_store.schedule_buckets
       SET state = 'done', rows = $5, lease_until = NULL, next_attempt_at = NULL, updated_at = $6
       WHERE kpi_id = $1 AND grain = $2 AND bucket_start = $3 AND owner = $4 AND state = 'running'
       RETURNING 1 AS ok`,
      [key.kpiId, key.grain, new Date(start), owner, rows, new Date(now)],
    );
    if (done.length !== 1) throw new LeaseLostError(key, start);
  }

  /** Marks a claimed bucket failed, to be retried from `retryAt` (only while this owner holds it). */
  async fail(key: BucketKey, start: number, owner: string, now: number, retryAt: number): Promise<void> {
    await this.db.query(
      `UPDATE kpi_store.schedule_buckets
       SET state = 'failed', lease_until = NULL, next_attempt_at = $5, updated_at = $6
       WHERE kpi_id = $1 AND grain = $2 AND bucket_start = $3 AND owner = $4 AND state = 'running'`,
      [key.kpiId, key.grain, new Date(start), owner, new Date(retryAt), new Date(now)],
    );
  }

  static async record(db: SqlClient, run: RunRecord): Promise<void> {
    await db.query(
      `INSERT INTO kpi_store.scheduler_runs (kpi_id, grain, timezone, bucket_start, bucket_end, started_at,
         finished_at, rows, outcome, error, trigger, attempt, backfill_id, instance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        run.kpiId,
        run.grain,
        run.timezone,
        new Date(run.bucketStart),
        new Date(run.bucketEnd),
        new Date(run.startedAt),
        new Date(run.finishedAt),
        run.rows,
        run.outcome,
        run.error,
        run.trigger,
        run.attempt,
        run.backfillId,
        run.instance,
      ],
    );
  }

  record(run: RunRecord): Promise<void> {
    return JobStore.record(this.db, run);
  }

  /** Runs, newest first. */
  async runs(f: RunFilter): Promise<Record<string, unknown>[]> {
    const rows = await this.db.query(
      `SELECT * FROM kpi_store.scheduler_runs
       WHERE ($1::text IS NULL OR kpi_id = $1) AND ($2::text IS NULL OR outcome = $2)
         AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::text IS NULL OR backfill_id = $4)
       ORDER BY started_at DESC, id DESC LIMIT $5`,
      [
        f.kpi ?? null,
        f.outcome ?? null,
        f.since === undefined ? null : new Date(f.since),
        f.backfill ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => ({
      id: String(r.id),
      kpiId: r.kpi_id,
      grain: r.grain,
      timezone: r.timezone,
      bucket: { start: iso(r.bucket_start), end: iso(r.bucket_end) },
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      rows: r.rows === null ? null : Number(r.rows),
      outcome: r.outcome,
      error: r.error ?? null,
      trigger: r.trigger,
      attempt: Number(r.attempt),
      backfillId: r.backfill_id ?? null,
      instance: r.instance,
    }));
  }

  async createBackfill(b: {
    id: string;
    kpiId: string;
    grain: string;
    timezone: string;
    start: number;
    end: number;
    buckets: number;
    now: number;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO kpi_store.backfills (id, kpi_id, grain, timezone, range_start, range_end, buckets, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8)`,
      [b.id, b.kpiId, b.grain, b.timezone, new Date(b.start), new Date(b.end), b.buckets, new Date(b.now)],
    );
  }

  /** Takes a back-fill that is queued, or running under an expired lease; null when none is. */
  async claimBackfill(
    owner: string,
    now: number,
    leaseMs: number,
    id?: string,
    except: readonly string[] = [],
  ): Promise<BackfillRecord | null> {
    const [row] = await this.db.query(
      `UPDATE kpi_store.backfills SET state = 'running', owner = $1, lease_until = $2
       WHERE id = (SELECT id FROM kpi_store.backfills
                   WHERE (state = 'queued' OR (state = 'running' AND lease_until <= $3))
                     AND ($4::text IS NULL OR id = $4) AND NOT (id = ANY($5::text[]))
                   ORDER BY created_at LIMIT 1)
         AND (state = 'queued' OR (state = 'running' AND lease_until <= $3))
       RETURNING *`,
      [owner, new Date(now + leaseMs), new Date(now), id ?? null, except],
    );
    return row ? backfillOf(row) : null;
  }

  /** Progress (and lease renewal) of a back-fill this owner runs; `state` ends it. */
  async updateBackfill(
    id: string,
    owner: string,
    p: {
      succeeded: number;
      failed: number;
      leaseUntil: number;
      state?: 'done' | 'failed';
      error?: string;
      now: number;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE kpi_store.backfills SET succeeded = $3, failed = $4, lease_until = $5,
         state = COALESCE($6, state), error = COALESCE($7, error),
         finished_at = CASE WHEN $6::text IS NULL THEN finished_at ELSE $8::timestamptz END
       WHERE id = $1 AND owner = $2`,
      [
        id,
        owner,
        p.succeeded,
        p.failed,
        new Date(p.leaseUntil),
        p.state ?? null,
        p.error ?? null,
        new Date(p.now),
      ],
    );
  }

  async backfill(id: string): Promise<BackfillRecord | null> {
    const [row] = await this.db.query('SELECT * FROM kpi_store.backfills WHERE id = $1', [id]);
    return row ? backfillOf(row) : null;
  }
}

function backfillOf(r: Record<string, unknown>): BackfillRecord {
  return {
    id: String(r.id),
    kpiId: String(r.kpi_id),
    grain: String(r.grain),
    timezone: String(r.timezone),
    start: iso(r.range_start),
    end: iso(r.range_end),
    buckets: Number(r.buckets),
    state: r.state as BackfillRecord['state'],
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
    error: (r.error as string | null) ?? null,
    createdAt: iso(r.created_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

export class LeaseLostError extends Error {
  constructor(key: BucketKey, start: number) {
    super(`lease lost: ${key.kpiId} ${key.grain} bucket ${new Date(start).toISOString()} was taken over`);
    this.name = 'LeaseLostError';
  }
}
