/**
 * Materialized KPI history: the seed's `kpi_metrics` hypertable (one row per time, KPI, grain and
 * dimension combination) and its aggregates `kpi_hourly` / `kpi_daily` (avg, min, max, count of the
 * stored values per UTC hour / day, KPI, grain and dimensions).
 *
 * The aggregates are TimescaleDB continuous aggregates where the store has them (the embedded PGlite
 * build does, licence `timescale`); a TimescaleDB without them (Apache-only licence) gets plain tables
 * with the same columns that `refreshAggregates` recomputes the way refresh_continuous_aggregate would.
 */
import { sqlString } from '../emit/literal.ts';
import type { SqlClient } from './sql-client.ts';

export const HISTORY_AGGREGATES = [
  { name: 'kpi_hourly', interval: '1 hour' },
  { name: 'kpi_daily', interval: '1 day' },
] as const;

export type AggregateKind = 'continuous' | 'table';

/** One stored value: `dimensions` is `{}` for the KPI's total, else a value per declared dimension. */
export interface HistoryRow {
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly value: number | null;
}

export interface StoredHistoryRow extends HistoryRow {
  readonly time: Date;
}

const every = (interval: string) => `INTERVAL ${sqlString(interval)}`;
const aggregateSelect = (interval: string) => `SELECT time_bucket(${every(interval)}, time) AS bucket,
    kpi_id, grain, dimensions,
    avg(value) AS avg_value, max(value) AS max_value, min(value) AS min_value, count(*) AS count
  FROM public.kpi_metrics`;
const aggregateGroup = (interval: string) =>
  `GROUP BY time_bucket(${every(interval)}, time), kpi_id, grain, dimensions`;

export class HistoryStore {
  private kind: AggregateKind | null = null;

  constructor(private readonly db: SqlClient) {}

  /** How the aggregates are kept here (after `prepare`). */
  get aggregates(): AggregateKind {
    return this.kind ?? 'table';
  }

  /** Creates kpi_hourly and kpi_daily if missing (continuous aggregates, else tables); idempotent. */
  async prepare(log: (line: string) => void = () => {}): Promise<AggregateKind> {
    let kind: AggregateKind = 'continuous';
    for (const { name, interval } of HISTORY_AGGREGATES) {
      const [existing] = await this.db.query<{ relkind: string }>(
        `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relname = $1`,
        [name],
      );
      if (existing) {
        // A continuous aggregate is a view to the catalog; the fallback is a table.
        if (existing.relkind === 'r') kind = 'table';
        else if (!(await this.continuousRuns(name, log))) {
          // Made in an earlier session of a store that cannot run them now: the embedded PGlite build has
          // TimescaleDB's TSL only in the session that created the extension, so after a restart on its
          // data directory every insert into kpi_metrics failed in the aggregate's invalidation trigger.
          log(`history: ${name} re-made as a table (its continuous aggregate cannot run in this session)`);
          await this.db.exec(`DROP MATERIALIZED VIEW public.${name}`);
          await this.db.exec(
            `CREATE TABLE public.${name} AS ${aggregateSelect(interval)} ${aggregateGroup(interval)}`,
          );
          kind = 'table';
        }
        continue;
      }
      try {
        await this.db.exec(`CREATE MATERIALIZED VIEW public.${name}
          WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
          ${aggregateSelect(interval)} ${aggregateGroup(interval)} WITH NO DATA`);
      } catch (error) {
        // No continuous aggregates here (or no TimescaleDB): the same columns in a table we refresh.
        log(`history: ${name} as a table (no continuous aggregate: ${(error as Error).message})`);
        kind = 'table';
        await this.db.exec(`CREATE TABLE IF NOT EXISTS public.${name} AS
          ${aggregateSelect(interval)} ${aggregateGroup(interval)} WITH NO DATA`);
      }
    }
    this.kind = kind;
    return kind;
  }

