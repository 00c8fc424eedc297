// @ts-nocheck
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** Runs the CLI in-process and returns its exit code and what it printed. */
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

describe('kpi compile', () => {
  it("prints federated Trino SQL for the seed's cac, loaded by id, with its parameters", async () => {
    const r = await kpi('compile', '--kpi', 'cac', '--grain', 'month', ...range, '--dialect', 'trino');
    expect(r.code).toBe(0);
    expect(r.out).toContain('-- dialect: trino');
    expect(r.out).toContain('"payments"."finance"."expenses"');
    expect(r.out).toContain('"users"."public"."accounts"');
    expect(r.out).toContain('NULLIF(CAST(j."m1" AS double), 0)');
    expect(r.out).toContain('-- params: ["2025-01-01T00:00:00.000Z","2025-04-01T00:00:00.000Z"');
  });

  it('prints PostgreSQL SQL with a --where filter bound as $n, never spliced', async () => {
    const r = await kpi(
      'compile',
      '--kpi',
      'mrr',
      '--grain',
      'week',
      ...range,
      '--tz',
      'Europe/Berlin',
      '--dims',
      'plan_type',
      '--where',
      "region = 'e''u; DROP TABLE x'",
      '--dialect',
      'postgres',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(`date_trunc('week', t0."started_at", 'Europe/Berlin')`);
    expect(r.out).toContain('(t0."region" = $3)');
    expect(r.out).not.toMatch(/DROP TABLE x'[^"]/);
    expect(r.out).toContain(`"e'u; DROP TABLE x"`);
  });

  it('compiles an inline DSL formula and a --defs file of seed JSON', async () => {
    const dsl = await kpi(
      'compile',
      '--dsl',
      'count(distinct analytics.events.account_id)',
      '--grain',
      'day',
      ...range,
    );
    expect(dsl.code).toBe(0);
    expect(dsl.out).toContain('COUNT(DISTINCT t0."account_id")');
    const dir = mkdtempSync(join(tmpdir(), 'kpi-cli-'));
    const file = join(dir, 'defs.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'spend',
        name: 'Spend',
        category: 'business',
        description: '',
        formula: {
          type: 'simple',
          expression: 'SUM(x)',
          variables: [
            {
              name: 'x',
              source: { database: 'finance', table: 'expenses', column: 'amount', aggregation: 'sum' },
            },
          ],
        },
        aggregations: ['month'],
        dimensions: ['channel'],
      }),
    );
    const defs = await kpi(
      'compile',
      '--defs',
      file,
      '--kpi',
      'spend',
      '--grain',
      'month',
      ...range,
      '--plan',
    );
    expect(defs.code).toBe(0);
    expect(defs.out).toContain('plan spend grain=month');
    expect(defs.out).toContain('SUM(t0."amount")');
  });

  it('reports problems as errors with codes and a non-zero exit', async () => {
    const unknown = await kpi('compile', '--kpi', 'nope', '--grain', 'month', ...range);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no KPI "nope"; known: .*cac.*mrr/);
    const unreachable = await kpi(
      'compile',
      '--kpi',
      'cac',
      '--dims',
      'device',
      '--grain',
      'month',
      ...range,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toBe(
      'error unreachable-dimension: dimension "device" is not reachable from finance.expenses: no column of that name on it or on a table it joins to',
    );
    const bad = await kpi('compile', '--dsl', 'sum(users.accounts.nope)', '--grain', 'month', ...range);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^--dsl:1:\d+: error unknown-column: users\.accounts has no column "nope"/);
    const grain = await kpi('compile', '--kpi', 'mrr', '--grain', 'fortnight', ...range);
    expect(grain.code).toBe(2);
    expect(grain.err).toMatch(/--grain fortnight is not one of/);
  });

  it('--inline writes the values in place of the placeholders, quotes doubled, text in quotes untouched', async () => {
    const where = ['--where', "region = 'it''s $1 ?'"];
    const pg = await kpi(
      'compile',
      '--kpi',
      'mrr',
      '--grain',
      'month',
      ...range,
      ...where,
      '--dialect',
      'postgres',
      '--inline',
    );
    expect(pg.code).toBe(0);
    const outsideQuotes = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");
    expect(outsideQuotes(pg.out)).not.toMatch(/\$\d/);
    expect(pg.out).toContain("CAST('2025-01-01T00:00:00.000Z' AS timestamptz)");
    expect(pg.out).toContain(`(t0."region" = 'it''s $1 ?')`);
    expect(pg.out).not.toContain('-- params');
    const trino = await kpi('compile', '--kpi', 'mrr', '--grain', 'month', ...range, ...where, '--inline');
    expect(trino.code).toBe(0);
    expect(trino.out).toContain("TIMESTAMP '2025-01-01 00:00:00.000 UTC'");
    expect(trino.out).toContain(`'it''s $1 ?'`);
    expect(outsideQuotes(trino.out)).not.toContain('?');
  });
});
