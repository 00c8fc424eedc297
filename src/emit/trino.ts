/**
 * Trino: catalog-qualified names (`"payments"."public"."subscriptions"`), `?` parameters (sent with
 * EXECUTE IMMEDIATE … USING), zone-aware `date_trunc`/`date_add` on `timestamp with time zone`, spines
 * from `sequence` (Trino caps a sequence at 10,000 entries). The executor sets the session zone to UTC,
 * so time columns without a zone (MongoDB dates) are read as UTC instants.
 */
import type { Grain } from '../ir/kpi.ts';
import type { Dialect } from './dialect.ts';
import { quoteIdentifier, sqlString } from './literal.ts';

const step: Record<Grain, string> = {
  minute: "INTERVAL '1' MINUTE",
  hour: "INTERVAL '1' HOUR",
  day: "INTERVAL '1' DAY",
  week: "INTERVAL '7' DAY",
  month: "INTERVAL '1' MONTH",
  quarter: "INTERVAL '3' MONTH",
  year: "INTERVAL '1' YEAR",
};

export const trino: Dialect = Object.freeze({
  name: 'trino' as const,
  placeholders: 'question' as const,
  flags: Object.freeze({
    federated: true,
    approxDistinct: true,
    exactPercentile: false,
    maxSpineBuckets: 10_000,
    materializedCte: false,
    unionOfSubqueries: true,
  }),
  doubleType: 'double',
  stringType: 'varchar',
  quote: quoteIdentifier,
  table(catalog, ref) {
    const source = catalog.sources[ref.source]!;
    const connection = catalog.connections[source.connection]!;
    return [connection.trinoCatalog, source.schema, ref.table].map(quoteIdentifier).join('.');
  },
  truncate: (ts, grain, zone) => `date_trunc('${grain}', ${ts} AT TIME ZONE ${sqlString(zone)})`,
  shift: (ts, amount, unit, zone) => `date_add('${unit}', ${amount}, ${ts} AT TIME ZONE ${sqlString(zone)})`,
  timestampParam: (marker) => `CAST(${marker} AS timestamp(3) with time zone)`,
  stringParam: (marker) => marker,
  spine(grain, zone, start, end) {
    const z = sqlString(zone);
    if (grain === 'minute' || grain === 'hour') {
      // Fixed-length steps between instants (UTC wall time): no local hour is skipped or doubled at DST.
      const first = `CAST(date_trunc('${grain}', ${start} AT TIME ZONE ${z}) AT TIME ZONE 'UTC' AS timestamp(3))`;
      const last = `CAST(${end} AT TIME ZONE 'UTC' AS timestamp(3))`;
      const at = (l: string) => `with_timezone(${l}, 'UTC')`;
      return `SELECT ${at('l')} AS bucket, greatest(${at('l')}, ${start}) AS lo, least(${at(`l + ${step[grain]}`)}, ${end}) AS hi FROM UNNEST(sequence(${first}, ${last}, ${step[grain]})) AS g(l) WHERE ${at('l')} < ${end}`;
    }
    // Calendar steps between local wall times, each read back as an instant in the zone (23/25 h days).
    const first = `CAST(date_trunc('${grain}', ${start} AT TIME ZONE ${z}) AS timestamp(3))`;
    const last = `CAST(${end} AT TIME ZONE ${z} AS timestamp(3))`;
    const at = (l: string) => `with_timezone(${l}, ${z})`;
    return `SELECT ${at('l')} AS bucket, greatest(${at('l')}, ${start}) AS lo, least(${at(`l + ${step[grain]}`)}, ${end}) AS hi FROM UNNEST(sequence(${first}, ${last}, ${step[grain]})) AS g(l) WHERE ${at('l')} < ${end}`;
  },
  epochMs: (ts) => `CAST(round(to_unixtime(${ts}) * 1000) AS bigint)`,
  like: (operand, pattern, negated) => `${operand}${negated ? ' NOT' : ''} LIKE ${pattern}`,
  round: (value, digits) => (digits === null ? `round(${value})` : `round(${value}, ${digits})`),
  approxDistinct: (x) => `approx_distinct(${x})`,
  // Trino coerces an untyped NULL to the other branches' type.
  nullOf: () => 'NULL',
} satisfies Dialect);
