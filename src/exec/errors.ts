/** Engine errors: what went wrong, on which engine, for which KPI — never a raw driver stack. */
export type EngineErrorCode =
  | 'engine-timeout'
  | 'engine-error'
  | 'engine-unavailable'
  | 'engine-canceled'
  /** QUERY_TIMEOUT_MS passed before the answer came (the engine's query is canceled). */
  | 'query-timeout'
  /** MAX_CONCURRENT_CALCULATIONS run and the queue behind them is full: retry shortly. */
  | 'too-many-calculations'
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

/**
 * Connection-level failures (refused, reset, DNS, a server going down) mean the engine is unavailable,
 * not that SQL failed. The one list: the service's error mapping uses it too.
 */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as any)?.cause?.code;
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ETIMEDOUT',
    // PostgreSQL: the server is shutting down (admin_shutdown) or not yet accepting connections.
    '57P01',
    '57P03',
    'UND_ERR_SOCKET',
  ].includes(String(code));
}
