/**
 * The independent oracle: hand-written SQL run directly on each PostgreSQL source (pg) and plain reads
 * of MongoDB (the mongodb driver), combined here in JavaScript. Nothing here uses the compiler.
 */
// @ts-nocheck

import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { ResultRow } from '../../src/exec/engine.ts';

export type OracleRow = { time: string | null; value: number | null; [dim: string]: unknown };

export async function pgQuery(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, any>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function mongoFind(
  url: string,
  collection: string,
  filter: Record<string, unknown>,
): Promise<Record<string, any>[]> {
  const client = new MongoClient(url);
  await client.connect();
  try {
    return await client.db().collection(collection).find(filter).toArray();
  } finally {
    await client.close();
  }
}

// ------------------------------------------------------------------ bucketing in JavaScript (oracle side)

const partsFormatter = new Map<string, Intl.DateTimeFormat>();
function localParts(ms: number, zone: string) {
  let f = partsFormatter.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partsFormatter.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return {
    y: Number(p.year),
    mo: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    mi: Number(p.minute),
    s: Number(p.second),
    dow: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!),
  };
}

/**
 * Instant of a local wall time in `zone`, by search (no shared code): every offset from -14:00 to +14:00
 * on a 15-minute step (half- and quarter-hour zones: Kolkata +05:30, Kathmandu +05:45, Lord Howe's
 * 30-minute DST). A time repeated by a fall-back is its earlier instant. A time skipped by a
 * spring-forward — the oracle only asks for bucket starts, i.e. local midnights — reads as the first
 * instant after the gap: a skipped midnight (America/Santiago in September) is the first instant of
 * the local day, 01:00, as Temporal's startOfDay and the engines' date_trunc have it.
 */
export function localToInstant(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  zone: string,
): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const exact = readings(wall, zone);
  if (exact.length > 0) return Math.min(...exact);
  for (let step = 1; step <= 16; step++) {
    const later = readings(wall + step * QUARTER_HOUR, zone);
    if (later.length > 0) return Math.min(...later);
  }
  throw new Error(`no instant for ${y}-${mo}-${d} ${h}:${mi} in ${zone}`);
}

const QUARTER_HOUR = 15 * 60_000;

/** The instants at which `zone`'s wall clock shows `wall` (its fields read as UTC). */
function readings(wall: number, zone: string): number[] {
  const target = new Date(wall);
  const out: number[] = [];
  for (let k = -56; k <= 56; k++) {
    const ms = wall - k * QUARTER_HOUR;
    const p = localParts(ms, zone);
    if (
      p.y === target.getUTCFullYear() &&
      p.mo === target.getUTCMonth() + 1 &&
      p.d === target.getUTCDate() &&
      p.h === target.getUTCHours() &&
      p.mi === target.getUTCMinutes()
    ) {
      out.push(ms);
    }
  }
  return out;
}

export type OracleGrain = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Start instant of the bucket of `grain` (in `zone`) holding `ms`. */
export function bucketOf(ms: number, grain: OracleGrain, zone: string): number {
  const p = localParts(ms, zone);
  switch (grain) {
    case 'minute':
      return Math.floor(ms / 60_000) * 60_000;
    case 'hour':
      // The hour of the wall clock in the query zone: in Kolkata (+05:30) hours start at :30 UTC. Taken
      // off the instant itself, so the two 02:00 hours of a fall-back stay two buckets.
      return Math.floor(ms / 1000) * 1000 - p.mi * 60_000 - p.s * 1000;
    case 'day':
      return localToInstant(p.y, p.mo, p.d, 0, 0, zone);
    case 'week': {
      const monday = new Date(Date.UTC(p.y, p.mo - 1, p.d - p.dow));
      return localToInstant(
        monday.getUTCFullYear(),
        monday.getUTCMonth() + 1,
        monday.getUTCDate(),
        0,
        0,
        zone,
      );
    }
    case 'month':
      return localToInstant(p.y, p.mo, 1, 0, 0, zone);
    case 'quarter':
      return localToInstant(p.y, Math.floor((p.mo - 1) / 3) * 3 + 1, 1, 0, 0, zone);
    case 'year':
      return localToInstant(p.y, 1, 1, 0, 0, zone);
  }
}

/** Start of the next bucket after bucket start `b`. */
export function nextBucket(b: number, grain: OracleGrain, zone: string): number {
  if (grain === 'minute') return b + 60_000;
  if (grain === 'hour') return b + 3_600_000;
  const p = localParts(b, zone);
  switch (grain) {
    case 'day':
      return localToInstantNorm(p.y, p.mo, p.d + 1, zone);
    case 'week':
      return localToInstantNorm(p.y, p.mo, p.d + 7, zone);
    case 'month':
      return localToInstantNorm(p.y, p.mo + 1, 1, zone);
    case 'quarter':
      return localToInstantNorm(p.y, p.mo + 3, 1, zone);
    case 'year':
      return localToInstantNorm(p.y + 1, 1, 1, zone);
  }
}

/** Local midnight of a possibly overflowing (y, m, d), normalised by Date.UTC. */
export function localToInstantNorm(y: number, mo: number, d: number, zone: string): number {
  const n = new Date(Date.UTC(y, mo - 1, d));
  return localToInstant(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate(), 0, 0, zone);
}

/** Bucket starts overlapping [start, end). */
export function bucketsIn(start: number, end: number, grain: OracleGrain, zone: string): number[] {
  const out: number[] = [];
  for (let b = bucketOf(start, grain, zone); b < end; b = nextBucket(b, grain, zone)) out.push(b);
  return out;
}

/** Same text as the engine prints, written independently: wall time in zone + its offset. */
export function isoInZone(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  const wall = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, new Date(ms).getUTCSeconds());
  const offMin = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const base = `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}:${two(new Date(ms).getUTCSeconds())}`;
  if (offMin === 0) return `${base}Z`;
  const a = Math.abs(offMin);
  return `${base}${offMin < 0 ? '-' : '+'}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

// ------------------------------------------------------------------ comparison

export type Exactness = 'count' | 'cents' | 'ratio';

/** Compares engine rows with oracle rows: same keys in the same order; counts exact, sums to the cent. */
export function compareRows(
  actual: readonly ResultRow[],
  expected: readonly OracleRow[],
  exactness: Exactness,
): string[] {
  const problems: string[] = [];
  const key = (r: Record<string, unknown>) =>
    JSON.stringify(
      Object.entries(r)
        .filter(([k]) => k !== 'value')
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  const sort = (rows: readonly Record<string, unknown>[]) =>
    [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const a = sort(actual);
  const e = sort(expected);
  if (a.length !== e.length) problems.push(`row count ${a.length} ≠ oracle ${e.length}`);
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    const x = a[i];
    const y = e[i];
    if (!x || !y || key(x) !== key(y)) {
      problems.push(`row ${i}: ${JSON.stringify(x)} vs oracle ${JSON.stringify(y)}`);
      if (problems.length > 8) break;
      continue;
    }
    const xv = x.value as number | null;
    const yv = y.value as number | null;
    const ok =
      xv === null || yv === null
        ? xv === yv
        : exactness === 'count'
          ? xv === yv
          : exactness === 'cents'
            ? Math.round(xv * 100) === Math.round(yv * 100)
            : Math.abs(xv - yv) <= 1e-9 * Math.max(1, Math.abs(yv));
    if (!ok) problems.push(`${key(x)}: engine ${xv} ≠ oracle ${yv}`);
    if (problems.length > 8) break;
  }
  return problems;
}

export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
