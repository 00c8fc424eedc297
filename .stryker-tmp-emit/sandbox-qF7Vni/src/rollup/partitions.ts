/**
 * Change detection per rollup partition. A partition is one day of the rollup's zone (or one bucket of
 * its grain when that is coarser); its fingerprint is the number of source rows in it and an
 * order-independent checksum of the columns the rollup reads (time, dimensions, measured columns),
 * computed by the source engine: directly on PostgreSQL (a sum of row hashes) when the source is
 * PostgreSQL and its URL is known, else through Trino (`checksum`, which MongoDB sources go through).
 * The method is part of the checksum text, so fingerprints of two methods never compare equal.
 */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import { sqlString } from '../emit/literal.ts';
import { runTrino } from '../exec/trino-http.ts';
import { assertNever, type Grain } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { localParts, zonedMidnight } from '../plan/time.ts';
import { directPostgres, type RollupEnv, toIso, trinoTable, withClient } from './connect.ts';
import { type LoadRange, trinoWithin } from './load.ts';
import { sourceTable } from './names.ts';

export type PartitionUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Days for minute, hour and day rollups; the rollup's own bucket when it is coarser. */
export const partitionUnit = (grain: Grain): PartitionUnit =>
  grain === 'minute' || grain === 'hour' ? 'day' : grain;

export interface Fingerprint {
  /** [start, end) of the partition, ISO instants. */
  readonly start: string;
  readonly end: string;
  readonly rows: number;
  readonly checksum: string;
}

/** Fingerprints by partition start (epoch ms). */
export type Fingerprints = ReadonlyMap<number, Fingerprint>;

/** The columns a rollup's answers depend on: its time column, dimensions and measured columns. */
export function fingerprintColumns(catalog: Catalog, r: RollupDef): string[] {
  const columns = [sourceTable(catalog, r).timeColumn, ...r.dimensions];
  for (const m of r.measures) if (m.column !== null) columns.push(m.column);
  return [...new Set(columns)];
}

const TRINO_STEP: Readonly<Record<PartitionUnit, string>> = {
  day: "INTERVAL '1' DAY",
  week: "INTERVAL '7' DAY",
  month: "INTERVAL '1' MONTH",
  quarter: "INTERVAL '3' MONTH",
  year: "INTERVAL '1' YEAR",
};
const PG_STEP: Readonly<Record<PartitionUnit, string>> = {
  day: "interval '1 day'",
  week: "interval '7 days'",
  month: "interval '1 month'",
  quarter: "interval '3 months'",
  year: "interval '1 year'",
};

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

function trinoSql(catalog: Catalog, r: RollupDef, ranges: readonly LoadRange[]): string {
  const time = q(sourceTable(catalog, r).timeColumn);
  const unit = partitionUnit(r.grain);
  const part = `date_trunc('${unit}', ${time} AT TIME ZONE ${sqlString(r.timezone)})`;
  const columns = fingerprintColumns(catalog, r).map(q);
  const hashed = columns.length === 1 ? columns[0] : `ROW(${columns.join(', ')})`;
  const within = trinoWithin(time, ranges);
  return `SELECT to_iso8601(${part}) AS p, to_iso8601(${part} + ${TRINO_STEP[unit]}) AS e, count(*) AS n,
  to_hex(checksum(${hashed})) AS c
FROM ${trinoTable(catalog, r)} WHERE ${within} GROUP BY 1, 2`;
}

function postgresSql(
  catalog: Catalog,
  r: RollupDef,
  table: string,
  time: string,
  ranges: readonly LoadRange[],
): { text: string; values: unknown[] } {
  const unit = partitionUnit(r.grain);
  const values: unknown[] = [r.timezone];
  const part = `date_trunc('${unit}', ${time}, $1)`;
  const within = ranges
    .map(([from, to]) => {
      const lo = from === null ? '' : `${time} >= $${values.push(from)}::timestamptz AND `;
      return `(${lo}${time} < $${values.push(to)}::timestamptz)`;
    })
    .join(' OR ');
  // Epoch seconds keep the row text independent of the session's TimeZone.
  const columns = fingerprintColumns(catalog, r).map((c) =>
    q(c) === time ? `extract(epoch FROM ${time})` : q(c),
  );
  const text = `SELECT ${part} AS p, ((${part} AT TIME ZONE $1) + ${PG_STEP[unit]}) AT TIME ZONE $1 AS e,
  count(*) AS n, sum(hashtextextended(ROW(${columns.join(', ')})::text, 0)::numeric)::text AS c
FROM ${table} WHERE ${within} GROUP BY 1, 2`;
  return { text, values };
}

