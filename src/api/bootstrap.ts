/**
 * The HTTP edge over the services: builds them (src/service/bootstrap.ts) and puts the routes, auth and
 * error logging on top. `main.ts` serves what this returns; tests and the bench may call it too.
 */
import type { ServiceConfig } from '../config/env.ts';
import { buildServices, type Services } from '../service/bootstrap.ts';
import { createApp } from './app.ts';
import { createAuthenticator } from './auth.ts';
import type { App } from './deps.ts';
import { type Logger, logServerError } from './logger.ts';

export interface Service extends Services {
  readonly app: App;
}

export interface BuildOptions {
  readonly log?: (line: string) => void;
  /** The structured log: 5xx errors go to it with their stack and request id. */
  readonly logger?: Logger;
}

export async function buildService(config: ServiceConfig, options: BuildOptions = {}): Promise<Service> {
  const log = options.log ?? (() => {});
  const services = await buildServices(config, { log });
  const app = createApp({
    realtime: {
      hub: services.hub,
      intervalMs: config.REALTIME_INTERVAL_MS,
      maxBufferedBytes: config.REALTIME_MAX_BUFFER_BYTES,
      heartbeatMs: config.REALTIME_HEARTBEAT_MS,
    },
    sql: services.sqlEndpoint,
    alerts: services.alerts,
    reportDelivery: services.reportDelivery,
    definitions: services.definitions,
    queries: services.queries,
    reports: services.reports,
    dashboards: services.dashboards,
    language: services.language,
    catalog: services.catalog,
    engineFactory: services.engineFactory,
    rollups: services.rollups,
    telemetry: services.telemetry,
    auth: config.AUTH0_DOMAIN
      ? createAuthenticator({
          domain: config.AUTH0_DOMAIN,
          audience: config.AUTH0_AUDIENCE!,
          jwksUrl: config.AUTH0_JWKS_URL,
          issuer: config.AUTH0_ISSUER,
          clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
        })
      : null,
    health: services.health,
    scheduler: services.scheduler,
    jobs: services.jobs,
    serviceName: config.SERVICE_NAME,
    webhookHosts: config.webhookHosts,
    cacheTtlSeconds: config.CACHE_TTL_SECONDS,
    cors: config.corsOrigins,
    ...(config.AUTH0_DOMAIN && config.AUTH0_SPA_CLIENT_ID
      ? {
          webLogin: {
            domain: config.AUTH0_DOMAIN,
            clientId: config.AUTH0_SPA_CLIENT_ID,
            audience: config.AUTH0_AUDIENCE!,
          },
        }
      : {}),
    logError: options.logger
      ? logServerError(options.logger)
      : (error, context) =>
          log(
            `error ${context.status} ${context.method} ${context.path} (request ${context.requestId}): ${(error as Error)?.stack ?? error}`,
          ),
  });
  return { ...services, app };
}
