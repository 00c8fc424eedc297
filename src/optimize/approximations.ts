/**
 * What an answer says of its approximate values: one entry per `approx_distinct` variable, with how it
 * was computed and its relative error bound. Read from a Druid rollup's HLL sketches (rollup/sketch.ts)
 * or, raw, by Trino's `approx_distinct` (HyperLogLog, standard error 2.3 %:
 * https://trino.io/docs/current/functions/aggregate.html#approximate-aggregate-functions). Exact
 * aggregates (count distinct included) never appear here.
 */
import { aggregatesOf, type Plan } from '../plan/nodes.ts';
import { DRUID_ROLLUP_SOURCE } from '../rollup/names.ts';
import { BOUND_CONFIDENCE, BOUND_STDDEVS, HLL_LG_K, HLL_RSE } from '../rollup/sketch.ts';

export interface Approximation {
  /** The variable: the KPI and its measure instance (`paying_accounts.m1`), as in EXPLAIN. */
  readonly measure: string;
  readonly method: string;
  /** The bound on |answer − exact| / exact that holds with `confidence`. */
  readonly relativeError: number;
  readonly confidence: number;
}

/** Trino's approx_distinct: a standard error of 2.3 % (its documentation). */
const TRINO_RSE = 0.023;

const round = (x: number) => Math.round(x * 1e5) / 1e5;

/** The approximate variables of `plan`; `raw`: it ran as the raw plan (a rollup failed or was voided). */
export function approximationsOf(plan: Plan, o: { readonly raw?: boolean } = {}): Approximation[] {
  const out = new Map<string, Approximation>();
  for (const a of plan.root.input.inputs.flatMap(aggregatesOf)) {
    if (a.fn !== 'approx_distinct') continue;
    const table = a.input.input.table;
    const sketch = !o.raw && table.source === DRUID_ROLLUP_SOURCE;
    out.set(a.source, {
      measure: a.source,
      method: sketch
        ? `HLL sketches (lgK ${HLL_LG_K}) of Druid rollup ${table.table}, merged per bucket`
        : "Trino's approx_distinct (HyperLogLog) over the source rows",
      relativeError: round(BOUND_STDDEVS * (sketch ? HLL_RSE : TRINO_RSE)),
      confidence: BOUND_CONFIDENCE,
    });
  }
  return [...out.values()];
}

/** One line for EXPLAIN and logs: `approximate: m: ±4.875% (99.7%), HLL sketches …`. */
export const describeApproximation = (x: Approximation): string =>
  `${x.measure}: ±${(x.relativeError * 100).toFixed(3).replace(/0+$/, '')}% at ${(x.confidence * 100).toFixed(1)}% confidence, ${x.method}`;
