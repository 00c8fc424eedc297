/**
 * Whether a rollup can stand in for one measure instance at all — everything but time coverage, which
 * tiles.ts decides — and, when it can, how to rewrite the instance over any window: the rollup's
 * aggregates for a window of complete rollup buckets, the raw aggregates for any other window, and how
 * both re-aggregate (the outputs line up by name, so a stitch combines them).
 */
import type { AggregateFn, ColumnRef, RowExpr } from '../ir/kpi.ts';
import { type RollupDef, rollupTarget } from '../ir/rollup.ts';
import {
  type Aggregate,
  aggregate,
  type Bucketing,
  type Combine,
  filter,
  scan,
  type TimeWindow,
  type ValueExpr,
} from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { measureColumn, rollupRef, rollupTimeColumn } from '../rollup/names.ts';
import { deepFreeze } from '../shared/freeze.ts';
import { grainCovers, sameZone } from './align.ts';
import { columnsOf, rebaseColumns, sameExpr } from './rewrite.ts';
import type { OptimizeContext } from './types.ts';

/** One output of an instance: its rollup and raw aggregates over a window, and how they combine. */
export interface Output {
  readonly name: string;
  readonly combine: Combine;
  readonly rollup: (window: TimeWindow) => Aggregate;
  readonly raw: (window: TimeWindow) => Aggregate;
}

export interface Rewrite {
  readonly rollup: RollupDef;
  /**
   * Read from an HLL sketch (approx_distinct from a Druid rollup): approximate, merged only by Druid SQL
   * (Trino's druid catalog cannot read sketch columns) and never stitched with raw pieces (distinct
   * counts of pieces do not add up).
   */
  readonly sketch?: true;
  /** One output, or two for avg (`_sum`, `_n`). */
  readonly outputs: readonly Output[];
  /** Replacement for `col(instance)` in the formula, when the value is not one column any more. */
  readonly value: ValueExpr | null;
}

const NEVER: Partial<Record<AggregateFn, string>> = {
  count_distinct: 'count distinct cannot be re-aggregated from a rollup',
  percentile: 'a percentile cannot be re-aggregated from a rollup',
};

/** Why `r` holds no sketch for approx_distinct(column), or null when it does. */
function sketchRefusal(r: RollupDef, column: string | null): string | null {
  if (rollupTarget(r) !== 'druid')
    return 'approximate distinct needs an HLL sketch, which only a Druid rollup stores';
  if (!r.measures.some((m) => m.fn === 'approx_distinct' && m.column === column))
    return `measure approx_distinct(${column ?? '*'}) is not in the rollup (no sketch of it)`;
  return null;
}

const col = (name: string): ValueExpr => deepFreeze({ kind: 'col', name }) as ValueExpr;

function plainColumn(a: Aggregate): ColumnRef | null | 'expr' {
  if (a.arg === null) return null;
  if (a.arg.kind !== 'column') return 'expr';
  return tableKey(a.arg.table) === tableKey(a.input.input.table) ? a.arg : 'expr';
}

const sourceTimeColumn = (ctx: OptimizeContext, r: RollupDef): string =>
  ctx.catalog.sources[r.table.source]?.tables[r.table.table]?.timeColumn ?? '';

