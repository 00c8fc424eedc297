/** `npm run data`: mistyped options get a clear one-line message, long table loads report progress. */
// @ts-nocheck

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROGRESS_MIN_ROWS, progress } from '../../src/data/progress.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run data -- ARGS` is `node scripts/start.mjs data ARGS` (package.json), without npm's banner. */
function data(...args: string[]) {
  return spawnSync(process.execPath, ['scripts/start.mjs', 'data', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('npm run data', () => {
  it('refuses a mistyped option with a did-you-mean and the usage, no stack trace, exit 2', () => {
    const r = data('--scael', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('data: unknown option --scael (did you mean --scale?)');
    expect(r.stderr).toContain('usage: npm run data --');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('says which option lacks its value, and refuses stray arguments', () => {
    const missing = data('--seed');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('data: --seed needs a value');
    const stray = data('0.01');
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('data: unexpected argument 0.01');
    for (const r of [missing, stray]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its usage with --help', () => {
    const r = data('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--scale');
  });
});

describe('load progress', () => {
  it('reports each tenth of a long table once, with the rate', () => {
    const lines: string[] = [];
    const report = progress('analytics.events', 100_000, (line) => lines.push(line));
    for (let done = 5_000; done <= 100_000; done += 5_000) report(done);
    expect(lines).toHaveLength(9); // 10% … 90%; the table's own summary line says 100%
    expect(lines[0]).toMatch(/^demo data: analytics\.events: 10000 of 100000 rows \(10%, \d+\/s\)$/);
    expect(lines[8]).toContain('90000 of 100000 rows (90%');
  });

  it('reports a jump past several tenths as one line, and nothing for short tables', () => {
    const lines: string[] = [];
    const report = progress('t', 1_000_000, (line) => lines.push(line));
    report(450_000);
    report(460_000);
    expect(lines).toEqual([expect.stringContaining('450000 of 1000000 rows (40%')]);
    const short: string[] = [];
    const quiet = progress('small', PROGRESS_MIN_ROWS - 1, (line) => short.push(line));
    quiet(PROGRESS_MIN_ROWS - 1);
    expect(short).toEqual([]);
  });
});
