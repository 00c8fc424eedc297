import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { TableRef } from '../../src/catalog/types.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import type { FormulaExpr, KpiIR, Measure, RowExpr } from '../../src/ir/kpi.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { parseExpression } from '../../src/lang/parse.ts';
import {
  analyzeDefinitions,
  analyzeDsl,
  printExpr,
  printKpi,
  printMeasure,
  printRollup,
} from '../../src/semantic/index.ts';

// The DSL printer (src/semantic/print.ts): the text it writes must read back as the same thing. The
// expected texts below follow the precedence table of docs/language.md ("Operators, loosest first"):
// or < and < not < comparisons/in/between/is/like < + - < * / % < unary -.

const catalog = loadCatalog();
const errors = (r: { diagnostics: readonly Diagnostic[] }) =>
  r.diagnostics.filter((d) => d.severity === 'error');

type Expr = RowExpr | FormulaExpr;
const dim = (name: string): Expr => ({ kind: 'dimension', name });
const lit = (value: string | number | boolean | null): Expr => ({ kind: 'literal', value }) as Expr;
const num = lit;
const bin = (op: string, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right }) as Expr;
const not = (operand: Expr): Expr => ({ kind: 'unary', op: 'not', operand }) as Expr;
const neg = (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand }) as Expr;
const subs: TableRef = { source: 'payments', table: 'subscriptions' };
const col = (source: string, table: string, column: string): Expr =>
  ({ kind: 'column', table: { source, table }, column }) as Expr;

/** The printed text parses without diagnostics (so the parentheses it has are the ones it needs). */
function parses(text: string): string {
  const p = parseExpression(text);
  expect(p.diagnostics).toEqual([]);
  return text;
}

describe('printExpr: parentheses follow precedence', () => {
  it('parenthesizes an or under an and, but not an and under an or', () => {
    // `a or b and c` would read back as a or (b and c).
    expect(parses(printExpr(bin('and', bin('or', dim('a'), dim('b')), dim('c'))))).toBe('(a or b) and c');
    expect(printExpr(bin('or', bin('and', dim('a'), dim('b')), dim('c')))).toBe('a and b or c');
  });

  it('prints arithmetic inside a comparison bare, and a comparison inside a comparison in parentheses', () => {
    expect(parses(printExpr(bin('=', bin('+', dim('a'), num(1)), dim('b'))))).toBe('a + 1 = b');
    // Comparisons do not chain: `a = b = true` is not the same expression (nor, here, valid).
    expect(parses(printExpr(bin('=', bin('=', dim('a'), dim('b')), lit(true))))).toBe('(a = b) = true');
  });

  it('keeps not looser than a comparison', () => {
    // `not a = b` reads as not (a = b).
    expect(parses(printExpr(bin('=', not(dim('a')), dim('b'))))).toBe('(not a) = b');
    expect(parses(printExpr(not(bin('=', dim('a'), dim('b')))))).toBe('not a = b');
  });

  it('prints a negation as -(…) and lets it bind tighter than * and /', () => {
    expect(parses(printExpr(bin('*', neg(dim('a')), num(2))))).toBe('-(a) * 2');
    expect(parses(printExpr(bin('-', num(2), neg(num(1)))))).toBe('2 - -(1)');
  });

  it.each([
    [
      'in',
      { kind: 'in', operand: dim('a'), values: [num(1), num(2)], negated: false },
      '(a in (1, 2)) = true',
    ],
    [
      'between',
      { kind: 'between', operand: dim('a'), low: num(1), high: num(2), negated: false },
      '(a between 1 and 2) = true',
    ],
    ['is null', { kind: 'is_null', operand: dim('a'), negated: true }, '(a is not null) = true'],
    ['like', { kind: 'like', operand: dim('a'), pattern: lit('x%'), negated: false }, "(a like 'x%') = true"],
  ])('binds %s like a comparison: in parentheses under another comparison', (_, e, text) => {
    expect(parses(printExpr(bin('=', e as Expr, lit(true))))).toBe(text);
  });
});

