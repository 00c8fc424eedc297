/**
 * Change detection per rollup partition. A partition is one day of the rollup's zone (or one bucket of
 * its grain when that is coarser); its fingerprint is the number of source rows in it and an
 * order-independent checksum of the columns the rollup reads (time, dimensions, measured columns),
 * computed by the source engine: directly on PostgreSQL (a sum of row hashes) when the source is
 * PostgreSQL and its URL is known, else through Trino (`checksum`, which MongoDB sources go through).
 * The method is part of the checksum text, so fingerprints of two methods never compare equal.
 */
import type { Catalog } from '../catalog/types.ts';
import { runTrino } from '../exec/trino-http.ts';
import { assertNever, type Grain } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { localParts, zonedMidnight } from '../shared/time.ts';
import { directPostgres, type RollupEnv, toIso, withClient } from './connect.ts';
import {
  type LoadRange,
  type PartitionUnit,
  postgresFingerprintSql,
  trinoFingerprintSql,
} from './source-sql.ts';

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
        ...postgresFingerprintSql(catalog, r, partitionUnit(r.grain), ranges),
        rowMode: 'array',
      });
      return res.rows as unknown[][];
    });
  } else {
    const trinoUrl = env.TRINO_URL;
    if (typeof trinoUrl !== 'string')
      throw new Error('TRINO_URL is not set (run npm run stack:up, or set it)');
    rows = (
      await runTrino(trinoFingerprintSql(catalog, r, partitionUnit(r.grain), ranges), [], {
        url: trinoUrl,
        timeoutMs: 3_600_000,
      })
    ).rows;
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
