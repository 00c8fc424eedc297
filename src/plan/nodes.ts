/**
 * The logical plan: plain, frozen, `kind`-tagged data. Every node is serializable (plan hashing, golden
 * printing) and rewritable by pure rules `(plan, ctx) => plan` (issue 5's optimizer).
 *
 * Shape of every plan:  project(formula) ← join(full outer on keys) ← aggregate per measure instance
 *   aggregate ← filter ← scan (fact table + declared many-to-one joins), bucketed by date_trunc, or
 *   aggregate over a spine (generated buckets) when a measure is interval-valid or windowed.
 */
import type { TableRef } from '../catalog/types.ts';
import type {
  AggregateFn,
  Between,
  Binary,
  Call,
  Case,
  Grain,
  InList,
  IsNull,
  Like,
  Literal,
  RowExpr,
  Unary,
  ValueType,
} from '../ir/kpi.ts';

// ---------------------------------------------------------------- expressions over plan columns

/** A column produced by a node below (measure instance value, key). */
export interface ColumnValue {
  readonly kind: 'col';
  readonly name: string;
}

/** `COALESCE(expr, 0)`: a bare count KPI reads 0 in a bucket that exists but has no rows. */
export interface ZeroFill {
  readonly kind: 'zero_fill';
  readonly operand: ValueExpr;
}

/** Expressions evaluated on aggregated rows (the formula on top): the shared shapes over plan columns. */
export type ValueExpr =
  | Literal
  | ColumnValue
  | ZeroFill
  | Binary<ValueExpr>
  | Unary<ValueExpr>
  | Call<ValueExpr>
  | Case<ValueExpr>
  | InList<ValueExpr>
  | Between<ValueExpr>
  | IsNull<ValueExpr>
  | Like<ValueExpr>;

// ---------------------------------------------------------------- time

/** Half-open `[start, end)` in UTC ISO form (normalized by the planner), bound as parameters. */
export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}

/**
 * How a spine bucket's membership window [lo, hi) is derived, outermost first. An aggregate over the
 * spine reads the fact rows whose time (or validity interval) falls in the derived window.
 */
export type WindowOp =
  /** previous(e, n unit): both ends moved n units earlier, in the query's zone. */
  | { readonly op: 'shift'; readonly amount: number; readonly unit: Grain }
  /** rolling(e, n unit): [hi − n units, hi). */
  | { readonly op: 'trailing'; readonly amount: number; readonly unit: Grain }
  /** to_date(e, period): [start of hi's enclosing period, hi). */
  | { readonly op: 'to_date'; readonly period: Grain }
  /** cumulative(e): [range start, hi). */
  | { readonly op: 'cumulative' };

// ---------------------------------------------------------------- nodes

/** A declared many-to-one join followed from the fact table (never fans out). */
export interface JoinStep {
  readonly fromAlias: string;
  readonly column: string;
  readonly table: TableRef;
  readonly toColumn: string;
  readonly alias: string;
}

export interface Scan {
  readonly kind: 'scan';
  readonly table: TableRef;
  readonly alias: string;
  /** Tables reached through declared joins, each once, each with its alias. */
  readonly joins: readonly JoinStep[];
}

/** Conjunction of row predicates (measure `where`, KPI filters, query filters); ColumnRefs only. */
export interface Filter {
  readonly kind: 'filter';
  readonly input: Scan;
  readonly conditions: readonly RowExpr[];
}

/** Generated buckets [lo, hi) of the query's grain in its zone, clamped to the range (bucket = start). */
export interface Spine {
  readonly kind: 'spine';
  readonly grain: Grain | null;
  readonly timezone: string;
  readonly range: TimeWindow;
}

export interface Dimension {
  readonly name: string;
  readonly table: TableRef;
  readonly column: string;
}

/** How rows are placed in buckets. */
export type Bucketing =
  /** date_trunc(grain, time in zone); rows restricted to the range. grain null: one total. */
  | {
      readonly kind: 'truncate';
      readonly time: { readonly table: TableRef; readonly column: string };
      readonly grain: Grain | null;
      readonly timezone: string;
      readonly range: TimeWindow;
    }
  /** Every spine bucket reads the rows whose time (or validity interval) meets its window. */
  | {
      readonly kind: 'spine';
      readonly spine: Spine;
      readonly window: readonly WindowOp[];
      readonly time: { readonly table: TableRef; readonly column: string };
      /** Interval-valid facts: a row counts where [start, end) overlaps the window; NULL end = open. */
      readonly validity: {
        readonly table: TableRef;
        readonly startColumn: string;
        readonly endColumn: string;
      } | null;
    };

