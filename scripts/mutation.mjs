// `npm run mutation [-- GROUP…]`: StrykerJS over the engine core, one group (folder) at a time. A group is
// cut into parts (PARTS below), each one Stryker run with its own incremental file and HTML/JSON report
// (reports/mutation/GROUP-N.html, not in git): a part takes minutes, so a busy shared machine still gets
// results, and `GROUP:N` reruns one part. The last part of a group is "the rest of the folder", so a file
// added or split later is never left out. After the runs the script prints each group's score from the
// parts' JSON reports; `npm run mutation -- --scores` prints them without running anything. No group:
// all of them, one after the other. Other arguments go to stryker (e.g. `-- emit --force` ignores the
// incremental files and tests every mutant again).
//
// Each group runs the tests that exercise it (TESTS below): a mutant is only ever run against the tests
// that cover it, but every test file in the set costs its start-up on each run. The sets leave out the
// `local` project's PGlite runs (they boot a database per run; the text goldens and unit tests kill what
// they kill, see docs/development.md), so a score is a lower bound. MUTATION_TESTS (comma-separated
// globs) replaces a group's set.
//
// The incremental files are kept in the repository (mutation/incremental/GROUP-N.json; STRYKER_CACHE_DIR
// moves them): a rerun after a small change tests only the mutants in changed code or covered by changed
// tests, on any machine and in a fresh clone. They were once kept in ~/.cache, and a new machine then had
// to run every mutant again (hours on 2 shared cores). Commit them with the change that measured them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TIME = ['src/shared/time.ts', 'src/optimize/align.ts'];
/** Parts of each group, in order; a group's last part is the rest of its folder (FOLDERS). */
export const PARTS = {
  emit: [
    ['src/emit/emit.ts'],
    ['src/emit/expressions.ts'],
    ['src/emit/literal.ts', 'src/emit/params.ts', 'src/emit/inline.ts'],
  ],
  optimize: [
    ['src/optimize/rules/select-rollups.ts', 'src/optimize/tiles.ts', 'src/optimize/cost.ts'],
    ['src/optimize/match-rollup.ts'],
    ['src/optimize/live.ts', 'src/optimize/calibrate.ts'],
  ],
  time: [],
  plan: [['src/plan/print.ts', 'src/plan/evaluate.ts'], ['src/plan/planner.ts'], ['src/plan/formula-planner.ts']],
  semantic: [
    ['src/semantic/rollup.ts', 'src/semantic/resolve-names.ts'],
    ['src/semantic/analyze-*.ts', 'src/semantic/program.ts'],
    ['src/semantic/lower-*.ts'],
  ],
  lang: [['src/lang/limits.ts'], ['src/lang/build-ast.ts']],
};
const FOLDERS = {
  emit: ['src/emit/**/*.ts'],
  optimize: ['src/optimize/**/*.ts', ...TIME.map((f) => `!${f}`)],
  time: TIME,
  plan: ['src/plan/**/*.ts', ...TIME.map((f) => `!${f}`)],
  semantic: ['src/semantic/**/*.ts'],
  lang: ['src/lang/**/*.ts'],
};
export const GROUPS = Object.fromEntries(
  Object.entries(FOLDERS).map(([group, folder]) => {
    const earlier = PARTS[group].flat();
    return [group, [...PARTS[group], [...folder, ...earlier.map((f) => `!${f}`)]]];
  }),
);

const PLAN = ['test/unit/plan-planner.test.ts', 'test/unit/plan-limits.test.ts'];
const COMPILE = ['test/golden/emit-sql.test.ts', ...PLAN, 'test/unit/exec-runtime.test.ts'];
const OPTIMIZE = [
  'test/unit/optimize-*.test.ts',
  'test/golden/optimize-golden.test.ts',
  'test/golden/optimize-rules.test.ts',
  'test/unit/plan-planner.test.ts',
];
const LANG = [
  'test/golden/lang-golden.test.ts',
  'test/unit/semantic-analyze.test.ts',
  'test/unit/lang-*.test.ts',
  'test/property/lang-roundtrip.test.ts',
  'test/property/lang-robust.test.ts',
];
export const TESTS = {
  emit: [...COMPILE, 'test/unit/emit-*.test.ts', 'test/golden/optimize-golden.test.ts'],
  optimize: OPTIMIZE,
  time: [...OPTIMIZE, 'test/property/time-zones.test.ts', 'test/golden/emit-sql.test.ts'],
  plan: [
    ...COMPILE,
    'test/unit/plan-*.test.ts',
    'test/golden/optimize-golden.test.ts',
    'test/property/time-zones.test.ts',
  ],
  semantic: [...LANG, ...COMPILE, 'test/unit/semantic-rollup.test.ts', 'test/unit/rollup-definitions.test.ts'],
  lang: LANG,
};

