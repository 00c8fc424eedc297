/** Cached metric routes: value + trend, history, breakdown by dimension. X-Cache says hit|miss|stale. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { LRUCache } from 'lru-cache';
import type { CachedResult } from '../../cache/result-cache.ts';
import type { Grain } from '../../ir/kpi.ts';
import { stampAsOf, stampRollups } from '../../service/data-stamp.ts';
import type { HistoryResult, MetricParams } from '../../service/query-service.ts';
import type { Principal } from '../auth.ts';
import type { App, AppDeps } from '../deps.ts';
import { errorResponses, KpiIdParam, MetricQueryParams, MetricResponseSchema } from '../schemas.ts';

function respond(c: Context, result: CachedResult | HistoryResult, ttlSeconds: number): Response {
  const etag = `W/"${result.storedAt.toString(36)}-${result.body.length.toString(36)}"`;
  const maxAge = Math.max(0, Math.floor((result.freshUntil - Date.now()) / 1000));
  const asOf = stampAsOf(result.stamp);
  const rollups = stampRollups(result.stamp);
  const headers = {
    'X-Cache': result.outcome,
    ETag: etag,
    'Cache-Control': `private, max-age=${maxAge}, stale-while-revalidate=${ttlSeconds}`,
    // When the data the answer rests on was last known current (a rollup's last check against its
    // source, or the moment the sources were read).
    ...(asOf ? { 'X-Data-As-Of': asOf } : {}),
    // The rollups the answer read (alone or stitched with raw rows), each at the version it read.
    ...(rollups ? { 'X-Data-Rollups': rollups } : {}),
    // History says where it came from: materialized history (kpi_metrics) or a live computation.
    ...('source' in result ? { 'X-Data-Source': result.source } : {}),
  };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  return c.body(result.body, 200, { ...headers, 'Content-Type': 'application/json' });
}

/** A metric or stream route's query as the service's parameters (the stream has no `aggregation`). */
export const toParams = (
  q: Pick<MetricParams, 'start' | 'end' | 'tz' | 'dimensions' | 'filters'> & {
    aggregation?: string | undefined;
  },
): MetricParams => ({
  start: q.start,
  end: q.end,
  tz: q.tz,
  dimensions: q.dimensions,
  filters: q.filters,
  aggregation: q.aggregation as Grain | undefined,
});

const cacheHeaders = {
  'X-Cache': {
    schema: { type: 'string' as const, enum: ['hit', 'miss', 'stale', 'bypass'] },
    description: 'cache outcome (bypass: answered from materialized history)',
  },
  ETag: { schema: { type: 'string' as const } },
  'Cache-Control': { schema: { type: 'string' as const } },
  'X-Data-As-Of': {
    schema: { type: 'string' as const },
    description:
      "when the answer's data was last known current: the last check of each rollup it read against its source, or when it read the sources",
  },
  'X-Data-Rollups': {
    schema: { type: 'string' as const },
    description:
      'the rollups the answer read — alone or stitched with raw rows — as name=buildId.revision, comma-separated; absent: it read the sources only',
  },
};

type Kind = 'value' | 'history' | 'dimensions';

interface MetricInput {
  readonly kpiId: string;
  readonly params: MetricParams;
}

export function metricRoutes(app: App, deps: AppDeps): void {
  const { queries, cacheTtlSeconds: ttl } = deps;
  const errors = errorResponses(400, 401, 403, 404, 422, 429, 503, 504);

  // With auth on, the token's subject is the end user Trino runs the answer's queries as.
  const serve = async (c: Context, kind: Kind, input: MetricInput) => {
    const user = (c.get('principal') as Principal | null | undefined)?.subject || undefined;
    const params = user ? { ...input.params, user } : input.params;
    return respond(c, await queries[kind](input.kpiId, params), ttl);
  };

  /**
   * A metric route's input is its URL alone (path and query string), so a URL that validated once
   * validates the same way again: repeated dashboard requests skip zod, about a fifth of a cache hit's
   * cost. Runs before the route's validators; an unknown URL goes on to them (and the handler learns it).
   */
  const validated = new LRUCache<string, MetricInput>({ max: 10_000 });
  const known =
    (kind: Kind): MiddlewareHandler =>
    async (c, next) => {
      const input = validated.get(c.req.url);
      return input ? serve(c, kind, input) : next();
    };
  const learn = (c: Context, kind: Kind, kpiId: string, query: z.infer<typeof MetricQueryParams>) => {
    const input = { kpiId, params: toParams(query) };
    validated.set(c.req.url, input);
    return serve(c, kind, input);
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/{kpiId}',
      middleware: known('value'),
      tags: ['metrics'],
      summary: 'KPI value over a range (default: last 30 days) with its trend against the previous range',
      request: { params: KpiIdParam, query: MetricQueryParams },
      responses: {
        200: {
          description: "the seed's MetricResponse",
          headers: cacheHeaders,
          content: { 'application/json': { schema: MetricResponseSchema } },
        },
        304: { description: 'not modified (If-None-Match)' },
        ...errors,
      },
    }),
    async (c) => (await learn(c, 'value', c.req.valid('param').kpiId, c.req.valid('query'))) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/{kpiId}/history',
      middleware: known('history'),
      tags: ['metrics'],
      summary: 'Time series at a grain (aggregation, default day), optionally broken down by dimensions',
      request: { params: KpiIdParam, query: MetricQueryParams },
      responses: {
        200: {
          description: 'time series',
          headers: {
            ...cacheHeaders,
            'X-Data-Source': {
              schema: { type: 'string' as const, enum: ['materialized', 'live'] },
              description:
                "materialized: read from the scheduler's stored history (kpi_metrics), which covered the question exactly; live: computed",
            },
          },
          content: {
            'application/json': {
              schema: z.object({
                kpiId: z.string(),
                aggregation: z.string(),
                history: z.array(z.record(z.string(), z.unknown())),
                source: z.enum(['materialized', 'live']),
              }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => (await learn(c, 'history', c.req.valid('param').kpiId, c.req.valid('query'))) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/metrics/{kpiId}/dimensions',
      middleware: known('dimensions'),
      tags: ['metrics'],
      summary: "Totals over the range broken down by each of the KPI's dimensions (or those given)",
      request: { params: KpiIdParam, query: MetricQueryParams },
      responses: {
        200: {
          description: 'breakdowns',
          headers: cacheHeaders,
          content: {
            'application/json': {
              schema: z.object({
                kpiId: z.string(),
                dimensions: z.array(
                  z.object({
                    dimension: z.string(),
                    values: z.array(z.object({ key: z.unknown(), value: z.number().nullable() })),
                  }),
                ),
              }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => (await learn(c, 'dimensions', c.req.valid('param').kpiId, c.req.valid('query'))) as never,
  );
}
