/**
 * The optimizer: an ordered list of pure rules `(plan, ctx) => { plan, notes }`, applied in turn. Each
 * step is kept (plan before and after, notes) for EXPLAIN and the golden fixtures.
 */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import type { Plan } from '../plan/nodes.ts';
import { withRollups } from '../rollup/names.ts';
import { chooseEngine } from './rules/choose-engine.ts';
import { selectRollups } from './rules/select-rollups.ts';
import type { OptimizeContext, RollupChoice, Rule, RuleResult } from './types.ts';

/** Inlining derived KPIs, pushing filters down and the per-instance aggregates are the planner's. */
export const RULES: readonly Rule[] = Object.freeze([selectRollups, chooseEngine]);

export interface OptimizeStep {
  readonly rule: string;
  readonly before: Plan;
  readonly after: Plan;
  readonly notes: readonly string[];
}

export interface Optimized {
  readonly plan: Plan;
  /** The catalog the plan must be emitted with (the sources plus the `rollups` source). */
  readonly catalog: Catalog;
  readonly steps: readonly OptimizeStep[];
  readonly choices: readonly RollupChoice[];
  readonly engine: RuleResult['engine'] | null;
}

export function optimize(plan: Plan, ctx: OptimizeContext, rules: readonly Rule[] = RULES): Optimized {
  const steps: OptimizeStep[] = [];
  let current = plan;
  let choices: readonly RollupChoice[] = [];
  let engine: Optimized['engine'] = null;
  for (const rule of rules) {
    const r = rule.apply(current, ctx);
    steps.push({ rule: rule.name, before: current, after: r.plan, notes: r.notes });
    if (r.choices) choices = r.choices;
    if (r.engine) engine = r.engine;
    current = r.plan;
  }
  return { plan: current, catalog: withRollups(ctx.catalog, ctx.rollups), steps, choices, engine };
}
