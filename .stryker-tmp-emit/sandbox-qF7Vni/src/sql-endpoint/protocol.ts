/**
 * The JSON of Trino's client protocol (io.trino.client.QueryResults and friends) as the official
 * clients read it: `columns` with `type` and `typeSignature`, `stats` with every field (JDBC maps them
 * onto primitives), and the value encodings (timestamps as `yyyy-MM-dd HH:mm:ss.SSS Zone`).
 */
// @ts-nocheck

import { type QueryError, queryError, toSqlError } from './errors.ts';

export type TrinoType =
  | 'varchar'
  | 'bigint'
  | 'integer'
  | 'double'
  | 'boolean'
  | 'date'
  | 'timestamp(3)'
  | 'timestamp(3) with time zone'
  | `decimal(${number},${number})`;

interface TypeArgument {
  readonly kind: 'LONG';
  readonly value: number;
}

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly typeSignature: { readonly rawType: string; readonly arguments: readonly TypeArgument[] };
}

const UNBOUNDED_VARCHAR = 2147483647;

export function column(name: string, type: TrinoType): Column {
  const long = (value: number): TypeArgument => ({ kind: 'LONG', value });
  if (type === 'varchar') {
    return { name, type, typeSignature: { rawType: 'varchar', arguments: [long(UNBOUNDED_VARCHAR)] } };
  }
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) {
    return {
      name,
      type,
      typeSignature: { rawType: 'decimal', arguments: [long(Number(decimal[1])), long(Number(decimal[2]))] },
    };
  }
  const timestamp = /^timestamp\((\d+)\)( with time zone)?$/.exec(type);
  if (timestamp) {
    return {
      name,
      type,
      typeSignature: {
        rawType: timestamp[2] ? 'timestamp with time zone' : 'timestamp',
        arguments: [long(Number(timestamp[1]))],
      },
    };
  }
  return { name, type, typeSignature: { rawType: type, arguments: [] } };
}

export type QueryState = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface StatementStats {
  readonly state: QueryState;
  readonly queued: boolean;
  readonly scheduled: boolean;
  readonly [field: string]: unknown;
}

export function stats(state: QueryState, elapsedMs: number, processedRows = 0): StatementStats {
  return {
    state,
    queued: state === 'QUEUED',
    scheduled: state !== 'QUEUED',
    progressPercentage: state === 'FINISHED' ? 100 : 0,
    runningPercentage: 0,
    nodes: 1,
    totalSplits: 0,
    queuedSplits: 0,
    runningSplits: 0,
    completedSplits: 0,
    planningTimeMillis: 0,
    analysisTimeMillis: 0,
    cpuTimeMillis: 0,
    wallTimeMillis: Math.round(elapsedMs),
    queuedTimeMillis: 0,
    elapsedTimeMillis: Math.round(elapsedMs),
    finishingTimeMillis: 0,
    physicalInputTimeMillis: 0,
    processedRows,
    processedBytes: 0,
    physicalInputBytes: 0,
    physicalWrittenBytes: 0,
    internalNetworkInputBytes: 0,
    peakMemoryBytes: 0,
    spilledBytes: 0,
  };
}

export interface QueryResults {
  readonly id: string;
  readonly infoUri: string;
  readonly partialCancelUri?: string;
  readonly nextUri?: string;
  readonly columns?: readonly Column[];
  readonly data?: readonly (readonly unknown[])[];
  readonly stats: StatementStats;
  readonly error?: QueryError;
  readonly warnings: readonly unknown[];
  readonly updateType?: string;
  readonly updateCount?: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * `timestamp(3) with time zone` as Trino sends it: local wall time in the zone, then the zone id
 * (`2025-03-01 00:00:00.000 Europe/Berlin`). `offsetMs` is the zone's offset at that instant.
 */
export function formatTimestampTz(ms: number, offsetMs: number, zone: string): string {
  const d = new Date(ms + offsetMs);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${zone}`;
}

/** A double as JSON: Trino sends NaN and infinities as strings. */
export function encodeDouble(v: number | null): number | string | null {
  if (v === null) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

/** The scheme and host the client used (a TLS proxy in front says so in X-Forwarded-*), for nextUri. */
export function publicBase(request: Request): string {
  const url = new URL(request.url);
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return `${proto && /^https?$/.test(proto) ? proto : url.protocol.slice(0, -1)}://${host && /^[\w.:[\]-]+$/.test(host) ? host : url.host}`;
}

export const json = (body: QueryResults, headers: readonly (readonly [string, string])[] = []): Response => {
  const h = new Headers({ 'content-type': 'application/json' });
  for (const [k, v] of headers) h.append(k, v);
  return new Response(JSON.stringify(body), { status: 200, headers: h });
};

/**
 * Clients known to read `data` and `error` from the POST's own answer (the protocol allows it; Trino
 * never sends it): Trino's Java StatementClientV1 under JDBC (User-Agent "Trino JDBC Driver/476") and
 * the CLI (its User-Agent is its source, "trino-cli" unless `--source` names another), and the Python
 * client, also under SQLAlchemy ("Trino Python Client/0.340.0"). trino-client from npm reads only
 * `nextUri` there, and an unknown client may too: they are answered as Trino answers.
 */
const READS_FIRST_RESPONSE = /^(?:Trino JDBC Driver\/|Trino Python Client\/|trino-cli$)/;

export const readsFirstResponse = (userAgent: string | null): boolean =>
  userAgent !== null && READS_FIRST_RESPONSE.test(userAgent);

/** A failure with no query to report it through: one final page with the error. */
export function failedAnswer(error: unknown, base: string): Response {
  const id = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_failed_kpi`;
  return json({
    id,
    infoUri: `${base}/v1/query/${id}`,
    stats: stats('FAILED', 0),
    error: queryError(toSqlError(error)),
    warnings: [],
  });
}
