/**
 * The service layer's errors: what went wrong in the caller's terms, never an HTTP status. The HTTP
 * layer (src/api/errors.ts) and the CLI map each kind to what their users see; the scheduler and the
 * SQL endpoint read the kind directly (a timeout is retried, an invalid question is not).
 */
import { EngineError, type EngineErrorCode, isUnavailable } from '../exec/errors.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import { PoolBusyError } from '../offload/worker-pool.ts';
import { CompileError } from '../plan/errors.ts';
import { StoreError, type StoreErrorCode } from '../store/errors.ts';

export type ProblemKind =
  /** The question or body is malformed or names something it may not (400). */
  | 'invalid'
  | 'not-found'
  /** The thing exists in a state that refuses this (a duplicate, a running build: 409). */
  | 'conflict'
  /** A precondition the caller sent (If-Match version) no longer holds (412). */
  | 'precondition-failed'
  /** Well-formed, but cannot be answered as asked (too many rows, an id that does not match: 422). */
  | 'unprocessable'
  /** Too much work in progress: retry shortly (429). */
  | 'overloaded'
  | 'timeout'
  /** A part behind the service (an engine, a worker pool) is not available now (503). */
  | 'unavailable';

export abstract class ServiceError extends Error {
  abstract readonly kind: ProblemKind;
  constructor(
    /** A stable, kebab-case code clients may match on (`unknown-dimension`, `query-timeout`). */
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    /** Seconds after which a retry may succeed (overloaded, unavailable). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends ServiceError {
  readonly kind = 'invalid';
}
export class NotFound extends ServiceError {
  readonly kind = 'not-found';
}
export class Conflict extends ServiceError {
  readonly kind = 'conflict';
}
export class PreconditionFailed extends ServiceError {
  readonly kind = 'precondition-failed';
}
export class Unprocessable extends ServiceError {
  readonly kind = 'unprocessable';
}
export class Overloaded extends ServiceError {
  readonly kind = 'overloaded';
}
export class TimedOut extends ServiceError {
  readonly kind = 'timeout';
}
export class Unavailable extends ServiceError {
  readonly kind = 'unavailable';
}

export const invalidDefinition = (diagnostics: readonly Diagnostic[]): InvalidInput =>
  new InvalidInput(
    'invalid-definition',
    diagnostics.find((d) => d.severity === 'error')?.message ?? 'the definition is invalid',
    { diagnostics },
  );

export const notFound = (what: string): NotFound => new NotFound('not-found', `${what} not found`);

/** An error as the edges (HTTP, CLI, job records) see it: its kind, code and words; `internal` hides the rest. */
export interface Problem {
  readonly kind: ProblemKind | 'internal';
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
  readonly retryAfterSeconds: number | null;
}

const problem = (
  kind: Problem['kind'],
  code: string,
  message: string,
  details: unknown = null,
  retryAfterSeconds: number | null = null,
): Problem => ({ kind, code, message, details, retryAfterSeconds });

/** An engine that is down or starting is worth a retry in a few seconds. */
const RETRY_ENGINE_SECONDS = 5;

const ENGINE_KIND: Readonly<Record<EngineErrorCode, ProblemKind | 'internal'>> = {
  'engine-timeout': 'timeout',
  // Canceled by our own QUERY_TIMEOUT_MS abort.
  'engine-canceled': 'timeout',
  'query-timeout': 'timeout',
  'too-many-calculations': 'overloaded',
  'engine-unavailable': 'unavailable',
  // The engine ran the SQL and it failed: our bug, not the caller's; the message names engine and KPI.
  'engine-error': 'internal',
  // More than MAX_RESULT_ROWS rows: the engine stopped one row past the limit.
  'limit-exceeded': 'unprocessable',
};

const STORE_KIND: Readonly<Record<StoreErrorCode, ProblemKind>> = {
  'not-found': 'not-found',
  exists: 'conflict',
  'version-mismatch': 'precondition-failed',
  'has-dependents': 'conflict',
};

/** The one classification of errors thrown inside the service, by type (never by name strings). */
export function problemOf(error: unknown): Problem {
  if (error instanceof ServiceError) {
    return problem(error.kind, error.code, error.message, error.details, error.retryAfterSeconds);
  }
  if (error instanceof CompileError) {
    // The query cannot be compiled as asked: unknown KPI 404, unsupported 422, else invalid.
    const kind =
      error.code === 'unknown-kpi' ? 'not-found' : error.code === 'unsupported' ? 'unprocessable' : 'invalid';
    return problem(kind, error.code, error.message);
  }
  if (error instanceof EngineError) {
    const kind = ENGINE_KIND[error.code];
    if (kind === 'internal') return problem('internal', error.code, error.message);
    // A full queue frees within a second or so; an engine that is down or starting takes longer.
    const retry = kind === 'unavailable' ? RETRY_ENGINE_SECONDS : kind === 'overloaded' ? 1 : null;
    return problem(kind, error.code, error.message, null, retry);
  }
  if (error instanceof StoreError)
    return problem(STORE_KIND[error.code], error.code, error.message, error.details);
  if (error instanceof PoolBusyError) {
    return problem('unavailable', 'busy', error.message, null, RETRY_ENGINE_SECONDS);
  }
  // Driver-level connection failures (the metrics store's pool, a rollup build's connection).
  if (isUnavailable(error)) {
    return problem(
      'unavailable',
      'engine-unavailable',
      'a data source is unavailable; retry later',
      null,
      RETRY_ENGINE_SECONDS,
    );
  }
  return problem('internal', 'internal', 'internal error');
}

const CLASS_OF: Readonly<
  Record<
    ProblemKind,
    new (
      code: string,
      message: string,
      details?: unknown,
      retryAfterSeconds?: number | null,
    ) => ServiceError
  >
> = {
  invalid: InvalidInput,
  'not-found': NotFound,
  conflict: Conflict,
  'precondition-failed': PreconditionFailed,
  unprocessable: Unprocessable,
  overloaded: Overloaded,
  timeout: TimedOut,
  unavailable: Unavailable,
};

/**
 * An error from a lower layer (compile, engine, store) as the service's typed error of the same code,
 * for callers that read kinds rather than layers (the SQL endpoint). Internal failures pass unchanged.
 */
export function asServiceError(error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const p = problemOf(error);
  if (p.kind === 'internal') return error;
  return new CLASS_OF[p.kind](p.code, p.message, p.details, p.retryAfterSeconds);
}
