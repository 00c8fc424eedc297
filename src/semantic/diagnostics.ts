import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Span } from '../ir/kpi.ts';
import { asHint, closestTimeZone } from '../shared/suggest.ts';
import { isTimeZone } from '../shared/time.ts';

export const NO_SPAN: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

export function error(code: string, message: string, span: Span, extra: { hint?: string } = {}): Diagnostic {
  return { severity: 'error', code, message, span, ...(extra.hint ? { hint: extra.hint } : {}) };
}

export function warning(code: string, message: string, span: Span): Diagnostic {
  return { severity: 'warning', code, message, span };
}

/**
 * An unknown-timezone error for a zone Intl does not know (a schedule's, a rollup's), with the closest
 * IANA name as a hint; null for a known zone. Accepted unchecked, such a zone failed every later run.
 */
export function timeZoneProblem(zone: string, span: Span): Diagnostic | null {
  if (isTimeZone(zone)) return null;
  const shown = zone.length > 40 ? `${zone.slice(0, 40)}…` : zone;
  return error(
    'unknown-timezone',
    `"${shown}" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
    span,
    zone.length <= 40 ? asHint(closestTimeZone(zone)) : {},
  );
}
