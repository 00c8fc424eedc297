/**
 * What each metric route asks the engine and how it shapes the answer (the seed's MetricResponse, the
 * history and the per-dimension breakdown): the queries to run and a `build` over their results. Plain
 * functions; the query service caches and runs them.
 */
import { trendOf } from '../exec/engine.ts';
import { GRAINS, type Grain, type KpiIR } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { InvalidInput } from './errors.ts';
import type { MetricParams } from './metric-query.ts';
import { previousRange } from './time-range.ts';
import type { RunResult } from './types.ts';

export interface AnswerPlan {
  readonly queries: readonly MetricQuery[];
  readonly build: (results: RunResult[]) => unknown;
}

/** Builds a route's MetricQuery for the KPI (checked against it) at a grain. */
export type QueryOf = (params: MetricParams, grain: Grain | null) => MetricQuery;

const finest = (grains: readonly Grain[]): Grain =>
  [...grains].sort((a, b) => GRAINS.indexOf(a) - GRAINS.indexOf(b))[0]!;

export const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The value over the range and its trend against the range before it. */
export function valueAnswer(kpi: KpiIR, params: MetricParams, queryOf: QueryOf, now: () => Date): AnswerPlan {
  const current = queryOf({ ...params, dimensions: [] }, null);
  const previous = { ...current, range: previousRange(current.range) };
  return {
    queries: [current, previous],
    build: ([cur, prev]) => {
      const value = numberOrNull(cur!.rows[0]?.value);
      const before = numberOrNull(prev!.rows[0]?.value);
      return {
        kpiId: kpi.id,
        name: kpi.name,
        value,
        trend: trendOf(value, before),
        previousValue: before,
        range: current.range,
        timezone: current.timezone,
        ...(kpi.format ? { format: kpi.format } : {}),
        computedAt: now().toISOString(),
      };
    },
  };
}

/** Day unless the KPI declares grains without it: then its finest declared grain. */
export function historyGrain(kpi: KpiIR, params: MetricParams): Grain {
  return (
    params.aggregation ?? (kpi.grains.length === 0 || kpi.grains.includes('day') ? 'day' : finest(kpi.grains))
  );
}

export function historyBody(
  kpi: KpiIR,
  query: MetricQuery,
  history: readonly unknown[],
  source: string,
  now: () => Date,
) {
  return {
    kpiId: kpi.id,
    name: kpi.name,
    aggregation: query.grain,
    range: query.range,
    timezone: query.timezone,
    dimensions: query.dimensions,
    history,
    source,
    computedAt: now().toISOString(),
  };
}

/** One row per bucket (and dimension values), computed live. */
export function historyAnswer(
  kpi: KpiIR,
  params: MetricParams,
  queryOf: QueryOf,
  now: () => Date,
): AnswerPlan {
  const query = queryOf(params, historyGrain(kpi, params));
  return {
    queries: [query],
    build: ([result]) =>
      historyBody(
        kpi,
        query,
        result!.rows.map((row) => ({ ...row, value: numberOrNull(row.value) })),
        'live',
        now,
      ),
  };
}

/** One breakdown per dimension (all of the KPI's, or those asked for), totals over the range. */
export function dimensionsAnswer(
  kpi: KpiIR,
  params: MetricParams,
  queryOf: QueryOf,
  now: () => Date,
  timezone: string,
): AnswerPlan {
  // Deduplicated and capped: each name is one engine query.
  const names = [
    ...new Set(params.dimensions && params.dimensions.length > 0 ? params.dimensions : kpi.dimensions),
  ];
  if (names.length > LIMITS.MAX_DIMENSIONS) {
    throw new InvalidInput(
      'limit-exceeded',
      `${names.length} dimensions asked for; ${limitText('MAX_DIMENSIONS')}`,
      { parameter: 'dimensions', limit: 'MAX_DIMENSIONS' },
    );
  }
  const queries = names.map((d) => queryOf({ ...params, dimensions: [d] }, null));
  const range = queries[0]?.range ?? queryOf({ ...params, dimensions: [] }, null).range;
  return {
    queries,
    build: (results) => ({
      kpiId: kpi.id,
      name: kpi.name,
      range,
      timezone,
      dimensions: names.map((dimension, i) => ({
        dimension,
        values: results[i]!.rows.map((row) => ({
          key: row[dimension] ?? null,
          value: numberOrNull(row.value),
        })),
      })),
      computedAt: now().toISOString(),
    }),
  };
}

/** A metric route's body says which of its values are approximate, and how much (absent: all exact). */
export function withApproximations(body: unknown, results: readonly RunResult[]): unknown {
  const approximate = new Map(results.flatMap((r) => r.approximate ?? []).map((x) => [x.measure, x]));
  if (approximate.size === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...body, approximate: [...approximate.values()] };
}
