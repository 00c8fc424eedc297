/** Reports (the seed's Report): stored documents; `run` evaluates every KPI, as JSON or streamed CSV. */
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { LIMITS } from '../../ir/limits.ts';
import { CSV_HEADER, csvError, csvLine, evaluateKpi, type ReportRow } from '../../reports/render.ts';
import { isUrl } from '../../reports/sinks.ts';
import { hostRefusal } from '../../shared/host-allow-list.ts';
import type { App, AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, ReportBody, ReportIdParam } from '../schemas.ts';
import { strictObject } from '../strict-params.ts';

type Report = z.infer<typeof ReportBody>;

const RunQuery = strictObject({
  format: z.enum(['json', 'csv']).optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  tz: z.string().optional(),
  aggregation: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']).optional(),
});

export { csvCell } from '../../reports/render.ts';

export function reportRoutes(app: App, deps: AppDeps): void {
  const { reports, definitions, queries } = deps;

  /** A recipient URL outside WEBHOOK_HOSTS is refused now, not at its first delivery. */
  const checkRecipients = (report: Report): void => {
    for (const [i, recipient] of (report.schedule?.recipients ?? []).entries()) {
      const refusal = isUrl(recipient) ? hostRefusal(recipient, deps.webhookHosts ?? null) : null;
      if (refusal) {
        throw new ApiError(422, 'recipient-not-allowed', refusal, {
          parameter: `schedule.recipients.${i}`,
        });
      }
    }
  };

  const load = async (id: string): Promise<Report> => {
    const report = await reports.get(id);
    if (!report) throw new ApiError(404, 'not-found', `report "${id}" not found`);
    return report as unknown as Report;
  };

  const evaluate = (report: Report, kpiId: string, q: z.infer<typeof RunQuery>) =>
    evaluateKpi({ definitions, queries }, report, kpiId, q);

  /** Filters that would fail every later run are refused now: unknown dimensions, bad values. */
  const checkReportFilters = (report: Report): void => {
    const filters = report.filters ?? {};
    const kpis = report.kpis.map((id) => definitions.get(id).ir);
    for (const name of Object.keys(filters)) {
      if (!kpis.some((k) => k.dimensions.includes(name))) {
        throw new ApiError(422, 'unknown-dimension', `no KPI of the report has dimension "${name}"`, {
          parameter: `filters.${name}`,
        });
      }
    }
    for (const kpi of kpis) {
      const own = Object.fromEntries(Object.entries(filters).filter(([n]) => kpi.dimensions.includes(n)));
      if (Object.keys(own).length > 0) queries.buildQuery(kpi, { filters: JSON.stringify(own) }, null);
    }
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reports',
      tags: ['reports'],
      summary: 'List reports',
      responses: {
        200: {
          description: 'reports',
          content: { 'application/json': { schema: z.object({ reports: z.array(ReportBody) }) } },
        },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json({ reports: await reports.list() }, 200) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reports',
      tags: ['reports'],
      summary: 'Create a report over stored KPIs',
      request: { body: { required: true, content: { 'application/json': { schema: ReportBody } } } },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: ReportBody } } },
        ...errorResponses(400, 401, 403, 409, 422),
      },
    }),
    async (c) => {
      const report = c.req.valid('json');
      const unknown = report.kpis.filter((k) => !definitions.has(k));
      if (unknown.length > 0) {
        throw new ApiError(422, 'unknown-kpi', `unknown KPI(s): ${unknown.join(', ')}`, { unknown });
      }
      checkReportFilters(report);
      checkRecipients(report);
      await reports.create(report);
      c.header('Location', `/api/reports/${report.id}`);
      return c.json(report, 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reports/{reportId}',
      tags: ['reports'],
      summary: 'Read a report',
      request: { params: ReportIdParam },
      responses: {
        200: { description: 'the report', content: { 'application/json': { schema: ReportBody } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => c.json(await load(c.req.valid('param').reportId), 200) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reports/{reportId}/run',
      tags: ['reports'],
      summary: 'Evaluate every KPI of a report: JSON, or CSV streamed row by row (format=csv)',
      request: { params: ReportIdParam, query: RunQuery },
      responses: {
        200: {
          description: 'report rows',
          content: {
            'application/json': { schema: z.object({ reportId: z.string(), rows: z.array(z.unknown()) }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...errorResponses(400, 401, 403, 404, 422, 429, 503, 504),
      },
    }),
    async (c) => {
      const report = await load(c.req.valid('param').reportId);
      const q = c.req.valid('query');
      const format = q.format ?? (report.format === 'csv' ? 'csv' : 'json');
      const kpiIds = [...new Set(report.kpis)].slice(0, LIMITS.MAX_QUERIES_PER_REQUEST);
      for (const kpiId of kpiIds) definitions.get(kpiId);
      if (format === 'json') {
        const rows = [];
        for (const kpiId of kpiIds) rows.push(...(await evaluate(report, kpiId, q)));
        return c.json({ reportId: report.id, name: report.name, rows }, 200) as never;
      }
      // Compute the first KPI before committing to 200, so a failure still gets the error shape.
      const first = await evaluate(report, kpiIds[0]!, q);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${report.id}.csv"`);
      return stream(c, async (out) => {
        await out.write(CSV_HEADER);
        const write = async (rows: readonly ReportRow[]) => {
          for (const r of rows) await out.write(csvLine(r));
        };
        await write(first);
        for (const kpiId of kpiIds.slice(1)) {
          try {
            await write(await evaluate(report, kpiId, q));
          } catch {
            // Headers are gone; mark the failed KPI in-band rather than truncating silently.
            await out.write(csvError(kpiId));
          }
        }
      }) as never;
    },
  );

  const DeliveryRecordSchema = z.object({
    sink: z.enum(['webhook', 'directory', 'email']),
    target: z.string(),
    outcome: z.enum(['delivered', 'failed', 'skipped']),
    error: z.string().nullable(),
    bytes: z.number().int(),
  });
  const RunSchema = z
    .object({
      reportId: z.string(),
      scheduledFor: z.string(),
      period: z.object({ start: z.string(), end: z.string() }),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      outcome: z.enum(['running', 'delivered', 'partial', 'failed']),
      deliveries: z.array(DeliveryRecordSchema),
    })
    .openapi('ReportRun');
  const delivery = () => {
    if (!deps.reportDelivery) throw new ApiError(404, 'not-found', 'report delivery needs the metrics store');
    return deps.reportDelivery;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reports/{reportId}/deliveries',
      tags: ['reports'],
      summary: "A report's runs (scheduled and sent on request), newest first, with each delivery's outcome",
      request: {
        params: ReportIdParam,
        query: strictObject({ limit: z.coerce.number().int().min(1).max(1_000).default(50) }),
      },
      responses: {
        200: {
          description: 'runs',
          content: { 'application/json': { schema: z.object({ runs: z.array(RunSchema) }) } },
        },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const report = await load(c.req.valid('param').reportId);
      const runs = await delivery().runs(report.id, c.req.valid('query').limit);
      return c.json({ runs }, 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reports/{reportId}/deliver',
      tags: ['reports'],
      summary:
        'Send a report now to its recipients (and REPORTS_DIR), over the period its schedule reports on (daily: yesterday)',
      request: { params: ReportIdParam },
      responses: {
        200: { description: 'the run', content: { 'application/json': { schema: RunSchema } } },
        ...errorResponses(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const report = await load(c.req.valid('param').reportId);
      return c.json(await delivery().sendNow(report as never), 200) as never;
    },
  );
}
