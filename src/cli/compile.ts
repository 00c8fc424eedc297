/** `kpi compile …` prints the SQL of a KPI query for a dialect, with its bound parameters. */
import { createEngine } from '../exec/engine.ts';
import { printPlan } from '../plan/print.ts';
import { parseArgs } from './args.ts';
import { METRIC_USAGE, metricArgs } from './metric-args.ts';

export const usage = `kpi compile ${METRIC_USAGE}
  [--plan]   print the logical plan too
  Prints the SQL; parameters follow as a comment (values are bound, never spliced into the SQL).`;

export async function compileCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['plan']);
  const { definitions, query, dialect } = await metricArgs(args, 'trino');
  const engine = createEngine({
    catalog: definitions.catalog,
    registry: definitions.registry,
    env: {},
    dialect,
  });
  const c = engine.compile(query);
  if (args.values.plan) console.log(`${printPlan(c.plan)}\n`);
  console.log(`-- dialect: ${c.dialect}${c.connection ? ` (connection ${c.connection.name})` : ''}`);
  console.log(`${c.sql};`);
  if (c.params.length > 0) {
    console.log(`-- params: ${JSON.stringify(c.params.map((p) => p.value))}`);
  }
  await engine.close();
  return 0;
}
