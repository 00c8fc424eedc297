/**
 * Dashboards: named grids of KPI tiles, stored in the metrics store with versions like definitions
 * (ETag = version; PUT needs If-Match). Tiles only say what to show — every tile reads the cached metric
 * routes, so a dashboard opened by many people costs cache hits, not engine queries.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GRAINS } from '../../ir/kpi.ts';
import { LIMITS } from '../../ir/limits.ts';
import type { StoredDashboard } from '../../store/dashboards-store.ts';
import type { App, AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../schemas.ts';
import { strictObject } from '../strict-params.ts';

const Identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .max(LIMITS.MAX_ID_CHARS);

export const TileSchema = strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kpi: Identifier,
  kind: z.enum(['value', 'chart', 'table']),
  /** Columns of a 4-column grid. */
  width: z.number().int().min(1).max(4),
  title: z.string().max(LIMITS.MAX_NAME_CHARS).optional(),
  grain: z.enum(GRAINS as [string, ...string[]]).optional(),
  range: z.enum(['30d', '90d', '12m', '24m', 'ytd', 'all', 'custom']).optional(),
  start: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  end: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  tz: z.string().max(64).optional(),
  by: Identifier.optional(),
  filters: z.record(Identifier, z.string().max(1000)).optional(),
}).openapi('DashboardTile');

export const DashboardBody = strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  name: z.string().min(1).max(LIMITS.MAX_NAME_CHARS),
  description: z.string().max(10_000).optional(),
  tiles: z.array(TileSchema).max(48, 'a dashboard has at most 48 tiles'),
}).openapi('Dashboard');

const DashboardIdParam = z.object({
  dashboardId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .openapi({ param: { name: 'dashboardId', in: 'path' }, example: 'revenue-overview' }),
});

const StoredSchema = z
  .object({ version: z.number().int(), createdAt: z.string(), dashboard: DashboardBody })
  .openapi('StoredDashboard');

const present = (d: StoredDashboard) => ({ version: d.version, createdAt: d.createdAt, dashboard: d.body });

type Dashboard = z.infer<typeof DashboardBody>;

const etag = (version: number) => `"${version}"`;

function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m)
    throw new ApiError(412, 'version-mismatch', `If-Match "${header}" is not a dashboard ETag such as "3"`);
  return Number(m[1]);
}

export function dashboardRoutes(app: App, deps: AppDeps): void {
  const store = () => {
    if (!deps.dashboards) throw new ApiError(404, 'not-found', 'this service stores no dashboards');
    return deps.dashboards;
  };
  /** Tiles must name current KPIs and dimensions they have: refused at write, not at every view. */
  const check = (d: Dashboard) => {
    d.tiles.forEach((t, i) => {
      if (!deps.definitions.has(t.kpi)) {
        throw new ApiError(400, 'invalid-request', `tiles.${i}: KPI "${t.kpi}" does not exist`);
      }
      const dims = deps.definitions.get(t.kpi).ir.dimensions;
      for (const name of [...(t.by ? [t.by] : []), ...Object.keys(t.filters ?? {})]) {
        if (!dims.includes(name)) {
          throw new ApiError(400, 'invalid-request', `tiles.${i}: KPI "${t.kpi}" has no dimension "${name}"`);
        }
      }
    });
  };
  const json = { required: true, content: { 'application/json': { schema: DashboardBody } } } as const;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/dashboards',
      tags: ['dashboards'],
      summary: 'List dashboards (current versions)',
      responses: {
        200: {
          description: 'dashboards',
          content: { 'application/json': { schema: z.object({ dashboards: z.array(StoredSchema) }) } },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => c.json({ dashboards: (await store().list()).map(present) }, 200) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/dashboards',
      tags: ['dashboards'],
      summary: 'Create a dashboard; ETag is its version',
      request: { body: json },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: StoredSchema } } },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      check(body);
      const stored = await store().create(body);
      c.header('ETag', etag(stored.version));
      c.header('Location', `/api/dashboards/${stored.id}`);
      return c.json(present(stored), 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/dashboards/{dashboardId}',
      tags: ['dashboards'],
      summary: 'Read a dashboard; ETag is its version',
      request: { params: DashboardIdParam },
      responses: {
        200: { description: 'the dashboard', content: { 'application/json': { schema: StoredSchema } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { dashboardId } = c.req.valid('param');
      const stored = await store().get(dashboardId);
      if (!stored) throw new ApiError(404, 'not-found', `dashboard "${dashboardId}" not found`);
      c.header('ETag', etag(stored.version));
      return c.json(present(stored), 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/dashboards/{dashboardId}/versions',
      tags: ['dashboards'],
      summary: 'Every stored version of a dashboard, oldest first (deletions included)',
      request: { params: DashboardIdParam },
      responses: {
        200: {
          description: 'versions',
          content: {
            'application/json': {
              schema: z.object({ versions: z.array(StoredSchema.extend({ deleted: z.boolean() })) }),
            },
          },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { dashboardId } = c.req.valid('param');
      const versions = await store().history(dashboardId);
      if (versions.length === 0) throw new ApiError(404, 'not-found', `dashboard "${dashboardId}" not found`);
      return c.json({ versions: versions.map((v) => ({ ...present(v), deleted: v.deleted })) }, 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/dashboards/{dashboardId}',
      tags: ['dashboards'],
      summary: 'Replace a dashboard; needs If-Match with the current ETag (428 without, 412 when stale)',
      request: {
        params: DashboardIdParam,
        headers: z.object({ 'if-match': z.string().optional().openapi({ example: '"1"' }) }),
        body: json,
      },
      responses: {
        200: { description: 'the new version', content: { 'application/json': { schema: StoredSchema } } },
        ...errorResponses(400, 401, 403, 404, 412, 428),
      },
    }),
    async (c) => {
      const { dashboardId } = c.req.valid('param');
      const body = c.req.valid('json');
      if (body.id !== dashboardId) {
        throw new ApiError(400, 'invalid-request', `the body's id "${body.id}" is not "${dashboardId}"`);
      }
      const expected = expectedVersion(c.req.header('if-match'));
      if (expected === undefined) {
        throw new ApiError(
          428,
          'precondition-required',
          'PUT needs If-Match with the current ETag (GET it first)',
        );
      }
      check(body);
      const stored = await store().update(body, expected);
      c.header('ETag', etag(stored.version));
      return c.json(present(stored), 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/dashboards/{dashboardId}',
      tags: ['dashboards'],
      summary: 'Delete a dashboard (kept in history); If-Match optional',
      request: { params: DashboardIdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses(401, 403, 404, 412) },
    }),
    async (c) => {
      const { dashboardId } = c.req.valid('param');
      await store().delete(dashboardId, expectedVersion(c.req.header('if-match')));
      return c.body(null, 204) as never;
    },
  );
}
