/**
 * select-rollups: answer each measure instance (each variable of a KPI, matched on its own) from a
 * rollup where that provably gives the same answer, else leave it raw. Stricter than Calcite/Looker:
 * - every aggregate re-aggregates exactly: sum→sum of sums, count→sum of counts, min→min, max→max,
 *   avg→sum of sums / sum of counts; count distinct and percentiles never; approximate distinct
 *   only from a Druid rollup's HLL sketch, over a range the rollup covers whole (never stitched), and
 *   only when the whole plan then runs on Druid SQL (which merges sketches; Trino cannot read them);
 * - interval-valid measures stay raw; a windowed one (rolling, to-date, cumulative, shifted) is stitched
 *   as a base series at the rollup's grain over the range its windows read, cut at every window edge
 *   (window-tiles.ts), its windows applied over the pieces' rows (`stitch.over`);
 * - same time zone; the query grain is a union of rollup buckets (or a total);
 * - query dimensions and every filtered column are rollup dimensions on the fact table itself;
 * - the rollup's own filter appears among the query's conditions.
 * Time coverage (tiles.ts): the rollup answers the complete rollup buckets of the range below its
 * watermark and outside its dirty partitions; the rest — partial head and tail, dirty partitions, the
 * fresh tail after the watermark — is read raw over exactly those windows, and the pieces are
 * re-aggregated per (bucket, dimensions) in a `stitch` node. A whole range the rollup covers reads the
 * rollup alone, as before. Among several matching rollups, and against the raw plan, the estimated
 * cheapest wins (cost.ts).
 */
import { chooseDialect } from '../../emit/choose.ts';
import { type RollupDef, rollupTarget } from '../../ir/rollup.ts';
import {
  type Aggregate,
  join,
  type Measure,
  type Plan,
  plan as planNode,
  project,
  stitch,
  type TimeWindow,
  type ValueExpr,
} from '../../plan/nodes.ts';
import { tableKey } from '../../plan/paths.ts';
import { withRollups } from '../../rollup/names.ts';
import { deepFreeze } from '../../shared/freeze.ts';
import { druidEstimate, type Estimate, estimate } from '../cost.ts';
import { matchRollup, type Rewrite } from '../match-rollup.ts';
import { replaceColumns } from '../rewrite.ts';
import { type Tile, tileRange } from '../tiles.ts';
import type { OptimizeContext, RollupChoice, Rule, RuleResult } from '../types.ts';
import { cutTiles, windowReads } from '../window-tiles.ts';

interface Candidate {
  readonly rewrite: Rewrite;
  readonly tiles: readonly Tile[];
  readonly cost: Estimate;
}

/** A Druid rollup is priced by Druid's own costs, unless the caller pinned a row cost for every rollup. */
const costOf = (r: RollupDef, range: TimeWindow, tiles: readonly Tile[], ctx: OptimizeContext): Estimate => {
  const facts = ctx.facts.get(r.name);
  return rollupTarget(r) === 'druid' && !ctx.rowCost?.pinned
    ? druidEstimate(range, tiles, facts)
    : estimate(range, tiles, facts, ctx.rowCost);
};

const span = (t: Tile) => `${t.from} [${t.start}, ${t.end})`;

/** Candidates for instance `a`, with every rejection reason of the others. */
function candidates(
  a: Aggregate,
  ctx: OptimizeContext,
  sketches: Sketches,
): { found: Candidate[]; rejected: string[] } {
  const found: Candidate[] = [];
  const rejected: string[] = [];
  for (const r of ctx.rollups) {
    if (tableKey(r.table) !== tableKey(a.input.input.table)) continue;
    const m = matchRollup(a, r, ctx);
    if (Array.isArray(m)) {
      rejected.push(...m.map((why) => `rollup ${r.name}: ${why}`));
      continue;
    }
    const b = a.bucketing;
    // A windowed instance reads the range of its windows, cut at their edges (window-tiles.ts).
    const reads = b.kind === 'truncate' ? { range: b.range, cuts: null } : windowReads(b.spine, b.window);
    if ('reason' in reads) {
      rejected.push(`rollup ${r.name}: measure \`${a.source}\` is windowed and ${reads.reason}`);
      continue;
    }
    if (m.sketch && b.kind !== 'truncate') {
      rejected.push(`rollup ${r.name}: a windowed distinct count cannot add up sketches over its windows`);
      continue;
    }
    const facts = ctx.facts.get(r.name);
    const tiled = tileRange({
      range: reads.range,
      grain: r.grain,
      timezone: r.timezone,
      watermark: facts?.watermark ?? null,
      dirty: facts?.dirty ?? [],
    });
    const t =
      reads.cuts && !('reason' in tiled) ? cutTiles(tiled.tiles, reads.cuts, r.grain, r.timezone) : tiled;
    if ('reason' in t) rejected.push(`rollup ${r.name}: ${t.reason}`);
    else if (m.sketch && !(t.tiles.length === 1 && t.tiles[0]!.from === 'rollup'))
      rejected.push(
        `rollup ${r.name}: its sketch answers only a range it covers whole (${t.tiles.map(span).join(', ')}): distinct counts of pieces do not add up`,
      );
    else if (m.sketch && sketches !== 'allowed') rejected.push(`rollup ${r.name}: ${sketches}`);
    else found.push({ rewrite: m, tiles: t.tiles, cost: costOf(r, reads.range, t.tiles, ctx) });
  }
  found.sort(
    (x, y) =>
      x.cost.relative - y.cost.relative ||
      x.cost.rollupRows - y.cost.rollupRows ||
      x.rewrite.rollup.name.localeCompare(y.rewrite.rollup.name),
  );
  return { found, rejected };
}

