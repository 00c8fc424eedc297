/**
 * Trino's error object for every failure the endpoint answers itself: `errorName`/`errorCode`/`errorType`
 * from Trino's StandardErrorCode (so clients map them as they would Trino's own), and `errorLocation`
 * (1-based line and column) when the failure points at a place in the statement.
 */

/** The subset of io.trino.spi.StandardErrorCode the endpoint raises, with Trino's numbers. */
export const ERROR_CODES = {
  GENERIC_USER_ERROR: 0,
  SYNTAX_ERROR: 1,
  ABANDONED_QUERY: 2,
  USER_CANCELED: 3,
  PERMISSION_DENIED: 4,
  NOT_FOUND: 5,
  FUNCTION_NOT_FOUND: 6,
  INVALID_FUNCTION_ARGUMENT: 7,
  NOT_SUPPORTED: 13,
  QUERY_TEXT_TOO_LARGE: 35,
  CATALOG_NOT_FOUND: 44,
  SCHEMA_NOT_FOUND: 45,
  TABLE_NOT_FOUND: 46,
  COLUMN_NOT_FOUND: 47,
  MISSING_CATALOG_NAME: 56,
  MISSING_SCHEMA_NAME: 57,
  TYPE_MISMATCH: 58,
  INVALID_LITERAL: 59,
  AMBIGUOUS_NAME: 62,
  INVALID_COLUMN_REFERENCE: 63,
  EXPRESSION_NOT_AGGREGATE: 73,
  INVALID_ARGUMENTS: 76,
  INVALID_PARAMETER_USAGE: 80,
  GENERIC_INTERNAL_ERROR: 65536,
  NO_NODES_AVAILABLE: 65541,
  QUERY_QUEUE_FULL: 131074,
  EXCEEDED_TIME_LIMIT: 131075,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

export interface SourcePosition {
  /** 1-based, as Trino reports them. */
  readonly line: number;
  readonly column: number;
}

const typeOf = (code: number) =>
  code >= 131072 ? 'INSUFFICIENT_RESOURCES' : code >= 65536 ? 'INTERNAL_ERROR' : 'USER_ERROR';

/** A statement failed: what Trino would say, and where. */
export class SqlError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly location: SourcePosition | null = null,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/**
 * A construct the kpi catalog's own parser does not read but Trino does (joins, subqueries, CASE,
 * windows, set operations): with a federation engine the statement is rewritten for Trino instead
 * (federate.ts); without one this is the answer.
 */
export class TrinoOnly extends SqlError {
  constructor(message: string, location: SourcePosition | null = null) {
    super('NOT_SUPPORTED', message, location);
    this.name = 'TrinoOnly';
  }
}

export interface QueryError {
  readonly message: string;
  readonly errorCode: number;
  readonly errorName: string;
  readonly errorType: string;
  readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  readonly failureInfo: {
    readonly type: string;
    readonly message: string;
    readonly suppressed: readonly unknown[];
    readonly stack: readonly string[];
    readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  };
}

/** Trino prefixes located messages with `line L:C: ` (the CLI and drivers show it as is). */
export function queryError(error: SqlError): QueryError {
  const code = ERROR_CODES[error.errorName];
  const location = error.location
    ? { lineNumber: error.location.line, columnNumber: error.location.column }
    : undefined;
  const message = error.location
    ? `line ${error.location.line}:${error.location.column}: ${error.message}`
    : error.message;
  return {
    message,
    errorCode: code,
    errorName: error.errorName,
    errorType: typeOf(code),
    ...(location ? { errorLocation: location } : {}),
    failureInfo: {
      type:
        error.errorName === 'SYNTAX_ERROR'
          ? 'io.trino.sql.parser.ParsingException'
          : 'io.trino.spi.TrinoException',
      message,
      suppressed: [],
      stack: [],
      ...(location ? { errorLocation: location } : {}),
    },
  };
}

/** Any failure as a SqlError: engine errors keep their meaning (timeouts, unavailable), the rest is internal. */
export function toSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown; kind?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  switch (e.code) {
    case 'engine-timeout':
    case 'query-timeout':
      return new SqlError('EXCEEDED_TIME_LIMIT', message);
    case 'engine-unavailable':
      return new SqlError('NO_NODES_AVAILABLE', message);
    case 'engine-canceled':
      return new SqlError('USER_CANCELED', message);
    case 'too-many-calculations':
      return new SqlError('QUERY_QUEUE_FULL', message);
    case 'unknown-kpi':
      return new SqlError('TABLE_NOT_FOUND', message);
    case 'unknown-dimension':
      return new SqlError('COLUMN_NOT_FOUND', message);
  }
  // The service's typed errors (src/service/errors.ts) say what kind of refusal it is.
  if (e.kind === 'invalid' || e.kind === 'unprocessable' || e.kind === 'not-found')
    return new SqlError('NOT_SUPPORTED', message);
  return new SqlError('GENERIC_INTERNAL_ERROR', message);
}
