/**
 * Back-fills (POST /api/definitions/:id/backfill): every complete bucket of the KPI's schedule in a
 * range is computed again — also buckets stored before — as a job recorded in the metrics store. The
 * job is leased like a bucket: whichever instance holds it runs it, renewing the lease after each chunk;
 * if that instance dies, the next sweep of any instance resumes it, skipping buckets it already did.
 */
import { randomUUID } from 'node:crypto';
import type { BackfillRecord, JobStore } from '../store/job-store.ts';
import type { BucketRunner, RunCounts } from './bucket-runner.ts';
import { bucketsIn } from './buckets.ts';
import type { Clock } from './clock.ts';
import type { Schedule } from './schedule.ts';

/** More buckets than this in one back-fill is refused (split the range). */
export const MAX_BACKFILL_BUCKETS = 50_000;

export interface BackfillOptions {
  readonly jobs: JobStore;
  readonly runner: BucketRunner;
  readonly clock: Clock;
  readonly instance: string;
  readonly leaseMs: number;
  readonly schedule: (kpiId: string) => Schedule | null;
  readonly version: (kpiId: string) => string;
  readonly track: <T>(work: Promise<T>) => Promise<T>;
  readonly log?: (line: string) => void;
  readonly chunk?: number;
}

/** Why a back-fill request cannot run (the API answers 4xx with it). */
export class BackfillRefused extends Error {
  constructor(
    readonly code: 'not-scheduled' | 'invalid-range' | 'limit-exceeded',
    message: string,
  ) {
    super(message);
    this.name = 'BackfillRefused';
  }
}

export class Backfills {
  /** Jobs running in this process: a sweep never resumes one of its own (its lease may lapse mid-chunk). */
  private readonly running = new Set<string>();

  constructor(private readonly o: BackfillOptions) {}

  /**
   * Records a back-fill of the complete buckets that start in [start, end) and starts it here.
   * Buckets that have not ended yet are left out (they are not complete).
   */
  async request(kpiId: string, start: number, end: number): Promise<BackfillRecord> {
    const s = this.o.schedule(kpiId);
    if (!s) {
      throw new BackfillRefused(
        'not-scheduled',
        `KPI "${kpiId}" has no schedule: nothing is materialized for it`,
      );
    }
    if (!(start < end)) throw new BackfillRefused('invalid-range', 'start must be before end');
    const now = this.o.clock.now();
    const buckets = bucketsIn(s.grain, start, Math.min(end, now), s.timezone, MAX_BACKFILL_BUCKETS + 1);
    if (buckets === null || buckets.length > MAX_BACKFILL_BUCKETS) {
      throw new BackfillRefused(
        'limit-exceeded',
        `the range holds more than ${MAX_BACKFILL_BUCKETS} ${s.grain} buckets; back-fill it in parts`,
      );
    }
    const complete = buckets.filter(([, e]) => e <= now);
    if (complete.length === 0) {
      throw new BackfillRefused(
        'invalid-range',
        `the range holds no complete ${s.grain} bucket in ${s.timezone}`,
      );
    }
    const id = randomUUID();
    await this.o.jobs.createBackfill({
      id,
      kpiId,
      grain: s.grain,
      timezone: s.timezone,
      start: complete[0]![0],
      end: complete.at(-1)![1],
      buckets: complete.length,
      now,
    });
    void this.o.track(this.run(id));
    return (await this.o.jobs.backfill(id))!;
  }

  /** Runs back-fills nobody runs (queued, or their owner's lease expired). */
  async resume(): Promise<void> {
    while (true) {
      const job = await this.o.jobs.claimBackfill(
        this.o.instance,
        this.o.clock.now(),
        this.o.leaseMs,
        undefined,
        [...this.running],
      );
      if (!job) return;
      await this.execute(job);
    }
  }

  private async run(id: string): Promise<void> {
    const job = await this.o.jobs.claimBackfill(this.o.instance, this.o.clock.now(), this.o.leaseMs, id);
    if (job) await this.execute(job);
  }

  private async execute(job: BackfillRecord): Promise<void> {
    this.running.add(job.id);
    try {
      await this.executeOwned(job);
    } finally {
      this.running.delete(job.id);
    }
  }

  private async executeOwned(job: BackfillRecord): Promise<void> {
    const s = this.o.schedule(job.kpiId);
    const now = () => this.o.clock.now();
    const done = { succeeded: job.succeeded, failed: 0 };
    if (!s || s.grain !== job.grain || s.timezone !== job.timezone) {
      await this.o.jobs.updateBackfill(job.id, this.o.instance, {
        ...done,
        leaseUntil: now(),
        state: 'failed',
        error: `KPI "${job.kpiId}" is no longer scheduled per ${job.grain} in ${job.timezone}`,
        now: now(),
      });
      return;
    }
    const buckets = bucketsIn(s.grain, Date.parse(job.start), Date.parse(job.end), s.timezone) ?? [];
    const chunk = this.o.chunk ?? 200;
    try {
      for (let i = 0; i < buckets.length; i += chunk) {
        const counts: RunCounts = await this.o.runner.run(
          {
            kpi: s.kpi,
            grain: s.grain,
            timezone: s.timezone,
            version: this.o.version(job.kpiId),
            trigger: 'backfill',
            backfillId: job.id,
            // Buckets this job already did (a resumed job) are done after its creation: not again.
            redoBefore: Date.parse(job.createdAt),
          },
          buckets.slice(i, i + chunk),
        );
        done.succeeded += counts.succeeded;
        done.failed += counts.failed;
        await this.o.jobs.updateBackfill(job.id, this.o.instance, {
          ...done,
          leaseUntil: now() + this.o.leaseMs,
          now: now(),
        });
      }
      await this.o.jobs.updateBackfill(job.id, this.o.instance, {
        ...done,
        leaseUntil: now(),
        state: done.failed > 0 ? 'failed' : 'done',
        ...(done.failed > 0
          ? { error: `${done.failed} buckets failed (see GET /api/jobs?backfill=${job.id})` }
          : {}),
        now: now(),
      });
    } catch (error) {
      this.o.log?.(`scheduler: back-fill ${job.id} of ${job.kpiId}: ${(error as Error).message}`);
      await this.o.jobs
        .updateBackfill(job.id, this.o.instance, {
          ...done,
          leaseUntil: now(),
          state: 'failed',
          error: (error as Error).message,
          now: now(),
        })
        .catch(() => {});
    }
  }
}
