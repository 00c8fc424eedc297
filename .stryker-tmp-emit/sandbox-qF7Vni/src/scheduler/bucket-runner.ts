/**
 * Runs buckets of one KPI exactly once across instances: claim their leases (one statement in the
 * metrics store), compute each run of consecutive claimed buckets, then write every bucket in its own
 * transaction — its rows, the table aggregates where there are no continuous ones, its `done` mark
 * (refused when the lease was lost) and its run record — so a crash leaves a bucket whole or untouched.
 * A failure marks the bucket failed with the next attempt after an exponential backoff.
 */
// @ts-nocheck

import type { Grain, KpiIR } from '../ir/kpi.ts';
import { HistoryStore } from '../store/history-store.ts';
import { JobStore, type RunRecord } from '../store/job-store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { Bucket } from './buckets.ts';
import type { Clock } from './clock.ts';
import { computeBuckets, consecutiveRuns, type SchedulerQueries } from './materialize.ts';

export interface RunnerOptions {
  readonly sql: SqlClient;
  readonly history: HistoryStore;
  readonly jobs: JobStore;
  readonly queries: SchedulerQueries;
  readonly clock: Clock;
  readonly instance: string;
  readonly leaseMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Buckets claimed and computed together (one lease statement, two engine queries). */
  readonly chunk?: number;
  readonly onRun?: (run: RunRecord) => void;
  readonly log?: (line: string) => void;
  /** Told of every value stored by a schedule or catch-up run, oldest first (the alerts); not back-fills. */
  readonly onValue?: (value: MaterializedValue) => void;
  /** Resolves once the history aggregates exist (and their kind is known). */
  readonly ready?: () => Promise<unknown>;
}

/** One stored value, as the alerts see it. */
export interface MaterializedValue {
  readonly kpiId: string;
  /** The bucket's start (an ISO instant). */
  readonly bucket: string;
  /** The dimension values of the series ({} for the KPI as a whole). */
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly value: number | null;
}

export interface RunTarget {
  readonly kpi: KpiIR;
  readonly grain: Grain;
  readonly timezone: string;
  /** The definitions' version vector the values are computed with. */
  readonly version: string;
  readonly trigger: 'schedule' | 'catch-up' | 'backfill';
  readonly backfillId?: string;
  /** Recompute buckets done before this instant too (a back-fill's creation). */
  readonly redoBefore?: number;
}

export interface RunCounts {
  succeeded: number;
  failed: number;
  /** Buckets another instance held or had done: not run here. */
  skipped: number;
}

/** Exponential backoff: base, 2×base, 4×base … capped. */
export const backoffMs = (attempt: number, base: number, max: number): number =>
  Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));

export class BucketRunner {
  constructor(private readonly o: RunnerOptions) {}

  /** Runs the buckets (oldest first) that this instance can claim; returns what happened. */
  async run(t: RunTarget, buckets: readonly Bucket[]): Promise<RunCounts> {
    const counts: RunCounts = { succeeded: 0, failed: 0, skipped: 0 };
    await this.o.ready?.();
    const size = this.o.chunk ?? 200;
    for (let i = 0; i < buckets.length; i += size) {
      const candidates = buckets.slice(i, i + size);
      // Claimed right before computing them, so a long back-fill never outlives its leases.
      const claimed = await this.o.jobs.claim({
        kpiId: t.kpi.id,
        grain: t.grain,
        timezone: t.timezone,
        version: t.version,
        buckets: candidates,
        owner: this.o.instance,
        now: this.o.clock.now(),
        leaseMs: this.o.leaseMs,
        ...(t.redoBefore !== undefined ? { redoBefore: t.redoBefore } : {}),
      });
      counts.skipped += candidates.length - claimed.length;
      for (const run of consecutiveRuns(claimed, size)) await this.runConsecutive(t, run, counts);
    }
    return counts;
  }

