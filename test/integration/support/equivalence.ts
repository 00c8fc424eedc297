/**
 * Comparing an optimized answer with the raw plan's, shared by the equivalence tests on the real stack:
 * counts exact, everything else to 1e-9 relative; rows keyed by (time, dimension values as text).
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

export function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 2 ** 53) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The first difference between the raw answer `want` and `got`, or null when they agree. */
export function compareAnswers(
  q: Pick<MetricQuery, 'dimensions'>,
  want: readonly ResultRow[],
  got: readonly ResultRow[],
): string | null {
  const w = new Map(want.map((r) => [rowKey(r, q.dimensions), num(r.value)]));
  const g = new Map(got.map((r) => [rowKey(r, q.dimensions), num(r.value)]));
  for (const [k, v] of w) {
    if (!g.has(k)) return `row ${k} missing (raw ${v})`;
    if (!sameValue(v, g.get(k) ?? null)) return `row ${k}: raw ${v}, optimized ${g.get(k)}`;
  }
  for (const k of g.keys()) if (!w.has(k)) return `extra row ${k}`;
  return null;
}
