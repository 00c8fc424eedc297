/**
 * Rollups (federated mode): list with their state, one rollup's status against its source (and the last
 * job), and the cold build and incremental refresh — in the request, or started with `Prefer:
 * respond-async` (202 and the job). The optimizer answers from a rollup once its load publishes.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps, RollupAdmin } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../schemas.ts';

const RollupName = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'rollup names are lower-case identifiers')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'subscriptions_daily' }),
});

const RollupState = z
  .object({
    watermark: z.string().nullable().openapi({ description: 'published: the optimizer reads below it' }),
    loadedTo: z.string().nullable(),
    builtAt: z.string().nullable(),
    factRows: z.number(),
    aggRows: z.number(),
    sourceRows: z.number().nullable().openapi({
      description: "source rows it summarizes: the optimizer's cost estimate (null: not recorded yet)",
    }),
    materialization: z.string(),
    revision: z
      .string()
      .openapi({ description: 'moves whenever published data below the watermark may change' }),
    checkedAt: z
      .string()
      .nullable()
      .openapi({ description: 'last comparison with the source (mutable window)' }),
    verifiedAt: z.string().nullable().openapi({ description: 'last full verification' }),
    dirtyPartitions: z.array(z.tuple([z.string(), z.string()])).openapi({
      description: 'partitions being re-loaded because their source changed (read raw meanwhile)',
    }),
    sourceIdentity: z.string().nullable(),
    captureSeen: z.string().nullable().openapi({
      description: 'change-capture log id consumed so far (null: capture not installed or not read yet)',
    }),
  })
  .nullable();

const RollupInfo = z
  .object({
    name: z.string(),
    on: z.string(),
    grain: z.string(),
    timezone: z.string(),
    dimensions: z.array(z.string()),
    measures: z.array(z.string()),
    state: RollupState,
  })
  .openapi('Rollup');

const RollupLoad = z
  .object({
    name: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    factRows: z.number(),
    aggRows: z.number(),
    ms: z.number(),
    materialization: z.string(),
    checked: z.object({
      mode: z.string().openapi({ description: 'window, capture (the change log) or full' }),
      from: z.string().nullable(),
      partitions: z.number(),
      rowsScanned: z.number(),
      ms: z.number(),
    }),
    repaired: z
      .array(z.tuple([z.string(), z.string()]))
      .openapi({ description: 'published partitions whose source had changed, re-loaded' }),
    reason: z.string().nullable(),
  })
  .openapi('RollupLoad');

const RollupJobSchema = z
  .object({
    action: z.enum(['build', 'refresh', 'verify']),
    state: z.enum(['running', 'done', 'failed']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    result: RollupLoad.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi('RollupJob');

export function rollupRoutes(app: App, deps: AppDeps): void {
  const admin = (): RollupAdmin => {
    if (deps.rollups) return deps.rollups;
    throw new ApiError(
      501,
      'rollups-unavailable',
      'rollups need the federated service (TIMESCALE_URL and TRINO_URL) with ENABLE_OPTIMIZER on',
    );
  };
  const errors = errorResponses(400, 401, 403, 404, 501, 503);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rollups',
      tags: ['rollups'],
      summary: 'Rollup definitions with what the metrics store says of them',
      responses: {
        200: {
          description: 'rollups',
          content: { 'application/json': { schema: z.object({ rollups: z.array(RollupInfo) }) } },
        },
        ...errors,
      },
    }),
    async (c) => c.json({ rollups: [...(await admin().list())] }, 200) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/rollups/{name}',
      tags: ['rollups'],
      summary: "One rollup's state, its source's newest time and whether rows after the watermark exist",
      request: { params: RollupName },
      responses: {
        200: {
          description: 'status',
          content: {
            'application/json': {
              schema: RollupInfo.extend({
                sourceHigh: z.string().nullable(),
                stale: z.boolean().openapi({ description: 'may differ from the source (see staleReasons)' }),
                staleReasons: z.array(z.string()),
                job: RollupJobSchema.nullable(),
              }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => c.json(await admin().status(c.req.valid('param').name), 200) as never,
  );

  const summaries = {
    build: 'Cold build: drop, recreate and load the rollup (answers come from the sources meanwhile)',
    refresh:
      'Load source rows newer than the watermark, re-check the mutable window (or the change log) and re-load what changed',
    verify: 'Compare every partition with the source and re-load those that differ (the report lists them)',
  } as const;
  for (const action of ['build', 'refresh', 'verify'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/rollups/{name}/${action}`,
        tags: ['rollups'],
        summary: summaries[action],
        description:
          'Runs in the request and answers what was loaded. With `Prefer: respond-async` it answers 202 at once ' +
          'with the job; `GET /api/rollups/{name}` shows it until it is done or failed.',
        request: { params: RollupName },
        responses: {
          200: { description: 'what was loaded', content: { 'application/json': { schema: RollupLoad } } },
          202: {
            description: 'started (Prefer: respond-async)',
            content: { 'application/json': { schema: z.object({ name: z.string(), job: RollupJobSchema }) } },
          },
          ...errorResponses(400, 401, 403, 404, 409, 501, 503),
        },
      }),
      async (c) => {
        const { name } = c.req.valid('param');
        if (/\brespond-async\b/i.test(c.req.header('prefer') ?? '')) {
          const job = admin().start(name, action);
          return c.json({ name, job }, 202, {
            Location: `/api/rollups/${name}`,
            'Preference-Applied': 'respond-async',
          }) as never;
        }
        return c.json(await admin()[action](name), 200) as never;
      },
    );
  }
}
