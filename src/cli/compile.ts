/** `kpi compile …` prints the SQL of a KPI query for a dialect, with its bound parameters. */
import { DIALECTS } from '../emit/choose.ts';
import { inlineParams } from '../emit/inline.ts';
import { compileQuery } from '../exec/compile.ts';
import { printPlan } from '../plan/print.ts';
import { type CommandSpec, flag, parseCommandArgs } from './args.ts';
import { METRIC_OPTIONS, metricArgs } from './metric-args.ts';

export const spec: CommandSpec = {
  name: 'kpi compile',
  summary:
    'Print the SQL of a KPI query for a dialect (default trino); values are bound parameters, listed after it.',
  options: {
    ...METRIC_OPTIONS,
    plan: { type: 'boolean', help: 'print the logical plan too' },
    inline: { type: 'boolean', help: 'write the values into the SQL, ready to paste into a SQL editor' },
  },
  notes: `example:
  kpi compile --kpi cac --grain month --from 2025-01-01 --to 2025-07-01 --dims channel --dialect trino`,
};

export async function compileCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  const { definitions, query, dialect } = await metricArgs(args, 'trino');
  // Compile only: no engine, so no database driver is loaded.
  const c = compileQuery(
    { catalog: definitions.catalog, registry: definitions.registry, env: {}, dialect },
    query,
  );
  if (flag(args, 'plan')) console.log(`${printPlan(c.plan)}\n`);
  console.log(`-- dialect: ${c.dialect}${c.connection ? ` (connection ${c.connection.name})` : ''}`);
  if (flag(args, 'inline')) {
    // A split plan's text already holds its values (one statement per part).
    console.log(
      c.dialect === 'split' ? c.sql : `${inlineParams(c.sql, c.params, DIALECTS[c.dialect].placeholders)};`,
    );
    return 0;
  }
  console.log(`${c.sql};`);
  if (c.params.length > 0) {
    console.log(`-- params: ${JSON.stringify(c.params.map((p) => p.value))}`);
  }
  return 0;
}
