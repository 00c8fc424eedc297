/**
 * api — the HTTP layer (Hono): routes, validation, auth, the one error shape, OpenAPI.
 * Owns: createApp(deps). Thin: routes validate input, call the services, map errors.
 * May import: ir/, catalog/, store/ (types, errors), cache/ (types), its own services.
 * Never: lang/, plan/, emit/ directly — the language and the engine come in through deps.ts.
 */
// @ts-nocheck

import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { AlertService } from '../alerts/alerts.ts';
import type { Catalog } from '../catalog/types.ts';
import type { ReportScheduler } from '../reports/report-scheduler.ts';
import type { SqlEndpoint } from '../sql-endpoint/endpoint.ts';
import type { DashboardStore } from '../store/dashboards-store.ts';
import type { ReportStore } from '../store/reports-store.ts';
import { isPublicWebPath, type WebLogin, webRoutes } from '../web/serve.ts';
import type { Authenticator, Principal } from './auth.ts';
import { requireScope } from './auth.ts';
import type { DefinitionsService } from './definitions-service.ts';
import type { EngineFactory, HealthCheck, JobsApi, KpiLanguage, RollupAdmin } from './deps.ts';
import { type CorsOrigins, corsFor, requestId } from './edge.ts';
import { ApiError, errorBody, toApiError } from './errors.ts';
import type { QueryService } from './query-service.ts';
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
import { type RealtimeDeps, streamRoutes } from './routes/stream.ts';

export { acceptWebSockets } from './routes/stream.ts';

import { systemRoutes } from './routes/system.ts';
import type { Telemetry } from './telemetry.ts';

export interface AppDeps {
  readonly definitions: DefinitionsService;
  readonly queries: QueryService;
  readonly reports: ReportStore;
  /** The web app's dashboards; absent: /api/dashboards answers 404. */
  readonly dashboards?: DashboardStore;
  readonly language: KpiLanguage;
  /** Shown at /api/catalog (the web editor completes from it); absent: that route answers 404. */
  readonly catalog?: Catalog;
  /** Builds engines for ad-hoc registries (POST /api/query with DSL). */
  readonly engineFactory: EngineFactory;
  readonly telemetry: Telemetry;
  /** Rollup status, build and refresh; null or absent: not available (the embedded default). */
  readonly rollups?: RollupAdmin | null;
  /** null: auth is off (the service then binds to 127.0.0.1). */
  readonly auth: Authenticator | null;
  readonly health: readonly HealthCheck[];
  /** Trino's client protocol at /v1/statement (the kpi catalog + pass-through); absent: not served. */
  readonly sql?: SqlEndpoint | null;
  readonly scheduler?: { isRunning(): boolean } | null;
  /** The scheduler's runs (GET /api/jobs) and back-fills; absent: those routes answer 404. */
  readonly jobs?: JobsApi | null;
  /** Realtime pushes at /api/metrics/{kpiId}/stream (SSE and WebSocket); absent: that route is 404. */
  readonly realtime?: RealtimeDeps;
  /** Scheduled report deliveries (send now, list runs); absent: those routes answer 404. */
  readonly reportDelivery?: Pick<ReportScheduler, 'sendNow' | 'runs'> | null;
  /** Threshold alerts (GET /api/alerts, `alert` events on the streams); absent: /api/alerts is 404. */
  readonly alerts?: AlertService | null;
  readonly serviceName: string;
  readonly cacheTtlSeconds: number;
  /** Called once for every 5xx error, with its request id, so operators see it; the client never does. */
  readonly logError?: (
    error: unknown,
    context: { method: string; path: string; status: number; code: string; requestId: string },
  ) => void;
  /** The web app's sign-in (Auth0 SPA application); absent: people paste a token. */
  readonly webLogin?: WebLogin;
  /** Browser origins allowed to call the API (CORS); none when absent. */
  readonly cors?: CorsOrigins;
}

export type AppEnv = { Variables: { principal: Principal | null; requestId: string } };
export type App = OpenAPIHono<AppEnv>;

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** Reads need read:kpis; everything else write:kpis — except POSTs that only compute. */
const READ_ONLY_POSTS = new Set(['/api/definitions/validate', '/api/query', '/api/compile']);

export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
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
