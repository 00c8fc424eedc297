/**
 * The batch calculation engine: each KPI with a `schedule` gets a croner schedule in its time zone
 * (default SCHEDULER_TIMEZONE) that fires when a bucket of its frequency completes; each firing
 * materializes every complete bucket within the catch-up horizon that is not stored at the KPI's current
 * definition version — the just-completed one, and after downtime every missed one, oldest first. A
 * sweep (start-up, then every SCHEDULER_SWEEP_SECONDS) does the same for all KPIs: retries that are due,
 * buckets whose owner died mid-run, aggregates left unrefreshed by a crash, orphaned back-fills.
 * At most MAX_CONCURRENT_CALCULATIONS KPIs run at once; one failing never stops the others.
 */
import { hostname } from 'node:os';
import { Cron } from 'croner';
import { Semaphore } from '../exec/limiter.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { HistoryStore } from '../store/history-store.ts';
import { JobStore, type RunRecord } from '../store/job-store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { Backfills } from './backfill.ts';
import { BucketRunner, type MaterializedValue, type RunCounts } from './bucket-runner.ts';

export type { MaterializedValue } from './bucket-runner.ts';

import { cronPattern, dueBuckets } from './buckets.ts';
import { type Clock, systemClock } from './clock.ts';
import type { SchedulerQueries } from './materialize.ts';
import { type Schedule, scheduleOf } from './schedule.ts';

export interface SchedulerDefinitions {
  list(): readonly { readonly ir: KpiIR }[];
  versionVector(kpiId: string): string;
  onChange(listener: (changed: readonly string[]) => void | Promise<void>): void;
}

export interface SchedulerOptions {
  readonly definitions: SchedulerDefinitions;
  readonly queries: SchedulerQueries;
  readonly sql: SqlClient;
  readonly defaultTimezone: string;
  readonly clock?: Clock;
  /** KPIs materialized at once (MAX_CONCURRENT_CALCULATIONS). */
  readonly maxConcurrent?: number;
  /** Missed buckets that ended longer ago than this are left to back-fills. */
  readonly horizonMs?: number;
  /** How long a claimed bucket stays this instance's before another may take it over. */
  readonly leaseMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly sweepMs?: number;
  /** Buckets claimed and computed together (default 200). */
  readonly chunkBuckets?: number;
  /** Names this instance in leases and run records; default host:pid:random. */
  readonly instance?: string;
  readonly log?: (line: string) => void;
  /** Every bucket run, as recorded (metrics, tests). */
  readonly onRun?: (run: RunRecord) => void;
  /** Every value stored by a schedule or catch-up run (the alerts evaluate thresholds on it). */
  readonly onValue?: (value: MaterializedValue) => void;
  /** A KPI's schedule fired at the clock's `at` (tests check the instants). */
  readonly onFire?: (kpiId: string, at: number) => void;
}

export { type Schedule, scheduleOf } from './schedule.ts';

export class Scheduler {
  readonly history: HistoryStore;
  readonly jobs: JobStore;
  readonly clock: Clock;
  readonly instance: string;
  readonly backfills: Backfills;
  private readonly runner: BucketRunner;
  private readonly limiter: Semaphore;
  private readonly timers = new Map<string, () => void>();
  private readonly kpis = new Map<string, { running: Promise<void> | null; again: boolean }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private cancelSweep: (() => void) | null = null;
  private running = false;
  private prepared: Promise<unknown> | null = null;

