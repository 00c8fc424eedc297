/**
 * What emission needs to know of a plan's measure instances beyond one aggregate's SQL: the
 * connections they read, the spine size bound, and how a stitched instance's pieces are re-aggregated.
 */
import { connectionOf } from '../catalog/resolve.ts';
import type { Catalog } from '../catalog/types.ts';
import type { Grain } from '../ir/kpi.ts';
import { aggregatesOf, type Plan, type Stitch } from '../plan/nodes.ts';
import { bucketsBound } from '../shared/time.ts';

/** The connections a plan reads (fact tables and every joined table, every piece of a stitch). */
export function connectionsOf(plan: Plan, catalog: Catalog): string[] {
  const names = new Set<string>();
  for (const m of plan.root.input.inputs) {
    for (const a of aggregatesOf(m)) {
      const s = a.input.input;
      for (const t of [s.table, ...s.joins.map((j) => j.table)]) names.add(connectionOf(catalog, t).name);
    }
  }
  return [...names].sort();
}

/** An upper bound on the number of buckets of `grain` overlapping [start, end). */
export function spineSizeBound(grain: Grain | null, start: string, end: string): number {
  return bucketsBound(grain, Date.parse(start), Date.parse(end));
}

/**
 * A stitched instance: its pieces' rows (each already at the query's buckets and dimensions, over
 * disjoint windows) re-aggregated per key. The keys are compared with GROUP BY, where NULL dimension
 * values fall in one group, as the raw aggregate's own GROUP BY does.
 */
export function stitchSql(
  s: Stitch,
  pieces: readonly string[],
  keys: readonly string[],
  name: string,
): string {
  const fn = s.combine === 'sum' ? 'SUM' : s.combine === 'min' ? 'MIN' : 'MAX';
  const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  const union = pieces.map((p) => `(${p})`).join(' UNION ALL ');
  return `SELECT ${[...keys, `${fn}(${name}) AS ${name}`].join(', ')} FROM (${union}) p${groupBy}`;
}
