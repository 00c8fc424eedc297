/**
 * `npm start`: reads the configuration, builds the service and serves it on PORT (default 3004).
 * Nothing configured → the embedded default (PGlite TimescaleDB with demo data, in-process cache, auth
 * off, bound to 127.0.0.1). SIGTERM/SIGINT: stop accepting, finish in-flight requests, close pools.
 */
// @ts-nocheck

import { serve } from '@hono/node-server';
import { acceptWebSockets } from './api/app.ts';
import { buildService } from './api/bootstrap.ts';
import { createLogger, type Logger } from './api/logger.ts';
import { ConfigError, loadConfig } from './config/env.ts';

let logger: Logger | undefined;
const log = (line: string) => (logger ? logger.info(line) : console.log(`kpi-engine: ${line}`));

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`kpi-engine: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  logger = createLogger({ level: config.LOG_LEVEL, format: config.logFormat, name: config.SERVICE_NAME });
  const started = Date.now();
  log(`starting ${config.SERVICE_NAME} (${config.mode} mode, NODE_ENV=${config.NODE_ENV})`);
  const service = await buildService(config, { log, logger });

  const server = serve({ fetch: service.app.fetch, port: config.PORT, hostname: config.host }, (info) => {
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}`;
    log(`listening on ${url} (ready in ${Date.now() - started} ms)`);
    if (!config.authEnabled) {
      log('auth is OFF (AUTH0_DOMAIN not set): bound to 127.0.0.1 only');
    } else {
      log(`auth: Auth0 tokens for audience ${config.AUTH0_AUDIENCE} (scopes read:kpis, write:kpis)`);
    }
    if (service.exampleKpi) {
      const auth = config.authEnabled ? ' -H "Authorization: Bearer $TOKEN"' : '';
      log(
        `try: curl${auth} '${url}/api/metrics/${service.exampleKpi}/history?aggregation=month&start=2025-01-01&end=2025-07-01'`,
      );
    }
    // Last banner line (scripts and tests wait for it).
    log(
      `cache: ${config.REDIS_URL ? 'Redis' : 'in-process'}, TTL ${config.CACHE_TTL_SECONDS}s; docs at ${url}/docs`,
    );
  });

  // WebSocket streams (/api/metrics/{kpiId}/stream with an Upgrade) go through the same app.
  acceptWebSockets(service.app, server);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: no new connections; finishing in-flight requests`);
    // No request may outlive QUERY_TIMEOUT_MS; the grace period covers only them. Closing the stores
    // afterwards (a checkpoint on a busy machine can take a while) is waited for: it is what makes the
    // next start clean.
    const force = setTimeout(() => {
      log('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.QUERY_TIMEOUT_MS + 5_000);
    force.unref();
    // Streams never end by themselves: end them (clients are told why) so close() can finish.
    service.endStreams();
    server.close(async () => {
      clearTimeout(force);
      log('requests finished; closing the stores');
      await service.close();
      log('stopped');
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open; in-flight ones finish first.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  if (logger)
    logger.fatal(
      { err: error },
      `failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
  else
    console.error(`kpi-engine: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
