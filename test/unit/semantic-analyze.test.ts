import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalog, loadCatalog } from '../../src/catalog/load.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import {
  analyzeDefinitions,
  analyzeDsl,
  analyzeFormula,
  DEMO_KPI_FILES,
  loadRegistry,
  parseFilter,
  printKpi,
} from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const seed = JSON.parse(readFileSync(new URL('../../fixtures/seed-kpis.json', import.meta.url), 'utf8'));
const demo = loadRegistry(DEMO_KPI_FILES, catalog);
const errors = (r: { diagnostics: readonly Diagnostic[] }) =>
  r.diagnostics.filter((d) => d.severity === 'error');

describe('the seed JSON KPIDefinitions', () => {
  it('accepts mrr and cac verbatim', () => {
    const r = analyzeDefinitions(seed, { catalog });
    expect(errors(r)).toEqual([]);
    expect(r.kpis.map((k) => k.id)).toEqual(['mrr', 'cac']);
  });

  it('reads SUM over a variable already aggregated with sum as the variable itself', () => {
    const mrr = analyzeDefinitions(seed[0], { catalog }).kpis[0]!;
    expect(mrr.formula).toEqual({ kind: 'measure_ref', name: 'subscription_amount' });
    expect(mrr.measures).toHaveLength(1);
    expect(mrr.measures[0]).toMatchObject({
      fn: 'sum',
      table: { source: 'payments', table: 'subscriptions' },
      timeColumn: 'started_at',
    });
  });

  it('resolves the logical database finance', () => {
    const cac = analyzeDefinitions(seed[1], { catalog }).kpis[0]!;
    expect(cac.measures.map((m) => `${m.fn} ${m.table.source}.${m.table.table}`)).toEqual([
      'sum finance.expenses',
      'count users.accounts',
    ]);
    expect(cac.formula).toEqual({
      kind: 'binary',
      op: '/',
      left: { kind: 'measure_ref', name: 'marketing_spend' },
      right: { kind: 'measure_ref', name: 'new_customers' },
    });
  });

  it('reports zod errors with the JSON path', () => {
    const r = analyzeDefinitions(
      [{ ...seed[0], category: 'money', formula: { ...seed[0].formula, expression: 3 } }],
      { catalog },
    );
    const messages = errors(r).map((d) => d.message);
    expect(messages.some((m) => m.startsWith('$[0].category:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('$[0].formula.expression:'))).toBe(true);
  });

  it('names the variable whose column does not exist', () => {
    const bad = structuredClone(seed[1]);
    bad.formula.variables[0].source.column = 'amout';
    const r = analyzeDefinitions(bad, { catalog });
    expect(errors(r)[0]).toMatchObject({ code: 'unknown-column' });
    expect(errors(r)[0]!.message).toContain('$.formula.variables[0]');
    expect(errors(r)[0]!.hint).toBe('did you mean "amount"?');
  });
});

describe('the demo KPIs', () => {
  it('load without errors, with at least 14 KPIs and the rollups', () => {
    expect(demo.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(demo.registry.size).toBeGreaterThanOrEqual(16);
    expect(demo.rollups.map((r) => r.name)).toContain('subscriptions_daily');
  });

  it('keeps derived KPIs as references and lists them in dependsOn', () => {
    const arpa = demo.registry.get('arpa')!;
    expect(arpa.dependsOn).toEqual(['mrr_active']);
    expect(arpa.formula).toMatchObject({
      kind: 'binary',
      op: '/',
      left: { kind: 'kpi_ref', id: 'mrr_active' },
    });
  });

  it('marks interval-valid measures', () => {
    expect(demo.registry.get('mrr_active')!.measures[0]!.validity).toEqual({
      startColumn: 'started_at',
      endColumn: 'canceled_at',
    });
  });

  it.each([...demo.registry.keys()])('%s prints to DSL that analyzes back to the same IR', (id) => {
    const kpi = demo.registry.get(id)!;
    for (const text of [printKpi(kpi, catalog), printKpi(kpi)]) {
      const again = analyzeDsl(text, { catalog, registry: demo.registry });
      expect(errors(again)).toEqual([]);
      expect(again.kpis[0]).toEqual(kpi);
    }
  });
});

describe('diagnostics', () => {
  const check = (text: string) => analyzeDsl(text, { catalog, registry: demo.registry }).diagnostics;

  it('suggests the closest column and points at it', () => {
    const [d] = check('kpi x = sum(payments.subscriptions.amout)');
    expect(d).toMatchObject({ code: 'unknown-column', hint: 'did you mean "amount"?' });
    expect(d!.span.start).toMatchObject({ line: 1, column: 36 });
  });

  it('reports several syntax errors at once', () => {
    expect(
      check('kpi a = 1 +\nkpi b = (2\nkpi c = sum(').filter((d) => d.code === 'syntax').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('rejects an aggregate inside an aggregate and a bare column', () => {
    expect(check('kpi z = sum(sum(payments.subscriptions.amount))')[0]!.code).toBe('nested-aggregate');
    expect(check('kpi z = payments.subscriptions.amount + 1')[0]!.code).toBe('bare-column');
  });

  it('rejects type errors', () => {
    expect(check('kpi z = sum(payments.subscriptions.currency)')[0]!.code).toBe('type-mismatch');
    expect(check('kpi z = count(analytics.events where ts > 3)')[0]!.message).toBe(
      'cannot compare a timestamp with a bigint',
    );
  });

  it('prints derived-KPI cycles', () => {
    const [d] = check('kpi a = b + 1\nkpi b = a * 2');
    expect(d).toMatchObject({ code: 'kpi-cycle', message: 'derived KPIs form a cycle: a → b → a' });
  });

  it('names the table that cannot reach a dimension', () => {
    const [d] = check('kpi c { formula: sum(finance.expenses.amount) dimensions: device }');
    expect(d).toMatchObject({ code: 'unreachable-dimension' });
    expect(d!.message).toContain('finance.expenses');
  });

  it.each([
    ['kpi x = sum(constructor.a.b)', 'unknown-source'],
    ['kpi x = sum(payments.toString.b)', 'unknown-table'],
    ['kpi x = sum(payments.subscriptions.constructor)', 'unknown-column'],
    ['kpi x = constructor(1)', 'unknown-function'],
    ['kpi x { formula: count(users.accounts) dimensions: __proto__ }', 'unknown-dimension'],
  ])('treats %s as an unknown name, not an Object.prototype member', (text, code) => {
    expect(check(text)[0]!.code).toBe(code);
  });

  it('names an unknown KPI with a suggestion', () => {
    expect(check('kpi g = growth(mrr_activ, 1 month)')[0]).toMatchObject({
      code: 'unknown-name',
      hint: 'did you mean "mrr_active"?',
    });
  });
});

describe('inline formulas and filters', () => {
  it('analyzes an ad-hoc formula as KPI adhoc', () => {
    const r = analyzeFormula('sum(payments.subscriptions.amount) / count(users.accounts.id)', { catalog });
    expect(r.kpis[0]!.id).toBe('adhoc');
    expect(r.kpis[0]!.measures.map((m) => m.name)).toEqual(['m1', 'm2']);
  });

  it('parses a filter with bare names as dimensions', () => {
    const r = parseFilter("region = 'eu' and plan_type in ('pro','enterprise')", { catalog });
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
  });

  it('rejects an unknown dimension in a filter', () => {
    expect(parseFilter("regoin = 'eu'", { catalog }).diagnostics[0]).toMatchObject({
      code: 'unknown-dimension',
      hint: 'did you mean "region"?',
    });
  });
});

describe('names against the catalog', () => {
  const check = (text: string) =>
    analyzeDsl(text, { catalog }).diagnostics.map((d) => ({
      code: d.code,
      message: d.message,
      hint: d.hint ?? null,
      from: d.span.start.column,
      to: d.span.end.column,
    }));
  const measure = (text: string) => analyzeDsl(text, { catalog }).kpis[0]?.measures[0];

  it("reads source.schema.table.column only with the source's own schema", () => {
    // payments lives in the schema public (fixtures/demo-catalog.json).
    expect(measure('kpi x = sum(payments.public.subscriptions.amount)')).toEqual(
      measure('kpi x = sum(payments.subscriptions.amount)'),
    );
    // A span ends at the column after its last character. "billing" follows the 21 characters of
    // `kpi x = sum(payments.` and is 7 long.
    expect(check('kpi x = sum(payments.billing.subscriptions.amount)')).toEqual([
      {
        code: 'unknown-schema',
        message: 'source "payments" has no schema "billing"',
        hint: 'its schema is "public"',
        from: 22,
        to: 29,
      },
    ]);
  });

  it('refuses a name of five parts as a whole, pointing at all of it', () => {
    // The name starts after the 12 characters of `kpi x = sum(` and is 42 characters long.
    expect(check('kpi x = sum(payments.public.subscriptions.amount.cents)')).toEqual([
      {
        code: 'bad-name',
        message:
          '"payments.public.subscriptions.amount.cents" is not a table or column name: write source.table.column',
        hint: null,
        from: 13,
        to: 55,
      },
    ]);
  });

  it('names a bare column its table lacks, suggesting one of its own', () => {
    // `statu` follows the 48 characters of `kpi x = sum(payments.subscriptions.amount where `.
    expect(check("kpi x = sum(payments.subscriptions.amount where statu = 'active')")).toEqual([
      {
        code: 'unknown-column',
        message: 'payments.subscriptions has no column "statu"',
        hint: 'did you mean "status"?',
        from: 49,
        to: 54,
      },
    ]);
  });

  it('lets a filter read a table the aggregate reaches through its joins, and no other', () => {
    // subscriptions join accounts (account_id → id): the filter reads accounts' column.
    const joined = measure("kpi x = count(payments.subscriptions where users.accounts.country = 'DE')");
    expect(joined?.filter).toMatchObject({
      kind: 'binary',
      left: { kind: 'column', table: { source: 'users', table: 'accounts' }, column: 'country' },
    });
    // events and sessions share the source analytics, but events join only accounts. The name follows
    // the 37 characters of `kpi x = count(analytics.events where ` and is 25 long.
    expect(check("kpi x = count(analytics.events where analytics.sessions.device = 'ios')")).toEqual([
      {
        code: 'mixed-tables',
        message: 'analytics.sessions cannot be reached from analytics.events, the table this aggregate reads',
        hint: null,
        from: 38,
        to: 63,
      },
    ]);
  });

  // A catalog through the loader: customers refer to customers (a join cycle), refunds stand alone,
  // `code` is text on orders but a number on customers, and the source archive has its own orders.
  const table = (columns: Record<string, string>, joins: [string, string][] = []) => ({
    primaryKey: 'id',
    timeColumn: 'at',
    columns: { id: 'bigint', at: 'timestamp', ...columns },
    joins: joins.map(([column, to]) => ({ column, to: { source: 'shop', table: to, column: 'id' } })),
  });
  const shop = buildCatalog({
    connections: { pg: { engine: 'postgres', env: 'SHOP_URL', trinoCatalog: 'shop' } },
    sources: {
      shop: {
        connection: 'pg',
        schema: 'public',
        tables: {
          orders: table({ customer_id: 'bigint', code: 'string' }, [['customer_id', 'customers']]),
          customers: table({ referrer_id: 'bigint', code: 'bigint' }, [['referrer_id', 'customers']]),
          refunds: table({ amount: 'double' }),
        },
      },
      archive: { connection: 'pg', schema: 'archive', tables: { orders: table({ note: 'string' }) } },
    },
  });

  it('ends the search for a joined table on a join cycle', () => {
    const r = analyzeDsl('kpi x = count(shop.orders where shop.refunds.amount > 0)', { catalog: shop });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['mixed-tables', 'shop.refunds cannot be reached from shop.orders, the table this aggregate reads'],
    ]);
  });

  it('tells a table from one of the same name in another source', () => {
    const r = analyzeDsl("kpi x = count(shop.orders where archive.orders.note = 'A1')", { catalog: shop });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['mixed-tables', 'archive.orders cannot be reached from shop.orders, the table this aggregate reads'],
    ]);
  });

  it('types a query filter on a dimension by the first table that declares it', () => {
    // `code` is first declared on orders, as text: a text comparison passes, a number one is refused.
    expect(parseFilter("code = 'A1'", { catalog: shop }).diagnostics).toEqual([]);
    expect(parseFilter('code = 7', { catalog: shop }).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['type-mismatch', 'cannot compare a string with a bigint'],
    ]);
  });
});