  private async runConsecutive(
    t: RunTarget,
    run: readonly { start: number; end: number; attempt: number }[],
    counts: RunCounts,
  ): Promise<void> {
    const startedAt = this.o.clock.now();
    let values: Map<number, { dimensions: Record<string, unknown>; value: number | null }[]>;
    try {
      values = await computeBuckets(
        this.o.queries,
        t.kpi,
        t.grain,
        t.timezone,
        run.map((b) => [b.start, b.end] as const),
      );
    } catch (error) {
      for (const b of run) await this.failed(t, b, startedAt, error, counts);
      return;
    }
    const key = { kpiId: t.kpi.id, grain: t.grain };
    for (const b of run) {
      const rows = values.get(b.start) ?? [];
      try {
        const record = await this.o.sql.transaction(async (tx) => {
          const now = this.o.clock.now();
          await HistoryStore.writeBucket(tx, t.kpi.id, t.grain, new Date(b.start), rows, new Date(now));
          if (this.o.history.aggregates === 'table')
            await this.o.history.refreshAggregates(new Date(b.start), new Date(b.end), tx);
          await JobStore.complete(tx, key, b.start, this.o.instance, rows.length, now);
          const r = this.record(t, b, startedAt, rows.length, null);
          await JobStore.record(tx, r);
          return r;
        });
        counts.succeeded++;
        this.o.onRun?.(record);
        // History re-computed by a back-fill is not news: only what schedules and catch-up store is told.
        if (t.trigger !== 'backfill') {
          for (const row of rows) {
            this.o.onValue?.({
              kpiId: t.kpi.id,
              bucket: new Date(b.start).toISOString(),
              dimensions: row.dimensions,
              value: row.value,
            });
          }
        }
      } catch (error) {
        await this.failed(t, b, startedAt, error, counts);
      }
    }
    if (this.o.history.aggregates === 'continuous' && counts.succeeded > 0) {
      // Outside any transaction (TimescaleDB's rule); a crash before it is made good by the next sweep.
      await this.o.history
        .refreshAggregates(new Date(run[0]!.start), new Date(run.at(-1)!.end))
        .catch((error) =>
          this.o.log?.(`scheduler: refreshing kpi_hourly/kpi_daily: ${(error as Error).message}`),
        );
    }
  }

  private record(
    t: RunTarget,
    b: { start: number; end: number; attempt: number },
    startedAt: number,
    rows: number | null,
    error: string | null,
  ): RunRecord {
    return {
      kpiId: t.kpi.id,
      grain: t.grain,
      timezone: t.timezone,
      bucketStart: b.start,
      bucketEnd: b.end,
      startedAt,
      finishedAt: this.o.clock.now(),
      rows,
      outcome: error === null ? 'success' : 'failed',
      error,
      trigger: t.trigger,
      attempt: b.attempt,
      backfillId: t.backfillId ?? null,
      instance: this.o.instance,
    };
  }

  private async failed(
    t: RunTarget,
    b: { start: number; end: number; attempt: number },
    startedAt: number,
    error: unknown,
    counts: RunCounts,
  ): Promise<void> {
    counts.failed++;
    const message = (error as Error)?.message ?? String(error);
    const now = this.o.clock.now();
    const retryAt = now + backoffMs(b.attempt, this.o.retryBaseMs, this.o.retryMaxMs);
    const record = this.record(t, b, startedAt, null, message.slice(0, 2_000));
    try {
      await this.o.jobs.fail({ kpiId: t.kpi.id, grain: t.grain }, b.start, this.o.instance, now, retryAt);
      await this.o.jobs.record(record);
    } catch (storeError) {
      this.o.log?.(`scheduler: recording a failed run of ${t.kpi.id}: ${(storeError as Error).message}`);
    }
    this.o.onRun?.(record);
    this.o.log?.(
      `scheduler: ${t.kpi.id} ${t.grain} ${new Date(b.start).toISOString()} failed (attempt ${b.attempt}): ${message}`,
    );
  }
}
