/** The v2 language facade end to end: demo files, the seed's JSON verbatim, diagnostics, filters. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { formatDiagnostic } from '../../src/ir/diagnostic.ts';
import * as lang from '../../src/semantic/v2/index.ts';
import { demoKpis } from './compile-kpis.ts';

const catalog = loadCatalog();
const loaded = lang.loadRegistry(lang.DEMO_KPI_FILES, catalog);
const registry = loaded.registry;

const check = (text: string) =>
  lang.analyzeDsl(text, { catalog, registry }).diagnostics.map((d) => formatDiagnostic('t.kpi', d));

describe('demo definitions', () => {
  it('load without a single diagnostic', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(registry.size).toBeGreaterThanOrEqual(16);
    expect(loaded.rollups.map((r) => r.name)).toEqual(['subscriptions_daily']);
  });

  it("accept the seed's mrr and cac verbatim, meaning what the compiler's hand-built IR means", () => {
    const hand = new Map(demoKpis(catalog).map((k) => [k.id, k]));
    for (const id of ['mrr', 'cac']) {
      const mine = registry.get(id)!;
      const theirs = hand.get(id)!;
      expect(mine.formula).toEqual(theirs.formula);
      expect(mine.measures.map((m) => ({ ...m, filter: null }))).toEqual(
        theirs.measures.map((m) => ({ ...m, filter: null })),
      );
      expect(mine.dimensions).toEqual(theirs.dimensions);
    }
    expect(registry.get('cac')!.grains).toEqual(['month', 'quarter']);
  });

  it('interval-valid MRR, derived ARPA and the time functions', () => {
    expect(registry.get('mrr_active')!.measures[0]!.validity).toEqual({
      startColumn: 'started_at',
      endColumn: 'canceled_at',
    });
    const arpa = registry.get('arpa')!;
    expect(arpa.dependsOn).toEqual(['mrr_active']);
    expect(arpa.formula).toMatchObject({
      kind: 'binary',
      op: '/',
      left: { kind: 'kpi_ref', id: 'mrr_active' },
    });
    expect(registry.get('mrr_growth_mom')!.formula).toEqual({
      kind: 'growth',
      expr: { kind: 'kpi_ref', id: 'mrr_active' },
      offset: { amount: 1, unit: 'month' },
    });
    expect(registry.get('revenue_rolling_7d')!.formula).toMatchObject({
      kind: 'rolling',
      window: { amount: 7, unit: 'day' },
    });
    expect(registry.get('revenue_mtd')!.formula).toMatchObject({ kind: 'to_date', period: 'month' });
    expect(registry.get('p95_subscription_amount')!.measures[0]).toMatchObject({
      fn: 'percentile',
      fraction: 0.95,
    });
    expect(registry.get('distinct_active_accounts')!.measures[0]!.fn).toBe('count_distinct');
  });

  it('every demo KPI prints to DSL that analyzes back to the same IR', () => {
    for (const k of registry.values()) {
      const again = lang.analyzeDsl(lang.printKpi(k), { catalog, registry });
      expect(again.diagnostics).toEqual([]);
      expect(again.kpis).toEqual([k]);
    }
  });
});

describe('diagnostics', () => {
  it('name unknown columns and tables with a suggestion, several at once', () => {
    expect(check('kpi a = sum(payments.subscriptions.amout) / count(users.acounts.id)')).toEqual([
      't.kpi:1:36: error unknown-column: table payments.subscriptions has no column "amout" (did you mean "amount"?)',
      't.kpi:1:57: error unknown-table: source "users" has no table "acounts" (did you mean "accounts"?)',
    ]);
    expect(check('kpi a = sum(paymnts.subscriptions.amount)')[0]).toContain(
      'unknown source "paymnts" (did you mean "payments"?)',
    );
  });

  it('reject a sum of strings, time compared to a number, nested aggregates, bare columns', () => {
    expect(check('kpi a = sum(payments.subscriptions.plan_type)')[0]).toContain('type-mismatch');
    expect(check('kpi a = count(payments.subscriptions.* where started_at > 5)')[0]).toContain(
      'cannot compare a timestamp to a number',
    );
    expect(check('kpi a = sum(sum(payments.subscriptions.amount))')[0]).toContain('nested-aggregate');
    expect(check('kpi a = payments.subscriptions.amount')[0]).toContain('bare-column');
    expect(check('kpi a = amount + 1')[0]).toContain('bare-column');
  });

  it('name the table a dimension cannot be reached from', () => {
    expect(check('kpi d { formula: sum(finance.expenses.amount) dimensions: plan_type }')).toEqual([
      't.kpi:1:59: error unreachable-dimension: dimension "plan_type" cannot be reached from finance.expenses: it has no such column and no declared join leads to one',
    ]);
    // Through a derived KPI: arpa reads accounts itself and subscriptions through mrr_active.
    expect(check('kpi x { formula: arpa * 2 dimensions: device }')[0]).toContain('from users.accounts');
  });

  it('print derived-KPI cycles', () => {
    expect(check('kpi e = f\nkpi f = e')).toEqual([
      't.kpi:1:5: error kpi-cycle: derived KPIs form a cycle: e → f → e',
      't.kpi:2:5: error kpi-cycle: derived KPIs form a cycle: f → e → f',
    ]);
    expect(check('kpi e = e + 1')[0]).toContain('kpi-cycle');
  });

  it('report several syntax errors and still check the clean declarations', () => {
    const ds = check('kpi h { formula: 1 + }\nkpi ok = sum(payments.subscriptions.amout)\nkpi j = (1');
    expect(ds.filter((d) => d.includes('syntax')).length).toBeGreaterThanOrEqual(2);
    expect(ds.some((d) => d.includes('did you mean "amount"'))).toBe(true);
  });

  it('zod errors name the JSON path', () => {
    const seed = JSON.parse(readFileSync(lang.DEMO_KPI_FILES[0]!, 'utf8'));
    seed[1].formula.variables[0].source.aggregation = 'total';
    const ds = lang.analyzeDefinitions(seed, { catalog }).diagnostics;
    expect(ds[0]!.message).toContain('[1] formula.variables[0].source.aggregation');
  });
});

describe('filters and ad-hoc formulas', () => {
  it('parse bare names as dimensions', () => {
    const r = lang.parseFilter("region = 'eu' and plan_type in ('pro','enterprise')", { catalog });
    expect(r.diagnostics).toEqual([]);
    expect(r.expr).toEqual({
      kind: 'binary',
      op: 'and',
      left: {
        kind: 'binary',
        op: '=',
        left: { kind: 'dimension', name: 'region' },
        right: { kind: 'literal', value: 'eu', type: 'string' },
      },
      right: {
        kind: 'in',
        operand: { kind: 'dimension', name: 'plan_type' },
        values: [
          { kind: 'literal', value: 'pro', type: 'string' },
          { kind: 'literal', value: 'enterprise', type: 'string' },
        ],
        negated: false,
      },
    });
    expect(lang.parseFilter('region = ', { catalog }).expr).toBeNull();
  });

  it('make an adhoc KPI of an inline formula, deduplicating equal aggregates', () => {
    const r = lang.analyzeFormula(
      'sum(payments.subscriptions.amount) / sum(payments.subscriptions.amount) + 1',
      {
        catalog,
        registry,
      },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.kpis[0]!.id).toBe('adhoc');
    expect(r.kpis[0]!.measures.map((m) => m.name)).toEqual(['m1']);
  });
});
