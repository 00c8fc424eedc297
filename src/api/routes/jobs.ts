/**
 * The scheduler's record: every bucket run (`GET /api/jobs`, newest first, filtered by KPI, outcome,
 * start time, back-fill), back-fills of a scheduled KPI over a range (`POST
 * /api/definitions/{kpiId}/backfill`, run as a job) and a back-fill's progress (`GET /api/backfills/{id}`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LIMITS } from '../../ir/limits.ts';
import { parseInstant } from '../../shared/time.ts';
import type { App, AppDeps, JobsApi } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, KpiIdParam } from '../schemas.ts';
import { strictObject } from '../strict-params.ts';

const instant = (name: string) =>
  z
    .string()
    .max(40)
    .openapi({ description: `${name}: YYYY-MM-DD or an ISO 8601 date-time`, example: '2025-01-01' });

const JobsQuery = strictObject({
  kpi: z
    .string()
    .max(LIMITS.MAX_ID_CHARS)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'KPI ids are identifiers: letters, digits and _')
    .optional(),
  outcome: z.enum(['success', 'failed']).optional(),
  since: instant('runs started at or after this instant (bare dates: midnight UTC)').optional(),
  backfill: z.string().uuid().optional().openapi({ description: 'runs of one back-fill' }),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const Backfill = z
  .object({
    id: z.string(),
    kpiId: z.string(),
    grain: z.string(),
    timezone: z.string(),
    start: z.string(),
    end: z.string(),
    buckets: z.number(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    succeeded: z.number(),
    failed: z.number(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Backfill');

const Run = z
  .object({
    id: z.string(),
    kpiId: z.string(),
    grain: z.string(),
    timezone: z.string(),
    bucket: z.object({ start: z.string(), end: z.string() }),
    startedAt: z.string(),
    finishedAt: z.string(),
    rows: z.number().nullable().openapi({ description: 'rows written to kpi_metrics (null: failed)' }),
    outcome: z.enum(['success', 'failed']),
    error: z.string().nullable(),
    trigger: z.enum(['schedule', 'catch-up', 'backfill']),
    attempt: z.number(),
    backfillId: z.string().nullable(),
    instance: z.string(),
  })
  .openapi('JobRun');

function at(text: string, tz: string, name: string): number {
  const ms = parseInstant(text, tz);
  if (ms === undefined) {
    throw new ApiError(
      400,
      'invalid-request',
      `${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time`,
      {
        parameter: name,
      },
    );
  }
  return ms;
}

function need(deps: AppDeps): JobsApi {
  if (!deps.jobs) throw new ApiError(404, 'not-found', 'the scheduler is not available here');
  return deps.jobs;
}

export function jobRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/jobs',
      tags: ['scheduler'],
      summary:
        "The scheduler's bucket runs, newest first (every instance's: they are kept in the metrics store)",
      request: { query: JobsQuery },
      responses: {
        200: {
          description: 'runs',
          content: { 'application/json': { schema: z.object({ jobs: z.array(Run) }) } },
        },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const jobs = await need(deps).runs({
        kpi: q.kpi,
        outcome: q.outcome,
        since: q.since === undefined ? undefined : at(q.since, 'UTC', 'since'),
        backfill: q.backfill,
        limit: q.limit,
      });
      return c.json({ jobs }, 200, { 'Cache-Control': 'no-store' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/definitions/{kpiId}/backfill',
      tags: ['scheduler'],
      summary:
        "Computes again every complete bucket of a scheduled KPI's schedule in [start, end), as a job (202; follow Location)",
      request: {
        params: KpiIdParam,
        body: {
          content: {
            'application/json': {
              schema: strictObject({
                start: instant('first bucket (bare dates: midnight in the schedule time zone)'),
                end: instant('exclusive end'),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        202: { description: 'the back-fill job', content: { 'application/json': { schema: Backfill } } },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const jobs = need(deps);
      const { kpiId } = c.req.valid('param');
      const body = c.req.valid('json');
      deps.definitions.get(kpiId);
      const tz = jobs.scheduleTimezone(kpiId);
      if (!tz)
        throw new ApiError(
          409,
          'not-scheduled',
          `KPI "${kpiId}" has no schedule: nothing is materialized for it`,
        );
      if (!jobs.requestBackfill) {
        throw new ApiError(
          409,
          'scheduler-disabled',
          'no scheduler runs in this instance (ENABLE_SCHEDULER=false)',
        );
      }
      const job = await jobs.requestBackfill(kpiId, at(body.start, tz, 'start'), at(body.end, tz, 'end'));
      return c.json(job, 202, { Location: `/api/backfills/${job.id}` }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/backfills/{id}',
      tags: ['scheduler'],
      summary: "A back-fill job's progress (its bucket runs: GET /api/jobs?backfill=ID)",
      request: {
        params: z.object({
          id: z
            .string()
            .uuid()
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: {
        200: { description: 'the back-fill job', content: { 'application/json': { schema: Backfill } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const job = await need(deps).backfill(c.req.valid('param').id);
      if (!job) throw new ApiError(404, 'not-found', `back-fill "${c.req.valid('param').id}" not found`);
      return c.json(job, 200, { 'Cache-Control': 'no-store' }) as never;
    },
  );
}
