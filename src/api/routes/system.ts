/** /health in the seed's shape and /metrics for Prometheus (the docs are in docs.ts). */
import { createRoute } from '@hono/zod-openapi';
import type { App, AppDeps, CheckStatus } from '../deps.ts';
import { HealthSchema } from '../schemas.ts';

export function systemRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['system'],
      summary:
        "The seed's health document. 503 when a required store is down; an optional part down (cache) makes service 'degraded' with 200",
      responses: {
        200: {
          description: 'healthy or degraded',
          content: { 'application/json': { schema: HealthSchema } },
        },
        503: {
          description: 'a required part is down',
          content: { 'application/json': { schema: HealthSchema } },
        },
      },
    }),
    async (c) => {
      const results = await Promise.all(
        deps.health.map(async (h) => {
          const status: CheckStatus = await Promise.race([
            h.check().catch((): CheckStatus => 'down'),
            new Promise<CheckStatus>((resolve) => setTimeout(() => resolve('down'), 2_000).unref()),
          ]);
          return { h, status };
        }),
      );
      const storage = Object.fromEntries(results.map(({ h, status }) => [h.name, status]));
      const requiredDown = results.some(
        ({ h, status }) => h.required && (status === 'down' || status === 'degraded'),
      );
      const optionalDown = results.some(({ status }) => status === 'down' || status === 'degraded');
      const scheduler = deps.scheduler ? (deps.scheduler.isRunning() ? 'ok' : 'stopped') : 'disabled';
      const body = {
        service: requiredDown ? 'down' : optionalDown ? 'degraded' : 'ok',
        storage,
        scheduler,
        activeCalculations: deps.queries.activeCalculations,
      };
      return c.json(body, requiredDown ? 503 : 200, { 'Cache-Control': 'no-store' }) as never;
    },
  );

  app.get('/metrics', async (c) => {
    const registry = deps.telemetry.registry;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
}
