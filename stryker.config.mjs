// Mutation testing of the engine core (docs/development.md "Mutation testing"). `npm run mutation`
// (scripts/mutation.mjs) runs one group at a time with its tests and an incremental file kept in git
// (mutation/incremental/), which remembers each mutant's result and the tests that covered it, so a
// rerun only tests mutants in changed code or covered by changed tests. One test process by default: the machine's
// cores are shared (`-- --concurrency 2` when they are not).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'src/plan/**/*.ts',
    'src/emit/**/*.ts',
    'src/optimize/**/*.ts',
    'src/semantic/**/*.ts',
    'src/lang/**/*.ts',
    '!src/**/index.ts',
  ],
  coverageAnalysis: 'perTest',
  // Mutants in module-level constants would need every test rerun for each; they are not counted.
  ignoreStatic: true,
  concurrency: 1,
  incremental: true,
  incrementalFile: 'mutation/incremental/all.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${process.env.STRYKER_GROUP ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/mutation/${process.env.STRYKER_GROUP ?? 'all'}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  // The sandbox needs the code and fixtures, not the local stack's data or earlier reports.
  ignorePatterns: ['.stack', '.bench', 'reports', 'mutation', 'dist', 'coverage', '.tmp-*', '.stryker-tmp*'],
  cleanTempDir: 'always',
  timeoutMS: 60_000,
  thresholds: { high: 85, low: 75, break: null },
};
