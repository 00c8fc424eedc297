/**
 * Bound parameters. Emitters write a marker per value; `finishParams` turns markers into the dialect's
 * placeholders in text order (`?` repeated for Trino, `$n` deduplicated for PostgreSQL), so the order of
 * `params` always matches the SQL whatever order the emitter built its pieces in.
 */
export type Param =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** UTC ISO instant, e.g. `2025-01-01T00:00:00.000Z`. */
  | { readonly type: 'timestamp'; readonly value: string };

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
    return { sql, params };
  }
}
