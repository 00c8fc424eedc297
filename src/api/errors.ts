/**
 * The one error shape of the API: `{error: {code, message, details}}`. HTTP-only refusals (auth, body
 * size, route validation) throw ApiError here; everything else arrives as a typed error from inside
 * (src/service/errors.ts `problemOf`) and gets its status here — the only place statuses are chosen.
 * Unknown errors become a 500 whose message says nothing about internals.
 */
import { HTTPException } from 'hono/http-exception';
import { type Problem, problemOf } from '../service/errors.ts';

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

const STATUS: Readonly<Record<Problem['kind'], ApiStatus>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  'precondition-failed': 412,
  unprocessable: 422,
  overloaded: 429,
  timeout: 504,
  unavailable: 503,
  internal: 500,
};

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own validators (malformed JSON bodies and the like).
    return new ApiError(400, 'invalid-request', error.message || 'the request is invalid');
  }
  const p = problemOf(error);
  const headers: Record<string, string> =
    p.retryAfterSeconds === null ? {} : { 'Retry-After': String(p.retryAfterSeconds) };
  return new ApiError(STATUS[p.kind], p.code, p.message, p.details, headers);
}

export function errorBody(error: ApiError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? null } };
}
