/**
 * Formula expansion (src/plan/formula-planner.ts) through the planner: one aggregate instance per
 * distinct (measure, filters, window), derived KPIs planned once and shared only when read twice,
 * windows stacked outermost first, and each refusal (unknown names, cycles, bad durations and
 * periods, the derivation, depth and measure limits) with its code and message.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Duration, FormulaExpr, KpiIR, Measure, RowExpr } from '../../src/ir/kpi.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import { aggregatesOf } from '../../src/plan/nodes.ts';
import { periodWindow, planQuery } from '../../src/plan/planner.ts';
import { printExpr } from '../../src/plan/print.ts';
import { refusal } from '../support/compile-refusal.ts';
import { col, eq, kpi, measure, query, ref, str, T } from './compile-kpis.ts';

const catalog = loadCatalog();
const amount = measure(catalog, 'amount', 'sum', T.subscriptions, 'amount');
const kpiRef = (id: string): FormulaExpr => ({ kind: 'kpi_ref', id });
const num = (value: number): FormulaExpr => ({ kind: 'literal', value, type: 'bigint' });
const bin = (op: '+' | '-' | '*' | '/', left: FormulaExpr, right: FormulaExpr): FormulaExpr => ({
  kind: 'binary',
  op,
  left,
  right,
});
const month = (amount: number): Duration => ({ amount, unit: 'month' });
const EU: RowExpr = eq(col(catalog, T.subscriptions, 'region'), str('eu'));

function planOf(kpis: KpiIR[], id = kpis[0]!.id) {
  const registry = new Map(kpis.map((k) => [k.id, k]));
  return planQuery(registry.get(id)!, query(id), { catalog, registry });
}
/** Each instance: its name, measure, filters and window, as text. */
function instances(p: ReturnType<typeof planOf>): string[] {
  return p.root.input.inputs.flatMap(aggregatesOf).map((a) => {
    const b = a.bucketing;
    const window = b.kind === 'spine' ? b.window.map((w) => Object.values(w).join(' ')).join(' ∘ ') : '';
    return `${a.name} ${a.source} [${a.input.conditions.map(printExpr).join(' and ')}] ${window}`.trim();
  });
}
const k = (f: FormulaExpr) => planOf([kpi('k', f, [amount])]);
const formula = (p: ReturnType<typeof planOf>) => printExpr(p.root.value);
const shared = (p: ReturnType<typeof planOf>) =>
  (p.root.shared ?? []).map((s) => `${s.name} = ${printExpr(s.value)}`);

describe('instances', () => {
  it('aggregates a measure read twice once; the same definition under another name too', () => {
    const twin: Measure = { ...amount, name: 'amount_again' };
    const p = planOf([
      kpi('k', bin('+', ref('amount'), bin('*', ref('amount_again'), ref('amount'))), [amount, twin]),
    ]);
    expect(instances(p)).toEqual(['m0 k.amount []']);
    expect(formula(p)).toBe('(m0 + (m0 * m0))');
  });

  it('keeps measures that differ in anything but their name apart', () => {
    const avg: Measure = { ...amount, name: 'avg', fn: 'avg' };
    const eu: Measure = { ...amount, name: 'eu', filter: EU };
    const p = planOf([kpi('k', bin('+', ref('amount'), bin('+', ref('avg'), ref('eu'))), [amount, avg, eu])]);
    expect(instances(p)).toEqual([
      'm0 k.amount []',
      'm1 k.avg []',
      "m2 k.eu [(payments.subscriptions.region = 'eu')]",
    ]);
  });

  it('names an unknown measure and KPI', () => {
    expect(refusal(() => planOf([kpi('k', ref('nope'), [amount])]))).toBe(
      'unknown-measure: KPI "k" has no measure "nope"',
    );
    expect(refusal(() => planOf([kpi('k', kpiRef('nope'), [amount])]))).toBe(
      'unknown-kpi: KPI "k" refers to unknown KPI "nope"',
    );
  });
});