/** Why rollup `r` can never answer instance `a`, whatever the range; else how to rewrite it. */
export function matchRollup(a: Aggregate, r: RollupDef, ctx: OptimizeContext): Rewrite | string[] {
  const reasons: string[] = [];
  const s = a.input.input;
  if (tableKey(s.table) !== tableKey(r.table))
    return [`reads ${tableKey(s.table)}, not ${tableKey(r.table)}`];
  const b = a.bucketing;
  if (b.kind === 'spine' && b.validity) {
    reasons.push(
      `measure \`${a.source}\` is interval-valid (a row counts in every bucket its validity overlaps; a rollup keeps rows by one time, not by interval)`,
    );
  }
  // A windowed measure's base rows are bucketed at the rollup's grain (window-tiles.ts cuts them
  // where the windows start and end), so no query grain condition; the zone and time column still hold.
  const time = b.time;
  const zone = b.kind === 'truncate' ? b.timezone : b.spine.timezone;
  if (tableKey(time.table) !== tableKey(s.table) || time.column !== sourceTimeColumn(ctx, r)) {
    reasons.push(`measure \`${a.source}\` is bucketed on \`${time.column}\`, the rollup on its time column`);
  }
  if (!sameZone(zone, r.timezone)) reasons.push(`query time zone ${zone} is not the rollup's ${r.timezone}`);
  if (b.kind === 'truncate' && !grainCovers(r.grain, b.grain)) {
    reasons.push(`query grain ${b.grain} is not a union of ${r.grain} buckets`);
  }
  if (a.fraction !== null || NEVER[a.fn]) reasons.push(NEVER[a.fn] ?? `${a.fn} cannot be re-aggregated`);
  const arg = plainColumn(a);
  if (arg === 'expr') reasons.push(`the argument of \`${a.source}\` is an expression, not a stored column`);
  const has = (fn: AggregateFn, column: string | null) =>
    r.measures.some((m) => m.fn === fn && m.column === column);
  if (arg !== 'expr' && !NEVER[a.fn]) {
    const c = arg?.column ?? null;
    const needed: [AggregateFn, string | null][] =
      a.fn === 'avg'
        ? [
            ['sum', c],
            ['count', c],
          ]
        : [[a.fn, c]];
    if (a.fn === 'approx_distinct') {
      const why = sketchRefusal(r, c);
      if (why) reasons.push(why);
    } else {
      for (const [fn, column] of needed) {
        if (!has(fn, column)) reasons.push(`measure ${fn}(${column ?? '*'}) is not in the rollup`);
      }
    }
  }
  for (const d of a.dimensions) {
    if (tableKey(d.table) !== tableKey(s.table) || !r.dimensions.includes(d.column)) {
      reasons.push(`dimension \`${d.name}\` is not in the rollup`);
    }
  }
  let conditions: readonly RowExpr[] = a.input.conditions;
  if (r.filter) {
    const i = conditions.findIndex((c) => sameExpr(c, r.filter));
    if (i < 0) reasons.push("the rollup's filter is not implied by the query's filters");
    else conditions = conditions.filter((_, j) => j !== i);
  }
  for (const c of conditions) {
    const { columns, dimensions } = columnsOf(c);
    for (const d of dimensions) reasons.push(`filtered dimension \`${d}\` is not in the rollup`);
    for (const ref of columns) {
      if (tableKey(ref.table) !== tableKey(s.table) || !r.dimensions.includes(ref.column)) {
        reasons.push(`filtered column \`${ref.column}\` is not in the rollup`);
      }
    }
  }
  if (reasons.length > 0 || arg === 'expr') return [...new Set(reasons)];
  // The pieces' bucketing: the instance's own, or for a windowed one its base series at the rollup's grain.
  const base: Extract<Bucketing, { kind: 'truncate' }> =
    b.kind === 'truncate'
      ? b
      : { kind: 'truncate', time: b.time, grain: r.grain, timezone: zone, range: b.spine.range };

  // The rollup side: scan the rollup, every column of the fact table rebased onto it.
  const to = rollupRef(r);
  const input = filter({
    input: scan({ table: to, alias: s.alias, joins: Object.freeze([]) }),
    conditions: Object.freeze(conditions.map((c) => rebaseColumns(c, s.table, to))),
  });
  const dimensions = Object.freeze(a.dimensions.map((d) => deepFreeze({ ...d, table: to })));
  const stored = (fn: AggregateFn, column: string | null): ColumnRef =>
    deepFreeze({
      kind: 'column',
      table: to,
      column: measureColumn({ fn, column }),
      type: fn === 'count' ? 'bigint' : fn === 'sum' ? 'decimal' : (arg?.type ?? 'decimal'),
    }) as ColumnRef;
  const c = arg?.column ?? null;
  const onRollup =
    (fields: Partial<Aggregate>) =>
    (w: TimeWindow): Aggregate =>
      aggregate({
        ...a,
        input,
        dimensions,
        bucketing: deepFreeze({ ...base, time: { table: to, column: rollupTimeColumn(r) }, range: w }),
        ...fields,
      });
  const onRaw =
    (fields: Partial<Aggregate>) =>
    (w: TimeWindow): Aggregate =>
      aggregate({ ...a, bucketing: deepFreeze({ ...base, range: w }), ...fields });
  if (a.fn === 'avg') {
    const sum = { name: `${a.name}_sum`, fn: 'sum', type: 'decimal' } as const;
    const n = { name: `${a.name}_n`, type: 'bigint' } as const;
    return {
      rollup: r,
      outputs: [
        {
          name: sum.name,
          combine: 'sum',
          rollup: onRollup({ ...sum, arg: stored('sum', c) }),
          raw: onRaw(sum),
        },
        {
          name: n.name,
          combine: 'sum',
          rollup: onRollup({ ...n, fn: 'sum', arg: stored('count', c) }),
          raw: onRaw({ ...n, fn: 'count' }),
        },
      ],
      value: deepFreeze({ kind: 'binary', op: '/', left: col(sum.name), right: col(n.name) }) as ValueExpr,
    };
  }
  if (a.fn === 'approx_distinct') {
    // The sketch column is merged by the same aggregate: APPROX_COUNT_DISTINCT_DS_HLL over the buckets.
    return {
      rollup: r,
      sketch: true,
      outputs: [
        {
          name: a.name,
          combine: 'sum',
          rollup: onRollup({ arg: stored('approx_distinct', c) }),
          raw: onRaw({}),
        },
      ],
      value: null,
    };
  }
  // count → sum of counts; a total with no bucket and no dimension still reads 0 when nothing matched.
  const total = a.fn === 'count' && b.kind === 'truncate' && b.grain === null && a.dimensions.length === 0;
  const combine: Combine = a.fn === 'min' ? 'min' : a.fn === 'max' ? 'max' : 'sum';
  return {
    rollup: r,
    outputs: [
      {
        name: a.name,
        combine,
        rollup: onRollup({ fn: a.fn === 'count' ? 'sum' : a.fn, arg: stored(a.fn, c) }),
        raw: onRaw({}),
      },
    ],
    value: total ? (deepFreeze({ kind: 'zero_fill', operand: col(a.name) }) as ValueExpr) : null,
  };
}
