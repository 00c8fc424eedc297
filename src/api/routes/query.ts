/** Ad-hoc queries: run a stored or ad-hoc KPI (`/api/query`), or show its SQL and plan (`/api/compile`). */
import { createRoute, z } from '@hono/zod-openapi';
import type { Grain, KpiIR } from '../../ir/kpi.ts';
import type { MetricQuery } from '../../ir/metric-query.ts';
import { invalidDefinition } from '../../service/errors.ts';
import type { App, AppDeps, KpiEngine } from '../deps.ts';
import { errorResponses, QueryBody } from '../schemas.ts';

type Body = z.infer<typeof QueryBody>;

async function target(
  deps: AppDeps,
  body: Body,
): Promise<{ kpi: KpiIR; query: MetricQuery; engine: KpiEngine }> {
  const { definitions, queries } = deps;
  let kpi: KpiIR;
  let registry = definitions.registry();
  let engine: KpiEngine;
  if (body.kpi !== undefined) {
    kpi = definitions.get(body.kpi).ir;
    engine = queries.engine();
  } else {
    // Analyzed off the event loop (src/offload): the registry it resolves against is read after.
    const analysis =
      body.dsl !== undefined
        ? await definitions.validate({ format: 'dsl', text: body.dsl })
        : await definitions.validate({ format: 'json', json: body.definition });
    registry = definitions.registry();
    if (analysis.diagnostics.some((d) => d.severity === 'error') || analysis.kpis.length === 0) {
      throw invalidDefinition(analysis.diagnostics);
    }
    const adhoc = new Map(registry);
    for (const k of analysis.kpis) adhoc.set(k.id, k);
    registry = adhoc;
    kpi = analysis.kpis[analysis.kpis.length - 1]!;
    engine = deps.engineFactory(registry);
  }
  const query = queries.buildQuery(
    kpi,
    {
      start: body.start,
      end: body.end,
      tz: body.timezone,
      dimensions: body.dimensions,
      filters: typeof body.filters === 'object' ? JSON.stringify(body.filters) : body.filters,
    },
    (body.grain ?? null) as Grain | null,
    registry,
  );
  return { kpi, query, engine };
}

export function queryRoutes(app: App, deps: AppDeps): void {
  const errors = errorResponses(400, 401, 403, 404, 422, 429, 503, 504);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/query',
      tags: ['query'],
      summary: 'Run a stored KPI or an ad-hoc DSL/JSON KPI (not stored) for a MetricQuery; uncached',
      request: { body: { required: true, content: { 'application/json': { schema: QueryBody } } } },
      responses: {
        200: {
          description: 'rows',
          content: {
            'application/json': {
              schema: z.object({
                kpiId: z.string(),
                query: z.unknown(),
                rows: z.array(z.unknown()),
                sql: z.string(),
                approximate: z
                  .array(
                    z.object({
                      measure: z.string(),
                      method: z.string(),
                      relativeError: z.number(),
                      confidence: z.number(),
                    }),
                  )
                  .optional()
                  .openapi({
                    description:
                      'present when values are approximate (approx_distinct): per variable, how it was computed and the bound on its relative error at the given confidence',
                  }),
              }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { kpi, query, engine } = await target(deps, c.req.valid('json'));
      // Uncached, so the calculation is this caller's alone: a client that goes away cancels it (on
      // Druid by its query id, on Trino and PostgreSQL by theirs).
      const result = await deps.queries.run(query, engine, c.req.raw.signal);
      return c.json(
        {
          kpiId: kpi.id,
          query,
          rows: result.rows,
          sql: result.sql,
          timings: result.timings ?? {},
          ...(result.approximate ? { approximate: result.approximate } : {}),
        },
        200,
      ) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/compile',
      tags: ['query'],
      summary: 'Compile without executing: SQL, parameters, dialect, plan hash and the optimized plan',
      request: { body: { required: true, content: { 'application/json': { schema: QueryBody } } } },
      responses: {
        200: {
          description: 'compiled query',
          content: {
            'application/json': {
              schema: z.object({
                kpiId: z.string(),
                sql: z.string(),
                params: z.array(z.unknown()),
                dialect: z.string(),
                planHash: z.string(),
                plan: z.unknown(),
                explain: z.string().optional().openapi({
                  description:
                    'the optimizer at work: rules, rollup per variable and why others were rejected',
                }),
              }),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { kpi, query, engine } = await target(deps, c.req.valid('json'));
      const { query: _same, ...compiled } = await engine.compile(query);
      const explain = engine.explain?.(query);
      return c.json(
        {
          kpiId: kpi.id,
          query,
          ...compiled,
          params: [...compiled.params],
          ...(explain === undefined ? {} : { explain }),
        },
        200,
      ) as never;
    },
  );
}
