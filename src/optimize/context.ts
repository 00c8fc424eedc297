/** Builds the optimizer's context: the rollup definitions and what the metrics store says of them. */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { Plan } from '../plan/nodes.ts';
import { readStates } from '../rollup/build.ts';
import { definitionText } from '../rollup/ddl.ts';
import { optimize } from './optimize.ts';
import type { OptimizeContext, RollupFacts } from './types.ts';

/** Reads rollup_state; a rollup built from another definition counts as not built. */
export async function loadOptimizeContext(
  catalog: Catalog,
  rollups: readonly RollupDef[],
  timescaleUrl: string | undefined,
): Promise<OptimizeContext> {
  const facts = new Map<string, RollupFacts>();
  if (timescaleUrl && rollups.length > 0) {
    const states = await readStates(timescaleUrl);
    for (const r of rollups) {
      const s = states.get(r.name);
      if (s && s.definition === definitionText(r))
        facts.set(r.name, { watermark: s.watermark, rows: s.aggRows });
    }
  }
  return { catalog, rollups, facts };
}

/** The engine facade's `optimizer` hook over a fixed context. */
export const optimizerFor =
  (ctx: OptimizeContext) =>
  (plan: Plan): { plan: Plan; catalog: Catalog } => {
    const r = optimize(plan, ctx);
    return { plan: r.plan, catalog: r.catalog };
  };
