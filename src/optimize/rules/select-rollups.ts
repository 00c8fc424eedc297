/**
 * select-rollups: answer each measure instance (each variable of a KPI, matched on its own) from a
 * rollup when that provably gives the same answer, else leave it raw. Stricter than Calcite/Looker:
 * - every aggregate re-aggregates exactly: sum→sum of sums, count→sum of counts, min→min, max→max,
 *   avg→sum of sums / sum of counts; count distinct, approximate distinct, percentiles never;
 * - the instance is bucketed by truncation (windowed and interval-valid measures stay raw);
 * - same time zone; the query grain is a union of rollup buckets (or a total);
 * - the range starts and ends on rollup bucket boundaries (else raw: never a partial bucket);
 * - the range ends at or before the rollup's watermark (a stale window is never read);
 * - no partition in the range is dirty (its source changed and it is being re-loaded);
 * - query dimensions and every filtered column are rollup dimensions on the fact table itself;
 * - the rollup's own filter appears among the query's conditions;
 * - several matches: the fewest aggregate rows wins.
 */

import type { AggregateFn, ColumnRef, RowExpr } from '../../ir/kpi.ts';
import type { RollupDef } from '../../ir/rollup.ts';
import {
  type Aggregate,
  aggregate,
  deepFreeze,
  filter,
  join,
  type Plan,
  plan as planNode,
  project,
  scan,
  type ValueExpr,
} from '../../plan/nodes.ts';
import { tableKey } from '../../plan/paths.ts';
import { BUCKET_COLUMN, measureColumn, rollupRef } from '../../rollup/names.ts';
import { grainCovers, onBoundary, sameZone } from '../align.ts';
import { columnsOf, rebaseColumns, replaceColumns, sameExpr } from '../rewrite.ts';
import type { OptimizeContext, RollupChoice, Rule, RuleResult } from '../types.ts';

interface Match {
  readonly rollup: RollupDef;
  readonly aggregates: readonly Aggregate[];
  /** Replacement for `col(instance)` in the formula, when the value is not one column any more. */
  readonly value: ValueExpr | null;
  readonly rows: number;
}

const NEVER: Partial<Record<AggregateFn, string>> = {
  count_distinct: 'count distinct cannot be re-aggregated from a rollup',
  approx_distinct: 'approximate distinct needs a sketch, which no rollup stores',
  percentile: 'a percentile cannot be re-aggregated from a rollup',
};

const col = (name: string): ValueExpr => deepFreeze({ kind: 'col', name }) as ValueExpr;

function plainColumn(a: Aggregate): ColumnRef | null | 'expr' {
  if (a.arg === null) return null;
  if (a.arg.kind !== 'column') return 'expr';
  return tableKey(a.arg.table) === tableKey(a.input.input.table) ? a.arg : 'expr';
}

