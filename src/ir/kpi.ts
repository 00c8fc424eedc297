/**
 * The KPI IR: what a KPI means once names are resolved and types checked.
 * Both the DSL and the seed's JSON KPIDefinition produce it; the printer turns it back into DSL.
 * Plain frozen data only — it is hashed for cache keys and printed for golden tests.
 */
import type { ColumnType, TableRef } from '../catalog/types.ts';

export type Grain = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const GRAINS: readonly Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** Types of values; `number` is any numeric whose exactness is unknown (e.g. a ratio). */
export type ValueType = ColumnType | 'number' | 'interval' | 'null';

export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

// ---------------------------------------------------------------- row-level expressions
// Evaluated per source row: aggregate arguments, aggregate filters (`where`), KPI filters.

export interface Literal {
  readonly kind: 'literal';
  readonly value: number | string | boolean | null;
  readonly type: ValueType;
}

export interface DurationLiteral {
  readonly kind: 'duration';
  readonly duration: Duration;
}

/** A column of the measure's own table (or of a table reached through a declared join). */
export interface ColumnRef {
  readonly kind: 'column';
  readonly table: TableRef;
  readonly column: string;
  readonly type: ColumnType;
}

/** A dimension named in a MetricQuery filter; the planner resolves it per measure table. */
export interface DimensionRef {
  readonly kind: 'dimension';
  readonly name: string;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export interface Binary<E> {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: E;
  readonly right: E;
}

export interface Unary<E> {
  readonly kind: 'unary';
  readonly op: '-' | 'not';
  readonly operand: E;
}

export type ScalarFunction = 'coalesce' | 'nullif' | 'abs' | 'round' | 'least' | 'greatest';
export interface Call<E> {
  readonly kind: 'call';
  readonly fn: ScalarFunction;
  readonly args: readonly E[];
}

export interface Case<E> {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: E; readonly then: E }[];
  readonly else: E | null;
}

export interface InList<E> {
  readonly kind: 'in';
  readonly operand: E;
  readonly values: readonly E[];
  readonly negated: boolean;
}

export interface Between<E> {
  readonly kind: 'between';
  readonly operand: E;
  readonly low: E;
  readonly high: E;
  readonly negated: boolean;
}

export interface IsNull<E> {
  readonly kind: 'is_null';
  readonly operand: E;
  readonly negated: boolean;
}

export interface Like<E> {
  readonly kind: 'like';
  readonly operand: E;
  readonly pattern: E;
  readonly negated: boolean;
}

/**
 * Shapes shared by every expression language (row, formula, plan value), parameterised by what they
 * nest; `composite.ts` walks them.
 */
export type Composite<E> =
  | Binary<E>
  | Unary<E>
  | Call<E>
  | Case<E>
  | InList<E>
  | Between<E>
  | IsNull<E>
  | Like<E>;

// The expression unions list Composite<E>'s members one by one: a type alias cannot recurse through
// another alias (TS2456), only through interfaces such as Binary<E>.
export type RowExpr =
  | Literal
  | DurationLiteral
  | ColumnRef
  | DimensionRef
  | Binary<RowExpr>
  | Unary<RowExpr>
  | Call<RowExpr>
  | Case<RowExpr>
  | InList<RowExpr>
  | Between<RowExpr>
  | IsNull<RowExpr>
  | Like<RowExpr>;

// ---------------------------------------------------------------- measures (leaf aggregates)

export type AggregateFn =
  | 'sum'
  | 'count'
  | 'count_distinct'
  | 'avg'
  | 'min'
  | 'max'
  | 'approx_distinct'
  | 'percentile';

/**
 * One aggregate over one table: the unit the planner aggregates on its own at the query's grain
 * and dimensions. `name` is the seed's variable name, or a stable generated one (`m1`, `m2`, …).
 */
