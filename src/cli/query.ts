/** `kpi query …` runs a KPI query against the stack in `.stack/env` (or the seed's variables). */

import type { Catalog } from '../catalog/types.ts';
import { readCliEnv } from '../config/cli-env.ts';
import { readStackEnv } from '../config/stack-env.ts';
import { DruidAvailability } from '../exec/druid-availability.ts';
import { createEngine, createRuntime, type KpiEngine as ExecEngine } from '../exec/engine.ts';
import { loadOptimizeContext, optimizerFor } from '../optimize/context.ts';
import { answerHolds, druidRollupsRead, rollupsRead } from '../optimize/live.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStates } from '../rollup/state.ts';
import { runCompiledChecked } from '../service/checked-run.ts';
import { EMBEDDED_ENV } from '../service/engine-binding.ts';
import { type CommandSpec, flag, parseCommandArgs, stringOption, UsageError } from './args.ts';
import { embeddedDemo, HOW_TO_CONFIGURE } from './embedded.ts';
import { METRIC_OPTIONS, metricArgs } from './metric-args.ts';

export const spec: CommandSpec = {
  name: 'kpi query',
  summary: 'Run a KPI query and print its rows (time, dimensions, value).',
  options: {
    ...METRIC_OPTIONS,
    format: {
      type: 'string',
      value: 'table|json',
      help: 'json: [{"time": ISO, "<dim>": …, "value": number|null}]',
    },
    rollups: {
      type: 'string',
      value: 'FILE',
      help: 'rollup definitions the optimizer may answer from (default fixtures/demo-rollups.json)',
    },
    'no-optimize': {
      type: 'boolean',
      help: 'run the raw plan (no rollups, no engine choice by the optimizer)',
    },
  },
  notes: `where it runs: the stack in .stack/env, or TRINO_URL, PAYMENTS_DB_URL, USERS_DB_URL, ANALYTICS_DB_URL,
TIMESCALE_URL in the environment; with none of them, an embedded database with the demo data set
(DEMO_SCALE, default 0.01; loaded once into KPI_CACHE_DIR, default ~/.cache/kpi-engine).`,
};

export async function queryCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  const format = stringOption(args, 'format') ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new UsageError(`--format ${format} is not one of table, json`);
  const { definitions, query, dialect } = await metricArgs(args, 'auto');
  const configured = { ...readStackEnv(), ...readCliEnv().connections };
  // Nothing configured (no stack, no connection variables): the embedded demo, as `npm start` runs it.
  const demo =
    SOURCE_VARIABLES.some((k) => configured[k]) || stringOption(args, 'catalog')
      ? null
      : await embedded(dialect);
  const env = demo ? demo.env : configured;
  // The optimizer chooses rollups and the engine itself, so it only runs when no dialect is forced.
  const ctx =
    demo || flag(args, 'no-optimize') || dialect !== 'auto'
      ? undefined
      : await contextOrRaw(definitions.catalog, env.TIMESCALE_URL, stringOption(args, 'rollups'));
  const timeoutMs = readCliEnv().queryTimeoutMs();
  // The embedded demo cannot cancel a statement (no statement_timeout in PGlite): at the timeout its
  // worker is stopped, which stops the statement wherever it is.
  const runtime = createRuntime({
    env,
    ...(demo ? { interrupters: new Map([[demo.env[EMBEDDED_ENV]!, () => demo.close()]]) } : {}),
  });
  const engineWith = (optimizer?: ReturnType<typeof optimizerFor>) =>
    createEngine({
      catalog: demo ? demo.catalog : definitions.catalog,
      registry: definitions.registry,
      env,
      dialect,
      runtime,
      ...(optimizer ? { optimizer } : {}),
      timeoutMs,
    });
  const engine = engineWith(ctx && optimizerFor(ctx));
  let raw: ExecEngine | null = null;
  try {
    // Compiled once; a rollup rebuilt while the query ran voids its answer, and then the raw plan
    // answers (src/service/checked-run.ts, as in the service).
    const compiled = engine.compile(query);
    // A Druid rollup is read only while Druid serves all of its published segments.
    const druidUrl = (env as Readonly<Record<string, string | undefined>>).DRUID_URL;
    const druid = ctx && druidUrl ? new DruidAvailability(druidUrl) : null;
    const { result, voided, reason } = ctx
      ? await runCompiledChecked({
          engine,
          raw: () => {
            raw ??= engineWith();
            return raw;
          },
          compiled,
          holds: async (plan) => answerHolds(ctx, rollupsRead(plan), await readStates(env.TIMESCALE_URL!)),
          ...(druid ? { unusable: (plan) => druid.unavailable(druidRollupsRead(plan)) } : {}),
        })
      : { result: await engine.execute(compiled), voided: false };
    if (voided)
      console.error(
        `-- ${reason ?? 'a rollup changed while the query ran'}: answered from the sources instead`,
      );
    if (format === 'json') {
      console.log(JSON.stringify(result.rows));
    } else {
      const columns = ['time', ...query.dimensions, 'value'];
      console.log(columns.join('\t'));
      for (const r of result.rows) console.log(columns.map((c) => String(r[c] ?? 'NULL')).join('\t'));
      const t = result.timings;
      console.error(
        `-- ${result.rows.length} rows via ${result.dialect}; compile ${t.compileMs.toFixed(1)} ms, engine ${t.engineMs.toFixed(0)} ms, transfer ${t.transferMs.toFixed(0)} ms`,
      );
    }
    return 0;
  } finally {
    await runtime.close();
    await demo?.close();
  }
}

const SOURCE_VARIABLES = ['TRINO_URL', 'PAYMENTS_DB_URL', 'USERS_DB_URL', 'ANALYTICS_DB_URL'] as const;

async function embedded(dialect: string) {
  if (dialect === 'trino') throw new UsageError(`--dialect trino needs TRINO_URL; ${HOW_TO_CONFIGURE}`);
  const scale = readCliEnv().demoScale();
  console.error(`-- no sources configured: the embedded demo database (demo data at scale ${scale})`);
  console.error(`-- ${HOW_TO_CONFIGURE}`);
  return embeddedDemo(scale, (line) => console.error(line));
}

/** The optimizer's context from what the metrics store says is built; none when it cannot be read. */
async function contextOrRaw(catalog: Catalog, timescaleUrl: string | undefined, rollupsFile?: string) {
  try {
    const rollups = loadRollups(catalog, rollupsFile);
    return await loadOptimizeContext(catalog, rollups, timescaleUrl);
  } catch (error) {
    console.error(`-- optimizer off: ${(error as Error).message}`);
    return undefined;
  }
}
