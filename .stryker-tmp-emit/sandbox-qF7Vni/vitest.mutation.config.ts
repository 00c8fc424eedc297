// @ts-nocheck
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Cheap test files first, the ones that boot PGlite or run many property cases last. Stryker stops a
 * mutant's run at its first failing test (bail), and most mutants are killed by the quick text goldens
 * and unit tests; vitest's default order (slowest first by its cache) made every killed mutant pay for a
 * database boot. A fixed order, because a file skipped after a bail is cached with duration 0.
 */
const LAST = [
  'time-zones',
  'emit-sql-run',
  'emit-quoting',
  'lang-roundtrip',
  'lang-robust',
  'optimize-stitch-pglite',
];
class CheapFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => LAST.findIndex((name) => f.moduleId.includes(name));
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// The test set of `npm run mutation` (stryker.config.mjs): the `unit` project's tests of the engine core —
// goldens, property and unit tests — and the `local` project's runs of the core on in-process PGlite
// (SQL goldens, literals, stitched plans). Left out: the API route tests, which boot the whole service
// per file and kill no core mutant the goldens and runs do not, and tests of parts outside the core
// (stack, CLI, demo data, config).
// Property tests run fewer cases here: each mutant reruns the tests that cover it.
export default defineConfig({
  test: {
    // MUTATION_TESTS (comma-separated globs) narrows the set for a quick look at one file's mutants; the
    // score is then a lower bound (fewer tests, fewer kills).
    include: process.env.MUTATION_TESTS?.split(',') ?? [
      'test/unit/**/*.test.ts',
      'test/golden/**/*.test.ts',
      'test/property/**/*.test.ts',
      // The `local` project's tests of the core: SQL goldens and literals run on in-process PGlite.
      'test/local/emit-*.test.ts',
      'test/local/optimize-*.test.ts',
    ],
    exclude: ['test/unit/stack-*.test.ts', 'test/unit/cli-*.test.ts', 'test/unit/data-*.test.ts'],
    env: { LANG_ROBUST_SCALE: '0.01', LANG_ROUNDTRIP_RUNS: '150', PROPERTY_RUNS_SCALE: '0.2' },
    // One worker kept between runs with its modules loaded: Stryker switches mutants at run time, so
    // reloading the engine (Chevrotain, the catalog) for every mutant would only cost time.
    isolate: false,
    sequence: { sequencer: CheapFirst },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