describe('printExpr: literals and names', () => {
  it('prints null, booleans, -0 and quotes', () => {
    expect(printExpr(lit(null))).toBe('null');
    expect(printExpr(lit(false))).toBe('false');
    // -0 and 0 are the same number in SQL; `-0` would read back as a negation.
    expect(printExpr(num(-0))).toBe('0');
    expect(printExpr(num(-2.5))).toBe('-2.5');
    expect(printExpr(lit("it's"))).toBe("'it''s'");
  });

  it('prints durations in the singular for one and the plural otherwise', () => {
    expect(printExpr({ kind: 'duration', duration: { amount: 1, unit: 'month' } } as Expr)).toBe('1 month');
    expect(printExpr({ kind: 'duration', duration: { amount: 7, unit: 'day' } } as Expr)).toBe('7 days');
  });

  it('quotes names that are keywords (in any case) or not identifiers', () => {
    expect(printExpr(dim('region'))).toBe('region');
    expect(printExpr(dim('Select_2'))).toBe('Select_2');
    expect(printExpr(dim('Between'))).toBe('`Between`');
    expect(printExpr(dim('a b'))).toBe('`a b`');
    expect(printExpr(dim('a`b'))).toBe('`a``b`');
  });

  it('never replaces a dimension by an inlined measure of the same name', () => {
    // Only measure references are written in place; a dimension m1 stays the dimension m1.
    const inline = new Map([['m1', 'sum(payments.subscriptions.amount)']]);
    expect(printExpr(dim('m1'), { inline })).toBe('m1');
    expect(printExpr({ kind: 'measure_ref', name: 'm1' } as Expr, { inline })).toBe(
      'sum(payments.subscriptions.amount)',
    );
  });

  it('prints a case without else as … end', () => {
    // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
    const e = { kind: 'case', whens: [{ when: dim('a'), then: num(1) }] } as unknown as Expr;
    expect(parses(printExpr(e))).toBe('case when a then 1 end');
  });

  it('refuses an expression kind it does not know', () => {
    expect(() => printExpr({ kind: 'nonsense' } as unknown as Expr)).toThrow(
      'unhandled expression: {"kind":"nonsense"}',
    );
  });
});

describe('printExpr: columns', () => {
  it('qualifies a column when there is no table to be relative to', () => {
    expect(printExpr(col('payments', 'subscriptions', 'amount'))).toBe('payments.subscriptions.amount');
  });

  it('prints only own-table columns bare inside a where filter', () => {
    const where = { table: { source: 'analytics', table: 'events' }, bareOwn: true };
    expect(printExpr(col('analytics', 'events', 'type'), where)).toBe('type');
    // Same source, another table; and the same table name under another source: not own.
    expect(printExpr(col('analytics', 'sessions', 'device'), where)).toBe('analytics.sessions.device');
    expect(printExpr(col('other', 'events', 'type'), where)).toBe('other.events.type');
  });

  it('prints a joined column bare only when the bare name resolves to it', () => {
    const ctx = { table: subs, catalog };
    // subscriptions joins accounts, which alone has country.
    expect(printExpr(col('users', 'accounts', 'country'), ctx)).toBe('country');
    // Both tables have region: bare, it would be the subscriptions' own.
    expect(printExpr(col('users', 'accounts', 'region'), ctx)).toBe('users.accounts.region');
  });
});

describe('printMeasure', () => {
  const m: Measure = {
    name: 'm1',
    fn: 'count',
    table: subs,
    arg: null,
    timeColumn: 'started_at',
    filter: bin('=', col('users', 'accounts', 'country'), lit('DE')) as RowExpr,
  } as Measure;

  it('prints a joined column of its filter bare with the catalog and qualified without', () => {
    expect(printMeasure(m, catalog)).toBe("count(payments.subscriptions where country = 'DE')");
    expect(printMeasure(m)).toBe(
      "count(payments.subscriptions where users.accounts.country = 'DE') on started_at",
    );
  });

  it('prints a joined argument bare with the catalog', () => {
    const d = {
      ...m,
      fn: 'count_distinct',
      arg: col('users', 'accounts', 'country'),
      filter: null,
    } as Measure;
    expect(printMeasure(d, catalog)).toBe('count(distinct country)');
  });

  it('spells out the time column of a table the catalog does not have', () => {
    const elsewhere = { ...m, table: { source: 'nowhere', table: 'x' }, filter: null } as Measure;
    expect(printMeasure(elsewhere, catalog)).toBe('count(nowhere.x) on started_at');
    const noTable = { ...m, table: { source: 'payments', table: 'nothing' }, filter: null } as Measure;
    expect(printMeasure(noTable, catalog)).toBe('count(payments.nothing) on started_at');
  });
});

