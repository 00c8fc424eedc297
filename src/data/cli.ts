/**
 * `npm run data -- --scale 0.01|1 [--seed N]`: (re)loads every source of the stack in `.stack/env` (or
 * the seed's environment variables) with the demo data set, printing rows/s per table.
 */
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/load.ts';
import { processEnv } from '../config/process-env.ts';
import { readStackEnv } from '../config/stack-env.ts';
import { afterSourcesReloaded } from '../rollup/reload.ts';
import { closest } from '../shared/suggest.ts';
import { DEMO_SOURCE_ENV, DEMO_SOURCES, type DemoSource, loadDemoData } from './load.ts';
import { DEMO_DATA, demoEnd } from './settings.ts';

const OPTIONS = {
  scale: { type: 'string', default: '0.01' },
  seed: { type: 'string', default: String(DEMO_DATA.seed) },
  end: { type: 'string' },
  'if-empty': { type: 'boolean', default: false },
  only: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const USAGE =
  'usage: npm run data -- [--scale 0.01|1] [--seed N] [--end YYYY-MM-DD] [--if-empty] [--only payments|users|analytics]…';

/** A mistyped option is a one-line message with a did-you-mean and the usage, never a stack trace. */
function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    const e = error as Error & { code?: string };
    const option = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
    let message = e.message;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      const guess = closest(option.replace(/^-+/, '').split('=')[0]!, Object.keys(OPTIONS), {
        transpositions: true,
      });
      message = `unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ''}`;
    } else if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      message = `${option} needs a value`;
    } else if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      message = `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''} (options start with --)`;
    }
    console.error(`data: ${message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  console.error(
    `data: --scale must be a positive number and --seed an integer (got ${values.scale}, ${values.seed})`,
  );
  process.exit(2);
}
const only = values.only ?? [...DEMO_SOURCES];
const unknown = only.filter((s) => !(DEMO_SOURCES as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`data: --only takes ${DEMO_SOURCES.join(', ')} (got ${unknown.join(', ')})`);
  process.exit(2);
}
let end: number;
try {
  // --end, else DEMO_END, else the start of today (UTC).
  end = demoEnd(values.end ? { DEMO_END: values.end } : processEnv());
} catch (error) {
  console.error(`data: ${(error as Error).message.replace('DEMO_END', values.end ? '--end' : 'DEMO_END')}`);
  process.exit(2);
}
const started = Date.now();
try {
  const env = readStackEnv() as Record<string, string>;
  const loaded = await loadDemoData({
    scale,
    seed,
    end,
    env,
    onlyIfEmpty: values['if-empty'],
    sources: only as DemoSource[],
    log: (line) => console.log(line),
  });
  // Rollups built on what was reloaded no longer hold its numbers: unpublish them until repaired.
  await afterSourcesReloaded(
    env,
    loadCatalog(),
    loaded.map((s) => DEMO_SOURCE_ENV[s]),
    `the source was reloaded (demo data scale ${scale}, seed ${seed})`,
    (line) => console.log(line),
  );
  console.log(
    `demo data at scale ${scale} (seed ${seed}, ending ${new Date(end).toISOString().slice(0, 10)}) loaded in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
} catch (error) {
  console.error(`data: ${(error as Error).message}`);
  process.exit(1);
}
