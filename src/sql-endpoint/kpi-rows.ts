/**
 * The engine's answer to a KPI query (rows of time, dimensions, value) → the rows of the SQL result:
 * projected onto the select list, encoded as Trino's JSON does, DISTINCT, ORDER BY (NULLs last unless
 * asked otherwise, as Trino), OFFSET and LIMIT.
 */
import { zoneOffsetMs } from '../plan/time.ts';
import type { KpiSelectPlan, OutputColumn } from './kpi-select.ts';
import { encodeDouble, formatTimestampTz } from './protocol.ts';
import { compareForOrder } from './row-order.ts';

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
        const c = compareForOrder(a[o.index], b[o.index], o);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const end = plan.limit === null ? undefined : plan.offset + plan.limit;
  return plan.offset > 0 || end !== undefined ? out.slice(plan.offset, end) : out;
}
