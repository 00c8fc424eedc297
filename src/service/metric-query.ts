/**
 * A metric route's parameters as a MetricQuery: the range (default: the last 30 days up to today in the
 * query's zone), the time zone, dimensions and filters (a JSON object or DSL filter text), each checked
 * against the KPI with errors naming the parameter.
 */
import type { Grain, KpiIR, RowExpr } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { isTimeZone } from '../shared/time.ts';
import { InvalidInput } from './errors.ts';
import { resolveRange } from './time-range.ts';
import type { KpiLanguage, Registry } from './types.ts';

export interface MetricParams {
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly tz?: string | undefined;
  readonly dimensions?: readonly string[] | undefined;
  /** A JSON object `{"region":"eu","plan_type":["pro","team"]}` or DSL filter text `region = 'eu'`. */
  readonly filters?: string | undefined;
  readonly aggregation?: Grain | undefined;
  /**
   * The end user asking (a token's subject when auth is on): Trino runs the answer's queries as this
   * user (X-Trino-User), so Trino's access control and query history see the person, and answers that
   * run on Trino are cached per user (one user's answer is never served to another). Not part of the
   * URL: the route adds it.
   */
  readonly user?: string | undefined;
}

/** What building a query needs besides the KPI and the parameters. */
export interface QueryContext {
  readonly language: KpiLanguage;
  readonly defaultTimezone: string;
  readonly now: Date;
}

function literalOf(value: unknown): RowExpr {
  if (typeof value === 'string') return { kind: 'literal', value, type: 'string' };
  if (typeof value === 'boolean') return { kind: 'literal', value, type: 'boolean' };
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { kind: 'literal', value, type: Number.isInteger(value) ? 'bigint' : 'double' };
  }
  if (value === null) return { kind: 'literal', value: null, type: 'null' };
  throw new InvalidInput(
    'invalid-request',
    'filter values must be strings, numbers, booleans or lists of them',
    {
      value,
    },
  );
}

/** Builds the MetricQuery of a metric route, checking dimensions and filters against the KPI. */
export function buildMetricQuery(
  kpi: KpiIR,
  params: MetricParams,
  grain: Grain | null,
  registry: Registry,
  ctx: QueryContext,
): MetricQuery {
  const timezone = params.tz ?? ctx.defaultTimezone;
  if (!isTimeZone(timezone)) {
    throw new InvalidInput('invalid-request', `tz "${timezone}" is not an IANA time zone`, {
      parameter: 'tz',
    });
  }
  // `?dimensions=region` repeated 400 times is one dimension, and one engine query.
  const dimensions = [...new Set(params.dimensions ?? [])];
  if (dimensions.length > LIMITS.MAX_DIMENSIONS) {
    throw new InvalidInput(
      'limit-exceeded',
      `${dimensions.length} dimensions asked for; ${limitText('MAX_DIMENSIONS')}`,
      { parameter: 'dimensions', limit: 'MAX_DIMENSIONS' },
    );
  }
  for (const d of dimensions) checkDimension(kpi, d);
  if (grain !== null && kpi.grains.length > 0 && !kpi.grains.includes(grain)) {
    throw new InvalidInput(
      'grain-not-allowed',
      `KPI "${kpi.id}" declares grains ${kpi.grains.join(', ')}; ${grain} is not one of them`,
      { parameter: 'grain', grain, allowed: kpi.grains },
    );
  }
  return Object.freeze({
    kpi: kpi.id,
    grain,
    range: resolveRange(params, timezone, ctx.now),
    timezone,
    dimensions,
    filters: parseFilters(kpi, params.filters, registry, ctx.language),
  });
}

function checkDimension(kpi: KpiIR, dimension: string): void {
  if (!kpi.dimensions.includes(dimension)) {
    throw new InvalidInput('unknown-dimension', `KPI "${kpi.id}" has no dimension "${dimension}"`, {
      dimension,
      allowed: kpi.dimensions,
    });
  }
}

function parseFilters(
  kpi: KpiIR,
  text: string | undefined,
  registry: Registry,
  language: KpiLanguage,
): RowExpr[] {
  if (!text || text.trim() === '') return [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let record: unknown;
    try {
      record = JSON.parse(trimmed);
    } catch {
      throw new InvalidInput('invalid-request', 'filters is not valid JSON', { parameter: 'filters' });
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new InvalidInput('invalid-request', 'filters must be a JSON object of dimension → value(s)');
    }
    return Object.entries(record as Record<string, unknown>).map(([name, value]): RowExpr => {
      checkDimension(kpi, name);
      const operand: RowExpr = { kind: 'dimension', name };
      return Array.isArray(value)
        ? { kind: 'in', operand, values: value.map(literalOf), negated: false }
        : { kind: 'binary', op: '=', left: operand, right: literalOf(value) };
    });
  }
  // Parsed on the event loop (route parameters build queries synchronously): bounded before lexing.
  if (trimmed.length > LIMITS.MAX_FILTER_CHARS) {
    throw new InvalidInput(
      'limit-exceeded',
      `a filter of ${trimmed.length} characters; ${limitText('MAX_FILTER_CHARS')} (JSON filters, {"dimension": value}, take larger values)`,
      { parameter: 'filters', limit: 'MAX_FILTER_CHARS' },
    );
  }
  const parsed = language.parseFilter(trimmed, registry);
  if (parsed.diagnostics.some((d) => d.severity === 'error') || !parsed.expr) {
    throw new InvalidInput('invalid-filter', parsed.diagnostics[0]?.message ?? 'invalid filter', {
      diagnostics: parsed.diagnostics,
    });
  }
  return [parsed.expr];
}
