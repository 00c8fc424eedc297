/**
 * What every response passes through before the routes: a request id and CORS.
 * - X-Request-Id: a sane incoming id (a proxy's) is kept, otherwise a new UUID; echoed on the response
 *   and attached to the request's log records (an error's record carries it too).
 * - CORS for browser dashboards: only the configured origins (AppDeps.cors) get Access-Control-* headers;
 *   preflights are answered here, before auth (a browser sends them without credentials).
 */
// @ts-nocheck

import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export type CorsOrigins = '*' | 'localhost' | readonly string[];

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId: MiddlewareHandler<{ Variables: { requestId: string } }> = async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
  c.set('requestId', id);
  await next();
  c.res.headers.set('X-Request-Id', id);
};

const LOCAL_PAGE = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** null: no CORS headers at all (same-origin and non-browser clients only). */
export function corsFor(origins: CorsOrigins | undefined): MiddlewareHandler | null {
  if (origins === undefined || (Array.isArray(origins) && origins.length === 0)) return null;
  const allowed = (origin: string): string | null => {
    if (origins === 'localhost') return LOCAL_PAGE.test(origin) ? origin : null;
    return (origins as readonly string[]).includes(origin) ? origin : null;
  };
  return cors({
    // `*` cannot go with credentials (browsers refuse it): any origin, but no cookies or auth headers.
    origin: origins === '*' ? '*' : (origin) => allowed(origin),
    credentials: origins !== '*',
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Prefer', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'X-Cache', 'X-Data-Source', 'ETag', 'Location', 'Retry-After'],
    maxAge: 600,
  });
}