/**
 * Narrower test sets for single parts (`GROUP-N`), where the group's set would make a part take hours:
 * the tests that exercise that part's files directly. A score measured with them is a lower bound.
 */
export const PART_TESTS = {
  // The plan printer (EXPLAIN, the optimizer goldens) and the in-process evaluator of split plans, by
  // their own tests: with the optimizer goldens and the split/combine tests, which import the whole
  // engine, a mutant cost ~9 s under load (~1 h for the part).
  'plan-1': ['test/unit/plan-evaluate.test.ts', 'test/unit/plan-print.test.ts'],
  // The planner by its own tests and its formula expansion's: behaviour only, no text golden. Without
  // plan-limits (23 s a run: it builds inputs at each limit; plan-formula and plan-query test the
  // limits at their bounds cheaply) and, since 2026-12-02, the SQL and optimizer goldens (a surviving
  // mutant cost 10-15 s under load: the part would have taken most of an hour).
  'plan-2': ['test/unit/plan-planner.test.ts', 'test/unit/plan-query.test.ts', 'test/unit/plan-formula.test.ts'],
  // Formula expansion by its own tests (limits and sharing included) and the planner's.
  'plan-3': ['test/unit/plan-formula.test.ts', 'test/unit/plan-planner.test.ts'],
  // The helpers (comparison check, join paths, walkers, visitor) by their own tests and the planner's.
  'plan-4': ['test/unit/plan-helpers.test.ts', 'test/unit/plan-planner.test.ts'],
  // Rollup analysis and name resolution by the language goldens (diagnostics), the analyzer's and the
  // rollup definitions' tests; without lang-limits since 2026-12-02 (with it the part was on course for
  // ~35 min under load).
  'semantic-1': [
    'test/golden/lang-golden.test.ts',
    'test/unit/semantic-analyze.test.ts',
    'test/unit/semantic-rollup.test.ts',
    'test/unit/rollup-definitions.test.ts',
  ],
  // Analysis (KPI checks, the program's names, cycles and imports) by the language goldens (their
  // diagnostics), the analyzer's and rollup tests, the JSON definitions' tests (properties synthesized
  // from JSON, diagnostics relocated to JSON paths) and the print/re-parse round trip. On 2026-12-02 a
  // coverage run of every unit, golden and property file found no other one reaching this part's
  // uncovered mutants but lang-robust (minutes a run); since 2026-12-03 also the semantic-checks-* tests
  // (each property's syntax, the program's duplicates, cycles and JSON paths).
  'semantic-2': [
    'test/golden/lang-golden.test.ts',
    'test/unit/semantic-analyze.test.ts',
    'test/unit/semantic-checks-*.test.ts',
    'test/unit/semantic-json.test.ts',
    'test/unit/semantic-rollup.test.ts',
    'test/unit/rollup-definitions.test.ts',
    'test/property/lang-roundtrip.test.ts',
  ],
  // Lowering to the IR by the goldens, the formula planner's and planner's tests (which read the lowered
  // measures) and the SQL text goldens. On 2026-12-02 a coverage run of every unit, golden and property
  // file found none other reaching this part's uncovered mutants but lang-robust (minutes a run): the
  // uncovered lowering paths have tests of their own (semantic-lower-*, first: they are fast and aimed).
  'semantic-3': [
    'test/unit/semantic-lower-aggregate.test.ts',
    'test/unit/semantic-lower-formula.test.ts',
    'test/unit/semantic-lower-row.test.ts',
    'test/unit/semantic-lower-structure.test.ts',
    'test/golden/lang-golden.test.ts',
    'test/unit/semantic-analyze.test.ts',
    'test/unit/plan-formula.test.ts',
    'test/unit/plan-planner.test.ts',
    'test/golden/emit-sql.test.ts',
    'test/property/lang-roundtrip.test.ts',
  ],
  // The JSON form, the printer and the rest by the goldens, the analyzer's tests (JSON definitions),
  // their own tests (semantic-types, semantic-diagnostics, semantic-json, semantic-print), EXPLAIN's
  // printer tests and the round trip.
  'semantic-4': [
    'test/golden/lang-golden.test.ts',
    'test/unit/semantic-analyze.test.ts',
    'test/unit/semantic-types.test.ts',
    'test/unit/semantic-diagnostics.test.ts',
    'test/unit/semantic-json.test.ts',
    'test/unit/semantic-print.test.ts',
    'test/unit/rollup-definitions.test.ts',
    'test/unit/plan-print.test.ts',
    'test/property/lang-roundtrip.test.ts',
  ],
  // The parser and the rest of the language (highlighting by the guide's pages).
  'lang-3': [...LANG, 'test/unit/docs-guide.test.ts'],
  // The quoting core (literals, bind parameters, inlining) by its own tests, including the runs on
  // PGlite that check quoted values round-trip through a real parser: without them (the group's set) the
  // part measured 68.1 % on 2026-12-02, with them 91.4 % earlier.
  'emit-3': [
    'test/unit/emit-literal.test.ts',
    'test/unit/emit-params.test.ts',
    'test/unit/emit-expressions.test.ts',
    'test/golden/emit-sql.test.ts',
    'test/local/emit-inline.test.ts',
    'test/local/emit-quoting.test.ts',
  ],
  'lang-1': [
    'test/unit/lang-limits.test.ts',
    'test/golden/lang-golden.test.ts',
    'test/unit/semantic-analyze.test.ts',
  ],
};