/** One measure instance aggregated on its own at (bucket, dimensions). Output columns: keys + `name`. */
export interface Aggregate {
  readonly kind: 'aggregate';
  readonly input: Filter;
  /** Output column holding the value (`m0`, `m1`, …). */
  readonly name: string;
  /** For readers: `kpi.measure` this instance computes. */
  readonly source: string;
  readonly fn: AggregateFn;
  readonly arg: RowExpr | null;
  readonly fraction: number | null;
  readonly bucketing: Bucketing;
  readonly dimensions: readonly Dimension[];
  readonly type: ValueType;
}

/**
/** How a stitched instance re-aggregates its pieces' values for one (bucket, dimensions) key. */
export type Combine = 'sum' | 'min' | 'max';

/**
 * One measure instance answered as the union of pieces over disjoint time windows that tile the
 * query's range — rollup rows for the complete buckets below the watermark, raw rows for the partial
 * edges, the dirty partitions and the fresh tail — each aggregated to the query's buckets and
 * dimensions, then re-aggregated per key with `combine` (sum of sums and of counts, min of mins, max
 * of maxes). A query bucket straddling a piece boundary gets a row from each piece and combines them.
 * Every piece is a truncate-bucketed Aggregate named like the stitch, whose `bucketing.range` is its
 * own window.
 */
export interface Stitch {
  readonly kind: 'stitch';
  readonly name: string;
  readonly source: string;
  readonly combine: Combine;
  readonly pieces: readonly Aggregate[];
  readonly dimensions: readonly Dimension[];
  readonly type: ValueType;
  /**
   * A windowed instance (rolling, to-date, cumulative, shifted): the pieces are its *base series* at
   * the rollup's grain over the range its windows read, cut at every window edge
   * (optimize/window-tiles.ts); each spine bucket's value is `combine` over the base rows whose start
   * (a piece's bucket, clipped to the piece's window) lies in the bucket's window. Absent otherwise,
   * so plain stitches print and hash as before.
   */
  readonly over?: { readonly spine: Spine; readonly window: readonly WindowOp[] };
}

/** What the join reads per measure instance: one aggregate, or a stitch of pieces. */
export type Measure = Aggregate | Stitch;

/** The aggregates a measure instance runs (its pieces for a stitch). */
export const aggregatesOf = (m: Measure): readonly Aggregate[] => (m.kind === 'stitch' ? m.pieces : [m]);

/**
 * Full outer join of aggregates on (bucket, dimensions), keys coalesced, NULL dimension values equal
 * (null-safe). `spine`, when present, contributes keys only so every bucket of the range appears.
 */
export interface Join {
  readonly kind: 'join';
  readonly inputs: readonly Measure[];
  readonly spine: Spine | null;
  readonly timed: boolean;
  readonly dimensions: readonly string[];
}

/**
 * A value computed once and read by name (`col`) wherever it is used: a derived KPI (or a window's
 * operand) that the formula reads more than once. Later entries may read earlier ones, so the SQL
 * stays linear in the size of the KPIs' derivation DAG instead of exponential in its depth.
 */
export interface SharedValue {
  readonly name: string;
  readonly value: ValueExpr;
  readonly type: ValueType;
}

/** The formula on top: one output column `value` next to `time` and the dimensions. */
export interface Project {
  readonly kind: 'project';
  readonly input: Join;
  /** Omitted when nothing is shared (the usual case), so such plans print and hash as before. */
  readonly shared?: readonly SharedValue[];
  readonly value: ValueExpr;
  readonly type: ValueType;
}

export type PlanNode = Scan | Filter | Spine | Aggregate | Stitch | Join | Project;

/** The root: the formula's projection plus what was asked (for the printer, emitters and hashing). */
export interface Plan {
  readonly kind: 'plan';
  readonly kpi: string;
  readonly grain: Grain | null;
  readonly timezone: string;
  readonly range: TimeWindow;
  readonly dimensions: readonly string[];
  readonly root: Project;
}

const freeze = <T extends object>(value: T): T => Object.freeze(value);

export const scan = (f: Omit<Scan, 'kind'>): Scan => freeze({ kind: 'scan', ...f });
export const filter = (f: Omit<Filter, 'kind'>): Filter => freeze({ kind: 'filter', ...f });
export const spine = (f: Omit<Spine, 'kind'>): Spine => freeze({ kind: 'spine', ...f });
export const aggregate = (f: Omit<Aggregate, 'kind'>): Aggregate => freeze({ kind: 'aggregate', ...f });
export const stitch = (f: Omit<Stitch, 'kind'>): Stitch => freeze({ kind: 'stitch', ...f });
export const join = (f: Omit<Join, 'kind'>): Join => freeze({ kind: 'join', ...f });
export const project = (f: Omit<Project, 'kind'>): Project => freeze({ kind: 'project', ...f });
export const plan = (f: Omit<Plan, 'kind'>): Plan => freeze({ kind: 'plan', ...f });