/** The instance's replacement: the rollup's aggregates, or one stitch per output. */
function rewriteWith(a: Aggregate, c: Candidate): Measure[] {
  const [only] = c.tiles;
  const b = a.bucketing;
  // A windowed instance is always a stitch: its windows are applied over the pieces' base rows.
  const over = b.kind === 'spine' ? deepFreeze({ spine: b.spine, window: b.window }) : null;
  if (!over && c.tiles.length === 1 && only?.from === 'rollup') {
    return c.rewrite.outputs.map((o) => o.rollup(only));
  }
  return c.rewrite.outputs.map((o) => {
    const pieces = Object.freeze(c.tiles.map((t) => (t.from === 'rollup' ? o.rollup(t) : o.raw(t))));
    return stitch({
      name: o.name,
      source: a.source,
      combine: o.combine,
      pieces,
      dimensions: a.dimensions,
      type: pieces[0]!.type,
      ...(over ? { over } : {}),
    });
  });
}

/** Whether sketch rewrites may be chosen: 'allowed', or why not. */
type Sketches = 'allowed' | string;

export const selectRollups: Rule = {
  name: 'select-rollups',
  apply(p: Plan, ctx: OptimizeContext): RuleResult {
    const first = choose(p, ctx, 'allowed');
    if (!first.sketched) return first.result;
    // A sketch is merged by Druid SQL only: the whole plan must run there, or no instance reads one.
    const dialect = chooseDialect(first.result.plan, withRollups(ctx.catalog, ctx.rollups));
    if (dialect.dialect.name === 'druid') return first.result;
    return choose(
      p,
      ctx,
      `its sketch is read by Druid SQL only, and this plan cannot run there (${dialect.reason})`,
    ).result;
  },
};

function choose(
  p: Plan,
  ctx: OptimizeContext,
  sketches: Sketches,
): { result: RuleResult; sketched: boolean } {
  let sketched = false;
  const choices: RollupChoice[] = [];
  const notes: string[] = [];
  const measures: Measure[] = [];
  const values = new Map<string, ValueExpr>();
  for (const m of p.root.input.inputs) {
    if (m.kind === 'stitch') {
      measures.push(m); // already stitched (the rule ran before): nothing left to choose
      continue;
    }
    const a = m;
    const { found, rejected } = candidates(a, ctx, sketches);
    const best = found[0];
    for (const c of found.slice(1)) {
      const other = best!.rewrite.rollup.name;
      rejected.push(
        `rollup ${c.rewrite.rollup.name}: matches, but ${
          c.cost.relative > best!.cost.relative
            ? `${c.cost.text} > ${best!.cost.relative.toFixed(3)} of ${other}`
            : `${c.cost.rollupRows} rows > ${best!.cost.rollupRows} of ${other}`
        }`,
      );
    }
    if (best && best.cost.relative >= 1) {
      rejected.push(
        `rollup ${best.rewrite.rollup.name}: matches, but ${best.cost.text} is no cheaper than raw (1.00)`,
      );
    }
    const use = best && best.cost.relative < 1 ? best : undefined;
    const stitched =
      use !== undefined &&
      (a.bucketing.kind === 'spine' || !(use.tiles.length === 1 && use.tiles[0]!.from === 'rollup'));
    choices.push({
      instance: a.name,
      source: a.source,
      chosen: use?.rewrite.rollup.name ?? null,
      rejected,
      ...(use ? { pieces: use.tiles, estimate: use.cost.text } : {}),
      ...(use && a.bucketing.kind === 'spine' ? { windowed: true } : {}),
    });
    if (!use) {
      measures.push(a);
      notes.push(`${a.name} (${a.source}): raw ${tableKey(a.input.input.table)}`);
      continue;
    }
    if (use.rewrite.sketch) sketched = true;
    measures.push(...rewriteWith(a, use));
    if (use.rewrite.value) values.set(a.name, use.rewrite.value);
    notes.push(
      stitched
        ? `${a.name} (${a.source}): stitched, rollup ${use.rewrite.rollup.name} + raw ${tableKey(a.input.input.table)}: ${use.tiles.map(span).join(', ')}; ${use.cost.text}`
        : `${a.name} (${a.source}): rollup ${use.rewrite.rollup.name}; ${use.cost.text}`,
    );
  }
  const inputs = p.root.input.inputs;
  if (measures.length === inputs.length && measures.every((x, i) => x === inputs[i])) {
    return { result: { plan: p, notes, choices }, sketched };
  }
  const j = join({ ...p.root.input, inputs: Object.freeze(measures) });
  const value = values.size > 0 ? replaceColumns(p.root.value, values) : p.root.value;
  const shared =
    values.size > 0 && p.root.shared
      ? Object.freeze(
          p.root.shared.map((s) => Object.freeze({ ...s, value: replaceColumns(s.value, values) })),
        )
      : p.root.shared;
  const root = project({ ...p.root, input: j, value, ...(shared ? { shared } : {}) });
  return { result: { plan: planNode({ ...p, root }), notes, choices }, sketched };
}