describe('derived KPIs', () => {
  const base = kpi('base', ref('amount'), [amount]);
  const euBase = kpi('eu_base', ref('amount'), [amount], { filters: [EU] });

  it('adds a derived KPI filters to the filters around it, for its measures only', () => {
    const p = planOf([kpi('k', bin('/', kpiRef('eu_base'), kpiRef('base')), []), base, euBase]);
    expect(instances(p)).toEqual([
      "m0 eu_base.amount [(payments.subscriptions.region = 'eu')]",
      'm1 base.amount []',
    ]);
    // Filters around a KPI apply to the KPIs it reads.
    const outer = kpi('outer', kpiRef('base'), [], { filters: [EU] });
    expect(instances(planOf([outer, base]))).toEqual([
      "m0 base.amount [(payments.subscriptions.region = 'eu')]",
    ]);
  });

  it('shares a derived KPI read twice under one name, in dependency order; one read once is put in place', () => {
    const twice = kpi('twice', bin('*', num(2), ref('amount')), [amount]);
    const p = planOf([
      kpi('k', bin('+', kpiRef('twice'), bin('-', kpiRef('twice'), kpiRef('once'))), []),
      twice,
      kpi('once', bin('+', ref('amount'), num(1)), [amount]),
    ]);
    expect(shared(p)).toEqual(['v0 = (2 * m0)']);
    expect(formula(p)).toBe('(v0 + (v0 - (m0 + 1)))');
    // A chain: each level read twice, each shared value reading only earlier ones.
    const l1 = kpi('l1', bin('*', num(3), ref('amount')), [amount]);
    const l2 = kpi('l2', bin('+', kpiRef('l1'), kpiRef('l1')), []);
    const top = kpi('top', bin('-', kpiRef('l2'), kpiRef('l2')), []);
    const chain = planOf([top, l2, l1]);
    expect(shared(chain)).toEqual(['v0 = (3 * m0)', 'v1 = (v0 + v0)']);
    expect(formula(chain)).toBe('(v1 - v1)');
  });

  it('reads a derived KPI that is a bare measure or literal directly, never naming it', () => {
    const p = planOf([
      kpi('k', bin('+', kpiRef('base'), bin('+', kpiRef('base'), kpiRef('one'))), []),
      base,
      kpi('one', num(1), []),
    ]);
    expect(shared(p)).toEqual([]);
    expect(formula(p)).toBe('(m0 + (m0 + 1))');
    const twice = planOf([
      kpi('k', bin('+', ref('amount'), bin('*', kpiRef('one'), kpiRef('one'))), [amount]),
      kpi('one', num(1), []),
    ]);
    expect(shared(twice)).toEqual([]);
    expect(formula(twice)).toBe('(m0 + (1 * 1))');
  });

  it('keeps the growths of two operands apart, and shares an operand nested growths read twice', () => {
    const n = measure(catalog, 'n', 'count', T.subscriptions, null);
    const growth = (expr: FormulaExpr): FormulaExpr => ({ kind: 'growth', offset: month(1), expr });
    const apart = planOf([
      kpi('k', bin('-', growth(bin('+', ref('amount'), num(1))), growth(bin('+', ref('n'), num(1)))), [
        amount,
        n,
      ]),
    ]);
    expect(instances(apart)).toEqual([
      'm0 k.amount []',
      'm1 k.amount [] shift 1 month',
      'm2 k.n []',
      'm3 k.n [] shift 1 month',
    ]);
    expect(formula(apart)).toBe('((((m0 + 1) - v1) / v1) - (((m2 + 1) - v3) / v3))');
    // growth(growth(x)) reads x under no shift, one shift (twice) and two shifts: x + 1 one month back
    // is planned once and read through its name.
    const nested = planOf([kpi('k', growth(growth(bin('+', ref('amount'), num(1)))), [amount])]);
    expect(instances(nested).map((i) => i.replace(/^m\d /, ''))).toEqual([
      'k.amount []',
      'k.amount [] shift 1 month',
      'k.amount [] shift 1 month ∘ shift 1 month',
    ]);
    const text = [...shared(nested), formula(nested)].join('\n');
    expect(text.match(/\(m1 \+ 1\)/g)).toEqual(['(m1 + 1)']);
    expect(shared(nested)).toContainEqual('v1 = (m1 + 1)');
  });

  it('refuses a cycle, naming its path, and a chain deeper than MAX_DERIVATION_DEPTH', () => {
    const a = kpi('a', bin('+', kpiRef('b'), ref('amount')), [amount]);
    const b = kpi('b', kpiRef('c'), []);
    const c = kpi('c', kpiRef('a'), []);
    expect(refusal(() => planOf([a, b, c]))).toBe('kpi-cycle: KPI references form a cycle: a → b → c → a');
    const self = kpi('self', kpiRef('self'), []);
    expect(refusal(() => planOf([self]))).toBe('kpi-cycle: KPI references form a cycle: self → self');
    const chain = (n: number) => [
      ...Array.from({ length: n }, (_, i) => kpi(`e${i + 1}`, kpiRef(`e${i}`), [])).reverse(),
      kpi('e0', ref('amount'), [amount]),
    ];
    const deepest = LIMITS.MAX_DERIVATION_DEPTH - 1;
    expect(instances(planOf(chain(deepest)))).toEqual(['m0 e0.amount []']);
    expect(refusal(() => planOf(chain(deepest + 1)))).toMatch(
      new RegExp(
        `^limit-exceeded: KPI "e${deepest + 1}" derives from KPIs more than ${LIMITS.MAX_DERIVATION_DEPTH} levels deep \\(… → e1 → e0\\); .*MAX_DERIVATION_DEPTH`,
      ),
    );
  });
});

