/**
 * The one checked run of a compiled query, used by the service's engine binding and by `kpi query`:
 * a run that read rollups is checked afterwards, and when a rollup was rebuilt or unpublished while it
 * ran (or it failed because its rollup was being dropped), the raw plan answers instead
 * (src/optimize/live.ts `runChecked`). Compiled once: the raw plan is compiled only when needed.
 */
import type { Compiled, KpiEngine as ExecEngine, ExecuteOptions, RunResult } from '../exec/engine.ts';
import { type CheckedRun, runChecked } from '../optimize/live.ts';
import type { Plan } from '../plan/nodes.ts';

export function runCompiledChecked(o: {
  /** The engine that compiled `compiled` (with the optimizer). */
  readonly engine: ExecEngine;
  /** The same registry without the optimizer, made on first need. */
  readonly raw: () => ExecEngine;
  readonly compiled: Compiled;
  /** Whether every rollup the plan read still holds what it held when the run started. */
  readonly holds: (plan: Plan) => Promise<boolean>;
  /** Asked before the run: why the plan's rollups cannot give the whole answer now, or null. */
  readonly unusable?: (plan: Plan, signal?: AbortSignal) => Promise<string | null>;
  readonly options?: ExecuteOptions;
}): Promise<CheckedRun<RunResult>> {
  const { compiled } = o;
  const options = o.options ?? {};
  const unusable = o.unusable;
  return runChecked({
    plan: compiled.plan,
    run: () => o.engine.execute(compiled, options),
    runRaw: () => o.raw().run(compiled.query, options),
    holds: () => o.holds(compiled.plan),
    ...(unusable ? { unusable: () => unusable(compiled.plan, options.signal) } : {}),
    signal: options.signal,
  });
}
