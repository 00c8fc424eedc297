/** `kpi query …` runs a KPI query against the stack in `.stack/env` (or the seed's variables). */
import { createEngine } from '../exec/engine.ts';
import { readStackEnv } from '../stack/env.ts';
import { parseArgs } from './args.ts';
import { METRIC_USAGE, metricArgs } from './metric-args.ts';

export const usage = `kpi query ${METRIC_USAGE}
  [--format table|json]  json: [{"time": ISO, "<dim>": …, "value": number|null}]`;

export async function queryCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const { definitions, query, dialect } = await metricArgs(args, 'auto');
  const env = { ...readStackEnv(), ...pick(process.env) };
  const engine = createEngine({
    catalog: definitions.catalog,
    registry: definitions.registry,
    env,
    dialect,
    timeoutMs: Number(process.env.QUERY_TIMEOUT_MS ?? 30_000),
  });
  try {
    const result = await engine.run(query);
    if ((args.values.format ?? 'table') === 'json') {
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
  }
}

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['TRINO_URL', 'PAYMENTS_DB_URL', 'USERS_DB_URL', 'ANALYTICS_DB_URL', 'TIMESCALE_URL']) {
    if (env[k]) out[k] = env[k]!;
  }
  return out;
}