describe('windows', () => {
  it('previous, rolling and to_date stack their windows outermost first', () => {
    const p = k({
      kind: 'previous',
      offset: { amount: 1, unit: 'year' },
      expr: {
        kind: 'rolling',
        window: month(3),
        expr: { kind: 'to_date', period: 'quarter', expr: ref('amount') },
      },
    });
    expect(instances(p)).toEqual(['m0 k.amount [] shift 1 year ∘ trailing 3 month ∘ to_date quarter']);
    expect(instances(k({ kind: 'to_date', period: null, expr: ref('amount') }))).toEqual([
      'm0 k.amount [] cumulative',
    ]);
  });

  it('growth is (e - previous e) / previous e, both instances once', () => {
    const p = k({ kind: 'growth', offset: month(2), expr: ref('amount') });
    expect(instances(p)).toEqual(['m0 k.amount []', 'm1 k.amount [] shift 2 month']);
    expect(formula(p)).toBe('((m0 - m1) / m1)');
    // A composite operand is read twice (current and previous), so it is shared.
    const g = k({ kind: 'growth', offset: month(1), expr: bin('+', ref('amount'), num(1)) });
    expect(shared(g)).toEqual(['v1 = (m1 + 1)']);
    expect(formula(g)).toBe('(((m0 + 1) - v1) / v1)');
  });

  it('a measure with a seed period is a trailing window inside the windows around it', () => {
    const d30: Measure = { ...amount, name: 'd30', period: 'last_30_days' };
    const p = planOf([kpi('k', { kind: 'previous', offset: month(1), expr: ref('d30') }, [d30])]);
    expect(instances(p)).toEqual(['m0 k.d30 [] shift 1 month ∘ trailing 30 day']);
    const bad: Measure = { ...amount, name: 'bad', period: 'yesterday' };
    expect(refusal(() => planOf([kpi('k', ref('bad'), [bad])]))).toBe(
      'unsupported: measure "bad" of KPI "k" has period "yesterday"; use last_<n>_<unit>s',
    );
  });

  it('refuses a duration that is not a positive whole number, naming the function', () => {
    for (const [kind, d] of [
      ['previous', month(0)],
      ['growth', month(-1)],
      ['rolling', month(1.5)],
    ] as const) {
      const f = (
        kind === 'rolling'
          ? { kind, window: d, expr: ref('amount') }
          : { kind, offset: d, expr: ref('amount') }
      ) as FormulaExpr;
      expect(refusal(() => k(f))).toBe(
        `invalid-query: ${kind}() needs a positive whole duration, got ${d.amount} month`,
      );
    }
    expect(instances(k({ kind: 'rolling', window: month(1), expr: ref('amount') }))).toEqual([
      'm0 k.amount [] trailing 1 month',
    ]);
  });
});

describe('periodWindow', () => {
  it('reads last_<n>_<unit>[s] with a positive n, and nothing else', () => {
    expect(periodWindow('last_30_days')).toEqual({ op: 'trailing', amount: 30, unit: 'day' });
    expect(periodWindow('last_1_month')).toEqual({ op: 'trailing', amount: 1, unit: 'month' });
    expect(periodWindow('last_12_hours')).toEqual({ op: 'trailing', amount: 12, unit: 'hour' });
    for (const bad of [
      'last_0_days',
      'last_-1_days',
      'last_days',
      'last_3_fortnights',
      'xlast_3_days',
      'last_3_daysx',
      'last_3_dayss',
    ])
      expect(periodWindow(bad), bad).toBeNull();
  });
});

