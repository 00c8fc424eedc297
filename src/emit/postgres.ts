/**
 * PostgreSQL (and TimescaleDB, the same plus `time_bucket`): schema-qualified names on one connection,
 * `$n` parameters, `date_trunc(unit, ts, zone)` — or `date_bin` where that is the same (PostgreSQL 14+) —,
 * spines from `generate_series`.
 */
import type { Grain, ValueType } from '../ir/kpi.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { quoteIdentifier, sqlString } from './literal.ts';

const interval: Record<Grain, [number, string]> = {
  minute: [1, 'minutes'],
  hour: [1, 'hours'],
  day: [1, 'days'],
  week: [7, 'days'],
  month: [1, 'months'],
  quarter: [3, 'months'],
  year: [1, 'years'],
};
const every = (n: number, unit: Grain) => {
  const [k, u] = interval[unit];
  return `INTERVAL '${n * k} ${u}'`;
};

/**
 * Buckets of one fixed length in UTC, binned from a Monday midnight: the same instants as `date_trunc`
 * with the zone, which converts every row through the zone's rules (measured on PostgreSQL 15 at
 * scale 1: 9,319 accounts bucketed by day in 40 ms that way, 19 ms by `date_bin`; on the PGlite metrics
 * store 13 ms against 7 ms for a month of rollup rows). Months, quarters and years vary in length, and
 * other zones move their offsets (DST, and offsets that are not whole hours), so they keep `date_trunc`.
 */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC']);
const FIXED_BINS: Partial<Record<Grain, string>> = {
  minute: '1 minute',
  hour: '1 hour',
  day: '1 day',
  week: '7 days',
};
const MONDAY = "TIMESTAMPTZ '2000-01-03 00:00:00+00'";

function truncate(ts: string, grain: Grain, zone: string): string {
  const bin = UTC_ZONES.has(zone) ? FIXED_BINS[grain] : undefined;
  return bin
    ? `date_bin(INTERVAL '${bin}', ${ts}, ${MONDAY})`
    : `date_trunc('${grain}', ${ts}, ${sqlString(zone)})`;
}

const PG_TYPES: Record<ValueType, string> = {
  bigint: 'bigint',
  double: 'double precision',
  decimal: 'numeric',
  number: 'numeric',
  string: 'text',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  interval: 'interval',
  null: 'text',
};

function make(name: 'postgres' | 'timescale'): Dialect {
  return Object.freeze({
    name,
    placeholders: 'dollar' as const,
    flags: Object.freeze({
      federated: false,
      approxDistinct: false,
      exactPercentile: true,
      maxSpineBuckets: Number.POSITIVE_INFINITY,
      materializedCte: true,
      unionOfSubqueries: true,
    }),
    doubleType: 'double precision',
    stringType: 'text',
    quote: quoteIdentifier,
    table(catalog, ref) {
      const source = catalog.sources[ref.source]!;
      if (catalog.connections[source.connection]?.engine === 'mongodb') {
        unsupported(
          `table ${ref.source}.${ref.table}`,
          name,
          'it lives in MongoDB, reachable only through trino',
        );
      }
      return [source.schema, ref.table].map(quoteIdentifier).join('.');
    },
    truncate,
    shift: (ts, amount, unit, zone) => {
      const z = sqlString(zone);
      const sign = amount < 0 ? '-' : '+';
      return `((${ts} AT TIME ZONE ${z}) ${sign} ${every(Math.abs(amount), unit)}) AT TIME ZONE ${z}`;
    },
    timestampParam: (marker) => `CAST(${marker} AS timestamptz)`,
    stringParam: (marker) => `CAST(${marker} AS text)`,
    spine(grain, zone, start, end) {
      const z = sqlString(zone);
      if (grain === 'minute' || grain === 'hour') {
        // timestamptz + interval of hours/minutes is a fixed length: DST neither skips nor doubles a bucket.
        return `SELECT l AS bucket, greatest(l, ${start}) AS lo, least(l + ${every(1, grain)}, ${end}) AS hi FROM generate_series(date_trunc('${grain}', ${start}, ${z}), ${end}, ${every(1, grain)}) AS g(l) WHERE l < ${end}`;
      }
      const at = (l: string) => `(${l}) AT TIME ZONE ${z}`;
      return `SELECT ${at('l')} AS bucket, greatest(${at('l')}, ${start}) AS lo, least(${at(`l + ${every(1, grain)}`)}, ${end}) AS hi FROM generate_series(date_trunc('${grain}', ${start} AT TIME ZONE ${z}), ${end} AT TIME ZONE ${z}, ${every(1, grain)}) AS g(l) WHERE ${at('l')} < ${end}`;
    },
    epochMs: (ts) => `CAST(round(EXTRACT(EPOCH FROM ${ts}) * 1000) AS bigint)`,
    // PostgreSQL's LIKE treats backslash as an escape by default; Trino has none. ESCAPE '' makes them agree.
    like: (operand, pattern, negated) => `${operand}${negated ? ' NOT' : ''} LIKE ${pattern} ESCAPE ''`,
    round: (value, digits) =>
      digits === null ? `round(CAST(${value} AS numeric))` : `round(CAST(${value} AS numeric), ${digits})`,
    approxDistinct: () => unsupported('approx_distinct', name, 'no sketch aggregate; run it through trino'),
    nullOf: (type) => `CAST(NULL AS ${PG_TYPES[type]})`,
  } satisfies Dialect);
}

export const postgres = make('postgres');
export const timescale = make('timescale');
