/**
 * Wiring of the batch calculation engine (src/scheduler) into a running service: the Scheduler from
 * configuration (ENABLE_SCHEDULER, SCHEDULER_*, MAX_CONCURRENT_CALCULATIONS, QUERY_TIMEOUT_MS), and
 * the JobsApi the routes read runs and back-fills through — runs are listed even where this instance
 * does not schedule (they are in the shared metrics store).
 */
import type { ServiceConfig } from '../config/env.ts';
import { BackfillRefused } from '../scheduler/backfill.ts';
import { type MaterializedValue, Scheduler, scheduleOf } from '../scheduler/scheduler.ts';
import { JobStore } from '../store/job-store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { DefinitionsService } from './definitions-service.ts';
import { Conflict, InvalidInput } from './errors.ts';
import type { QueryService } from './query-service.ts';
import type { Telemetry } from './telemetry.ts';
import type { JobsApi } from './types.ts';

export function schedulerFor(
  config: ServiceConfig,
  d: {
    definitions: DefinitionsService;
    queries: QueryService;
    sql: SqlClient;
    telemetry: Telemetry;
    log: (line: string) => void;
    onValue?: (value: MaterializedValue) => void;
  },
): { scheduler: Scheduler | null; jobs: JobsApi } {
  const { definitions, queries, sql, telemetry, log } = d;
  const scheduler = config.ENABLE_SCHEDULER
    ? new Scheduler({
        definitions,
        queries: { run: (query) => queries.run(query) },
        sql,
        defaultTimezone: config.SCHEDULER_TIMEZONE,
        maxConcurrent: config.MAX_CONCURRENT_CALCULATIONS,
        horizonMs: config.SCHEDULER_CATCHUP_HOURS * 3_600_000,
        leaseMs: (config.SCHEDULER_LEASE_SECONDS ?? (2 * config.QUERY_TIMEOUT_MS) / 1000 + 60) * 1000,
        retryBaseMs: config.SCHEDULER_RETRY_BASE_SECONDS * 1000,
        retryMaxMs: config.SCHEDULER_RETRY_MAX_SECONDS * 1000,
        sweepMs: config.SCHEDULER_SWEEP_SECONDS * 1000,
        chunkBuckets: config.SCHEDULER_CHUNK_BUCKETS,
        log,
        onRun: (run) => telemetry.schedulerRuns.inc({ outcome: run.outcome, trigger: run.trigger }),
        ...(d.onValue ? { onValue: d.onValue } : {}),
      })
    : null;
  const jobs = jobsApiFor(scheduler, sql, (kpiId) => {
    const found = definitions.list().find((x) => x.ir.id === kpiId);
    return found ? (scheduleOf(found.ir, config.SCHEDULER_TIMEZONE)?.timezone ?? null) : null;
  });
  return { scheduler, jobs };
}

/** The routes' view of runs and back-fills; a refused back-fill becomes a 4xx. */
export function jobsApiFor(
  scheduler: Scheduler | null,
  sql: SqlClient,
  scheduleTimezone: (kpiId: string) => string | null,
): JobsApi {
  const jobStore = new JobStore(sql);
  return {
    runs: (filter) => jobStore.runs(filter),
    backfill: (id) => jobStore.backfill(id),
    requestBackfill: scheduler
      ? (kpiId, start, end) =>
          scheduler.backfills.request(kpiId, start, end).catch((error) => {
            if (!(error instanceof BackfillRefused)) throw error;
            throw error.code === 'not-scheduled'
              ? new Conflict(error.code, error.message)
              : new InvalidInput(error.code, error.message);
          })
      : null,
    scheduleTimezone,
  };
}
