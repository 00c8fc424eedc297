/** Engine errors: what went wrong, on which engine, for which KPI — never a raw driver stack. */
// @ts-nocheck

export type EngineErrorCode =
  | 'engine-timeout'
  | 'engine-error'
  | 'engine-unavailable'
  | 'engine-canceled'
  /** The answer has more than MAX_RESULT_ROWS rows (the SQL's LIMIT stopped the engine one row past it). */
  | 'limit-exceeded';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    readonly engine: string,
    readonly kpi: string | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${kpi ? `KPI "${kpi}" on ` : ''}${engine}: ${detail}`, options);
  }
}

/** Connection-level failures (refused, reset, DNS) mean the engine is unavailable, not that SQL failed. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as any)?.cause?.code;
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ETIMEDOUT',
    '57P03',
    'UND_ERR_SOCKET',
  ].includes(String(code));
}
