// @ts-nocheck
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** Runs the CLI in-process and returns its exit code and what it printed on stdout and stderr. */
async function kpi(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

const range = ['--from', '2025-01-01', '--to', '2025-04-01'];

describe('kpi arguments', () => {
  it.each(['check', 'compile', 'query', 'explain', 'rollup'])(
    'kpi %s --help prints its usage on stdout, exit 0',
    async (cmd) => {
      const r = await kpi(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^usage: kpi ${cmd}`));
      expect(r.out).toContain('--catalog FILE');
      const short = await kpi(cmd, '-h');
      expect(short.out).toBe(r.out);
    },
  );

  it('--help wins over other mistakes on the line, and `kpi help compile` is the same', async () => {
    const r = await kpi('compile', '--grian', 'month', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: kpi compile/);
    expect((await kpi('help', 'compile')).out).toBe(r.out);
  });

  it('kpi, kpi --help: the command list on stdout; --version: the package version', async () => {
    const r = await kpi();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: kpi <command>/);
    expect(r.out).toContain('compile');
    const v = await kpi('--version');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^kpi-engine \d+\.\d+\.\d+$/);
  });

  it('refuses an unknown command with a did-you-mean, exit 2', async () => {
    const r = await kpi('compiel', '--kpi', 'mrr');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kpi: unknown command "compiel" \(did you mean "compile"\?\)/);
    expect(r.out).toBe('');
  });

  it('refuses unknown options with a did-you-mean instead of ignoring them', async () => {
    const grian = await kpi('compile', '--kpi', 'mrr', '--grian', 'month', ...range);
    expect(grian.code).toBe(2);
    expect(grian.err).toBe(
      'kpi compile: unknown option --grian (did you mean --grain?) (see kpi compile --help)',
    );
    const bogus = await kpi('compile', '--kpi', 'mrr', '--bogus', '1', ...range);
    expect(bogus.code).toBe(2);
    expect(bogus.err).toBe('kpi compile: unknown option --bogus (see kpi compile --help)');
    const check = await kpi('check', '--jsno', 'fixtures/demo-kpis.kpi');
    expect(check.err).toMatch(/unknown option --jsno \(did you mean --json\?\)/);
  });

  it('says which option lacks a value and which takes none', async () => {
    expect((await kpi('compile', '--kpi')).err).toBe(
      'kpi compile: --kpi needs a value (ID) (see kpi compile --help)',
    );
    expect((await kpi('compile', '--kpi', 'mrr', '--plan=yes', ...range)).err).toBe(
      'kpi compile: --plan takes no value (see kpi compile --help)',
    );
    expect((await kpi('compile', 'mrr')).err).toMatch(/unexpected argument "mrr"/);
  });

  it('refuses impossible dates naming the option, exit 2, instead of moving them (issue 10)', async () => {
    for (const [from, to, said] of [
      ['2025-02-30', '2025-04-01', /^--from 2025-02-30 has day 30; 2025-02 has 28 days/],
      ['2025-01-01', '2025-13-45', /^--to 2025-13-45 has month 13/],
      ['0001-01-01', '2025-01-01', /^--from 0001-01-01 has year 0001/],
    ] as const) {
      for (const command of ['compile', 'query']) {
        const r = await kpi(command, '--kpi', 'mrr', '--grain', 'month', '--from', from, '--to', to);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(said);
        expect(r.out).toBe('');
      }
    }
  });

  it('suggests the KPI, the dimension, the grain and the dialect meant', async () => {
    const k = await kpi('compile', '--kpi', 'mrrr', ...range);
    expect(k.code).toBe(2);
    expect(k.err).toMatch(/^--kpi: no KPI "mrrr" \(did you mean "mrr"\?\); known: /);
    const d = await kpi('compile', '--kpi', 'mrr', '--dims', 'plan_type,regoin', ...range);
    expect(d.code).toBe(2);
    expect(d.err).toBe(
      '--dims: KPI "mrr" has no dimension "regoin" (did you mean "region"?); its dimensions: plan_type, region',
    );
    expect((await kpi('compile', '--kpi', 'mrr', '--grain', 'mnoth', ...range)).err).toMatch(
      /--grain mnoth is not one of .* \(did you mean month\?\)/,
    );
    expect((await kpi('compile', '--kpi', 'mrr', '--dialect', 'postgre', ...range)).err).toMatch(
      /\(did you mean postgres\?\)/,
    );
  });

  it('honours --catalog in every command: a catalog of its own replaces the demo one', async () => {
    const missing = '/nonexistent/catalog.json';
    for (const argv of [
      ['check', '--catalog', missing, 'fixtures/demo-kpis.kpi'],
      ['compile', '--catalog', missing, '--kpi', 'mrr', ...range],
      ['query', '--catalog', missing, '--kpi', 'mrr', ...range],
      ['explain', '--catalog', missing, '--kpi', 'mrr', ...range],
      ['rollup', 'ddl', 'all', '--catalog', missing],
    ]) {
      const r = await kpi(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(/^--catalog \/nonexistent\/catalog\.json: ENOENT/);
    }
    // The demo catalog named explicitly works like the default, without the demo KPIs (--dsl instead).
    const own = await kpi(
      'compile',
      '--catalog',
      'fixtures/demo-catalog.json',
      '--dsl',
      'sum(payments.subscriptions.amount)',
      ...range,
    );
    expect(own.code).toBe(0);
    expect(own.out).toContain('SUM(t0."amount")');
  });
});
