/**
 * A report's rows: every KPI of the report evaluated over one range (a value with its trend per KPI,
 * or one row per bucket with `aggregation`), and their CSV text. Used by the report route (streamed)
 * and by scheduled deliveries (whole).
 */
import type { Grain, KpiIR } from '../ir/kpi.ts';

export interface ReportDoc {
  readonly id: string;
  readonly name: string;
  readonly kpis: readonly string[];
  readonly format: string;
  readonly filters?: Readonly<Record<string, unknown>> | undefined;
}

export interface ReportParams {
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly tz?: string | undefined;
  readonly aggregation?: Grain | undefined;
}

/** The metric routes' parameters a report passes on (the query service's MetricParams accepts them). */
export interface ReportQueryParams extends ReportParams {
  /** JSON object of dimension → value(s). */
  readonly filters?: string | undefined;
}

export interface ReportRow {
  readonly kpiId: string;
  readonly name: string;
  readonly time: string;
  readonly value: number | null;
  readonly trendDirection?: string;
  readonly trendPercentage?: number;
}

/** What a report reads, as small interfaces (the service's definitions and query services fit them). */
export interface ReportDeps {
  readonly definitions: { get(kpiId: string): { readonly ir: KpiIR } };
  readonly queries: {
    /** The metric routes' bodies, as JSON text: a value with its trend, or a history. */
    value(kpiId: string, params: ReportQueryParams): Promise<{ readonly body: string }>;
    history(kpiId: string, params: ReportQueryParams): Promise<{ readonly body: string }>;
  };
}

/** One KPI's rows; the report's filters apply where the KPI has that dimension. */
export async function evaluateKpi(
  deps: ReportDeps,
  report: ReportDoc,
  kpiId: string,
  q: ReportParams,
): Promise<ReportRow[]> {
  const kpi = deps.definitions.get(kpiId).ir;
  const filters = Object.fromEntries(
    Object.entries(report.filters ?? {}).filter(([name]) => kpi.dimensions.includes(name)),
  );
  const params: ReportQueryParams = {
    start: q.start,
    end: q.end,
    tz: q.tz,
    filters: Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined,
    aggregation: q.aggregation,
  };
  if (q.aggregation) {
    const body = JSON.parse((await deps.queries.history(kpiId, params)).body);
    return (body.history as Array<{ time: string; value: number | null }>).map((r) => ({
      kpiId,
      name: kpi.name,
      time: r.time,
      value: r.value,
    }));
  }
  const body = JSON.parse((await deps.queries.value(kpiId, params)).body);
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
}

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

export const CSV_HEADER = 'kpi_id,name,time,value\n';
export const csvLine = (r: ReportRow): string =>
  `${[r.kpiId, r.name, r.time, r.value].map(csvCell).join(',')}\n`;
/** A KPI that failed, marked in-band (a streamed CSV cannot change its status any more). */
export const csvError = (kpiId: string): string => `${csvCell(kpiId)},,,#error\n`;

export interface Rendered {
  readonly contentType: string;
  readonly extension: 'csv' | 'json';
  readonly body: string;
}

/** The whole report as one document (for deliveries); a KPI that fails is an error row, not a lost report. */
export async function renderReport(
  deps: ReportDeps,
  report: ReportDoc,
  q: ReportParams,
  format: 'csv' | 'json',
): Promise<Rendered> {
  const kpiIds = [...new Set(report.kpis)];
  const rows: ReportRow[] = [];
  const failed: string[] = [];
  for (const kpiId of kpiIds) {
    try {
      rows.push(...(await evaluateKpi(deps, report, kpiId, q)));
    } catch {
      failed.push(kpiId);
    }
  }
  if (format === 'json') {
    const body = JSON.stringify({
      reportId: report.id,
      name: report.name,
      range: { start: q.start, end: q.end, tz: q.tz },
      rows,
      failed,
    });
    return { contentType: 'application/json', extension: 'json', body };
  }
  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    body: CSV_HEADER + rows.map(csvLine).join('') + failed.map(csvError).join(''),
  };
}
