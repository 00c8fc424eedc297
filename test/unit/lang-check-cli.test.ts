import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/kpi.mjs', import.meta.url));
const kpi = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, 'check', ...args], { input, encoding: 'utf8', timeout: 60_000 });

describe('npx kpi check', () => {
  it('passes the demo definitions (DSL and the seed JSON) with exit 0', () => {
    const r = kpi(['fixtures/demo-kpis.kpi', 'fixtures/seed-kpis.json']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ok: 20 KPIs checked/);
    expect(r.status).toBe(0);
  });

  it('prints file:line:col: error code: message and exits 1, reading stdin with -', () => {
    const r = kpi(['-'], 'kpi x {\n  formula: sum(payments.subscriptions.amout)\n}\n');
    expect(r.stdout).toBe(
      '<stdin>:2:39: error unknown-column: payments.subscriptions has no column "amout" (did you mean "amount"?)\n',
    );
    expect(r.status).toBe(1);
  });

  it('reports as JSON with --json, seed JSON on stdin included', () => {
    const r = kpi(['-', '--json'], JSON.stringify({ id: 'x', name: 'x' }));
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.files[0].diagnostics[0]).toMatchObject({ code: 'invalid-definition', severity: 'error' });
    expect(r.status).toBe(1);
  });
});
