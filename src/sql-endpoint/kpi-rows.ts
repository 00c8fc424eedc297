/**
 * The engine's answer to a KPI query (rows of time, dimensions, value) → the rows of the SQL result:
 * projected onto the select list, encoded as Trino's JSON does, DISTINCT, ORDER BY (NULLs last unless
 * asked otherwise, as Trino), OFFSET and LIMIT.
 */
import { zoneOffsetMs } from '../shared/time.ts';
import type { KpiSelectPlan, OutputColumn } from './kpi-select.ts';
import { encodeDouble, formatTimestampTz } from './protocol.ts';
import { compareForOrder } from './row-order.ts';
import { decimalScale } from './value-type.ts';

export interface EngineRow {
  readonly time?: string | null;
  readonly value: number | null;
  /** The value's exact decimal text as the engine computed it (PostgreSQL numeric, Trino decimal). */
  readonly valueText?: string;
  readonly [dimension: string]: unknown;
}

/**
 * A decimal as Trino's JSON sends it: a string with exactly `scale` digits after the point. From the
 * engine's exact text when it has one (digits past the scale are kept if not zeros: nothing is rounded
 * here), else from the double — exact while |value| < 2^52 / 10^scale (4.5·10^13 for cents), which an
 * answer read from a rollup stored as doubles (Druid) is limited to.
 */
export function decimalText(value: number, text: string | undefined, scale: number): string | null {
  if (text !== undefined) {
    const [whole, fraction = ''] = text.split('.');
    const digits =
      fraction.length > scale && /^0*$/.test(fraction.slice(scale)) ? fraction.slice(0, scale) : fraction;
    const padded = digits.padEnd(scale, '0');
    return padded.length > 0 ? `${whole}.${padded}` : whole!;
  }
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return null;
  return value.toFixed(scale);
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
      if (column.type === 'bigint') return Math.round(Number(row.valueText ?? v));
      const scale = decimalScale(column.type);
      if (scale !== null) return decimalText(Number(v), row.valueText, scale);
      return encodeDouble(Number(v));
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
    const keys = plan.orderBy.map((o) => ({
      ...o,
      decimal: decimalScale(plan.columns[o.index]?.type ?? '') !== null,
    }));
    out.sort((a, b) => {
      for (const o of keys) {
        const c = compareForOrder(a[o.index], b[o.index], o);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const end = plan.limit === null ? undefined : plan.offset + plan.limit;
  return plan.offset > 0 || end !== undefined ? out.slice(plan.offset, end) : out;
}
