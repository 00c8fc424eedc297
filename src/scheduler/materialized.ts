/**
 * Answers a history question from materialized history when, and only when, it is the question the
 * scheduler answered: the KPI's schedule grain and time zone, no filters, either no dimensions (the
 * total) or exactly the KPI's declared dimensions, a range on bucket boundaries, and every bucket in it
 * stored at the KPI's current definition version. Anything else is computed live.
 */
import type { KpiIR } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { formatInZone } from '../shared/time.ts';
import { HistoryStore } from '../store/history-store.ts';
import { JobStore } from '../store/job-store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { bucketsIn, isBucketStart } from './buckets.ts';
import { scheduleOf } from './schedule.ts';

/** More buckets than this are not checked one by one: such a question is computed live. */
const MAX_BUCKETS = 20_000;

export class MaterializedReader {
  private readonly history: HistoryStore;
  private readonly jobs: JobStore;

  constructor(
    sql: SqlClient,
    private readonly defaultTimezone: string,
  ) {
    this.history = new HistoryStore(sql);
    this.jobs = new JobStore(sql);
  }

  /** The answer's rows (`time` in the query's zone, dimensions in the query's order, `value`), or null. */
  async lookup(
    query: MetricQuery,
    kpi: KpiIR,
    version: string,
  ): Promise<readonly Record<string, unknown>[] | null> {
    const s = scheduleOf(kpi, this.defaultTimezone);
    if (!s || query.grain !== s.grain || query.timezone !== s.timezone || query.filters.length > 0)
      return null;
    const byDimensions = query.dimensions.length > 0;
    if (
      byDimensions &&
      (query.dimensions.length !== kpi.dimensions.length ||
        !query.dimensions.every((d) => kpi.dimensions.includes(d)))
    ) {
      return null;
    }
    const start = Date.parse(query.range.start);
    const end = Date.parse(query.range.end);
    const tz = s.timezone;
    if (!(start < end) || !isBucketStart(s.grain, start, tz) || !isBucketStart(s.grain, end, tz)) return null;
    const buckets = bucketsIn(s.grain, start, end, tz, MAX_BUCKETS);
    if (!buckets || buckets.length === 0) return null;
    const done = await this.jobs.doneBuckets({ kpiId: kpi.id, grain: s.grain }, tz, version, start, end);
    if (!buckets.every(([b]) => done.has(b))) return null;
    const rows = await this.history.read(kpi.id, s.grain, new Date(start), new Date(end));
    return rows
      .filter((r) => Object.keys(r.dimensions).length > 0 === byDimensions)
      .map((r) => ({
        time: formatInZone(r.time.getTime(), tz),
        ...Object.fromEntries(query.dimensions.map((d) => [d, r.dimensions[d] ?? null])),
        value: r.value,
      }));
  }
}
