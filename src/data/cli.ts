/**
 * `npm run data -- --scale 0.01|1 [--seed N]`: (re)loads every source of the stack in `.stack/env` (or
 * the seed's environment variables) with the demo data set, printing rows/s per table.
 */
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/load.ts';
import { afterSourcesReloaded } from '../rollup/reload.ts';
import { readStackEnv } from '../stack/env.ts';
import { DEMO_SOURCE_ENV, DEMO_SOURCES, type DemoSource, loadDemoData } from './load.ts';
import { DEMO_DATA } from './settings.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: String(DEMO_DATA.seed) },
    'if-empty': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    'usage: npm run data -- [--scale 0.01|1] [--seed N] [--if-empty] [--only payments|users|analytics]…',
  );
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
const started = Date.now();
try {
  const env = readStackEnv() as Record<string, string>;
  const loaded = await loadDemoData({
    scale,
    seed,
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
    `demo data at scale ${scale} (seed ${seed}) loaded in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
} catch (error) {
  console.error(`data: ${(error as Error).message}`);
  process.exit(1);
}
