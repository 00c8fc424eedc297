// @ts-nocheck
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/kpi.mjs', import.meta.url));
// The test runner may set FORCE_COLOR; each case states the colour settings it means.
const { FORCE_COLOR: _force, NO_COLOR: _no, ...plainEnv } = process.env;
const kpi = (args: string[], input?: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, 'check', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...plainEnv, ...env },
  });

describe('npx kpi check', () => {
  it('passes the demo definitions (DSL and the seed JSON) with exit 0', () => {
    const r = kpi(['fixtures/demo-kpis.kpi', 'fixtures/seed-kpis.json']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ok: 20 KPIs checked/);
    expect(r.status).toBe(0);
  });

  it('prints file:line:col: error code: message, the source line and a caret span, and exits 1, reading stdin with -', () => {
    const r = kpi(['-'], 'kpi x {\n  formula: sum(payments.subscriptions.amout)\n}\n');
    expect(r.stdout).toBe(
      [
        '<stdin>:2:39: error unknown-column: payments.subscriptions has no column "amout" (did you mean "amount"?)',
        '2 |   formula: sum(payments.subscriptions.amout)',
        '  |                                       ^^^^^',
        '',
      ].join('\n'),
    );
    expect(r.status).toBe(1);
  });

  it('colours only when asked: FORCE_COLOR colours, NO_COLOR wins over a terminal, a pipe stays plain', () => {
    const input = 'kpi x = sum(payments.subscriptions.amout)\n';
    const forced = kpi(['-'], input, { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[31merror unknown-column\u001b[39m');
    expect(forced.stdout).toContain('\u001b[31m^^^^^\u001b[39m');
    const piped = kpi(['-'], input);
    expect(piped.stdout).not.toContain('\u001b[');
    const noColor = kpi(['-'], input, { NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('shows the root error once, not the errors of every KPI derived from it', () => {
    const r = kpi(['-'], 'kpi a = sum(payments.subscriptions.amout)\nkpi b = a * 2\nkpi c = b + a\n');
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes(': error '))).toEqual([
      '<stdin>:1:36: error unknown-column: payments.subscriptions has no column "amout" (did you mean "amount"?)',
    ]);
    expect(lines.at(-1)).toBe(
      '<stdin>: note: 3 more errors follow from this: b, c derive from KPIs with errors (--json lists them)',
    );
    expect(r.stderr).toMatch(/^1 error \(and 3 that follow from them\): 0 KPIs checked/);
    expect(r.status).toBe(1);
    const json = JSON.parse(
      kpi(['-', '--json'], 'kpi a = sum(payments.subscriptions.amout)\nkpi b = a * 2\n').stdout,
    );
    expect(json.files[0].diagnostics.map((d: { code: string }) => d.code)).toEqual([
      'unknown-column',
      'broken-dependency',
    ]);
  });

  it('shortens a long source line around the span and keeps the caret under it', () => {
    const long = `kpi x = ${'1 + '.repeat(60)}sum(payments.subscriptions.amout)\n`;
    const lines = kpi(['-'], long).stdout.split('\n');
    const caret = lines[2]!.indexOf('^');
    expect(lines[1]!.length).toBeLessThan(140);
    expect(lines[1]!.slice(caret, caret + 5)).toBe('amout');
  });

  it('reports as JSON with --json, seed JSON on stdin included', () => {
    const r = kpi(['-', '--json'], JSON.stringify({ id: 'x', name: 'x' }));
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.files[0].diagnostics[0]).toMatchObject({ code: 'invalid-definition', severity: 'error' });
    expect(r.status).toBe(1);
  });
});
