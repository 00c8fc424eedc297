// `npm run mutation:planted [-- N…]`: plants each of issue 19's ten one-line bugs in the engine core, one
// at a time, runs the behaviour tests that must catch it (the `unit` and `local` projects, never only a
// golden's text), and restores the file. Prints one line per bug and exits 1 when a bug survives. The source is
// restored even when the run is interrupted (the original text is written back in `finally` and on
// SIGINT). Takes a few minutes; not part of `.ci/run`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const BUGS = [
  {
    bug: 'year boundary at any month start (align.ts onBoundary: mo === 1 → true)',
    file: 'src/optimize/align.ts',
    from: '  return mo === 1;\n}',
    to: '  return true;\n}',
    tests: ['test/property/time-zones.test.ts', 'test/unit/optimize-select-rollups.test.ts'],
  },
  {
    bug: 'quarters off by one (align.ts: (mo - 1) % 3 → mo % 3)',
    file: 'src/optimize/align.ts',
    from: '(mo! - 1) % 3 === 0',
    to: 'mo! % 3 === 0',
    tests: ['test/property/time-zones.test.ts', 'test/unit/optimize-align.test.ts'],
  },
  {
    bug: 'parseInstant reads a local time with one offset lookup (time.ts)',
    file: 'src/shared/time.ts',
    from: '  return wallToInstant(wall, zone);\n}',
    to: '  return wall - zoneOffsetMs(wall, zone);\n}',
    tests: ['test/property/time-zones.test.ts'],
  },
  {
    bug: 'rollup watermark read as inclusive (tiles.ts: > → >=)',
    file: 'src/optimize/tiles.ts',
    from: 'Math.min(end, watermark)',
    to: 'Math.min(end, watermark + 1)',
    tests: ['test/unit/optimize-select-rollups.test.ts', 'test/unit/optimize-tiles.test.ts'],
  },
  {
    bug: 'rollup staleness judged by the range start, not its end (tiles.ts)',
    file: 'src/optimize/tiles.ts',
    from: 'Math.min(end, watermark)',
    to: 'start < watermark ? end : watermark',
    tests: ['test/unit/optimize-select-rollups.test.ts', 'test/unit/optimize-tiles.test.ts'],
  },
  {
    bug: 'range end included (emit.ts: < → <=)',
    file: 'src/emit/emit.ts',
    from: '`${time} < ${this.boundParam(b.range.end)}`',
    to: '`${time} <= ${this.boundParam(b.range.end)}`',
    tests: ['test/local/emit-sql-run.test.ts'],
  },
  {
    bug: 'spine dropped from the null-safe join of a single measure (emit.ts)',
    file: 'src/emit/emit.ts',
    from: 'if (j.inputs.length === 1 && !j.spine)',
    to: 'if (j.inputs.length === 1)',
    tests: ['test/local/emit-sql-run.test.ts'],
  },
  {
    bug: 'modulo without NULLIF (expressions.ts)',
    file: 'src/emit/expressions.ts',
    from: '`(${l} % NULLIF(${r}, 0))`',
    to: '`(${l} % ${r})`',
    tests: ['test/local/emit-sql-run.test.ts'],
  },
  {
    bug: 'safe division without NULLIF (expressions.ts)',
    file: 'src/emit/expressions.ts',
    from: '/ NULLIF(CAST(${right} AS ${t}), 0)`',
    to: '/ CAST(${right} AS ${t})`',
    tests: ['test/local/emit-sql-run.test.ts'],
  },
  {
    bug: "quote doubling replaceAll → replace (literal.ts)",
    file: 'src/emit/literal.ts',
    from: `value.replaceAll("'", "''")`,
    to: `value.replace("'", "''")`,
    tests: ['test/local/emit-quoting.test.ts'],
  },
];

const only = process.argv.slice(2).map(Number);
let restore = () => {};
process.on('SIGINT', () => {
  restore();
  process.exit(130);
});
let survived = 0;
for (const [i, b] of BUGS.entries()) {
  if (only.length && !only.includes(i + 1)) continue;
  const original = readFileSync(b.file, 'utf8');
  if (original.split(b.from).length !== 2) {
    console.log(`${i + 1}. ${b.bug}: NOT PLANTED (the line to change is not found once in ${b.file})`);
    survived++;
    continue;
  }
  restore = () => writeFileSync(b.file, original);
  try {
    writeFileSync(b.file, original.replace(b.from, b.to));
    const run = spawnSync('npx', ['vitest', 'run', '--project', 'unit', '--project', 'local', ...b.tests], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const failing = [...new Set((run.stdout + run.stderr).match(/(?<=FAIL .*?)test\/\S+\.test\.ts[^\n]*/g) ?? [])];
    const killed = run.status !== 0 && failing.length > 0;
    if (!killed) survived++;
    console.log(`${i + 1}. ${b.bug}: ${killed ? 'killed' : 'SURVIVED'}`);
    for (const f of failing.slice(0, 3)) console.log(`     ${f}`);
  } finally {
    restore();
    restore = () => {};
  }
}
process.exit(survived ? 1 : 0);
