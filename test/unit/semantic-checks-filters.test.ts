/**
 * A KPI's `filter:` (docs/language.md: applies to every measure; bare names are dimensions): a true/false
 * condition on dimensions every table the KPI's measures read can reach, each table told apart by source
 * and name. Also what analyzeKpi hands back besides the IR: the bare names a filter uses.
 */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/load.ts';
import type { Span } from '../../src/ir/kpi.ts';
import type { Expr, KpiDecl } from '../../src/lang/ast.ts';
import { parseExpression, parseProgram } from '../../src/lang/parse.ts';
import { analyzeKpi } from '../../src/semantic/analyze-kpi.ts';
import { at, check, demoCatalog, kpiOf } from '../support/kpi-check.ts';

const kpi = (formula: string, filter: string) => `kpi a {\n  formula: ${formula}\n  filter: ${filter}\n}`;

describe('filter conditions', () => {
  it('refuses a filter that is not a condition, at the filter', () => {
    const text = kpi('count(users.accounts)', 'region');
    expect(check(text)).toEqual([
      `${at(text, 'region')} error type-mismatch: a filter is a true/false condition, not a string`,
    ]);
  });

  it('reports a filter naming an unknown column as that, and nothing else', () => {
    const text = kpi('count(users.accounts)', "regoin = 'eu'");
    expect(check(text)).toEqual([
      `${at(text, 'regoin')} error unreachable-dimension: dimension "regoin" cannot be reached from users.accounts (did you mean "region"?)`,
    ]);
  });
});

describe('the tables a filter must reach', () => {
  it('checks the table of a one-measure KPI', () => {
    // finance.expenses has no device and joins nothing.
    const text = kpi('sum(finance.expenses.amount)', "device = 'ios'");
    expect(check(text)).toEqual([
      `${at(text, 'device')} error unreachable-dimension: dimension "device" cannot be reached from finance.expenses`,
    ]);
  });

  it('checks each table of the same source: events has type, sessions has not', () => {
    const text = kpi('count(analytics.events) / count(analytics.sessions)', "type = 'signup'");
    expect(check(text)).toEqual([
      `${at(text, 'type')} error unreachable-dimension: dimension "type" cannot be reached from analytics.sessions`,
    ]);
    // Both tables join users.accounts, which has region: a filter on it passes.
    expect(
      kpiOf(kpi('count(analytics.events) / count(analytics.sessions)', "region = 'eu'"))?.filters,
    ).toHaveLength(1);
  });

  it('checks tables of the same name in two sources as two tables', () => {
    const table = (columns: Record<string, string>) => ({
      primaryKey: 'id',
      timeColumn: 'at',
      columns: { id: 'bigint', at: 'timestamp', ...columns },
    });
    const catalog = buildCatalog({
      connections: { pg: { engine: 'postgres', env: 'SHOP_URL', trinoCatalog: 'shop' } },
      sources: {
        shop: { connection: 'pg', schema: 'public', tables: { orders: table({ channel: 'string' }) } },
        archive: { connection: 'pg', schema: 'archive', tables: { orders: table({ note: 'string' }) } },
      },
    });
    const text = kpi('count(shop.orders) + count(archive.orders)', "channel = 'web'");
    expect(check(text, { catalog })).toEqual([
      `${at(text, 'channel')} error unreachable-dimension: dimension "channel" cannot be reached from archive.orders`,
    ]);
  });
});

describe('analyzeKpi', () => {
  const decl = (text: string): KpiDecl => parseProgram(text).value![0] as KpiDecl;

  it('hands back each bare name of the filters with where it is first used, and no dotted name', () => {
    // Every kind of node that holds names: comparison, not, in (operand and list), between (all three),
    // case (when and then), is null, like, a call and a minus. The dotted name at the end is a column
    // named in full, not a dimension: neither it nor its first part is handed back. region, named again
    // last, keeps the span of its first use.
    const text = kpi(
      'count(payments.subscriptions)',
      "region = 'eu' and not (channel in ('ads', country) or amount between account_id and started_at) " +
        "and (case when canceled_at is null then email like '%.de' else abs(-id) > 0 end) " +
        "and payments.subscriptions.plan_type is not null and region != 'us'",
    );
    const a = analyzeKpi({ decl: decl(text) }, demoCatalog, new Set(), []);
    // Where the name first occurs as a word of its own (account_id holds "id" but not as a word).
    const first = (name: string) => {
      const offset = text.search(new RegExp(`\\b${name}\\b`));
      const before = text.slice(0, offset).split('\n');
      return `${before.length}:${before.at(-1)!.length + 1}`;
    };
    const names = [...a.filterDimensions].map(([n, s]: [string, Span]) => [
      n,
      `${s.start.line}:${s.start.column}`,
    ]);
    const expected = [
      'region',
      'channel',
      'country',
      'amount',
      'account_id',
      'started_at',
      'canceled_at',
      'email',
      'id',
    ];
    expect(names).toEqual(expected.map((n) => [n, first(n)]));
  });

  it("puts a let's message prefix before the diagnostics of its aggregate", () => {
    const d = decl('kpi a {\n  let paid = sum(payments.subscriptions.amout)\n  formula: paid\n}');
    const out: Parameters<typeof analyzeKpi>[3] = [];
    analyzeKpi(
      { decl: d, letPrefixes: new Map([['paid', '$.variables[0]: ']]) },
      demoCatalog,
      new Set(),
      out,
    );
    expect(out.map((x) => `${x.code}: ${x.message}`)).toEqual([
      'unknown-column: $.variables[0]: payments.subscriptions has no column "amout"',
    ]);
  });

  it('takes the short-form formula, refusing a formula property next to it', () => {
    // The grammar never gives both; a caller building declarations may.
    const d = decl('kpi a {\n  formula: count(users.accounts)\n}');
    const both: KpiDecl = { ...d, formula: parseExpression('count(payments.subscriptions)').value as Expr };
    const out: Parameters<typeof analyzeKpi>[3] = [];
    expect(analyzeKpi({ decl: both }, demoCatalog, new Set(), out).ir).toBeNull();
    expect(out.map((x) => `${x.span.start.line}:${x.span.start.column} ${x.code}: ${x.message}`)).toEqual([
      '2:3 duplicate-property: the formula is given twice',
    ]);
  });
});
