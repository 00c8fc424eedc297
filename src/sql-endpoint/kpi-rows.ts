/**
 * The engine's answer to a KPI query (rows of time, dimensions, value) → the rows of the SQL result:
 * projected onto the select list, encoded as Trino's JSON does, DISTINCT, ORDER BY (NULLs last unless
 * asked otherwise, as Trino), OFFSET and LIMIT.
 */
import { zoneOffsetMs } from '../plan/time.ts';
import type { KpiSelectPlan, OutputColumn } from './kpi-select.ts';
import { encodeDouble, formatTimestampTz } from './protocol.ts';

export interface EngineRow {
  readonly time?: string | null;
  readonly value: number | null;
  readonly [dimension: string]: unknown;
}

function encode(column: OutputColumn, row: EngineRow, zone: string): unknown {
  switch (column.source.kind) {
    case 'time': {
      if (row.time === null || row.time === undefined) return null;
      const ms = Date.parse(row.time);
      return formatTimestampTz(ms, zoneOffsetMs(ms, zone), zone);
    }
    case 'dimension': {
      const v = row[column.source.name];
      if (v === null || v === undefined) return null;
      if (column.type === 'varchar') return String(v);
      if (column.type === 'bigint' || column.type === 'integer') return Number(v);
      return v;
    }
    case 'value': {
      const v = row.value;
      if (v === null || v === undefined) return null;
      return column.type === 'bigint' ? Math.round(Number(v)) : encodeDouble(Number(v));
    }
  }
}

/** Trino's order for the values we produce: numbers by value, strings and timestamps by text (same zone). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function shapeRows(plan: KpiSelectPlan, rows: readonly EngineRow[]): unknown[][] {
  const zone = plan.query.timezone;
  let out = rows.map((r) => plan.columns.map((c) => encode(c, r, zone)));
  if (plan.distinct) {
    const seen = new Set<string>();
    out = out.filter((r) => {
      const key = JSON.stringify(r);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (plan.orderBy.length > 0) {
    out.sort((a, b) => {
      for (const o of plan.orderBy) {
        const x = a[o.index];
        const y = b[o.index];
        if (x === y) continue;
        if (x === null || x === undefined) return o.nullsFirst ? -1 : 1;
        if (y === null || y === undefined) return o.nullsFirst ? 1 : -1;
        const c = compare(x, y);
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
  }
  const end = plan.limit === null ? undefined : plan.offset + plan.limit;
  return plan.offset > 0 || end !== undefined ? out.slice(plan.offset, end) : out;
}
