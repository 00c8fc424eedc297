/**
 * A Druid-backed rollup's native batch ingestion spec (pure): the partial aggregates Trino computed
 * (one row per bucket and dimensions, bucket starts in the rollup's zone) as inline JSON rows, Druid's
 * own rollup at the declared grain in the same zone (`queryGranularity`), one time chunk per month (day and hour
 * grains; see druidChunkUnit) in the rollup's zone (`segmentGranularity`),
 * and the whole interval replaced (`appendToExisting: false`, `dropExisting: true`: chunks without rows
 * get tombstones), so re-loading a day replaces that day and nothing is ever counted twice.
 * https://druid.apache.org/docs/latest/ingestion/native-batch
 */
import type { Catalog, ColumnType } from '../catalog/types.ts';
import { DRUID_PERIOD } from '../emit/druid.ts';
import type { Grain } from '../ir/kpi.ts';
import type { RollupDef, RollupMeasure } from '../ir/rollup.ts';
import { DRUID_TIME_COLUMN, measureColumn, sourceTable } from './names.ts';
import { HLL_LG_K, HLL_TYPE } from './sketch.ts';
import type { PartitionUnit } from './source-sql.ts';

/**
 * Druid's time chunk for a rollup of `grain`: what one load replaces at least. Each segment costs the
 * coordinator and the historicals a round of work, so chunks are coarser than the metrics store's
 * partitions (a month of day buckets is one segment, not thirty); a chunk always holds whole buckets.
 */
export function druidChunkUnit(grain: Grain): PartitionUnit {
  switch (grain) {
    case 'minute':
      return 'day';
    case 'hour':
    case 'day':
      return 'month';
    case 'week':
      return 'week';
    default:
      return 'year';
  }
}

/** count(*) is always stored: the source rows behind each bucket (readiness checks, the cost estimate). */
export const SOURCE_ROWS_COLUMN = measureColumn({ fn: 'count', column: null });

/** The measures a Druid rollup loads: its own, plus count(*) when it does not declare it. */
export function loadedMeasures(r: RollupDef): readonly RollupMeasure[] {
  return r.measures.some((m) => m.fn === 'count' && m.column === null)
    ? r.measures
    : [...r.measures, { fn: 'count', column: null }];
}

/** Druid's datasource for a rollup: the rollup's name (the optimizer's `druid_rollups` table). */
export const druidDataSource = (r: RollupDef): string => r.name;

/** Sums in Druid are doubles (exact to the cent for sums below 2^53 cents); counts are longs. */
function metricOf(catalog: Catalog, r: RollupDef, m: RollupMeasure): Record<string, string | number> {
  const name = measureColumn(m);
  const columnType: ColumnType | undefined =
    m.column === null ? undefined : sourceTable(catalog, r).columns[m.column];
  const whole = columnType === 'bigint';
  switch (m.fn) {
    case 'count':
      return { type: 'longSum', name, fieldName: name };
    case 'sum':
      return { type: whole ? 'longSum' : 'doubleSum', name, fieldName: name };
    case 'min':
      return { type: whole ? 'longMin' : 'doubleMin', name, fieldName: name };
    case 'max':
      return { type: whole ? 'longMax' : 'doubleMax', name, fieldName: name };
    case 'approx_distinct':
      // Built from the column's values (one per loaded row, see partialAggregateSql); merged by rollup.
      return { type: 'HLLSketchBuild', name, fieldName: name, lgK: HLL_LG_K, tgtHllType: HLL_TYPE };
    default:
      throw new Error(`rollup ${r.name}: ${m.fn} cannot be stored in Druid`);
  }
}

function dimensionOf(catalog: Catalog, r: RollupDef, d: string): string | Record<string, string> {
  const t = sourceTable(catalog, r).columns[d];
  if (t === 'bigint') return { type: 'long', name: d };
  if (t === 'double' || t === 'decimal') return { type: 'double', name: d };
  return d;
}

const period = (p: string, timeZone: string) => ({ type: 'period', period: p, timeZone });

/** One JSON line per partial-aggregate row (ts, dimensions, measures in loadedMeasures order). */
export function inlineRows(r: RollupDef, rows: readonly (readonly unknown[])[]): string {
  const measures = loadedMeasures(r);
  return rows
    .map((row) => {
      const o: Record<string, unknown> = { [DRUID_TIME_COLUMN]: row[0] };
      r.dimensions.forEach((d, i) => {
        o[d] = row[i + 1] ?? null;
      });
      measures.forEach((m, i) => {
        const v = row[r.dimensions.length + 1 + i];
        // A sketch's input is the value itself (a number or a string), every other measure a number.
        o[measureColumn(m)] =
          v === null || v === undefined ? null : m.fn === 'approx_distinct' ? v : Number(v);
      });
      return JSON.stringify(o);
    })
    .join('\n');
}

/** The `index_parallel` task replacing [start, end) of the rollup's datasource with `rows`. */
export function ingestionTask(
  catalog: Catalog,
  r: RollupDef,
  interval: readonly [start: string, end: string],
  rows: readonly (readonly unknown[])[],
  o: { readonly id?: string } = {},
): unknown {
  return {
    type: 'index_parallel',
    ...(o.id ? { id: o.id } : {}),
    spec: {
      dataSchema: {
        dataSource: druidDataSource(r),
        timestampSpec: { column: DRUID_TIME_COLUMN, format: 'iso' },
        dimensionsSpec: { dimensions: r.dimensions.map((d) => dimensionOf(catalog, r, d)) },
        metricsSpec: loadedMeasures(r).map((m) => metricOf(catalog, r, m)),
        granularitySpec: {
          segmentGranularity: period(DRUID_PERIOD[druidChunkUnit(r.grain)], r.timezone),
          queryGranularity: period(DRUID_PERIOD[r.grain], r.timezone),
          rollup: true,
          intervals: [`${interval[0]}/${interval[1]}`],
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'inline', data: inlineRows(r, rows) },
        inputFormat: { type: 'json' },
        appendToExisting: false,
        dropExisting: true,
      },
      tuningConfig: {
        type: 'index_parallel',
        maxNumConcurrentSubTasks: 1,
        // The task ends once historicals serve the new segments (the broker's view follows; the
        // loader then waits for the loaded totals through SQL before it publishes).
        awaitSegmentAvailabilityTimeoutMillis: 300_000,
      },
    },
  };
}
