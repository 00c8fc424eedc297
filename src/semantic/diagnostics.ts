import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Span } from '../ir/kpi.ts';

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
