/** `kpi explain …` (the options of `kpi compile`): how the optimizer rewrote the query, and the SQL. */

import { readStackEnv } from '../config/stack-env.ts';
import { loadOptimizeContext } from '../optimize/context.ts';
import { explain } from '../optimize/explain.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { type CommandSpec, parseCommandArgs, stringOption } from './args.ts';
import { METRIC_OPTIONS, metricArgs } from './metric-args.ts';

export const spec: CommandSpec = {
  name: 'kpi explain',
  summary:
    'Show how the optimizer rewrites a KPI query: the plan, each rule, the rollup chosen per variable and why others were rejected, the engine, the final SQL.',
  options: {
    ...METRIC_OPTIONS,
    rollups: {
      type: 'string',
      value: 'FILE',
      help: 'rollup definitions (JSON; default fixtures/demo-rollups.json)',
    },
  },
  notes: 'Reads which rollups are built (and their watermarks) from the metrics store (TIMESCALE_URL).',
};

export async function explainCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  const { definitions, query, dialect } = await metricArgs(args, 'auto');
  const env = readStackEnv();
  const rollups = loadRollups(definitions.catalog, stringOption(args, 'rollups'));
  const context = await loadOptimizeContext(definitions.catalog, rollups, env.TIMESCALE_URL);
  const r = explain(
    { catalog: definitions.catalog, registry: definitions.registry, context, env, dialect },
    query,
  );
  console.log(r.text);
  return 0;
}
