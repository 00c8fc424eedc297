/**
 * A dialect is capability flags plus small hooks; everything else in emit/ is shared SQL. A construct a
 * dialect lacks is a CompileError naming the construct and the dialect, never SQL that answers wrongly.
 */
import type { Catalog, TableRef } from '../catalog/types.ts';
import type { Grain, ValueType } from '../ir/kpi.ts';
import { CompileError } from '../plan/errors.ts';

export type DialectName = 'trino' | 'postgres' | 'timescale' | 'druid';

export interface Dialect {
  readonly name: DialectName;
  readonly placeholders: 'question' | 'dollar';
  readonly flags: {
    /** Reads several catalogs (connections) in one query. */
    readonly federated: boolean;
    /** approx_distinct(x) exists. */
    readonly approxDistinct: boolean;
    /** An exact percentile aggregate exists (percentile_cont). */
    readonly exactPercentile: boolean;
    /** Most buckets a generated spine may have (Trino's sequence stops at 10,000). */
    readonly maxSpineBuckets: number;
    /**
     * `WITH x AS MATERIALIZED (…)`: PostgreSQL otherwise pulls a CTE read once into its reader and
     * substitutes its expressions, so a shared value read twice per level (e_i = e_{i-1} + e_{i-1})
     * would be expanded 2^n times inside the engine.
     */
    readonly materializedCte: boolean;
    /**
     * Measures joined as a UNION ALL of subqueries (emit.ts `joined`). Druid plans a UNION ALL only over
     * plain table scans, so a formula over several measures is refused there.
     */
    readonly unionOfSubqueries: boolean;
  };
  readonly doubleType: string;
  readonly stringType: string;
  quote(identifier: string): string;
  /** Fully qualified table name as this engine sees it. */
  table(catalog: Catalog, ref: TableRef): string;
  /** `ts` (an instant) truncated to `grain` in `zone`, as an instant. */
  truncate(ts: string, grain: Grain, zone: string): string;
  /** `ts` moved `amount` (may be negative) units in `zone`'s calendar, as an instant. */
  shift(ts: string, amount: number, unit: Grain, zone: string): string;
  /** A timestamp-with-time-zone parameter from its placeholder marker. */
  timestampParam(marker: string): string;
  /** A string parameter in a position without a column to infer its type from. */
  stringParam(marker: string): string;
  /** Relation (bucket, lo, hi) of the buckets of `grain` in `zone` overlapping [start, end). */
  spine(grain: Grain, zone: string, start: string, end: string): string;
  /** Milliseconds since the epoch of an instant, as bigint. */
  epochMs(ts: string): string;
  /** `x LIKE p` with the same (no escape character) meaning everywhere. */
  like(operand: string, pattern: string, negated: boolean): string;
  round(value: string, digits: string | null): string;
  /** An approximate distinct count of `x` (called only when `flags.approxDistinct`). */
  approxDistinct(x: string): string;
  /** A NULL of a value type, for the branches of the key union (PostgreSQL types untyped NULL as text). */
  nullOf(type: ValueType): string;
}

export function unsupported(construct: string, dialect: DialectName, hint: string): never {
  throw new CompileError(
    'unsupported',
    `${construct} cannot be expressed in the ${dialect} dialect: ${hint}`,
  );
}
