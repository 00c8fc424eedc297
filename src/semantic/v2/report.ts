/** Collects diagnostics for one analysis; `prefix` names where JSON input went wrong. */
import type { Diagnostic } from '../../ir/diagnostic.ts';
import type { Span } from '../../ir/kpi.ts';

export const NO_SPAN: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

export class Reporter {
  constructor(
    private readonly prefix = '',
    readonly list: Diagnostic[] = [],
  ) {}

  error(code: string, message: string, span: Span, hint?: string, expected?: readonly string[]): void {
    this.list.push({
      severity: 'error',
      code,
      message: this.prefix + message,
      span,
      ...(hint ? { hint } : {}),
      ...(expected ? { expected } : {}),
    });
  }

  warning(code: string, message: string, span: Span, hint?: string): void {
    this.list.push({
      severity: 'warning',
      code,
      message: this.prefix + message,
      span,
      ...(hint ? { hint } : {}),
    });
  }

  add(ds: readonly Diagnostic[]): void {
    for (const d of ds) this.list.push(this.prefix ? { ...d, message: this.prefix + d.message } : d);
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }

  /** A reporter writing into this one with a longer prefix. */
  child(prefix: string): Reporter {
    return new Reporter(this.prefix + prefix, this.list);
  }
}
