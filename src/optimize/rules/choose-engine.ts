/**
 * choose-engine (single-engine bypass, split plans): when every scan of the plan — raw tables and chosen
 * rollups — lives on one PostgreSQL/TimescaleDB connection, that engine runs the plan directly (the
 * emitter's `chooseDialect` over the catalog that includes the rollups). When it spans connections, it
 * runs as a *split* plan — each aggregate and stitch piece directly on its own engine, combined in
 * process (split.ts) — where that is possible and cheaper by estimate than one Trino statement; else
 * Trino runs it. The plan itself is unchanged.
 */
import { chooseDialect } from '../../emit/choose.ts';
import { connectionsOf } from '../../emit/measures.ts';
import type { Plan } from '../../plan/nodes.ts';
import { withRollups } from '../../rollup/names.ts';
import { engineEstimate, SPLIT_ENGINE, splitRefusal } from '../split.ts';
import type { OptimizeContext, Rule, RuleResult } from '../types.ts';

export const chooseEngine: Rule = {
  name: 'choose-engine',
  apply(p: Plan, ctx: OptimizeContext): RuleResult {
    const catalog = withRollups(ctx.catalog, ctx.rollups);
    const choice = chooseDialect(p, catalog);
    if (connectionsOf(p, catalog).length > 1) {
      const refused = splitRefusal(p, catalog);
      const fitted = ctx.engineCosts;
      const estimated = refused ? null : engineEstimate(p, catalog, ctx, fitted?.costs);
      const cost =
        estimated && fitted
          ? { ...estimated, text: `${estimated.text}; engine costs ${fitted.basis}` }
          : estimated;
      if (cost && cost.splitMs < cost.trinoMs) {
        const reason = `${choice.reason}: ${cost.text}`;
        return {
          plan: p,
          notes: [`engine ${SPLIT_ENGINE}: ${reason}`],
          engine: { dialect: SPLIT_ENGINE, connection: null, reason },
        };
      }
      const why = refused ? `not split: ${refused}` : `not split: ${cost!.text}`;
      const reason = `${choice.reason}; ${why}`;
      return {
        plan: p,
        notes: [`engine trino: ${reason}`],
        engine: { dialect: 'trino', connection: null, reason },
      };
    }
    const engine = {
      dialect: choice.dialect.name,
      connection: choice.connection?.name ?? null,
      reason: choice.reason,
    };
    return {
      plan: p,
      notes: [
        `engine ${engine.dialect}${engine.connection ? ` on ${engine.connection}` : ''}: ${choice.reason}`,
      ],
      engine,
    };
  },
};
