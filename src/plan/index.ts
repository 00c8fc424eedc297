/** plan — public surface: planning, node types and constructors, walking/rewriting, printing, hashing. */

export { formatInZone, isTimeZone, parseInstant, zoneOffsetMs } from '../shared/time.ts';
export { CompileError, type CompileErrorCode } from './errors.ts';
export * from './nodes.ts';
export { joinPath, tableKey } from './paths.ts';
export { normalizeQuery, type PlanContext, periodWindow, planQuery, type Registry } from './planner.ts';
export { planHash, printExpr, printPlan, stableJson } from './print.ts';
export { childrenOf, walkPlan } from './visit.ts';
