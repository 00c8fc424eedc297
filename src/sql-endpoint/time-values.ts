/**
 * Time in KPI queries: constant time expressions folded to instants (every date/timestamp literal form
 * the clients send, `current_date` arithmetic, date_add, date_trunc) and bucket arithmetic in the
 * session's zone (truncate to a grain, step by grains). Naive literals are read in the session zone,
 * as Trino reads them when comparing with a `timestamp with time zone`.
 */
import type { Grain } from '../ir/kpi.ts';
import { isTimeZone, localParts, parseInstant } from '../shared/time.ts';
import type { Expr, IntervalUnit } from './ast.ts';
import { exprText } from './ast.ts';
import { SqlError } from './errors.ts';

export interface TimeContext {
  readonly zone: string;
  readonly now: Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function localInstant(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: string,
): number {
  // Normalise overflowing fields (month 13, day 0) through UTC arithmetic, then read as local time.
  const n = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const text = `${pad(n.getUTCFullYear(), 4)}-${pad(n.getUTCMonth() + 1)}-${pad(n.getUTCDate())}T${pad(n.getUTCHours())}:${pad(
    n.getUTCMinutes(),
  )}:${pad(n.getUTCSeconds())}.${pad(n.getUTCMilliseconds(), 3)}`;
  return parseInstant(text, zone)!;
}

/** Start of the bucket of `grain` holding instant `ms`, in `zone` (weeks start Monday). */
export function truncate(ms: number, grain: Grain, zone: string): number {
  const p = localParts(ms, zone);
  switch (grain) {
    case 'minute':
      return localInstant(p.year, p.month, p.day, p.hour, p.minute, 0, 0, zone);
    case 'hour':
      return localInstant(p.year, p.month, p.day, p.hour, 0, 0, 0, zone);
    case 'day':
      return localInstant(p.year, p.month, p.day, 0, 0, 0, 0, zone);
    case 'week':
      return localInstant(p.year, p.month, p.day - (p.weekday - 1), 0, 0, 0, 0, zone);
    case 'month':
      return localInstant(p.year, p.month, 1, 0, 0, 0, 0, zone);
    case 'quarter':
      return localInstant(p.year, p.month - ((p.month - 1) % 3), 1, 0, 0, 0, 0, zone);
    case 'year':
      return localInstant(p.year, 1, 1, 0, 0, 0, 0, zone);
  }
}

/** `ms` moved by `n` units in the zone's calendar (months keep the day, clamped as Trino does). */
export function addUnits(ms: number, unit: Grain | IntervalUnit, n: number, zone: string): number {
  switch (unit) {
    case 'second':
      return ms + n * 1000;
    case 'minute':
      return ms + n * 60_000;
    case 'hour':
      return ms + n * 3_600_000;
    default:
      break;
  }
  const p = localParts(ms, zone);
  const millis = ((ms % 1000) + 1000) % 1000;
  const at = (y: number, mo: number, d: number) =>
    localInstant(y, mo, d, p.hour, p.minute, p.second, millis, zone);
  switch (unit) {
    case 'day':
      return at(p.year, p.month, p.day + n);
    case 'week':
      return at(p.year, p.month, p.day + 7 * n);
    case 'month':
    case 'quarter':
    case 'year': {
      const months = unit === 'month' ? n : unit === 'quarter' ? 3 * n : 12 * n;
      const total = p.year * 12 + (p.month - 1) + months;
      const y = Math.floor(total / 12);
      const mo = (total % 12) + 1;
      const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      return at(y, mo, Math.min(p.day, last));
    }
  }
}

export const isAligned = (ms: number, grain: Grain, zone: string): boolean =>
  truncate(ms, grain, zone) === ms;

const DATE_TEXT = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP_TEXT = /^(\d{4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(.*)$/;

function invalid(e: Expr, what: string): SqlError {
  return new SqlError('INVALID_LITERAL', `'${exprText(e)}' is not a valid ${what}`, e.pos);
}

/** Reads `2025-01-01`, `2025-01-01 10:00:00.000`, with an optional zone (`UTC`, `Z`, `+02:00`, `Europe/Berlin`). */
export function readTimestamp(text: string, zone: string, e: Expr): number {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) throw invalid(e, 'timestamp');
  const [, date, h = '0', mi = '00', s = '00', frac = '0', suffix = ''] = m;
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  const local = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(Number(h))}:${mi}:${s}.${frac.slice(0, 3).padEnd(3, '0')}`;
  const check = new Date(`${local}Z`);
  if (Number.isNaN(check.getTime()) || check.getUTCDate() !== d || check.getUTCMonth() + 1 !== mo)
    throw invalid(e, 'timestamp');
  const z = suffix.trim();
  if (z === '') return parseInstant(local, zone)!;
  if (/^(z|utc|gmt)$/i.test(z)) return Date.parse(`${local}Z`);
  const offset = /^([+-])(\d{1,2}):?(\d{2})$/.exec(z);
  if (offset) return Date.parse(`${local}${offset[1]}${pad(Number(offset[2]))}:${offset[3]}`);
  if (isTimeZone(z)) return parseInstant(local, z)!;
  throw invalid(e, 'timestamp');
}

function readDate(text: string, zone: string, e: Expr): number {
  if (!DATE_TEXT.test(text.trim())) throw invalid(e, 'date');
  return readTimestamp(text, zone, e);
}

function intervalAmount(e: Extract<Expr, { kind: 'interval' }>): number {
  if (!/^-?\d+$/.test(e.text)) throw invalid(e, 'interval (whole units only)');
  return (e.negative ? -1 : 1) * Number(e.text);
}

const TRUNC_UNITS = new Set<Grain>(['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);

/** Folds a constant time expression to an instant; SqlError when it is not one. */
export function constantInstant(e: Expr, ctx: TimeContext): number {
  switch (e.kind) {
    case 'typed':
      if (e.type === 'date') return readDate(e.text, ctx.zone, e);
      if (e.type === 'timestamp') return readTimestamp(e.text, ctx.zone, e);
      throw invalid(e, 'date or timestamp');
    case 'string':
      return readTimestamp(e.value, ctx.zone, e);
    case 'cast': {
      if (/^date$/.test(e.type)) return truncate(constantInstant(e.expr, ctx), 'day', ctx.zone);
      if (/^timestamp/.test(e.type)) return constantInstant(e.expr, ctx);
      break;
    }
    case 'special':
      if (e.name === 'current_date') return truncate(ctx.now.getTime(), 'day', ctx.zone);
      if (e.name === 'current_timestamp' || e.name === 'localtimestamp') return ctx.now.getTime();
      break;
    case 'call': {
      const [a, b, c] = e.args;
      if ((e.name === 'now' || e.name === 'current_timestamp') && e.args.length === 0)
        return ctx.now.getTime();
      if (e.name === 'from_iso8601_timestamp' && a?.kind === 'string' && e.args.length === 1) {
        return readTimestamp(a.value.replace(/(\d)Z$/i, '$1 Z'), ctx.zone, a);
      }
      if (e.name === 'from_iso8601_date' && a?.kind === 'string' && e.args.length === 1)
        return readDate(a.value, ctx.zone, a);
      if (e.name === 'date' && a && e.args.length === 1)
        return truncate(constantInstant(a, ctx), 'day', ctx.zone);
      if (e.name === 'date_trunc' && a?.kind === 'string' && b && e.args.length === 2) {
        const unit = a.value.toLowerCase() as Grain;
        if (!TRUNC_UNITS.has(unit)) throw invalid(a, 'date_trunc unit');
        return truncate(constantInstant(b, ctx), unit, ctx.zone);
      }
      if (e.name === 'date_add' && a?.kind === 'string' && b?.kind === 'number' && c && e.args.length === 3) {
        const unit = a.value.toLowerCase() as IntervalUnit;
        if (!/^-?\d+$/.test(b.text)) throw invalid(b, 'whole number');
        if (!['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].includes(unit))
          throw invalid(a, 'date_add unit');
        return addUnits(constantInstant(c, ctx), unit, Number(b.text), ctx.zone);
      }
      break;
    }
    case 'binary':
      if ((e.op === '+' || e.op === '-') && e.right.kind === 'interval') {
        const n = intervalAmount(e.right);
        return addUnits(constantInstant(e.left, ctx), e.right.unit, e.op === '+' ? n : -n, ctx.zone);
      }
      if (e.op === '+' && e.left.kind === 'interval') {
        return addUnits(constantInstant(e.right, ctx), e.left.unit, intervalAmount(e.left), ctx.zone);
      }
      break;
    default:
      break;
  }
  throw new SqlError(
    'NOT_SUPPORTED',
    `'${exprText(e)}' is not a constant date or timestamp the kpi catalog can read`,
    e.pos,
  );
}
