/**
 * The in-process half of a split plan (split-run.ts runs the parts): each measure instance's rows
 * combined from its parts — a stitch's pieces re-aggregated per (bucket, dimensions) with its
 * `combine` (sum of sums and of counts, min of mins, max of maxes; SQL's NULL-ignoring aggregates), so
 * a bucket straddling a piece boundary gets both pieces' share — then the null-safe full outer join of
 * the instances on (bucket, dimensions), the shared values and the formula (plan/evaluate.ts), ordered
 * as the one-statement SQL orders (time, then dimensions, NULLs last). Pure: rows in, rows out, in the
 * engine's row shape [time ms, dimension…, value].
 */

import { evaluate, type Scalar } from '../plan/evaluate.ts';
import type { Combine, Plan } from '../plan/nodes.ts';

export interface PartRows {
  readonly instance: string;
  readonly rows: readonly (readonly unknown[])[];
}

const toScalar = (v: unknown): Scalar => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const n = Number(v); // numeric and bigint arrive as text from pg
  return Number.isNaN(n) ? null : n;
};

/** One value per key for dimension values of any type (pg gives bigint as text, int4 as number). */
const keyPart = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

function combineValues(how: Combine, a: Scalar, b: Scalar): Scalar {
  if (a === null) return b;
  if (b === null) return a;
  const x = Number(a);
  const y = Number(b);
  return how === 'sum' ? x + y : how === 'min' ? Math.min(x, y) : Math.max(x, y);
}

interface Keyed {
  readonly time: number | null;
  readonly dims: readonly unknown[];
  readonly values: Map<string, Scalar>;
}

/** Ascending with NULLs last, numbers by value, text by code point (Trino's order, and `C` collation). */
function compareKeys(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = keyPart(a)!;
  const y = keyPart(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function combineParts(p: Plan, parts: readonly PartRows[]): unknown[][] {
  const dimensions = p.dimensions.length;
  const combineOf = new Map(p.root.input.inputs.map((m) => [m.name, m.kind === 'stitch' ? m.combine : null]));
  const keyed = new Map<string, Keyed>();
  for (const part of parts) {
    const how = combineOf.get(part.instance) ?? null;
    for (const r of part.rows) {
      const time = r[0] === null || r[0] === undefined ? null : Number(r[0]);
      const dims = r.slice(1, 1 + dimensions);
      const key = JSON.stringify([time, ...dims.map(keyPart)]);
      let row = keyed.get(key);
      if (!row) {
        row = { time, dims, values: new Map() };
        keyed.set(key, row);
      }
      const value = toScalar(r[1 + dimensions]);
      const values = row.values;
      values.set(
        part.instance,
        how && values.has(part.instance) ? combineValues(how, values.get(part.instance)!, value) : value,
      );
    }
  }
  const rows = [...keyed.values()];
  rows.sort((a, b) => {
    const t = compareKeys(a.time, b.time);
    if (t !== 0) return t;
    for (let i = 0; i < dimensions; i++) {
      const d = compareKeys(a.dims[i], b.dims[i]);
      if (d !== 0) return d;
    }
    return 0;
  });
  return rows.map((row) => {
    for (const s of p.root.shared ?? []) row.values.set(s.name, evaluate(s.value, row.values));
    return [p.root.input.timed ? row.time : null, ...row.dims, evaluate(p.root.value, row.values)];
  });
}
