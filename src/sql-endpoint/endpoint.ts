import { isTimeZone } from '../shared/time.ts';
import type { SqlEndpointDeps } from './deps.ts';
import { SqlError } from './errors.ts';
import { federate, needsFederation } from './federate.ts';
import { KPI_CATALOG } from './kpi-catalog.ts';
import { tokenize } from './lexer.ts';
import { localPages } from './local-pages.ts';
import { LocalQueries, type LocalResult } from './local-queries.ts';
import { TrinoUpstream } from './pass-through.ts';
import { PlanCache } from './plan-cache.ts';
import { failedAnswer, publicBase } from './protocol.ts';
import { answerKpi, mapKpiStatement, runLocal } from './run-local.ts';
import { headersForTrino, readSession, type Session } from './session.ts';
import { classify, type Statement, sessionStatement } from './statement.ts';

export type { SqlEndpointDeps } from './deps.ts';

/** The request body's text, or null when it is longer than `maxBytes`. */
export type BodyReader = (maxBytes: number) => Promise<string | null>;

async function readText(request: Request, maxBytes: number): Promise<string | null> {
  const text = await request.text();
  return Buffer.byteLength(text) > maxBytes ? null : text;
}

const readKpisDenied = () =>
  new SqlError('PERMISSION_DENIED', 'Access Denied: the kpi catalog needs the read:kpis scope');

/** Who is calling, as the HTTP layer authenticated them. */
export interface Caller {
  readonly subject: string | null;
  /** The read:kpis scope (or auth off): may read the kpi catalog. */
  readonly canReadKpis: boolean;
}

export interface SqlEndpoint {
  /** `body` reads the statement's text, at most `maxBytes` of it (default: the Request's body). */
  statement(request: Request, caller: Caller, body?: BodyReader): Promise<Response>;
  poll(request: Request, caller: Caller): Promise<Response>;
  cancel(request: Request, caller: Caller): Promise<Response>;
  /** DELETE /v1/query/{id}: cancels by query id (trino-client's `cancel`). */
  cancelQuery(request: Request, caller: Caller, id: string): Promise<Response>;
  close(): void;
}

/**
 * Who runs a statement: with auth on, the token's subject, whatever X-Trino-User the client sends (a
 * valid token must not let its holder act as another user on Trino; Trino itself refuses a user other
 * than the authenticated one unless impersonation rules allow it); with auth off, the client's user.
 */
const userOf = (session: Session, caller: Caller): string | null => caller.subject ?? session.user;

const MAX_STATEMENT_CHARS = 1_000_000;
/**
 * Statements are lexed and parsed on the event loop (about 5 s for 1,000,000 characters of tokens), and
 * the kpi catalog's are short: a longer statement that may name the catalog is refused before lexing;
 * one that cannot is Trino's without being parsed here.
 */
export const MAX_KPI_STATEMENT_CHARS = 32_768;
const MAY_NAME_KPI = /kpi/i;
/** Only a statement that may read the kpi catalog can have a mapped plan: others skip the plan cache. */
const mayReadKpi = (sql: string, session: Session, prepared: string | null) =>
  session.catalog === KPI_CATALOG ||
  MAY_NAME_KPI.test(sql) ||
  (prepared !== null && MAY_NAME_KPI.test(prepared));
const LOCAL_PATH = /^\/v1\/statement\/kpi\/([A-Za-z0-9_]+)\/([0-9a-f]+)\/(\d{1,9})$/;
const TRINO_PATH = /^\/v1\/statement\/(queued|executing|partialCancel)\/[A-Za-z0-9_.\-/]+$/;

/** A SELECT without FROM (token check: a `from` inside a string only makes it go the other way). */
const isConstantSelect = (sql: string) => /^\s*select\b/i.test(sql) && !/\bfrom\b/i.test(sql);

