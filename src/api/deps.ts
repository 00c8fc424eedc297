/**
 * What the HTTP layer is given: the services (src/service) behind small interfaces, plus the edge's own
 * settings. `createApp(deps)` takes these; src/api/bootstrap.ts passes the real ones and tests may pass
 * their own. Routes import their types from here, never from app.ts.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AlertService } from '../alerts/alerts.ts';
import type { Catalog } from '../catalog/types.ts';
import type { RealtimeHub } from '../realtime/hub.ts';
import type { ReportScheduler } from '../reports/report-scheduler.ts';
import type { DefinitionsService } from '../service/definitions-service.ts';
import type { QueryService } from '../service/query-service.ts';
import type { Telemetry } from '../service/telemetry.ts';
import type { EngineFactory, HealthCheck, JobsApi, KpiLanguage, RollupAdmin } from '../service/types.ts';
import type { HostAllowList } from '../shared/host-allow-list.ts';
import type { SqlEndpoint } from '../sql-endpoint/endpoint.ts';
import type { DashboardStore } from '../store/dashboards-store.ts';
import type { ReportStore } from '../store/reports-store.ts';
import type { WebLogin } from '../web/serve.ts';
import type { Authenticator, Principal } from './auth.ts';
import type { CorsOrigins } from './edge.ts';

export interface RealtimeDeps {
  readonly hub: RealtimeHub;
  /** How often a `realtime` KPI is recomputed while anybody listens (REALTIME_INTERVAL_MS). */
  readonly intervalMs: number;
  /** Bytes a client may leave unread before it is dropped (a slow client never grows memory). */
  readonly maxBufferedBytes: number;
  /** How often an idle stream gets a comment line, so proxies and clients know it is alive. */
  readonly heartbeatMs: number;
}

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
  /** WEBHOOK_HOSTS: report recipient URLs outside it are refused (422); null or absent: any host. */
  readonly webhookHosts?: HostAllowList;
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

export type {
  CheckStatus,
  EngineFactory,
  HealthCheck,
  JobsApi,
  KpiEngine,
  KpiLanguage,
  RollupAdmin,
} from '../service/types.ts';
