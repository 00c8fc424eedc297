/** `kpi query …` runs a KPI query against the stack in `.stack/env` (or the seed's variables). */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import { createEngine } from '../exec/engine.ts';
import { EngineError } from '../exec/errors.ts';
import { loadOptimizeContext, optimizerFor } from '../optimize/context.ts';
import { answerHolds, rollupsRead, runChecked } from '../optimize/live.ts';
import { readStates } from '../rollup/build.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStackEnv } from '../stack/env.ts';
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
  const configured = { ...readStackEnv(), ...pick(process.env) };
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
  const timeoutMs = queryTimeoutMs();
  const engineWith = (optimizer?: ReturnType<typeof optimizerFor>) =>
    createEngine({
      catalog: demo ? demo.catalog : definitions.catalog,
      registry: definitions.registry,
      env,
      dialect,
      ...(optimizer ? { optimizer } : {}),
      timeoutMs,
    });
  const engine = engineWith(ctx && optimizerFor(ctx));
  const raw = ctx ? engineWith() : engine;
  try {
    // A rollup rebuilt while the query ran voids its answer: then the raw plan answers (src/optimize/live.ts).
    const plan = engine.compile(query).plan;
    const { result, voided } = ctx
      ? await runChecked({
          plan,
          run: () => engine.run(query),
          runRaw: () => raw.run(query),
          holds: async () => answerHolds(ctx, rollupsRead(plan), await readStates(env.TIMESCALE_URL!)),
        })
      : {
          // The embedded engine cannot cancel a statement (no statement_timeout in PGlite): at the
          // timeout its worker is terminated, which stops the statement wherever it is.
          result: demo
            ? await withTimeout(engine.run(query), timeoutMs, query.kpi, demo)
            : await engine.run(query),
          voided: false,
        };
    if (voided) console.error('-- a rollup changed while the query ran: answered from the sources instead');
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
    await engine.close();
    if (raw !== engine) await raw.close();
    await demo?.close();
  }
}

/** QUERY_TIMEOUT_MS, as the service reads it: milliseconds, at least 1 (default 30,000). */
function queryTimeoutMs(): number {
  const text = process.env.QUERY_TIMEOUT_MS ?? '30000';
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new UsageError(`QUERY_TIMEOUT_MS must be a whole number of milliseconds ≥ 1, got "${text}"`);
  }
  return ms;
}

/** The run, or an engine-timeout error once `ms` have passed — after stopping the embedded worker. */
async function withTimeout<T>(
  run: Promise<T>,
  ms: number,
  kpi: string,
  demo: { close(): Promise<void> },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void demo.close();
      reject(
        new EngineError(
          'engine-timeout',
          'postgres (embedded)',
          kpi,
          `query canceled after ${ms} ms (QUERY_TIMEOUT_MS)`,
        ),
      );
    }, ms);
  });
  run.catch(() => undefined); // settles after the worker is gone; the timeout has answered
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const SOURCE_VARIABLES = ['TRINO_URL', 'PAYMENTS_DB_URL', 'USERS_DB_URL', 'ANALYTICS_DB_URL'] as const;

async function embedded(dialect: string) {
  if (dialect === 'trino') throw new UsageError(`--dialect trino needs TRINO_URL; ${HOW_TO_CONFIGURE}`);
  const scale = Number(process.env.DEMO_SCALE ?? 0.01);
  if (!(scale > 0 && scale <= 1))
    throw new UsageError(`DEMO_SCALE must be a number in (0, 1], got "${process.env.DEMO_SCALE}"`);
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

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['TRINO_URL', 'PAYMENTS_DB_URL', 'USERS_DB_URL', 'ANALYTICS_DB_URL', 'TIMESCALE_URL']) {
    if (env[k]) out[k] = env[k]!;
  }
  return out;
}
