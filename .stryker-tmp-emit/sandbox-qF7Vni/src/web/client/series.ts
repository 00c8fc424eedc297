/**
 * Loads what a chart draws from the cached history route: one series, or one per value of the breakdown
 * dimension — the top N by size, plus "other", which the engine computes exactly (the same KPI filtered
 * to the remaining values, so ratios stay ratios) rather than the browser adding numbers up.
 */
// @ts-nocheck

import { get, type History } from './api.ts';
import type { Series } from './chart.ts';
import { metricParams, type ViewQuery } from './query.ts';

export const TOP_N = 5;
export const NONE_LABEL = '(none)';

export interface LoadedSeries {
  readonly series: Series[];
  /** X-Cache of each request made (hit, miss, stale). */
  readonly cache: string[];
  readonly asOf: string | null;
  readonly urls: string[];
}

const historyUrl = (kpiId: string, params: URLSearchParams) =>
  `/api/metrics/${encodeURIComponent(kpiId)}/history?${params}`;

export async function loadSeries(kpiId: string, q: ViewQuery, topN = TOP_N): Promise<LoadedSeries> {
  const url = historyUrl(kpiId, metricParams(q, { withGrain: true, dimensions: q.by || undefined }));
  const first = await get<History>(url);
  const cache = [first.headers.get('X-Cache') ?? 'unknown'];
  const asOf = first.headers.get('X-Data-As-Of');
  if (!q.by) {
    return {
      series: [{ name: 'value', points: new Map(first.data.history.map((r) => [r.time, r.value])) }],
      cache,
      asOf,
      urls: [url],
    };
  }
  const groups = new Map<string | null, Map<string, number | null>>();
  for (const row of first.data.history) {
    const raw = row[q.by];
    const key = raw === null || raw === undefined ? null : String(raw);
    let points = groups.get(key);
    if (!points) {
      points = new Map();
      groups.set(key, points);
    }
    points.set(row.time, row.value);
  }
  const size = (points: Map<string, number | null>) =>
    [...points.values()].reduce<number>((a, v) => a + Math.abs(v ?? 0), 0);
  const named = [...groups].filter((g): g is [string, Map<string, number | null>] => g[0] !== null);
  named.sort((a, b) => size(b[1]) - size(a[1]) || a[0].localeCompare(b[0]));
  const top = named.slice(0, topN);
  const rest = named.slice(topN);
  const series: Series[] = top.map(([name, points]) => ({ name, points }));
  const nulls = groups.get(null);
  // Rows without a value of the dimension are their own series: `not in` below would not count them.
  if (nulls) series.push({ name: NONE_LABEL, points: nulls });
  const urls = [url];
  if (rest.length > 0) {
    const otherUrl = historyUrl(
      kpiId,
      metricParams(q, {
        withGrain: true,
        notIn: { dim: q.by, values: rest.length ? top.map(([k]) => k) : [] },
      }),
    );
    const other = await get<History>(otherUrl);
    cache.push(other.headers.get('X-Cache') ?? 'unknown');
    urls.push(otherUrl);
    series.push({
      name: `other (${rest.length} more)`,
      points: new Map(other.data.history.map((r) => [r.time, r.value])),
    });
  }
  return { series, cache, asOf, urls };
}