export function createSqlEndpoint(deps: SqlEndpointDeps): SqlEndpoint {
  const pageRows = deps.pageRows ?? 10_000;
  const maxWaitMs = deps.maxWaitMs ?? 1_000;
  const local = new LocalQueries({
    abandonAfterMs: deps.abandonAfterMs ?? 300_000,
    maxQueries: deps.maxQueries ?? 1_000,
  });
  const upstream = deps.trinoUrl ? new TrinoUpstream(deps.trinoUrl) : null;
  const now = deps.now ?? (() => new Date());
  const plans = new PlanCache(deps.planCacheSize);

  const upstreamHeaders = (request: Request, session: Session, caller: Caller) => {
    const out = headersForTrino(
      request.headers,
      session,
      userOf(session, caller) ?? upstream?.user ?? 'kpi-engine',
    );
    // Trino checks that X-Trino-Original-User (the CLI sends its --user there) may impersonate
    // X-Trino-User: with a token, the subject is both.
    if (caller.subject) delete out['x-trino-original-user'];
    return out;
  };

  const { page, firstAnswer, waitFor } = localPages({ local, pageRows, maxWaitMs });

  const runContext = (session: Session, caller: Caller) => {
    const zone = session.timeZone ?? deps.defaultTimeZone;
    if (!isTimeZone(zone)) throw new SqlError('NOT_SUPPORTED', `Time zone not supported: ${zone}`);
    return {
      session,
      zone,
      now: now(),
      registry: deps.registry(),
      catalog: deps.catalog,
      deps,
      upstream,
      user: caller.subject,
    };
  };

  /** Starts a statement answered here; the POST's answer follows (firstAnswer). */
  const startLocal = (
    run: (signal: AbortSignal) => Promise<LocalResult>,
    request: Request,
    session: Session,
    caller: Caller,
    base: string,
  ) => firstAnswer(local.start(run, userOf(session, caller)), request, base);

  return {
    async statement(request, caller, body = (maxBytes) => readText(request, maxBytes)) {
      const base = publicBase(request);
      try {
        const declared = Number(request.headers.get('content-length') ?? 0);
        const sql = declared > MAX_STATEMENT_CHARS * 4 ? null : await body(MAX_STATEMENT_CHARS * 4);
        if (sql === null)
          throw new SqlError(
            'QUERY_TEXT_TOO_LARGE',
            'Query text length exceeds the maximum length (1000000)',
          );
        if (sql.length > MAX_STATEMENT_CHARS)
          throw new SqlError(
            'QUERY_TEXT_TOO_LARGE',
            `Query text length (${sql.length}) exceeds the maximum length (${MAX_STATEMENT_CHARS})`,
          );
        if (sql.trim() === '') throw new SqlError('SYNTAX_ERROR', 'SQL statement is empty');
        const session = readSession(request.headers);
        if (
          sql.length > MAX_KPI_STATEMENT_CHARS &&
          (session.catalog === KPI_CATALOG || MAY_NAME_KPI.test(sql))
        ) {
          throw new SqlError(
            'QUERY_TEXT_TOO_LARGE',
            `a statement of ${sql.length} characters that may read the kpi catalog; statements on it have at most ${MAX_KPI_STATEMENT_CHARS} characters (MAX_KPI_STATEMENT_CHARS)`,
          );
        }
        const short = sql.length <= MAX_KPI_STATEMENT_CHARS;
        // A KPI statement mapped before, in the same session and against the same definitions.
        const zone = session.timeZone ?? deps.defaultTimeZone;
        const prepared = request.headers.get('x-trino-prepared-statement');
        const planKey =
          short && mayReadKpi(sql, session, prepared) ? plans.keyOf(sql, session, zone, prepared) : null;
        const known = plans.get(planKey, deps.registry());
        if (known) {
          if (!caller.canReadKpis) throw readKpisDenied();
          return await startLocal(
            (signal) => answerKpi(known, { deps, user: caller.subject }, signal),
            request,
            session,
            caller,
            base,
          );
        }
        let statement: Statement = short ? classify(sql, session) : { kind: 'trino' };
        if (statement.kind === 'trino' && !upstream && short) {
          // Without Trino, pings and version probes (`SELECT 1`, `SELECT version()`) and the session
          // properties clients set are answered here.
          if (isConstantSelect(sql)) statement = { kind: 'select', sql, tokens: tokenize(sql) };
          else statement = sessionStatement(sql) ?? statement;
        }
        if (statement.kind === 'trino') {
          if (!upstream) {
            throw new SqlError(
              'NOT_SUPPORTED',
              'no federation engine is configured (TRINO_URL is not set): this kpi-engine serves only the kpi catalog',
            );
          }
          return await upstream.forward(
            {
              method: 'POST',
              path: '/v1/statement',
              headers: upstreamHeaders(request, session, caller),
              body: sql,
            },
            base,
          );
        }
        const readsNothing = statement.kind === 'set-session' || statement.kind === 'reset-session';
        if (!caller.canReadKpis && !readsNothing) throw readKpisDenied();
        const ctx = runContext(session, caller);
        const inner = statement.kind === 'execute' ? classify(statement.body, session) : statement;
        if (inner.kind === 'select') {
          if (upstream && deps.compileForTrino && needsFederation(inner.tokens, ctx)) {
            // KPI tables joined with Trino's, or nested: Trino runs the statement, the KPI parts compiled.
            const rewritten = await federate(inner.sql, inner.tokens, ctx, {
              compileForTrino: deps.compileForTrino,
            });
            const headers = upstreamHeaders(request, session, caller);
            // Trino compares the KPI's timestamps in the zone the KPI part was cut in.
            headers['x-trino-time-zone'] ??= ctx.zone;
            return await upstream.forward(
              { method: 'POST', path: '/v1/statement', headers, body: rewritten },
              base,
            );
          }
          const mapped = mapKpiStatement(inner.tokens, ctx);
          if (mapped) {
            if (!mapped.readClock) plans.set(planKey, ctx.registry, mapped.plan);
            return await startLocal(
              (signal) => answerKpi(mapped.plan, ctx, signal),
              request,
              session,
              caller,
              base,
            );
          }
        }
        return await startLocal(
          (signal) => runLocal(statement, ctx, signal, upstreamHeaders(request, session, caller)),
          request,
          session,
          caller,
          base,
        );
      } catch (error) {
        // As Trino: the failure comes with the first poll (trino-client reads nothing from the POST's
        // body but its nextUri), or in the POST's answer for the clients that read it there.
        try {
          return await firstAnswer(
            local.start(() => Promise.reject(error), caller.subject),
            request,
            base,
          );
        } catch {
          return failedAnswer(error, base);
        }
      }
    },

    async poll(request, caller) {
      const base = publicBase(request);
      const path = new URL(request.url).pathname;
      const m = LOCAL_PATH.exec(path);
      if (m) {
        const q = local.get(m[1]!, m[2]!);
        if (!q) return new Response('Query not found', { status: 404 });
        const token = Number(m[3]);
        if (token > q.token + 1) return new Response('Invalid token', { status: 410 });
        q.token = Math.max(q.token, token);
        local.touch(q);
        await waitFor(q);
        return page(q, token, base);
      }
      if (upstream && TRINO_PATH.test(path) && !path.includes('..')) {
        try {
          const session = readSession(request.headers);
          return await upstream.forward(
            {
              method: 'GET',
              path: `${path}${new URL(request.url).search}`,
              headers: upstreamHeaders(request, session, caller),
            },
            base,
          );
        } catch (error) {
          return failedAnswer(error, base);
        }
      }
      return new Response('Not found', { status: 404 });
    },

    async cancel(request, caller) {
      const path = new URL(request.url).pathname;
      const m = LOCAL_PATH.exec(path);
      if (m) {
        const q = local.get(m[1]!, m[2]!);
        if (q) local.cancel(q);
        return new Response(null, { status: 204 });
      }
      if (upstream && TRINO_PATH.test(path) && !path.includes('..')) {
        try {
          const session = readSession(request.headers);
          return await upstream.forward(
            { method: 'DELETE', path, headers: upstreamHeaders(request, session, caller) },
            publicBase(request),
          );
        } catch {
          return new Response(null, { status: 204 });
        }
      }
      return new Response('Not found', { status: 404 });
    },

    async cancelQuery(request, caller, id) {
      if (!/^[A-Za-z0-9_]{1,100}$/.test(id)) return new Response('Not found', { status: 404 });
      const session = readSession(request.headers);
      const q = local.byId(id, userOf(session, caller));
      if (q) {
        local.cancel(q);
        return new Response(null, { status: 204 });
      }
      if (!upstream) return new Response('Query not found', { status: 404 });
      try {
        return await upstream.forward(
          { method: 'DELETE', path: `/v1/query/${id}`, headers: upstreamHeaders(request, session, caller) },
          publicBase(request),
        );
      } catch {
        return new Response(null, { status: 204 });
      }
    },

    close() {
      local.close();
      upstream?.close();
    },
  };
}
