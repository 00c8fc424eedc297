/**
 * The in-process half of a split plan: pieces re-aggregated per key (a bucket straddling two pieces
 * gets both shares), the null-safe join of variables, the formula with SQL's NULL rules, the SQL's
 * order — and which formulas are refused because a double would not give the engine's answer.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { combineParts } from '../../src/exec/combine.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { ANY_ROLLUP } from '../../src/optimize/context.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { evaluate, inProcessRefusal, type Scalar } from '../../src/plan/evaluate.ts';
import type { ValueExpr } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const rollups = loadRollups(catalog);

function planned(kpi: string, q: Partial<MetricQuery>, watermark: string) {
  const query: MetricQuery = {
    kpi,
    grain: 'month',
    range: { start: '2026-04-10T00:00:00Z', end: '2026-07-01T00:00:00Z' },
    timezone: 'UTC',
    dimensions: [],
    filters: [],
    ...q,
  };
  const facts = new Map(rollups.map((r) => [r.name, { watermark, rows: 1, buildId: '1' }]));
  return optimize(planQuery(registry.get(kpi)!, query, { catalog, registry }), {
    catalog,
    rollups,
    facts,
    rowCost: ANY_ROLLUP,
  });
}

const APR = Date.parse('2026-04-01T00:00:00Z');
const MAY = Date.parse('2026-05-01T00:00:00Z');
const JUN = Date.parse('2026-06-01T00:00:00Z');

describe('combineParts', () => {
  it('sums a straddling bucket from both pieces, keeps NULL dimension values as one key, orders NULLs last', () => {
    const o = planned('revenue', { dimensions: ['region'] }, '2026-06-15T00:00:00.000Z');
    const stitch = o.plan.root.input.inputs[0]!;
    expect(stitch.kind).toBe('stitch');
    const rows = combineParts(o.plan, [
      {
        instance: stitch.name,
        rows: [
          [String(APR), 'eu', '1.25'],
          [String(APR), null, '2'],
        ],
      },
      {
        instance: stitch.name,
        rows: [
          [String(MAY), 'eu', '10'],
          [String(JUN), 'eu', '3.5'],
          [String(JUN), null, '1'],
        ],
      },
      {
        instance: stitch.name,
        rows: [
          [String(JUN), 'eu', '0.5'],
          [String(JUN), null, null],
        ],
      },
    ]);
    expect(rows).toEqual([
      [APR, 'eu', 1.25],
      [APR, null, 2],
      [MAY, 'eu', 10],
      [JUN, 'eu', 4],
      [JUN, null, 1],
    ]);
  });

  it('joins two variables on their buckets: a missing side is NULL, a zero divisor NULL (cac_marketing)', () => {
    const o = planned('cac_marketing', { grain: 'month' }, '2026-01-01T00:00:00.000Z');
    const [spend, customers] = o.plan.root.input.inputs.map((m) => m.name);
    const rows = combineParts(o.plan, [
      {
        instance: spend!,
        rows: [
          [APR, '100'],
          [MAY, '50'],
          [JUN, '7'],
        ],
      },
      {
        instance: customers!,
        rows: [
          [APR, '4'],
          [JUN, '0'],
        ],
      },
    ]);
    expect(rows).toEqual([
      [APR, 25],
      [MAY, null],
      [JUN, null],
    ]);
  });

  it('a count KPI reads 0 where its only variable has a bucket with NULL', () => {
    const o = planned('new_subscriptions', {}, '2026-01-01T00:00:00.000Z');
    const [m] = o.plan.root.input.inputs;
    expect(
      combineParts(o.plan, [
        {
          instance: m!.name,
          rows: [
            [APR, null],
            [MAY, '3'],
          ],
        },
      ]),
    ).toEqual([
      [APR, 0],
      [MAY, 3],
    ]);
  });
});

const col = (name: string): ValueExpr => ({ kind: 'col', name });
const lit = (value: number | boolean | null): ValueExpr => ({ kind: 'literal', value, type: 'double' });
const bin = (op: '/' | '%' | 'and' | 'or' | '<', left: ValueExpr, right: ValueExpr): ValueExpr => ({
  kind: 'binary',
  op,
  left,
  right,
});
const row = (o: Record<string, Scalar>) => new Map(Object.entries(o));

describe('evaluate: the SQL semantics of a formula, in process', () => {
  it('divides safely in doubles and takes % by zero as NULL', () => {
    expect(evaluate(bin('/', col('a'), col('b')), row({ a: 7, b: 2 }))).toBe(3.5);
    expect(evaluate(bin('/', col('a'), col('b')), row({ a: 7, b: 0 }))).toBeNull();
    expect(evaluate(bin('%', col('a'), lit(0)), row({ a: 7 }))).toBeNull();
    expect(evaluate(bin('/', col('a'), col('missing')), row({ a: 7 }))).toBeNull();
  });

  it('AND/OR are three-valued, IN with a NULL list item is NULL when nothing matches', () => {
    const unknown = bin('<', col('x'), lit(1));
    expect(evaluate(bin('and', lit(false), unknown), row({ x: null }))).toBe(false);
    expect(evaluate(bin('and', lit(true), unknown), row({ x: null }))).toBeNull();
    expect(evaluate(bin('or', lit(true), unknown), row({ x: null }))).toBe(true);
    const inList = (negated: boolean): ValueExpr => ({
      kind: 'in',
      operand: col('x'),
      values: [lit(1), lit(null)],
      negated,
    });
    expect(evaluate(inList(false), row({ x: 1 }))).toBe(true);
    expect(evaluate(inList(false), row({ x: 2 }))).toBeNull();
    expect(evaluate(inList(true), row({ x: 2 }))).toBeNull();
    const when: ValueExpr = {
      kind: 'case',
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      whens: [{ when: unknown, then: lit(1) }],
      else: lit(2),
    };
    expect(evaluate(when, row({ x: null }))).toBe(2);
  });

  it('refuses what a double would answer differently from the engines', () => {
    expect(inProcessRefusal(bin('/', col('a'), col('b')))).toBeNull();
    expect(inProcessRefusal({ kind: 'call', fn: 'round', args: [col('a')] })).toMatch(/round/);
    expect(inProcessRefusal({ kind: 'call', fn: 'greatest', args: [col('a'), col('b')] })).toMatch(/NULL/);
    expect(
      inProcessRefusal({ kind: 'zero_fill', operand: { kind: 'call', fn: 'least', args: [col('a')] } }),
    ).toMatch(/least/);
  });
});
