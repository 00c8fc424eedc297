/** GET /api/alerts: the level changes of KPIs with thresholds, newest first, with their webhook delivery. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, KpiIdParam } from '../schemas.ts';
import { strictObject } from '../strict-params.ts';

const Level = z.enum(['ok', 'warning', 'critical']);

const AlertsQuery = strictObject({
  kpi: KpiIdParam.shape.kpiId.optional().openapi({ param: { name: 'kpi', in: 'query' }, example: 'mrr' }),
  level: Level.optional().openapi({ description: 'only changes to this level' }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'only changes at or after this instant' }),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const AlertSchema = z
  .object({
    id: z.number().int(),
    kpiId: z.string(),
    subject: z.string().openapi({ description: 'the series or streamed question the level belongs to' }),
    from: Level,
    to: Level,
    value: z.number(),
    threshold: z.object({ op: z.string(), value: z.number() }).nullable(),
    at: z.string(),
    delivery: z.enum(['none', 'pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('Alert');

export function alertRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/alerts',
      tags: ['alerts'],
      summary: 'Alert events: level changes (ok, warning, critical) of KPIs with thresholds',
      request: { query: AlertsQuery },
      responses: {
        200: {
          description: 'alert events, newest first',
          content: { 'application/json': { schema: z.object({ alerts: z.array(AlertSchema) }) } },
        },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      if (!deps.alerts) throw new ApiError(404, 'not-found', 'alerts need the metrics store');
      const q = c.req.valid('query');
      const alerts = await deps.alerts.list({
        limit: q.limit,
        ...(q.kpi !== undefined ? { kpiId: q.kpi } : {}),
        ...(q.level !== undefined ? { level: q.level } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
      });
      return c.json({ alerts }, 200) as never;
    },
  );
}