export interface Measure {
  readonly kind: 'measure';
  readonly name: string;
  readonly fn: AggregateFn;
  readonly table: TableRef;
  /** null for count(*). */
  readonly arg: RowExpr | null;
  /** `sum(x where cond)`; null when unfiltered. */
  readonly filter: RowExpr | null;
  /** percentile(x, 0.95) → 0.95. */
  readonly fraction?: number;
  /** Column that places a row in time; the table's default time column unless overridden. */
  readonly timeColumn: string;
  /**
   * Interval-valid facts (`active between started_at and canceled_at`): the row counts in every
   * bucket that [start, end) overlaps; a NULL end means still open.
   */
  readonly validity?: { readonly startColumn: string; readonly endColumn: string };
  /** Seed `timeRange.period` such as `last_30_days`, kept for the planner. */
  readonly period?: string;
  readonly type: ValueType;
}

// ---------------------------------------------------------------- formula expressions

/** Reference to a measure of this KPI by name. */
export interface MeasureRef {
  readonly kind: 'measure_ref';
  readonly name: string;
}

/** Reference to another KPI (a derived KPI); the optimizer inlines it. */
export interface KpiRef {
  readonly kind: 'kpi_ref';
  readonly id: string;
}

/** Value of `expr` `offset` earlier (`previous(k, 1 month)`). */
export interface Previous {
  readonly kind: 'previous';
  readonly expr: FormulaExpr;
  readonly offset: Duration;
}

/** (expr − previous) / previous, NULL when previous is 0 or NULL (`growth(k, 1 year)`). */
export interface Growth {
  readonly kind: 'growth';
  readonly expr: FormulaExpr;
  readonly offset: Duration;
}

/** The aggregate re-evaluated over the trailing window ending at each bucket's end. */
export interface Rolling {
  readonly kind: 'rolling';
  readonly expr: FormulaExpr;
  readonly window: Duration;
}

/** Cumulative since the start of the enclosing `period` (`to_date(sum(x), month)`), or since the
 *  range start when `period` is null (`cumulative(...)`). */
export interface ToDate {
  readonly kind: 'to_date';
  readonly expr: FormulaExpr;
  readonly period: Grain | null;
}

export type FormulaExpr =
  | Literal
  | MeasureRef
  | KpiRef
  | Previous
  | Growth
  | Rolling
  | ToDate
  | Binary<FormulaExpr>
  | Unary<FormulaExpr>
  | Call<FormulaExpr>
  | Case<FormulaExpr>
  | InList<FormulaExpr>
  | Between<FormulaExpr>
  | IsNull<FormulaExpr>
  | Like<FormulaExpr>;

// ---------------------------------------------------------------- the KPI

export type KpiCategory = 'business' | 'user' | 'performance' | 'custom';

export interface Thresholds {
  readonly warning?: { readonly op: '>' | '>=' | '<' | '<='; readonly value: number };
  readonly critical?: { readonly op: '>' | '>=' | '<' | '<='; readonly value: number };
}

export interface KpiIR {
  readonly id: string;
  readonly name: string;
  readonly category: KpiCategory;
  readonly description: string;
  readonly formula: FormulaExpr;
  /** Every leaf aggregate of the formula, by name, in first-use order. */
  readonly measures: readonly Measure[];
  /** Dimensions the KPI may be broken down by (each reachable from every measure's table). */
  readonly dimensions: readonly string[];
  /** Grains the KPI is meant for (the seed's `aggregations`); queries may still ask others. */
  readonly grains: readonly Grain[];
  /** Filters applied to every measure (the seed's `filters`). */
  readonly filters: readonly RowExpr[];
  readonly schedule?: { readonly frequency: 'realtime' | Grain; readonly timezone?: string };
  readonly thresholds?: Thresholds;
  /** Whether approximate aggregates (sketches) may answer count distinct. */
  readonly approximate: boolean;
  /** Ids of KPIs referenced by the formula (direct only). */
  readonly dependsOn: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Value format for display: `currency`, `percent`, `number`. */
  readonly format?: string;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
