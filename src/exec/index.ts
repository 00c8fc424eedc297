/**
 * exec — runs compiled KPI queries. The facade: `createEngine`, `createRuntime`; see README.md.
 */
export { CompileError } from '../plan/errors.ts';
export { planHash, printPlan } from '../plan/print.ts';
export {
  type Compiled,
  type CompileOptions,
  createEngine,
  createRuntime,
  type DialectPreference,
  type EngineOptions,
  type ExecuteOptions,
  type KpiEngine,
  type ResultRow,
  type RunOptions,
  type RunResult,
  type Runtime,
  type Trend,
  type TrendResult,
  trendOf,
} from './engine.ts';
export { EngineError, type EngineErrorCode } from './errors.ts';