const REPORTS = 'reports/mutation';
const cacheDir = process.env.STRYKER_CACHE_DIR ?? join(import.meta.dirname, '..', 'mutation', 'incremental');
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Killed + timed out over all counted mutants, as a percentage with one decimal. */
function percent(counts) {
  const detected = counts.Killed + counts.Timeout;
  const all = detected + counts.Survived + counts.NoCoverage;
  return { all, pct: all ? ((100 * detected) / all).toFixed(1) : '-' };
}

/** A group's score from its parts' JSON reports: (killed + timed out) / (those + survived + no coverage). */
function score(group) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  const perPart = [];
  // A part's report, else its incremental file (the same JSON schema, written by the part's last run).
  const parts = GROUPS[group].map((_, i) => {
    const report = join(REPORTS, `${group}-${i + 1}.json`);
    const incremental = join(cacheDir, `${group}-${i + 1}.json`);
    return existsSync(report) || !existsSync(incremental) ? report : incremental;
  });
  const missing = parts.filter((f) => !existsSync(f));
  for (const f of parts.filter((f) => existsSync(f))) {
    const own = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
    for (const file of Object.values(JSON.parse(readFileSync(f, 'utf8')).files)) {
      for (const m of file.mutants) if (m.status in own) own[m.status]++;
    }
    for (const k of Object.keys(counts)) counts[k] += own[k];
    const { all, pct } = percent(own);
    perPart.push(`  ${f.match(/([a-z]+-\d+)\.json$/)[1]}: ${pct} % of ${all}`);
  }
  const { all, pct } = percent(counts);
  const note = missing.length ? ` (parts not run: ${missing.map((f) => f.match(/-(\d+)\.json$/)[1]).join(', ')})` : '';
  return [
    `mutation ${group}: ${pct} % killed: ${all} mutants, ${counts.Killed} killed, ${counts.Timeout} timed out, ${counts.Survived} survived, ${counts.NoCoverage} without coverage${note}`,
    ...perPart,
  ].join('\n');
}

const args = process.argv.slice(2);
const isTarget = (a) => a.split(':')[0] in GROUPS;
const named = args.filter(isTarget);
const rest = args.filter((a) => !isTarget(a) && a !== '--scores');
const unknown = rest.filter((a) => !a.startsWith('-') && !rest[rest.indexOf(a) - 1]?.startsWith('--'));
if (unknown.length) {
  console.error(`unknown mutation group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const targets = named.length ? named : Object.keys(GROUPS);
if (args.includes('--scores')) {
  for (const t of targets) console.log(score(t.split(':')[0]));
  process.exit(0);
}
mkdirSync(cacheDir, { recursive: true });
let failed = 0;
for (const target of targets) {
  const [group, only] = target.split(':');
  GROUPS[group].forEach((files, i) => {
    if (only && Number(only) !== i + 1) return;
    const part = `${group}-${i + 1}`;
    const tests = process.env.MUTATION_TESTS ?? (PART_TESTS[part] ?? TESTS[group]).join(',');
    const mutate = [...files, '!src/**/index.ts'].join(',');
    console.log(`mutation: ${part} (${mutate}) with tests ${tests}`);
    const run = spawnSync(
      'npx',
      ['stryker', 'run', '--mutate', mutate, '--incrementalFile', join(cacheDir, `${part}.json`), ...rest],
      { stdio: 'inherit', env: { ...process.env, STRYKER_GROUP: part, MUTATION_TESTS: tests } },
    );
    if (run.status !== 0) failed++;
  });
  console.log(score(group));
}
process.exit(failed ? 1 : 0);
