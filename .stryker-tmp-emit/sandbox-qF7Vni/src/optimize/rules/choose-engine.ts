/**
 * choose-engine (single-engine bypass): when every scan of the plan — raw tables and chosen rollups —
 * lives on one PostgreSQL/TimescaleDB connection, that engine runs the plan directly; Trino runs only
 * what truly spans engines (or needs what only Trino has). The decision is the emitter's
 * `chooseDialect`, here over the catalog that includes the rollups; the plan itself is unchanged.
 */
// @ts-nocheck

import { chooseDialect } from '../../emit/choose.ts';
import type { Plan } from '../../plan/nodes.ts';
import { withRollups } from '../../rollup/names.ts';
import type { OptimizeContext, Rule, RuleResult } from '../types.ts';

export const chooseEngine: Rule = {
  name: 'choose-engine',
  apply(p: Plan, ctx: OptimizeContext): RuleResult {
    const choice = chooseDialect(p, withRollups(ctx.catalog, ctx.rollups));
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
