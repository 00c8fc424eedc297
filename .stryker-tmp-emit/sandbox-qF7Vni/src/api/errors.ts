/**
 * The one error shape of the API: `{error: {code, message, details}}`. Everything thrown in a route
 * becomes an ApiError here; unknown errors become a 500 whose message says nothing about internals.
 */
// @ts-nocheck

import { HTTPException } from 'hono/http-exception';
import type { Diagnostic } from '../ir/diagnostic.ts';
import { StoreError } from '../store/errors.ts';

export type ApiStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 428 | 429 | 500 | 501 | 503 | 504;

export class ApiError extends Error {
  constructor(
    readonly status: ApiStatus,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: unknown };
}

export const invalidDefinition = (diagnostics: readonly Diagnostic[]): ApiError =>
  new ApiError(
    400,
    'invalid-definition',
    diagnostics.find((d) => d.severity === 'error')?.message ?? 'the definition is invalid',
    { diagnostics },
  );

export const notFound = (what: string): ApiError => new ApiError(404, 'not-found', `${what} not found`);

const STORE_STATUS = {
  'not-found': 404,
  exists: 409,
  'version-mismatch': 412,
  'has-dependents': 409,
} as const;

const RETRY_SOON = { 'Retry-After': '5' } as const;

/** Engine error codes (src/exec EngineError) → statuses. */
const ENGINE_STATUS: Readonly<Record<string, ApiStatus>> = {
  'engine-timeout': 504,
  'query-timeout': 504,
  'engine-unavailable': 503,
  // Canceled by our own QUERY_TIMEOUT_MS abort.
  'engine-canceled': 504,
  // The engine ran the SQL and it failed: our bug, not the caller's; the message names engine and KPI.
  'engine-error': 500,
  'too-many-calculations': 429,
  // Every language worker busy and the queue full (src/offload).
  busy: 503,
};

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own validators (malformed JSON bodies and the like).
    return new ApiError(400, 'invalid-request', error.message || 'the request is invalid');
  }
  if (error instanceof StoreError) {
    return new ApiError(STORE_STATUS[error.code], error.code, error.message, error.details);
  }
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; diagnostics?: unknown; name?: unknown };
    if (Array.isArray(e.diagnostics) && e.diagnostics.length > 0) {
      return new ApiError(400, String(e.code ?? 'invalid-query'), String(e.message), {
        diagnostics: e.diagnostics,
      });
    }
    if (typeof e.code === 'string') {
      const status = ENGINE_STATUS[e.code];
      // An engine that is down or starting is worth a retry in a few seconds; say so to clients.
      if (status === 503) return new ApiError(503, e.code, String(e.message), null, RETRY_SOON);
      if (status) return new ApiError(status, e.code, String(e.message));
      if (e.name === 'CompileError') {
        // The query cannot be compiled as asked (src/plan/errors.ts): unknown KPI 404, unsupported 422, else 400.
        const compileStatus = e.code === 'unknown-kpi' ? 404 : e.code === 'unsupported' ? 422 : 400;
        return new ApiError(compileStatus, e.code, String(e.message));
      }
      if (e.name === 'EngineError') {
        // The query is well-formed but cannot be answered as asked (e.g. unreachable dimension, or
        // more than MAX_RESULT_ROWS rows: the engine stopped one row past the limit).
        return new ApiError(422, e.code, String(e.message));
      }
    }
    // Driver-level connection failures: the engine behind us is unreachable.
    if (typeof e.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|57P01)$/.test(e.code)) {
      return new ApiError(
        503,
        'engine-unavailable',
        'a data source is unavailable; retry later',
        null,
        RETRY_SOON,
      );
    }
  }
  return new ApiError(500, 'internal', 'internal error');
}

export function errorBody(error: ApiError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? null } };
}
