// @ts-nocheck
// `npm run mutation [-- GROUP…]`: StrykerJS over the engine core, one group (folder) at a time, each with
// its own incremental file and HTML report (reports/mutation/GROUP.html, not in git). No group: all of
// them, one after the other. Other arguments go to stryker (e.g. `-- emit --force` ignores the
// incremental file and tests every mutant again).
//
// Each group runs the tests that exercise it (TESTS below): a mutant is only ever run against the tests
// that cover it, but every test file in the set costs its start-up on each run, and PGlite-backed files
// boot a database. MUTATION_TESTS (comma-separated globs) replaces a group's set.
//
// The incremental files live in a cache folder outside the clone (STRYKER_CACHE_DIR, default
// ~/.cache/kpi-engine/stryker): a rerun after a small change tests only the mutants in changed code or
// covered by changed tests, and the files never churn in git. A clone without them runs every mutant.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const TIME = ['src/plan/time.ts', 'src/optimize/align.ts'];
export const GROUPS = {
  emit: ['src/emit/**/*.ts'],
  optimize: ['src/optimize/**/*.ts', ...TIME.map((f) => `!${f}`)],
  time: TIME,
  plan: ['src/plan/**/*.ts', ...TIME.map((f) => `!${f}`)],
  semantic: ['src/semantic/**/*.ts'],
  lang: ['src/lang/**/*.ts'],
};

const COMPILE = [
  'test/golden/emit-sql.test.ts',
  'test/local/emit-sql-run.test.ts',
  'test/unit/plan-planner.test.ts',
  'test/unit/exec-runtime.test.ts',
  'test/unit/plan-limits.test.ts',
];
const OPTIMIZE = [
  'test/unit/optimize-*.test.ts',
  'test/golden/optimize-golden.test.ts',
  'test/golden/optimize-rules.test.ts',
  'test/local/optimize-stitch-pglite.test.ts',
];
const LANG = [
  'test/golden/lang-golden.test.ts',
  'test/unit/semantic-analyze.test.ts',
  'test/unit/lang-limits.test.ts',
  'test/property/lang-roundtrip.test.ts',
  'test/property/lang-robust.test.ts',
];
export const TESTS = {
  emit: [
    ...COMPILE,
    'test/unit/emit-*.test.ts',
    'test/local/emit-inline.test.ts',
    'test/local/emit-quoting.test.ts',
    'test/golden/optimize-golden.test.ts',
    'test/local/optimize-stitch-pglite.test.ts',
  ],
  optimize: [...OPTIMIZE, 'test/unit/plan-planner.test.ts'],
  time: [...OPTIMIZE, 'test/property/time-zones.test.ts', 'test/golden/emit-sql.test.ts', 'test/local/emit-sql-run.test.ts'],
  plan: [...COMPILE, 'test/golden/optimize-golden.test.ts', 'test/property/time-zones.test.ts'],
  semantic: [...LANG, ...COMPILE, 'test/unit/rollup-definitions.test.ts'],
  lang: LANG,
};

const args = process.argv.slice(2);
const named = args.filter((a) => a in GROUPS);
const rest = args.filter((a) => !(a in GROUPS));
const unknown = rest.filter((a) => !a.startsWith('-') && !rest[rest.indexOf(a) - 1]?.startsWith('--'));
if (unknown.length) {
  console.error(`unknown mutation group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const cacheDir = process.env.STRYKER_CACHE_DIR ?? join(homedir(), '.cache', 'kpi-engine', 'stryker');
mkdirSync(cacheDir, { recursive: true });
let failed = 0;
for (const group of named.length ? named : Object.keys(GROUPS)) {
  const mutate = [...GROUPS[group], '!src/**/index.ts'].join(',');
  const tests = process.env.MUTATION_TESTS ?? TESTS[group].join(',');
  console.log(`mutation: ${group} (${mutate}) with tests ${tests}`);
  const run = spawnSync(
    'npx',
    [
      'stryker',
      'run',
      '--mutate',
      mutate,
      '--incrementalFile',
      join(cacheDir, `incremental-${group}.json`),
      ...rest,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, STRYKER_GROUP: group, MUTATION_TESTS: tests },
    },
  );
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
