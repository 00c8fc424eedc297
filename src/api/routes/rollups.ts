/**
 * Rollups (federated mode): list with their state, one rollup's status against its source (and the last
 * job), and the cold build and incremental refresh — in the request, or started with `Prefer:
 * respond-async` (202 and the job). The optimizer answers from a rollup once its load publishes.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app.ts';
import type { RollupAdmin } from '../deps.ts';
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
    materialization: z.string(),
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
  })
  .openapi('RollupLoad');

const RollupJobSchema = z
  .object({
    action: z.enum(['build', 'refresh']),
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
                stale: z.boolean(),
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

  for (const action of ['build', 'refresh'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/rollups/{name}/${action}`,
        tags: ['rollups'],
        summary:
          action === 'build'
            ? 'Cold build: drop, recreate and load the rollup (answers come from the sources meanwhile)'
            : 'Load source rows newer than the watermark and publish the new watermark',
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
