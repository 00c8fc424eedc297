/** `check` of the v2 language: file:line:col lines, exit codes, --json. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkCommand } from '../../src/semantic/v2/check-cli.ts';

afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  return out;
}

describe('v2 check command', () => {
  it('prints one line per problem and exits 1', async () => {
    const out = capture();
    expect(await checkCommand(['fixtures/golden/lang-v2/errors-types.kpi'])).toBe(1);
    expect(out[0]).toBe(
      'fixtures/golden/lang-v2/errors-types.kpi:1:13: error type-mismatch: sum() needs numbers, but this is a string',
    );
    expect(out).toHaveLength(8);
  });

  it('exits 0 on the demo files, DSL and seed JSON alike', async () => {
    capture();
    expect(await checkCommand(['fixtures/lang-v2/demo-kpis.kpi', 'fixtures/lang-v2/seed-kpis.json'])).toBe(0);
  });

  it('--json reports the checked KPIs and the diagnostics as data', async () => {
    const out = capture();
    expect(await checkCommand(['fixtures/golden/lang-v2/errors-syntax.kpi', '--json'])).toBe(1);
    const report = JSON.parse(out.join('\n'));
    expect(report.ok).toBe(false);
    expect(report.files[0].kpis).toEqual(['ok']);
    expect(report.files[0].diagnostics[0]).toMatchObject({
      code: 'syntax',
      span: { start: { line: 1, column: 22 } },
    });
  });
});
