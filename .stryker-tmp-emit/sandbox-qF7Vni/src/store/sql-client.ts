/** The one database surface the store needs, implemented by embedded PGlite and by a `pg` pool. */
// @ts-nocheck

export interface SqlClient {
  readonly kind: 'pglite' | 'pg';
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /** Runs a script of several statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A unique-violation from either driver (SQLSTATE 23505): a concurrent writer won the race. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
