import { defineConfig } from 'vitest/config';

// The test set of `npm run mutation` (stryker.config.mjs): the `unit` project's tests of the engine core —
// goldens (their SQL run on in-process PGlite), property and unit tests — without servers. Left out:
// the API route tests, which boot the whole service per file and kill no core mutant the goldens and
// runs do not, and tests of parts outside the core (stack, CLI subprocesses, demo data, config).
// Property tests run fewer cases here: each mutant reruns the tests that cover it.
export default defineConfig({
  test: {
    // MUTATION_TESTS (comma-separated globs) narrows the set for a quick look at one file's mutants; the
    // score is then a lower bound (fewer tests, fewer kills).
    include: process.env.MUTATION_TESTS?.split(',') ?? [
      'test/unit/**/*.test.ts',
      'test/golden/**/*.test.ts',
      'test/property/**/*.test.ts',
    ],
    exclude: [
      'test/unit/api-*.test.ts',
      'test/unit/data-*.test.ts',
      'test/unit/stack-*.test.ts',
      'test/unit/lang-check-cli.test.ts',
      'test/unit/compile-cli.test.ts',
    ],
    env: { LANG_ROBUST_SCALE: '0.01', LANG_ROUNDTRIP_RUNS: '150', PROPERTY_RUNS_SCALE: '0.2' },
    // One worker kept between runs with its modules loaded: Stryker switches mutants at run time, so
    // reloading the engine (Chevrotain, the catalog) for every mutant would only cost time.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