describe('formula shapes and limits', () => {
  it('keeps every operator and function of the formula', () => {
    const m = ref('amount');
    const f: FormulaExpr = {
      kind: 'case',
      whens: [
        {
          when: { kind: 'between', operand: m, low: num(1), high: num(2), negated: true },
          // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
          then: { kind: 'call', fn: 'coalesce', args: [{ kind: 'unary', op: '-', operand: m }, num(0)] },
        },
        {
          when: { kind: 'in', operand: m, values: [num(3), num(4)], negated: false },
          // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
          then: num(5),
        },
        // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
        { when: { kind: 'is_null', operand: m, negated: true }, then: num(6) },
      ],
      else: m,
    };
    expect(formula(k(f))).toBe(
      'case when (m0 not between 1 and 2) then coalesce((-m0), 0) when (m0 in (3, 4)) then 5 when (m0 is not null) then 6 else m0 end',
    );
    const noElse: FormulaExpr = {
      kind: 'case',
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      whens: [{ when: m, then: num(1) }],
      else: null,
    };
    expect(formula(k(noElse))).toBe('case when m0 then 1 end');
    const like: FormulaExpr = {
      kind: 'like',
      operand: m,
      pattern: { kind: 'literal', value: 'a%', type: 'string' },
      negated: true,
    };
    expect(formula(k(like))).toBe("(m0 not like 'a%')");
  });

  it(`plans MAX_MEASURES (${LIMITS.MAX_MEASURES}) distinct aggregates and refuses one more`, () => {
    const measures = (n: number) =>
      Array.from(
        { length: n },
        (_, i): Measure => ({
          ...amount,
          name: `m${i}`,
          filter: eq(col(catalog, T.subscriptions, 'amount'), num(i) as RowExpr),
        }),
      );
    const sumOf = (ms: Measure[]) => ms.map((x): FormulaExpr => ref(x.name)).reduce((a, b) => bin('+', a, b));
    const atLimit = measures(LIMITS.MAX_MEASURES);
    expect(instances(planOf([kpi('k', sumOf(atLimit), atLimit)]))).toHaveLength(LIMITS.MAX_MEASURES);
    const over = measures(LIMITS.MAX_MEASURES + 1);
    expect(refusal(() => planOf([kpi('k', sumOf(over), over)]))).toMatch(
      new RegExp(
        `^limit-exceeded: the formula needs more than ${LIMITS.MAX_MEASURES} distinct aggregates; the limit is MAX_MEASURES = ${LIMITS.MAX_MEASURES}$`,
      ),
    );
  });

  it('refuses a formula nested deeper than MAX_EXPRESSION_DEPTH, naming the KPI', () => {
    const nested = (n: number) => {
      let f: FormulaExpr = ref('amount');
      for (let i = 0; i < n; i++) f = { kind: 'unary', op: '-', operand: f };
      return f;
    };
    expect(instances(k(nested(LIMITS.MAX_EXPRESSION_DEPTH)))).toEqual(['m0 k.amount []']);
    expect(refusal(() => k(nested(LIMITS.MAX_EXPRESSION_DEPTH + 1)))).toMatch(
      new RegExp(
        `^limit-exceeded: KPI "k" expands to a formula nested more than ${LIMITS.MAX_EXPRESSION_DEPTH} deep; the limit is MAX_EXPRESSION_DEPTH = ${LIMITS.MAX_EXPRESSION_DEPTH}$`,
      ),
    );
    // The depth counts on through derived KPIs: n levels around a KPI whose formula is m levels deep.
    const around = (n: number, m: number) => {
      let outer: FormulaExpr = kpiRef('inner');
      for (let i = 0; i < n; i++) outer = { kind: 'unary', op: '-', operand: outer };
      return planOf([kpi('outer', outer, []), kpi('inner', nested(m), [amount])]);
    };
    const half = LIMITS.MAX_EXPRESSION_DEPTH / 2;
    expect(instances(around(half, half - 1))).toEqual(['m0 inner.amount []']);
    expect(refusal(() => around(half, half))).toMatch(
      /^limit-exceeded: KPI "outer" expands to a formula nested more than/,
    );
  });

  it('fails loudly on a formula node kind it does not know', () => {
    expect(() => k({ kind: 'window' } as unknown as FormulaExpr)).toThrow(
      'unhandled formula expression: {"kind":"window"}',
    );
  });
});
