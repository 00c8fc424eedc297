/**
 * Druid SQL, for plans whose every table is a Druid datasource (Druid-backed rollups): datasources in
 * the `druid` schema, `?` parameters (sent typed: src/exec/druid-client.ts), time as `TIME_FLOOR` /
 * `TIME_SHIFT` with ISO 8601 periods in the query's zone, epoch milliseconds from `TIMESTAMP_TO_MILLIS`,
 * approximate distinct counts from HLL sketches (`APPROX_COUNT_DISTINCT_DS_HLL`, druid-datasketches).
 * Druid has no FULL OUTER JOIN on null-safe keys, which the shared emitter never writes (it joins
 * measures as a UNION ALL of their keys grouped once). Druid cannot generate a spine of buckets, so
 * plans that need one (windows, gap filling) are refused here and run elsewhere. Runs with
 * `useApproximateCountDistinct: false` in the query context, so COUNT(DISTINCT x) stays exact.
 */
import type { Grain, ValueType } from '../ir/kpi.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { quoteIdentifier, sqlString } from './literal.ts';

/** ISO 8601 periods: Druid's P1W buckets start on Monday, as the planner's weeks do. */
export const DRUID_PERIOD: Readonly<Record<Grain, string>> = Object.freeze({
  minute: 'PT1M',
  hour: 'PT1H',
  day: 'P1D',
  week: 'P1W',
  month: 'P1M',
  quarter: 'P3M',
  year: 'P1Y',
});

/** Druid SQL has no decimal: exact money is kept as whole cents (BIGINT) by the rollup, read as DOUBLE. */
const DRUID_TYPES: Record<ValueType, string> = {
  bigint: 'BIGINT',
  double: 'DOUBLE',
  decimal: 'DOUBLE',
  number: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  interval: 'BIGINT',
  null: 'VARCHAR',
};

export const druid: Dialect = Object.freeze({
  name: 'druid' as const,
  placeholders: 'question' as const,
  flags: Object.freeze({
    federated: false,
    approxDistinct: true,
    exactPercentile: false,
    // No generate_series/sequence: `spine` refuses every grain (a single total bucket needs no series).
    maxSpineBuckets: Number.POSITIVE_INFINITY,
    materializedCte: false,
    unionOfSubqueries: false,
  }),
  doubleType: 'DOUBLE',
  stringType: 'VARCHAR',
  quote: quoteIdentifier,
  table(catalog, ref) {
    const source = catalog.sources[ref.source]!;
    const engine = catalog.connections[source.connection]?.engine;
    if (engine !== 'druid') {
      unsupported(
        `table ${ref.source}.${ref.table}`,
        'druid',
        `it lives in ${engine ?? 'an unknown engine'}, not in Druid; run it through trino`,
      );
    }
    return `${quoteIdentifier('druid')}.${quoteIdentifier(ref.table)}`;
  },
  truncate: (ts, grain, zone) => `TIME_FLOOR(${ts}, '${DRUID_PERIOD[grain]}', NULL, ${sqlString(zone)})`,
  shift: (ts, amount, unit, zone) =>
    `TIME_SHIFT(${ts}, '${DRUID_PERIOD[unit]}', ${Math.trunc(amount)}, ${sqlString(zone)})`,
  // An ISO 8601 instant with its offset (the parameters are sent as such), parsed by Druid itself.
  timestampParam: (marker) => `TIME_PARSE(${marker})`,
  stringParam: (marker) => `CAST(${marker} AS VARCHAR)`,
  spine: (grain) =>
    unsupported(
      `a series of ${grain} buckets (windows, empty buckets)`,
      'druid',
      "Druid SQL cannot generate one; run it through trino's druid catalog",
    ),
  epochMs: (ts) => `TIMESTAMP_TO_MILLIS(${ts})`,
  like: (operand, pattern, negated) => `${operand}${negated ? ' NOT' : ''} LIKE ${pattern}`,
  round: (value, digits) => (digits === null ? `ROUND(${value})` : `ROUND(${value}, ${digits})`),
  approxDistinct: (x) => `APPROX_COUNT_DISTINCT_DS_HLL(${x})`,
  nullOf: (type) => `CAST(NULL AS ${DRUID_TYPES[type]})`,
} satisfies Dialect);
