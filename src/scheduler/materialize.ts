/**
 * Computes a KPI's values for a run of consecutive buckets: two engine queries at the schedule's grain
 * and zone over the whole run — the total and the breakdown by every dimension the KPI declares —
 * through the service's query path (limits, timeout, rollups), split into each bucket's rows.
 */
import type { Grain, KpiIR } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { formatInZone } from '../shared/time.ts';
import type { HistoryRow } from '../store/history-store.ts';
import type { Bucket } from './buckets.ts';

export interface SchedulerQueries {
  run(query: MetricQuery): Promise<{ readonly rows: readonly Readonly<Record<string, unknown>>[] }>;
}

/** The queries that materialize `buckets` (consecutive, oldest first): the total, then by dimensions. */
export function materializingQueries(
  kpi: KpiIR,
  grain: Grain,
  timezone: string,
  buckets: readonly Bucket[],
): MetricQuery[] {
  const range = {
    start: formatInZone(buckets[0]![0], timezone),
    end: formatInZone(buckets.at(-1)![1], timezone),
  };
  const base = { kpi: kpi.id, grain, range, timezone, filters: [] };
  return [
    Object.freeze({ ...base, dimensions: [] }),
    ...(kpi.dimensions.length > 0 ? [Object.freeze({ ...base, dimensions: [...kpi.dimensions] })] : []),
  ];
}

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Each bucket's rows (keyed by bucket start); a bucket the engine has no row for gets none. */
export async function computeBuckets(
  queries: SchedulerQueries,
  kpi: KpiIR,
  grain: Grain,
  timezone: string,
  buckets: readonly Bucket[],
): Promise<Map<number, HistoryRow[]>> {
  const out = new Map<number, HistoryRow[]>(buckets.map(([start]) => [start, []]));
  for (const query of materializingQueries(kpi, grain, timezone, buckets)) {
    const { rows } = await queries.run(query);
    for (const row of rows) {
      const time = Date.parse(String(row.time));
      const bucket = out.get(time);
      if (!bucket) {
        // The engine drew buckets differently from ours: storing them would mislabel values.
        throw new Error(
          `the engine answered a bucket at ${String(row.time)}, which is not a ${grain} bucket of the run in ${timezone}`,
        );
      }
      bucket.push({
        dimensions: Object.fromEntries(query.dimensions.map((d) => [d, row[d] ?? null])),
        value: numberOrNull(row.value),
      });
    }
  }
  return out;
}

/** Splits buckets (oldest first) into runs of consecutive buckets of at most `max`. */
export function consecutiveRuns<T extends { start: number; end: number }>(
  buckets: readonly T[],
  max: number,
): T[][] {
  const runs: T[][] = [];
  for (const b of buckets) {
    const last = runs.at(-1);
    if (last && last.length < max && last.at(-1)!.end === b.start) last.push(b);
    else runs.push([b]);
  }
  return runs;
}