export interface FingerprintScan {
  readonly parts: Fingerprints;
  /** Source rows read to compute them. */
  readonly rows: number;
  readonly engine: 'postgres' | 'trino';
}

/**
 * Fingerprints of every partition with source rows in the ranges (from null: since the beginning). A
 * range should cover whole partitions, except that its end may cut the last one (the load watermark).
 */
export async function sourceFingerprints(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  ranges: readonly LoadRange[],
): Promise<FingerprintScan> {
  const direct = directPostgres(catalog, r, env);
  const engine = direct ? 'postgres' : 'trino';
  if (ranges.length === 0) return { parts: new Map(), rows: 0, engine };
  let rows: readonly (readonly unknown[])[];
  if (direct) {
    rows = await withClient(direct.url, async (c) => {
      const res = await c.query({
        ...postgresSql(catalog, r, direct.table, direct.time, ranges),
        rowMode: 'array',
      });
      return res.rows as unknown[][];
    });
  } else {
    const trinoUrl = env.TRINO_URL;
    if (typeof trinoUrl !== 'string')
      throw new Error('TRINO_URL is not set (run npm run stack:up, or set it)');
    rows = (await runTrino(trinoSql(catalog, r, ranges), [], { url: trinoUrl, timeoutMs: 3_600_000 })).rows;
  }
  const parts = new Map<number, Fingerprint>();
  let scanned = 0;
  for (const [p, e, n, c] of rows) {
    const start = new Date(Date.parse(toIso(p)!)).toISOString();
    const end = new Date(Date.parse(toIso(e)!)).toISOString();
    scanned += Number(n);
    parts.set(Date.parse(start), { start, end, rows: Number(n), checksum: `${engine}:${c}` });
  }
  return { parts, rows: scanned, engine };
}

/** Partition starts whose fingerprints differ (present on one side only, or different). */
export function changedPartitions(source: Fingerprints, stored: Fingerprints): number[] {
  const changed = new Set<number>();
  for (const [k, f] of source) {
    const s = stored.get(k);
    if (!s || s.rows !== f.rows || s.checksum !== f.checksum) changed.add(k);
  }
  for (const k of stored.keys()) if (!source.has(k)) changed.add(k);
  return [...changed].sort((a, b) => a - b);
}

/** Merges adjacent or overlapping ranges (sorted by start). */
export function coalesce(ranges: readonly (readonly [string, string])[]): [string, string][] {
  const sorted = [...ranges].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
  const out: [string, string][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && Date.parse(s) <= Date.parse(last[1])) {
      if (Date.parse(e) > Date.parse(last[1])) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Start (epoch ms) of the partition holding instant `ms`, cut in the rollup's zone. */
export function partitionStartOf(ms: number, unit: PartitionUnit, zone: string): number {
  const p = localParts(ms, zone);
  let date: Date;
  switch (unit) {
    case 'day':
      date = new Date(Date.UTC(p.year, p.month - 1, p.day));
      break;
    case 'week':
      date = new Date(Date.UTC(p.year, p.month - 1, p.day - (p.weekday - 1)));
      break;
    case 'month':
      date = new Date(Date.UTC(p.year, p.month - 1, 1));
      break;
    case 'quarter':
      date = new Date(Date.UTC(p.year, Math.floor((p.month - 1) / 3) * 3, 1));
      break;
    case 'year':
      date = new Date(Date.UTC(p.year, 0, 1));
      break;
    default:
      return assertNever(unit);
  }
  const ymd = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return Date.parse(zonedMidnight(ymd, zone));
}

/** Far enough past a partition's start to be inside the next one, whatever the calendar does. */
const NEXT_MS: Readonly<Record<PartitionUnit, number>> = {
  day: 36 * 3_600_000,
  week: 10 * 86_400_000,
  month: 45 * 86_400_000,
  quarter: 135 * 86_400_000,
  year: 500 * 86_400_000,
};

/** The partitions overlapping [lo, hi] (both inclusive: captured rows' least and greatest times). */
export function partitionsCovering(
  lo: number,
  hi: number,
  unit: PartitionUnit,
  zone: string,
): [string, string][] {
  const out: [string, string][] = [];
  let start = partitionStartOf(lo, unit, zone);
  while (start <= hi) {
    const end = partitionStartOf(start + NEXT_MS[unit], unit, zone);
    out.push([new Date(start).toISOString(), new Date(end).toISOString()]);
    start = end;
  }
  return out;
}
