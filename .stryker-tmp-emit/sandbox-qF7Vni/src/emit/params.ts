/**
 * Bound parameters. Emitters write a marker per value; `finishParams` turns markers into the dialect's
 * placeholders in text order (`?` repeated for Trino, `$n` deduplicated for PostgreSQL), so the order of
 * `params` always matches the SQL whatever order the emitter built its pieces in.
 */
// @ts-nocheck

import { CompileError } from '../plan/errors.ts';

export type Param =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** UTC ISO instant, e.g. `2025-01-01T00:00:00.000Z`. */
  | { readonly type: 'timestamp'; readonly value: string };

/**
 * PostgreSQL's Bind message counts parameters in an Int16: more than this cannot be sent at all (the
 * driver would wrap the count), so such a query is refused as too large instead of failing on the server.
 */
export const MAX_BOUND_PARAMETERS = 65_535;

const MARK = '\u0000';
const MARKER = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

export class ParamSink {
  private readonly values: Param[] = [];

  /** A marker for `p`; it never collides with SQL text because NUL never appears in our SQL. */
  add(p: Param): string {
    this.values.push(p);
    return `${MARK}${this.values.length - 1}${MARK}`;
  }

  finish(text: string, style: 'question' | 'dollar'): { sql: string; params: Param[] } {
    const params: Param[] = [];
    const seen = new Map<string, number>();
    const sql = text.replace(MARKER, (_, index: string) => {
      const p = this.values[Number(index)]!;
      if (style === 'question') {
        params.push(p);
        return '?';
      }
      const key = `${p.type}:${String(p.value)}`;
      let n = seen.get(key);
      if (n === undefined) {
        params.push(p);
        n = params.length;
        seen.set(key, n);
      }
      return `$${n}`;
    });
    if (params.length > MAX_BOUND_PARAMETERS) {
      throw new CompileError(
        'invalid-query',
        `the query binds ${params.length} distinct values; PostgreSQL accepts at most ${MAX_BOUND_PARAMETERS} in one statement (use fewer filter values)`,
      );
    }
    return { sql, params };
  }
}
