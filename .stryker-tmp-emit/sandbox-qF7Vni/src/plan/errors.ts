/**
 * Compile errors: a stable `code` plus plain words. Thrown by the planner and the emitters; the API maps
 * them to 400 and the CLI prints them as `error code: message`.
 */
// @ts-nocheck

export type CompileErrorCode =
  | 'invalid-query'
  | 'unknown-kpi'
  | 'unknown-measure'
  | 'kpi-cycle'
  | 'unreachable-dimension'
  | 'unreachable-column'
  | 'unsupported'
  /** A filter compares a column with a value of another kind (`region = 1e308`). */
  | 'type-mismatch'
  /** A documented limit (src/ir/limits.ts) was crossed; the message names it. */
  | 'limit-exceeded';

export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    readonly code: CompileErrorCode,
    message: string,
  ) {
    super(message);
  }
}