  constructor(private readonly o: SchedulerOptions) {
    this.clock = o.clock ?? systemClock;
    this.instance = o.instance ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.history = new HistoryStore(o.sql);
    this.jobs = new JobStore(o.sql);
    this.limiter = new Semaphore(o.maxConcurrent ?? 10);
    this.runner = new BucketRunner({
      sql: o.sql,
      history: this.history,
      jobs: this.jobs,
      queries: o.queries,
      clock: this.clock,
      instance: this.instance,
      leaseMs: o.leaseMs ?? 120_000,
      retryBaseMs: o.retryBaseMs ?? 30_000,
      retryMaxMs: o.retryMaxMs ?? 3_600_000,
      ready: () => this.prepare(),
      ...(o.chunkBuckets ? { chunk: o.chunkBuckets } : {}),
      ...(o.onRun ? { onRun: o.onRun } : {}),
      ...(o.onValue ? { onValue: o.onValue } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    this.backfills = new Backfills({
      jobs: this.jobs,
      runner: this.runner,
      clock: this.clock,
      instance: this.instance,
      leaseMs: o.leaseMs ?? 120_000,
      schedule: (kpiId) => this.schedule(kpiId),
      version: (kpiId) => o.definitions.versionVector(kpiId),
      track: (work) => this.track(work),
      ...(o.chunkBuckets ? { chunk: o.chunkBuckets } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    o.definitions.onChange((changed) => {
      if (!this.running) return;
      this.armAll();
      for (const id of changed) if (this.schedule(id)) this.kick(id, 'catch-up');
    });
  }

  /** Creates the history aggregates if missing; start() does it too. */
  prepare(): Promise<unknown> {
    this.prepared ??= this.history.prepare(this.o.log);
    return this.prepared;
  }

  isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.track(
      this.prepare().then(() => {
        if (!this.running) return;
        this.armAll();
        this.sweep();
      }),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.cancelSweep?.();
    this.cancelSweep = null;
    await this.idle();
  }

  /** Resolves once no run, sweep or back-fill started so far is still going. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  schedule(kpiId: string): Schedule | null {
    const d = this.o.definitions.list().find((x) => x.ir.id === kpiId);
    return d ? scheduleOf(d.ir, this.o.defaultTimezone) : null;
  }

  private schedules(): Schedule[] {
    return this.o.definitions
      .list()
      .map((d) => scheduleOf(d.ir, this.o.defaultTimezone))
      .filter((s): s is Schedule => s !== null);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.catch((error) => {
      this.o.log?.(`scheduler: ${(error as Error)?.stack ?? error}`);
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return work;
  }

  /** One croner schedule per scheduled KPI (re-made when definitions change). */
  private armAll(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    for (const s of this.schedules()) this.arm(s, this.clock.now());
  }

  private arm(s: Schedule, from: number): void {
    const cron = new Cron(cronPattern(s.grain), { timezone: s.timezone, paused: true });
    const next = cron.nextRun(new Date(from));
    if (!next) return;
    const at = next.getTime();
    this.timers.set(
      s.kpi.id,
      this.clock.at(at, () => {
        this.timers.delete(s.kpi.id);
        if (!this.running) return;
        this.o.onFire?.(s.kpi.id, this.clock.now());
        this.kick(s.kpi.id, 'schedule');
        const current = this.schedule(s.kpi.id);
        if (current) this.arm(current, Math.max(at, this.clock.now()));
      }),
    );
  }

  /** Catch-up for every scheduled KPI, then again after SCHEDULER_SWEEP_SECONDS. */
  private sweep(): void {
    this.cancelSweep = null;
    if (!this.running) return;
    const schedules = this.schedules();
    for (const s of schedules) this.kick(s.kpi.id, 'catch-up');
    const horizon = this.o.horizonMs ?? 48 * 3_600_000;
    const now = this.clock.now();
    if (this.history.aggregates === 'continuous' && schedules.length > 0) {
      // Whatever a crash between a bucket's commit and its aggregate refresh left behind.
      this.track(this.history.refreshAggregates(new Date(now - horizon - 86_400_000), new Date(now)));
    }
    this.track(this.backfills.resume());
    this.cancelSweep = this.clock.at(now + (this.o.sweepMs ?? 60_000), () => this.sweep());
  }

  /**
   * Materializes a KPI's due buckets; while a run of the KPI is going, asks for one more afterwards
   * (runs of one KPI never overlap in this instance; across instances the leases keep them apart).
   */
  kick(kpiId: string, trigger: 'schedule' | 'catch-up'): Promise<void> {
    const state = this.kpis.get(kpiId) ?? { running: null, again: false };
    this.kpis.set(kpiId, state);
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const work = this.limiter
      .run(() => this.materialize(kpiId, trigger))
      .then(() => undefined)
      .finally(() => {
        state.running = null;
        if (state.again && this.running) {
          state.again = false;
          void this.kick(kpiId, 'catch-up');
        }
      });
    state.running = work;
    return this.track(work);
  }

  /** The due buckets of one KPI not yet stored at its current version, oldest first. */
  async materialize(kpiId: string, trigger: 'schedule' | 'catch-up'): Promise<RunCounts> {
    const s = this.schedule(kpiId);
    if (!s) return { succeeded: 0, failed: 0, skipped: 0 };
    const version = this.o.definitions.versionVector(kpiId);
    const due = dueBuckets(s.grain, this.clock.now(), s.timezone, this.o.horizonMs ?? 48 * 3_600_000);
    const key = { kpiId, grain: s.grain };
    const done = await this.jobs.doneBuckets(key, s.timezone, version, due[0]![0], due.at(-1)![1]);
    const missing = due.filter(([start]) => !done.has(start));
    if (missing.length === 0) return { succeeded: 0, failed: 0, skipped: 0 };
    return this.runner.run({ kpi: s.kpi, grain: s.grain, timezone: s.timezone, version, trigger }, missing);
  }
}
