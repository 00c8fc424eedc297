/** `kpi explain …` (the options of `kpi compile`): how the optimizer rewrote the query, and the SQL. */
import { loadOptimizeContext } from '../optimize/context.ts';
import { explain } from '../optimize/explain.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStackEnv } from '../stack/env.ts';
import { parseArgs } from './args.ts';
import { METRIC_USAGE, metricArgs } from './metric-args.ts';

export const usage = `kpi explain ${METRIC_USAGE}
  [--rollups FILE]   rollup definitions (JSON; default fixtures/demo-rollups.json)
  Reads which rollups are built (and their watermarks) from the metrics store (TIMESCALE_URL).`;

export async function explainCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, []);
  const { definitions, query, dialect } = await metricArgs(args, 'auto');
  const env = readStackEnv();
  const rollups = loadRollups(definitions.catalog, args.values.rollups ?? undefined);
  const context = await loadOptimizeContext(definitions.catalog, rollups, env.TIMESCALE_URL);
  const r = explain(
    { catalog: definitions.catalog, registry: definitions.registry, context, env, dialect },
    query,
  );
  console.log(r.text);
  return 0;
}
