/**
 * What one view of a KPI asks for — grain, range, time zone, breakdown, filters — and its round trip
 * through the URL (so a view can be shared) and into the API's query parameters.
 */
// @ts-nocheck

export const GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export const RANGE_PRESETS = [
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
  ['12m', 'Last 12 months'],
  ['24m', 'Last 24 months'],
  ['ytd', 'Year to date'],
  ['all', 'Since 2020'],
  ['custom', 'Custom…'],
] as const;

export interface ViewQuery {
  readonly grain: string;
  readonly range: string;
  /** YYYY-MM-DD, inclusive; used when range is custom. */
  readonly start: string;
  /** YYYY-MM-DD, exclusive. */
  readonly end: string;
  readonly tz: string;
  /** The breakdown dimension, '' for none. */
  readonly by: string;
  /** dimension → value (equality filters). */
  readonly filters: Readonly<Record<string, string>>;
}

export const DEFAULT_QUERY: ViewQuery = Object.freeze({
  grain: 'month',
  range: '12m',
  start: '',
  end: '',
  tz: 'UTC',
  by: '',
  filters: Object.freeze({}),
});

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** The [start, end) dates of a view, presets counted back from today (UTC). */
export function resolveRange(q: ViewQuery, now: Date = new Date()): { start: string; end: string } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const tomorrow = day(new Date(today.getTime() + 86_400_000));
  const monthsBack = (n: number) =>
    day(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - n, 1)));
  switch (q.range) {
    case '30d':
      return { start: day(new Date(today.getTime() - 29 * 86_400_000)), end: tomorrow };
    case '90d':
      return { start: day(new Date(today.getTime() - 89 * 86_400_000)), end: tomorrow };
    case '24m':
      return { start: monthsBack(23), end: tomorrow };
    case 'ytd':
      return { start: `${today.getUTCFullYear()}-01-01`, end: tomorrow };
    case 'all':
      return { start: '2020-01-01', end: tomorrow };
    case 'custom':
      return { start: q.start || monthsBack(11), end: q.end || tomorrow };
    default:
      return { start: monthsBack(11), end: tomorrow };
  }
}

/** The view as URL parameters; defaults are left out so shared URLs stay short. */
export function toSearch(q: ViewQuery, extra: Record<string, string> = {}): URLSearchParams {
  const p = new URLSearchParams();
  if (q.grain !== DEFAULT_QUERY.grain) p.set('grain', q.grain);
  if (q.range !== DEFAULT_QUERY.range) p.set('range', q.range);
  if (q.range === 'custom') {
    if (q.start) p.set('start', q.start);
    if (q.end) p.set('end', q.end);
  }
  if (q.tz !== DEFAULT_QUERY.tz) p.set('tz', q.tz);
  if (q.by) p.set('by', q.by);
  for (const [k, v] of Object.entries(q.filters)) p.set(`f.${k}`, v);
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  return p;
}

export function fromSearch(p: URLSearchParams, base: ViewQuery = DEFAULT_QUERY): ViewQuery {
  const filters: Record<string, string> = {};
  for (const [k, v] of p) if (k.startsWith('f.') && k.length > 2) filters[k.slice(2)] = v;
  const start = p.get('start') ?? '';
  const end = p.get('end') ?? '';
  return Object.freeze({
    grain: p.get('grain') ?? base.grain,
    // A start or end without a range means the custom range they give.
    range: p.get('range') ?? (start || end ? 'custom' : base.range),
    start,
    end,
    tz: p.get('tz') ?? base.tz,
    by: p.get('by') ?? base.by,
    filters: Object.freeze(filters),
  });
}

/** A DSL string literal: single quotes, a doubled quote escapes one (grammar/tokens.ts). */
export const dslString = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/** Equality filters plus an optional `dim not in (…)` as KPI DSL filter text ('' when none). */
export function filterText(
  filters: Readonly<Record<string, string>>,
  notIn?: { dim: string; values: string[] },
) {
  const parts = Object.entries(filters).map(([k, v]) => `${k} = ${dslString(v)}`);
  if (notIn && notIn.values.length > 0)
    parts.push(`${notIn.dim} not in (${notIn.values.map(dslString).join(', ')})`);
  return parts.join(' and ');
}

/** Query parameters of the cached metric routes for this view. */
export function metricParams(
  q: ViewQuery,
  options: { withGrain?: boolean; dimensions?: string; notIn?: { dim: string; values: string[] } } = {},
): URLSearchParams {
  const { start, end } = resolveRange(q);
  const p = new URLSearchParams({ start, end, tz: q.tz });
  if (options.withGrain) p.set('aggregation', q.grain);
  if (options.dimensions) p.set('dimensions', options.dimensions);
  const filters = filterText(q.filters, options.notIn);
  if (filters) p.set('filters', filters);
  return p;
}