/** Why rollup `r` cannot answer instance `a`, or the rewritten instance(s). */
export function matchRollup(a: Aggregate, r: RollupDef, ctx: OptimizeContext): Match | string[] {
  const reasons: string[] = [];
  const s = a.input.input;
  if (tableKey(s.table) !== tableKey(r.table))
    return [`reads ${tableKey(s.table)}, not ${tableKey(r.table)}`];
  const b = a.bucketing;
  if (b.kind !== 'truncate') {
    reasons.push(`measure \`${a.source}\` is windowed or interval-valid (evaluated over a spine)`);
  } else {
    if (tableKey(b.time.table) !== tableKey(s.table) || b.time.column !== sourceTimeColumn(ctx, r)) {
      reasons.push(
        `measure \`${a.source}\` is bucketed on \`${b.time.column}\`, the rollup on its time column`,
      );
    }
    if (!sameZone(b.timezone, r.timezone)) {
      reasons.push(`query time zone ${b.timezone} is not the rollup's ${r.timezone}`);
    }
    if (!grainCovers(r.grain, b.grain)) {
      reasons.push(`query grain ${b.grain} is not a union of ${r.grain} buckets`);
    }
    for (const [edge, at] of [
      ['start', b.range.start],
      ['end', b.range.end],
    ] as const) {
      if (!onBoundary(at, r.grain, r.timezone)) {
        reasons.push(`range ${edge} ${at} is not on a ${r.grain} boundary in ${r.timezone}`);
      }
    }
    const facts = ctx.facts.get(r.name);
    if (!facts?.watermark) reasons.push('not built');
    else if (Date.parse(b.range.end) > Date.parse(facts.watermark)) {
      reasons.push(
        `stale for [${facts.watermark}, ${b.range.end}): source rows after its watermark are not in it`,
      );
    }
    const dirty = (facts?.dirty ?? []).filter(
      ([s, e]) => Date.parse(s) < Date.parse(b.range.end) && Date.parse(e) > Date.parse(b.range.start),
    );
    if (dirty.length > 0) {
      reasons.push(
        `partition [${dirty[0]![0]}, ${dirty[0]![1]})${dirty.length > 1 ? ` and ${dirty.length - 1} more` : ''} is dirty: its source changed and it is being re-loaded`,
      );
    }
  }
  if (a.fraction !== null || NEVER[a.fn]) reasons.push(NEVER[a.fn] ?? `${a.fn} cannot be re-aggregated`);
  const arg = plainColumn(a);
  if (arg === 'expr') reasons.push(`the argument of \`${a.source}\` is an expression, not a stored column`);
  const has = (fn: AggregateFn, column: string | null) =>
    r.measures.some((m) => m.fn === fn && m.column === column);
  const needed: [AggregateFn, string | null][] = [];
  if (arg !== 'expr' && !NEVER[a.fn]) {
    const c = arg?.column ?? null;
    if (a.fn === 'avg') needed.push(['sum', c], ['count', c]);
    else needed.push([a.fn, c]);
    for (const [fn, column] of needed) {
      if (!has(fn, column)) reasons.push(`measure ${fn}(${column ?? '*'}) is not in the rollup`);
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
  if (reasons.length > 0) return [...new Set(reasons)];

  // Rewrite: scan the rollup, rebase every column of the fact table onto it.
  const to = rollupRef(r);
  const input = filter({
    input: scan({ table: to, alias: s.alias, joins: Object.freeze([]) }),
    conditions: Object.freeze(conditions.map((c) => rebaseColumns(c, s.table, to))),
  });
  const bucketing = deepFreeze({ ...b, time: { table: to, column: BUCKET_COLUMN } });
  const dimensions = Object.freeze(a.dimensions.map((d) => deepFreeze({ ...d, table: to })));
  const ref = arg === 'expr' ? null : arg;
  const stored = (fn: AggregateFn, column: string | null): ColumnRef =>
    deepFreeze({
      kind: 'column',
      table: to,
      column: measureColumn({ fn, column }),
      type:
        fn === 'count' || fn === 'sum' ? (fn === 'count' ? 'bigint' : 'decimal') : (ref?.type ?? 'decimal'),
    }) as ColumnRef;
  const c = ref?.column ?? null;
  const base = { ...a, input, bucketing, dimensions };
  const facts = ctx.facts.get(r.name);
  if (a.fn === 'avg') {
    return {
      rollup: r,
      rows: facts?.rows ?? Number.MAX_SAFE_INTEGER,
      aggregates: [
        aggregate({ ...base, name: `${a.name}_sum`, fn: 'sum', arg: stored('sum', c), type: 'decimal' }),
        aggregate({ ...base, name: `${a.name}_n`, fn: 'sum', arg: stored('count', c), type: 'bigint' }),
      ],
      value: deepFreeze({
        kind: 'binary',
        op: '/',
        left: col(`${a.name}_sum`),
        right: col(`${a.name}_n`),
      }) as ValueExpr,
    };
  }
  // count → sum of counts; a total with no bucket and no dimension still reads 0 when nothing matched.
  const total = a.fn === 'count' && b.kind === 'truncate' && b.grain === null && a.dimensions.length === 0;
  return {
    rollup: r,
    rows: facts?.rows ?? Number.MAX_SAFE_INTEGER,
    aggregates: [
      aggregate({
        ...base,
        fn: a.fn === 'count' ? 'sum' : a.fn,
        arg: stored(a.fn, c),
      }),
    ],
    value: total ? (deepFreeze({ kind: 'zero_fill', operand: col(a.name) }) as ValueExpr) : null,
  };
}

function sourceTimeColumn(ctx: OptimizeContext, r: RollupDef): string {
  return ctx.catalog.sources[r.table.source]?.tables[r.table.table]?.timeColumn ?? '';
}

export const selectRollups: Rule = {
  name: 'select-rollups',
  apply(p: Plan, ctx: OptimizeContext): RuleResult {
    const choices: RollupChoice[] = [];
    const notes: string[] = [];
    const aggregates: Aggregate[] = [];
    const values = new Map<string, ValueExpr>();
    for (const a of p.root.input.inputs) {
      const rejected: string[] = [];
      const matches: Match[] = [];
      for (const r of ctx.rollups) {
        if (tableKey(r.table) !== tableKey(a.input.input.table)) continue;
        const m = matchRollup(a, r, ctx);
        if (Array.isArray(m)) rejected.push(...m.map((why) => `rollup ${r.name}: ${why}`));
        else matches.push(m);
      }
      matches.sort((x, y) => x.rows - y.rows || x.rollup.name.localeCompare(y.rollup.name));
      const best = matches[0];
      for (const m of matches.slice(1)) {
        rejected.push(
          `rollup ${m.rollup.name}: matches, but ${m.rows} rows > ${best!.rows} of ${best!.rollup.name}`,
        );
      }
      choices.push({ instance: a.name, source: a.source, chosen: best?.rollup.name ?? null, rejected });
      if (best) {
        aggregates.push(...best.aggregates);
        if (best.value) values.set(a.name, best.value);
        notes.push(`${a.name} (${a.source}): rollup ${best.rollup.name}`);
      } else {
        aggregates.push(a);
        notes.push(`${a.name} (${a.source}): raw ${tableKey(a.input.input.table)}`);
      }
    }
    if (
      aggregates.every((x, i) => x === p.root.input.inputs[i]) &&
      aggregates.length === p.root.input.inputs.length
    ) {
      return { plan: p, notes, choices };
    }
    const j = join({ ...p.root.input, inputs: Object.freeze(aggregates) });
    const value = values.size > 0 ? replaceColumns(p.root.value, values) : p.root.value;
    const shared =
      values.size > 0 && p.root.shared
        ? Object.freeze(
            p.root.shared.map((s) => Object.freeze({ ...s, value: replaceColumns(s.value, values) })),
          )
        : p.root.shared;
    const root = project({ ...p.root, input: j, value, ...(shared ? { shared } : {}) });
    return { plan: planNode({ ...p, root }), notes, choices };
  },
};