describe('printKpi reads back as the same KPI', () => {
  const roundTrip = (text: string, expected?: RegExp) => {
    const r = analyzeDsl(text, { catalog });
    expect(errors(r)).toEqual([]);
    const kpi = r.kpis[0]!;
    for (const printed of [printKpi(kpi, catalog), printKpi(kpi)]) {
      if (expected) expect(printed).toMatch(expected);
      const again = analyzeDsl(printed, { catalog });
      expect(errors(again)).toEqual([]);
      expect(again.kpis[0]).toEqual(kpi);
    }
    return printKpi(kpi, catalog);
  };

  it('keeps lets when only some measures have generated names', () => {
    const text = roundTrip(
      'kpi g { let m1 = sum(payments.subscriptions.amount)\n let revenue = count(payments.subscriptions)\n formula: m1 / revenue }',
    );
    expect(text).toContain('  let revenue = count(payments.subscriptions)\n');
  });

  it('keeps a let used twice (writing it twice would make two measures)', () => {
    const text = roundTrip('kpi f { let m1 = sum(payments.subscriptions.amount)\n formula: m1 * m1 }');
    expect(text).toContain('formula: m1 * m1');
  });

  it('writes aggregates used once in place, in every kind of formula expression', () => {
    const text = roundTrip(
      "kpi d = case when sum(payments.subscriptions.amount) between 1 and max(payments.subscriptions.amount) then 1 when count(payments.subscriptions) in (1, 2) then 2 when max(payments.subscriptions.currency) like 'E%' then 3 when min(payments.subscriptions.amount) is null then 4 else avg(payments.subscriptions.amount) end",
    );
    expect(text).not.toContain('let ');
  });

  it('writes a case without else in place of its aggregates', () => {
    const text = roundTrip(
      'kpi e = case when sum(payments.subscriptions.amount) > 0 then count(payments.subscriptions) end',
    );
    expect(text).toContain(
      'formula: case when sum(payments.subscriptions.amount) > 0 then count(payments.subscriptions) end\n',
    );
  });

  it('writes a schedule without a time zone as the frequency alone', () => {
    roundTrip(
      'kpi c { formula: sum(payments.subscriptions.amount)\n schedule: hour }',
      /\n {2}schedule: hour\n/,
    );
    roundTrip(
      "kpi c { formula: sum(payments.subscriptions.amount)\n schedule: day, 'Europe/Berlin' }",
      /\n {2}schedule: day, 'Europe\/Berlin'\n/,
    );
  });

  it('writes approximate only when it differs from what the measures imply', () => {
    roundTrip(
      'kpi c { formula: sum(payments.subscriptions.amount)\n approximate: true }',
      /\n {2}approximate: true\n/,
    );
    const text = roundTrip('kpi c { formula: sum(payments.subscriptions.amount) }');
    expect(text).not.toContain('approximate');
  });

  it('writes the metadata the DSL can hold and leaves the rest out', () => {
    const r = analyzeDefinitions(
      {
        id: 'x',
        name: 'X',
        category: 'business',
        description: '',
        formula: {
          type: 'simple',
          expression: 'SUM(a)',
          variables: [
            {
              name: 'a',
              source: { database: 'payments', table: 'subscriptions', column: 'amount', aggregation: 'sum' },
            },
          ],
        },
        aggregations: [],
        dimensions: [],
        metadata: {
          owner: 'ops',
          tier: 2,
          draft: false,
          retired: null,
          'bad key': 1,
          '1a': 2,
          'a-b': 3,
          nested: { a: 1 },
        },
      },
      { catalog },
    );
    expect(errors(r)).toEqual([]);
    // Keys must be identifiers (`metadata: k = v`) and values scalars: the others have no DSL form.
    expect(printKpi(r.kpis[0]!, catalog)).toContain(
      "\n  metadata: owner = 'ops', tier = 2, draft = false, retired = null\n",
    );
  });

  it('refuses a formula kind it does not know', () => {
    const kpi = analyzeDsl('kpi t = sum(payments.subscriptions.amount)', { catalog }).kpis[0]!;
    const bogus = { ...kpi, formula: { kind: 'nonsense' } } as unknown as KpiIR;
    expect(() => printKpi(bogus, catalog)).toThrow('unhandled formula: {"kind":"nonsense"}');
  });

  it('writes no thresholds line for thresholds without a level', () => {
    const kpi = analyzeDsl('kpi t = sum(payments.subscriptions.amount)', { catalog }).kpis[0]!;
    expect(printKpi({ ...kpi, thresholds: {} } as KpiIR, catalog)).not.toContain('thresholds');
  });
});

describe('printRollup', () => {
  it('leaves out the dimensions, measures and filter it does not have', () => {
    const r = {
      name: 'bare',
      table: subs,
      grain: 'day',
      timezone: 'UTC',
      dimensions: [],
      measures: [],
    } as unknown as RollupDef;
    expect(printRollup(r)).toBe(
      "rollup bare on payments.subscriptions {\n  grain: day;\n  timezone: 'UTC';\n}\n",
    );
  });
});
