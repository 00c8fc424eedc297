/**
 * Comparing an optimized answer with the raw plan's, shared by the equivalence tests on the real stack
 * (TimescaleDB and Druid rollups): counts exact, everything else to 1e-9 relative (Druid keeps sums as
 * doubles: still far inside a cent); approximate values (approx_distinct) within a stated relative
 * `bound`; rows keyed by (time, dimension values as text).
 */
import type { ResultRow } from '../../../src/exec/engine.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';

/** An answer's bucket as epoch ms: the engine gives ISO text in the query's zone, a batch epoch ms. */
const instant = (t: unknown): number | null =>
  t === null || t === undefined ? null : typeof t === 'string' ? Date.parse(t) : Number(t);

/** Time as an instant and dimension values as text, so a batched answer keys like the engine's. */
export const rowKey = (r: ResultRow, dims: readonly string[]): string =>
  JSON.stringify([
    instant(r.time),
    ...dims.map((d) => (r[d] === null || r[d] === undefined ? null : String(r[d]))),
  ]);

/** Equal as the raw plan means it; with `bound` > 0, within that relative error of each other. */
export function sameValue(a: number | null, b: number | null, bound = 0): boolean {
  if (a === null || b === null) return a === b;
  if (bound > 0) return Math.abs(a - b) <= bound * Math.max(Math.abs(a), Math.abs(b));
  if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 2 ** 53) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface CompareOptions {
  /**
   * Relative error allowed between the answers, for approximate values (the sum of both answers'
   * stated bounds); 0 or absent: equal.
   */
  readonly bound?: number;
}

/** The first difference between the raw answer `want` and `got`, or null when they agree. */
export function compareAnswers(
  q: Pick<MetricQuery, 'dimensions'>,
  want: readonly ResultRow[],
  got: readonly ResultRow[],
  { bound = 0 }: CompareOptions = {},
): string | null {
  const w = new Map(want.map((r) => [rowKey(r, q.dimensions), num(r.value)]));
  const g = new Map(got.map((r) => [rowKey(r, q.dimensions), num(r.value)]));
  for (const [k, v] of w) {
    if (!g.has(k)) return `row ${k} missing (raw ${v})`;
    if (!sameValue(v, g.get(k) ?? null, bound)) return `row ${k}: raw ${v}, optimized ${g.get(k)}`;
  }
  for (const k of g.keys()) if (!w.has(k)) return `extra row ${k}`;
  return null;
}
