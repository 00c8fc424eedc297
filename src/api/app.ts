/**
 * api — the HTTP layer (Hono): routes, validation, auth, the one error shape, OpenAPI.
 * Owns: createApp(deps). Thin: routes validate input, call the services, map errors.
 * May import: ir/, catalog/, store/ (types, errors), cache/ (types), its own services.
 * Never: lang/, plan/, emit/ directly — the language and the engine come in through deps.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { isPublicWebPath, webRoutes } from '../web/serve.ts';
import { requireScope } from './auth.ts';
import type { App, AppDeps, AppEnv } from './deps.ts';
import { corsFor, requestId } from './edge.ts';
import { ApiError, errorBody, toApiError } from './errors.ts';
import { requestGuard } from './request-guard.ts';
import { alertRoutes } from './routes/alerts.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { dashboardRoutes } from './routes/dashboards.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { docsRoutes, PUBLIC_DOC_PATHS } from './routes/docs.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricRoutes } from './routes/metrics.ts';
import { queryRoutes } from './routes/query.ts';
import { reportRoutes } from './routes/reports.ts';
import { rollupRoutes } from './routes/rollups.ts';
import { sqlRoutes } from './routes/sql.ts';
import { streamRoutes } from './routes/stream.ts';
import { issueMessage } from './strict-params.ts';

export { acceptWebSockets } from './routes/stream.ts';

import { systemRoutes } from './routes/system.ts';

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** Reads need read:kpis; everything else write:kpis — except POSTs that only compute. */
const READ_ONLY_POSTS = new Set(['/api/definitions/validate', '/api/query', '/api/compile']);

export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        // zod-validator hands the hook what the client sent; @hono/zod-openapi's type leaves it out.
        const sent = 'data' in result ? result.data : undefined;
        const issues = result.error.issues.map((i) => ({
          path: i.path.join('.'),
          message: issueMessage(i, sent),
        }));
        const first = issues[0];
        throw new ApiError(
          400,
          'invalid-request',
          first
            ? `the request is invalid: ${first.path ? `${first.path}: ` : ''}${first.message}`
            : 'the request is invalid',
          { issues },
        );
      }
    },
  });

  app.use('*', requestId);
  const corsMiddleware = corsFor(deps.cors);
  if (corsMiddleware) app.use('*', corsMiddleware);

  app.use('*', async (c, next) => {
    const stop = deps.telemetry.httpDuration.startTimer();
    try {
      await next();
    } finally {
      stop({ method: c.req.method, route: routePath(c, -1), status: String(c.res.status) });
    }
  });

  app.use('*', async (c, next) => {
    c.set('principal', null);
    if (!deps.auth || c.req.path === '/health' || PUBLIC_DOC_PATHS(c.req.path) || isPublicWebPath(c.req.path))
      return next();
    const principal = await deps.auth.authenticate(c.req.header('authorization'));
    if (c.req.path.startsWith('/v1/')) {
      // Trino's protocol: any valid token may send statements on to Trino; the kpi catalog checks read:kpis.
      c.set('principal', principal);
      return next();
    }
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !READ_ONLY_POSTS.has(c.req.path);
    requireScope(principal, write ? 'write:kpis' : 'read:kpis');
    c.set('principal', principal);
    return next();
  });

  // Definitions and queries are small; refuse huge bodies before parsing them. Only where a body can
  // come: asking for `body` makes @hono/node-server build a full Request (an AbortController and an
  // undici Request per call), which on the cache-hit GET path costs more than the rest of the route.
  const limitBody = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new ApiError(413, 'payload-too-large', 'the request body is larger than 1 MiB');
    },
  });
  app.use('/api/*', (c, next) => (BODYLESS.has(c.req.method) ? next() : limitBody(c, next)));
  app.use('/api/*', requestGuard);

  app.onError((error, c) => {
    const apiError = toApiError(error);
    const id = c.get('requestId') ?? '';
    if (apiError.status >= 500) {
      deps.logError?.(error, {
        method: c.req.method,
        path: c.req.path,
        status: apiError.status,
        code: apiError.code,
        requestId: id,
      });
    }
    return c.json(errorBody(apiError), apiError.status, { ...apiError.headers, 'X-Request-Id': id });
  });
  app.notFound((c) =>
    c.json(errorBody(new ApiError(404, 'not-found', `no route ${c.req.method} ${c.req.path}`)), 404),
  );

  definitionRoutes(app, deps);
  catalogRoutes(app, deps);
  dashboardRoutes(app, deps);
  metricRoutes(app, deps);
  streamRoutes(app, deps);
  queryRoutes(app, deps);
  reportRoutes(app, deps);
  alertRoutes(app, deps);
  rollupRoutes(app, deps);
  jobRoutes(app, deps);
  systemRoutes(app, deps);
  sqlRoutes(app, deps);
  docsRoutes(app, deps);
  webRoutes(app, { login: deps.webLogin });
  return app;
}