  /**
   * Whether the continuous aggregate `name` can be refreshed in this session (a window with no rows).
   * Only "not supported" says no: another refusal (a role that may read but not refresh it, on an
   * instance that does not schedule) leaves the aggregate as it is.
   */
  private async continuousRuns(name: string, log: (line: string) => void): Promise<boolean> {
    try {
      await this.db.exec(
        `CALL refresh_continuous_aggregate(${sqlString(`public.${name}`)}, '1970-01-01', '1970-01-03')`,
      );
      return true;
    } catch (error) {
      // feature_not_supported: "… is not supported under the current license".
      if ((error as { code?: string }).code === '0A000') return false;
      log(`history: ${name} kept as it is (a trial refresh failed: ${(error as Error).message})`);
      return true;
    }
  }

  /**
   * Replaces one bucket's rows (all dimension combinations) of a KPI at a grain: rows that are no longer
   * in the answer go, the others are inserted or updated. Run it inside the bucket's transaction.
   */
  static async writeBucket(
    tx: SqlClient,
    kpiId: string,
    grain: string,
    time: Date,
    rows: readonly HistoryRow[],
    computedAt: Date,
  ): Promise<void> {
    await tx.query('DELETE FROM public.kpi_metrics WHERE kpi_id = $1 AND grain = $2 AND time = $3', [
      kpiId,
      grain,
      time,
    ]);
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO public.kpi_metrics (time, kpi_id, grain, dimensions, value, computed_at)
       SELECT $1::timestamptz, $2, $3, r.d, r.v, $5::timestamptz
       FROM jsonb_to_recordset($4::jsonb) AS r(d jsonb, v double precision)
       ON CONFLICT (time, kpi_id, grain, dimensions)
       DO UPDATE SET value = EXCLUDED.value, computed_at = EXCLUDED.computed_at`,
      [time, kpiId, grain, JSON.stringify(rows.map((r) => ({ d: r.dimensions, v: r.value }))), computedAt],
    );
  }

  /**
   * Recomputes the aggregates' buckets that hold `[from, to)` — for the table fallback inside the
   * caller's transaction (`tx`), for continuous aggregates outside any (TimescaleDB refuses one there).
   */
  async refreshAggregates(from: Date, to: Date, tx: SqlClient = this.db): Promise<void> {
    for (const { name, interval } of HISTORY_AGGREGATES) {
      const step = every(interval);
      const [w] = await tx.query<{ lo: Date; hi: Date; lo_text: string; hi_text: string }>(
        `SELECT time_bucket(${step}, $1::timestamptz) AS lo,
                time_bucket(${step}, $2::timestamptz - INTERVAL '1 microsecond') + ${step} AS hi,
                time_bucket(${step}, $1::timestamptz)::text AS lo_text,
                (time_bucket(${step}, $2::timestamptz - INTERVAL '1 microsecond') + ${step})::text AS hi_text`,
        [from, to],
      );
      if (this.aggregates === 'continuous') {
        await tx.exec(
          `CALL refresh_continuous_aggregate(${sqlString(`public.${name}`)}, ${sqlString(w!.lo_text)}::timestamptz, ${sqlString(w!.hi_text)}::timestamptz)`,
        );
        continue;
      }
      await tx.query(`DELETE FROM public.${name} WHERE bucket >= $1 AND bucket < $2`, [w!.lo, w!.hi]);
      await tx.query(
        `INSERT INTO public.${name} ${aggregateSelect(interval)}
         WHERE time >= $1 AND time < $2 ${aggregateGroup(interval)}`,
        [w!.lo, w!.hi],
      );
    }
  }

  /** Stored rows of a KPI at a grain in [from, to), oldest first (dimension order: their JSON text). */
  async read(kpiId: string, grain: string, from: Date, to: Date): Promise<StoredHistoryRow[]> {
    const rows = await this.db.query<{ time: Date | string; dimensions: unknown; value: unknown }>(
      `SELECT time, dimensions, value FROM public.kpi_metrics
       WHERE kpi_id = $1 AND grain = $2 AND time >= $3 AND time < $4
       ORDER BY time, dimensions::text`,
      [kpiId, grain, from, to],
    );
    return rows.map((r) => ({
      time: r.time instanceof Date ? r.time : new Date(r.time),
      dimensions: (typeof r.dimensions === 'string' ? JSON.parse(r.dimensions) : r.dimensions) as Record<
        string,
        unknown
      >,
      value: r.value === null || r.value === undefined ? null : Number(r.value),
    }));
  }
}
