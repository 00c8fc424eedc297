// `npm run mutation [-- GROUP…]`: StrykerJS over the engine core, one group (folder) at a time, each with
// its own incremental file (reports/stryker-incremental-GROUP.json, kept in git so a rerun after a small
// change tests only the mutants it touches) and HTML report (reports/mutation/GROUP.html, not in git).
// No group: all of them. Other arguments go to stryker (e.g. `-- emit --force` ignores the incremental file).
import { spawnSync } from 'node:child_process';

const TIME = ['src/plan/time.ts', 'src/optimize/align.ts'];
export const GROUPS = {
  emit: ['src/emit/**/*.ts'],
  optimize: ['src/optimize/**/*.ts', ...TIME.map((f) => `!${f}`)],
  time: TIME,
  plan: ['src/plan/**/*.ts', ...TIME.map((f) => `!${f}`)],
  semantic: ['src/semantic/**/*.ts'],
  lang: ['src/lang/**/*.ts'],
};

const args = process.argv.slice(2);
const named = args.filter((a) => a in GROUPS);
const rest = args.filter((a) => !(a in GROUPS));
const unknown = rest.filter((a) => !a.startsWith('-') && !rest[rest.indexOf(a) - 1]?.startsWith('--'));
if (unknown.length) {
  console.error(`unknown mutation group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const group of named.length ? named : Object.keys(GROUPS)) {
  const mutate = [...GROUPS[group], '!src/**/index.ts'].join(',');
  console.log(`mutation: ${group} (${mutate})`);
  const run = spawnSync(
    'npx',
    [
      'stryker',
      'run',
      '--mutate',
      mutate,
      '--incrementalFile',
      `reports/stryker-incremental-${group}.json`,
      ...rest,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, STRYKER_GROUP: group },
    },
  );
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
