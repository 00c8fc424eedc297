// @ts-nocheck
import type { Span } from './kpi.ts';

/** Diagnostics are data first, text second: the CLI prints them, the API returns them as they are. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Stable, documented code: `syntax`, `unknown-column`, `type-mismatch`, `kpi-cycle`, … */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  /** e.g. `did you mean "amount"?` */
  readonly hint?: string;
  /** What the parser expected at this point, when that helps. */
  readonly expected?: readonly string[];
  /** The file it concerns, when diagnostics of several files are reported together (loadRegistry). */
  readonly file?: string;
}

/** `file:line:col: error code: message (hint)` */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${file}:${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}${hint}`;
}
