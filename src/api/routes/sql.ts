/**
 * Trino's client protocol (`/v1/statement`) on the service's port: mounts the SQL endpoint
 * (src/sql-endpoint) and tells it who is calling. The protocol and its errors are the endpoint's.
 */
import type { Context } from 'hono';
import type { App, AppDeps, AppEnv } from '../app.ts';

export function sqlRoutes(app: App, deps: AppDeps): void {
  const endpoint = deps.sql;
  if (!endpoint) return;
  const callerOf = (c: Context<AppEnv>) => {
    const principal = c.get('principal');
    return {
      subject: principal?.subject ?? null,
      canReadKpis: !deps.auth || !!principal?.scopes.has('read:kpis'),
    };
  };
  app.post('/v1/statement', (c) => endpoint.statement(c.req.raw, callerOf(c)));
  app.get('/v1/statement/*', (c) => endpoint.poll(c.req.raw, callerOf(c)));
  app.delete('/v1/statement/*', (c) => endpoint.cancel(c.req.raw, callerOf(c)));
  app.delete('/v1/query/:id', (c) => endpoint.cancelQuery(c.req.raw, callerOf(c), c.req.param('id')));
}
