/** optimize — public surface: the rule list, the runner, EXPLAIN and the engine hook. */

export { grainCovers, onBoundary, sameZone } from './align.ts';
export { type Approximation, approximationsOf, describeApproximation } from './approximations.ts';
export { contextFrom, loadOptimizeContext, optimizerFor } from './context.ts';
export { type Explained, type ExplainOptions, explain } from './explain.ts';
export { answerHolds, LiveOptimizer, type LiveOptimizerOptions, rollupsRead } from './live.ts';
export { type Optimized, type OptimizeStep, optimize, RULES } from './optimize.ts';
export type { OptimizeContext, RollupChoice, RollupFacts, Rule, RuleResult } from './types.ts';
