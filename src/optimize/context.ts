/** Builds the optimizer's context: the rollup definitions and what the metrics store says of them. */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { Plan } from '../plan/nodes.ts';
import { definitionText, type RollupState, readStates } from '../rollup/state.ts';
import { type Optimized, optimize } from './optimize.ts';
import type { OptimizeContext, RollupFacts, RowCost } from './types.ts';

/** The context over rollup_state rows; a rollup built from another definition counts as not built. */
export function contextFrom(
  catalog: Catalog,
  rollups: readonly RollupDef[],
  states: ReadonlyMap<string, RollupState>,
  rowCost?: RowCost,
): OptimizeContext {
  const facts = new Map<string, RollupFacts>();
  for (const r of rollups) {
    const s = states.get(r.name);
    if (s && s.definition === definitionText(r))
      facts.set(r.name, {
        watermark: s.watermark,
        rows: s.aggRows,
        ...(s.sourceRows !== null ? { sourceRows: s.sourceRows } : {}),
        ...(s.sourceStart !== null ? { sourceStart: s.sourceStart } : {}),
        buildId: s.buildId,
        revision: s.revision,
        dirty: s.dirty,
      });
  }
  return { catalog, rollups, facts, ...(rowCost ? { rowCost } : {}) };
}

/** Reads rollup_state from the metrics store at `timescaleUrl` (none: no rollup is built). */
export async function loadOptimizeContext(
  catalog: Catalog,
  rollups: readonly RollupDef[],
  timescaleUrl: string | undefined,
  rowCost?: RowCost,
): Promise<OptimizeContext> {
  const states = timescaleUrl && rollups.length > 0 ? await readStates(timescaleUrl) : new Map();
  return contextFrom(catalog, rollups, states, rowCost);
}

/**
 * A row cost of 0: every exact plan that reads a rollup beats raw (the fewest raw rows wins), whatever
 * the rollup's size. For tests of the rollup machinery on small data, where rollups are nearly as large
 * as their sources and the estimate would rightly read the sources.
 */
export const ANY_ROLLUP: RowCost = Object.freeze({
  factor: 0,
  basis: 'pinned: any exact rollup plan wins',
  pinned: true,
});

/** The engine facade's `optimizer` hook over a fixed context. */
export const optimizerFor =
  (ctx: OptimizeContext) =>
  (plan: Plan): { plan: Plan; catalog: Catalog; engine: Optimized['engine'] } => {
    const r = optimize(plan, ctx);
    return { plan: r.plan, catalog: r.catalog, engine: r.engine };
  };
