/** Reports (the seed's Report): stored documents; `run` evaluates every KPI, as JSON or streamed CSV. */
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { LIMITS } from '../../ir/limits.ts';
import type { App, AppDeps } from '../app.ts';
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

/**
 * One CSV cell. Text starting with = + - @ tab or carriage return is what spreadsheets run as a
 * formula (`=HYPERLINK(…)`, `@SUM(…)`), so it gets a leading apostrophe as OWASP recommends; numbers
 * stay numbers (-12.5 is a value, not a formula).
 */
export const csvCell = (v: unknown): string => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const raw = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function reportRoutes(app: App, deps: AppDeps): void {
  const { reports, definitions, queries } = deps;

  const load = async (id: string): Promise<Report> => {
    const report = await reports.get(id);
    if (!report) throw new ApiError(404, 'not-found', `report "${id}" not found`);
    return report as unknown as Report;
  };

  /** One KPI's rows for a report run; report filters apply where the KPI has that dimension. */
  const evaluate = async (report: Report, kpiId: string, q: z.infer<typeof RunQuery>) => {
    const kpi = definitions.get(kpiId).ir;
    const filters = Object.fromEntries(
      Object.entries(report.filters ?? {}).filter(([name]) => kpi.dimensions.includes(name)),
    );
    const params = {
      start: q.start,
      end: q.end,
      tz: q.tz,
      filters: Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined,
      aggregation: q.aggregation,
    };
    if (q.aggregation) {
      const body = JSON.parse((await queries.history(kpiId, params)).body);
      return (body.history as Array<{ time: string; value: number | null }>).map((r) => ({
        kpiId,
        name: kpi.name,
        time: r.time,
        value: r.value,
      }));
    }
    const body = JSON.parse((await queries.value(kpiId, params)).body);
    return [
      {
        kpiId,
        name: kpi.name,
        time: body.range.start as string,
        value: body.value as number | null,
        trendDirection: body.trend.direction as string,
        trendPercentage: body.trend.percentage as number,
      },
    ];
  };

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
        await out.write('kpi_id,name,time,value\n');
        const write = async (rows: Awaited<ReturnType<typeof evaluate>>) => {
          for (const r of rows)
            await out.write(`${[r.kpiId, r.name, r.time, r.value].map(csvCell).join(',')}\n`);
        };
        await write(first);
        for (const kpiId of kpiIds.slice(1)) {
          try {
            await write(await evaluate(report, kpiId, q));
          } catch {
            // Headers are gone; mark the failed KPI in-band rather than truncating silently.
            await out.write(`${csvCell(kpiId)},,,#error\n`);
          }
        }
      }) as never;
    },
  );
}
