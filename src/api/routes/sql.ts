/**
 * Trino's client protocol (`/v1/statement`) on the service's port: mounts the SQL endpoint
 * (src/sql-endpoint) and tells it who is calling. The protocol and its errors are the endpoint's.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { BodyReader } from '../../sql-endpoint/endpoint.ts';
import type { App, AppDeps, AppEnv } from '../deps.ts';

/**
 * The statement's text straight from Node's request stream when the service runs on @hono/node-server:
 * asking the web Request for its body makes the adapter build an undici Request, an AbortController
 * and a web stream per call, which cost a cached KPI statement about a third of its time. Reading stops
 * at `maxBytes` (null: too large), so a huge or endless body is never buffered whole.
 */
function bodyReader(c: Context<AppEnv>): BodyReader {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableEnded) {
    return async (maxBytes) => {
      const text = await c.req.raw.text();
      return Buffer.byteLength(text) > maxBytes ? null : text;
    };
  }
  return (maxBytes) =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (value: string | null) => {
        incoming.off('data', onData).off('end', onEnd).off('error', reject);
        resolve(value);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // The rest is drained unread so the connection stays usable for the answer.
          incoming.resume();
          done(null);
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => done(Buffer.concat(chunks, size).toString('utf8'));
      incoming.on('data', onData).once('end', onEnd).once('error', reject);
    });
}

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
  app.post('/v1/statement', (c) => endpoint.statement(c.req.raw, callerOf(c), bodyReader(c)));
  app.get('/v1/statement/*', (c) => endpoint.poll(c.req.raw, callerOf(c)));
  app.delete('/v1/statement/*', (c) => endpoint.cancel(c.req.raw, callerOf(c)));
  app.delete('/v1/query/:id', (c) => endpoint.cancelQuery(c.req.raw, callerOf(c), c.req.param('id')));
}
