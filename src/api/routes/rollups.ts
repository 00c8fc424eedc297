/**
 * Rollups (federated mode): list with their state, one rollup's status against its source, and the
 * cold build and incremental refresh. Builds run in the request; the optimizer starts answering from a
 * rollup as soon as its build or refresh publishes.
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
              schema: RollupInfo.extend({ sourceHigh: z.string().nullable(), stale: z.boolean() }),
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
        request: { params: RollupName },
        responses: {
          200: { description: 'what was loaded', content: { 'application/json': { schema: RollupLoad } } },
          ...errorResponses(400, 401, 403, 404, 409, 501, 503),
        },
      }),
      async (c) => c.json(await admin()[action](c.req.valid('param').name), 200) as never,
    );
  }
}
