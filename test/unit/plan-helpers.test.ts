/**
 * The planner's helpers, on their own: the comparison type check (a filter comparing a column with a
 * value of another kind is refused wherever it is nested), join paths through declared many-to-one
 * joins (shortest first, cycles ended), the expression walkers and the plan visitor.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog, ColumnType, JoinDef, TableRef } from '../../src/catalog/types.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import { checkComparisons } from '../../src/plan/comparable.ts';
import { CompileError } from '../../src/plan/errors.ts';
import {
  type Aggregate,
  aggregate,
  aggregatesOf,
  filter,
  join,
  type PlanNode,
  plan,
  project,
  scan,
  spine,
  stitch,
  type ValueExpr,
} from '../../src/plan/nodes.ts';
import { joinPath, tableKey } from '../../src/plan/paths.ts';
import { columnRefsOf, forEachRowLeaf, mapRowLeaves, tablesOf } from '../../src/plan/row-expr.ts';
import { childrenOfValue, forEachChild, mapChildren, mapValue } from '../../src/plan/value-expr.ts';
import { childrenOf, walkPlan } from '../../src/plan/visit.ts';

const T: TableRef = { source: 's', table: 'facts' };
const column = (name: string, type: ColumnType): RowExpr => ({
  kind: 'column',
  table: T,
  column: name,
  type,
});
const lit = (value: string | number | boolean | null, type: string): RowExpr =>
  ({ kind: 'literal', value, type }) as RowExpr;
const cmp = (op: '=' | '<' | '+', left: RowExpr, right: RowExpr): RowExpr => ({
  kind: 'binary',
  op,
  left,
  right,
});

function refusal(e: RowExpr): string {
  try {
    checkComparisons(e);
  } catch (error) {
    if (error instanceof CompileError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'ok';
}

describe('checkComparisons', () => {
  const amount = column('amount', 'decimal');
  const region = column('region', 'string');
  const at = column('at', 'timestamp');

  it('accepts a value of the same family on either side, a string for a time, NULL and unknown kinds', () => {
    expect(refusal(cmp('=', amount, lit(1, 'bigint')))).toBe('ok');
    expect(refusal(cmp('=', column('n', 'bigint'), lit(1.5, 'double')))).toBe('ok');
    expect(refusal(cmp('=', column('x', 'double'), lit(1, 'number')))).toBe('ok');
    expect(refusal(cmp('<', at, lit('2025-01-01', 'string')))).toBe('ok');
    expect(refusal(cmp('<', column('d', 'date'), lit('2025-01-01', 'string')))).toBe('ok');
    expect(refusal(cmp('=', region, lit(null, 'null')))).toBe('ok');
    expect(refusal(cmp('=', column('flag', 'boolean'), lit(true, 'boolean')))).toBe('ok');
    expect(refusal(cmp('=', column('j', 'json' as ColumnType), lit(1, 'bigint')))).toBe('ok');
    expect(refusal(cmp('=', amount, lit(1, 'interval')))).toBe('ok');
    // Two columns, two literals: nothing to check.
    expect(refusal(cmp('=', amount, region))).toBe('ok');
    expect(refusal(cmp('=', lit(1, 'bigint'), lit('a', 'string')))).toBe('ok');
    // Arithmetic is not a comparison.
    expect(refusal(cmp('+', amount, lit('a', 'string')))).toBe('ok');
  });

  it('refuses another family on either side, naming the column, its type and the value', () => {
    expect(refusal(cmp('=', region, lit(1e308, 'double')))).toBe(
      'type-mismatch: region is a string column and cannot be compared with number value 1e+308',
    );
    expect(refusal(cmp('<', lit('x'.repeat(50), 'string'), amount))).toBe(
      `type-mismatch: amount is a decimal column and cannot be compared with string value '${'x'.repeat(40)}'`,
    );
    expect(refusal(cmp('=', at, lit(5, 'bigint')))).toMatch(/^type-mismatch: at is a timestamp column/);
    expect(refusal(cmp('=', column('flag', 'boolean'), lit('yes', 'string')))).toMatch(/^type-mismatch/);
    expect(refusal(cmp('=', region, lit(true, 'boolean')))).toMatch(/boolean value true$/);
    // A literal typed only as a number (a formula's ratio, say) is still a number.
    expect(refusal(cmp('=', region, lit(0.5, 'number')))).toMatch(/number value 0.5$/);
    expect(refusal(cmp('=', region, lit('2025-01-01', 'date')))).toMatch(/time value '2025-01-01'$/);
  });

  it('checks IN values and BETWEEN bounds', () => {
    const inList = (values: RowExpr[]): RowExpr => ({ kind: 'in', operand: region, values, negated: false });
    expect(refusal(inList([lit('eu', 'string'), lit('us', 'string')]))).toBe('ok');
    expect(refusal(inList([lit('eu', 'string'), lit(2, 'bigint')]))).toMatch(/number value 2$/);
    const between = (low: RowExpr, high: RowExpr): RowExpr => ({
      kind: 'between',
      operand: amount,
      low,
      high,
      negated: false,
    });
    expect(refusal(between(lit(1, 'bigint'), lit(2, 'bigint')))).toBe('ok');
    expect(refusal(between(lit('a', 'string'), lit(2, 'bigint')))).toMatch(/string value 'a'$/);
    expect(refusal(between(lit(1, 'bigint'), lit('b', 'string')))).toMatch(/string value 'b'$/);
  });

  it('finds a mismatch nested under every kind of node', () => {
    const bad = cmp('=', region, lit(1, 'bigint'));
    const ok = cmp('=', region, lit('eu', 'string'));
    const nests: ((x: RowExpr) => RowExpr)[] = [
      (x) => ({ kind: 'binary', op: 'and', left: ok, right: x }),
      (x) => ({ kind: 'binary', op: 'or', left: x, right: ok }),
      (x) => ({ kind: 'binary', op: '=', left: x, right: lit(true, 'boolean') }),
      (x) => ({ kind: 'unary', op: 'not', operand: x }),
      (x) => ({ kind: 'is_null', operand: x, negated: false }),
      (x) => ({ kind: 'like', operand: x, pattern: lit('%', 'string'), negated: false }),
      (x) => ({ kind: 'like', operand: region, pattern: x, negated: false }),
      (x) => ({ kind: 'call', fn: 'coalesce', args: [ok, x] }),
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      (x) => ({ kind: 'case', whens: [{ when: x, then: lit(1, 'bigint') }], else: null }),
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      (x) => ({ kind: 'case', whens: [{ when: ok, then: x }], else: null }),
      // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
      (x) => ({ kind: 'case', whens: [{ when: ok, then: ok }], else: x }),
      (x) => ({ kind: 'in', operand: x, values: [lit(true, 'boolean')], negated: false }),
      (x) => ({ kind: 'in', operand: lit(true, 'boolean'), values: [x], negated: false }),
      (x) => ({ kind: 'between', operand: x, low: ok, high: ok, negated: false }),
      (x) => ({ kind: 'between', operand: ok, low: x, high: ok, negated: false }),
      (x) => ({ kind: 'between', operand: ok, low: ok, high: x, negated: false }),
    ];
    for (const [i, nest] of nests.entries()) {
      expect(refusal(nest(ok)), `nest ${i}`).toBe('ok');
      expect(refusal(nest(bad)), `nest ${i}`).toMatch(/^type-mismatch: region is a string column/);
    }
  });
});

// A hand-made catalog: a → b → c → d, a → x (dead end), a → ghost (not declared), d → a (a cycle
// back), e alone.
function table(name: string, joins: [string, string][]) {
  return {
    source: 's',
    name,
    primaryKey: 'id',
    timeColumn: 'at',
    columns: { id: 'bigint' },
    joins: joins.map(([column, to]): JoinDef => ({ column, to: { source: 's', table: to, column: 'id' } })),
  };
}
const catalog = {
  connections: {},
  sources: {
    s: {
      name: 's',
      connection: 'pg',
      schema: 'public',
      tables: {
        a: table('a', [
          ['x_id', 'x'],
          ['b_id', 'b'],
          ['g_id', 'ghost'],
        ]),
        b: table('b', [['c_id', 'c']]),
        c: table('c', [
          ['d_id', 'd'],
          ['b_id', 'b'],
        ]),
        d: table('d', [['a_id', 'a']]),
        x: table('x', []),
        e: table('e', []),
      },
    },
  },
} as unknown as Catalog;
const t = (name: string): TableRef => ({ source: 's', table: name });
const hops = (from: string, to: string) =>
  joinPath(catalog, t(from), t(to))?.map((j) => `${j.column}→${j.to.table}`);

describe('joinPath', () => {
  it('follows declared joins breadth first, one step per table', () => {
    expect(hops('a', 'a')).toEqual([]);
    expect(hops('a', 'x')).toEqual(['x_id→x']);
    expect(hops('a', 'b')).toEqual(['b_id→b']);
    expect(hops('a', 'd')).toEqual(['b_id→b', 'c_id→c', 'd_id→d']);
    expect(hops('c', 'a')).toEqual(['d_id→d', 'a_id→a']);
    expect(hops('d', 'x')).toEqual(['a_id→a', 'x_id→x']);
  });

  it('is undefined for an unreachable table, an unknown table and an unknown source, cycles ending', () => {
    expect(hops('a', 'e')).toBeUndefined();
    expect(hops('x', 'a')).toBeUndefined();
    // A join to a table the catalog does not declare leads nowhere (and does not throw).
    expect(hops('a', 'ghost')).toEqual(['g_id→ghost']);
    expect(hops('d', 'e')).toBeUndefined();
    expect(hops('b', 'x')).toEqual(['c_id→c', 'd_id→d', 'a_id→a', 'x_id→x']);
    expect(hops('nope', 'a')).toBeUndefined();
    expect(joinPath(catalog, { source: 'other', table: 'a' }, t('b'))).toBeUndefined();
    expect(tableKey(t('a'))).toBe('s.a');
  });
});

describe('row and value expression walkers', () => {
  const other: TableRef = { source: 's', table: 'other' };
  const e: RowExpr = {
    kind: 'binary',
    op: 'and',
    left: cmp('=', column('a', 'string'), { kind: 'dimension', name: 'region' }),
    right: {
      kind: 'between',
      operand: { kind: 'column', table: other, column: 'b', type: 'bigint' },
      low: lit(1, 'bigint'),
      high: { kind: 'duration', duration: { amount: 2, unit: 'day' } },
      negated: false,
    },
  };

  it('visits and maps every leaf of a row expression, in order', () => {
    const seen: string[] = [];
    forEachRowLeaf(e, (leaf) => seen.push(leaf.kind));
    expect(seen).toEqual(['column', 'dimension', 'column', 'literal', 'duration']);
    const mapped = mapRowLeaves(e, (leaf) => (leaf.kind === 'dimension' ? lit('eu', 'string') : leaf));
    const after: string[] = [];
    forEachRowLeaf(mapped, (leaf) => after.push(leaf.kind));
    expect(after).toEqual(['column', 'literal', 'column', 'literal', 'duration']);
    expect(mapRowLeaves(lit(1, 'bigint'), () => lit(2, 'bigint'))).toEqual(lit(2, 'bigint'));
    expect(columnRefsOf(e).map((c) => c.column)).toEqual(['a', 'b']);
    expect(tablesOf(e)).toEqual([T, other]);
  });

  const v = (name: string): ValueExpr => ({ kind: 'col', name });
  const sum: ValueExpr = {
    kind: 'binary',
    op: '+',
    left: { kind: 'zero_fill', operand: v('m0') },
    right: { kind: 'literal', value: 1, type: 'bigint' },
  };

  it('lists, visits and maps the children of value expressions; mapValue rewrites bottom-up', () => {
    expect(childrenOfValue(v('m0'))).toEqual([]);
    expect(childrenOfValue({ kind: 'literal', value: 1, type: 'bigint' })).toEqual([]);
    expect(childrenOfValue({ kind: 'zero_fill', operand: v('m0') })).toEqual([v('m0')]);
    expect(childrenOfValue(sum)).toHaveLength(2);
    const visited: string[] = [];
    forEachChild(sum, (c) => visited.push(c.kind));
    expect(visited).toEqual(['zero_fill', 'literal']);
    const renamed = (x: ValueExpr): ValueExpr => (x.kind === 'col' ? v(`${x.name}'`) : x);
    expect(mapChildren(v('m0'), renamed)).toEqual(v('m0'));
    expect(mapChildren({ kind: 'zero_fill', operand: v('m0') }, renamed)).toEqual({
      kind: 'zero_fill',
      operand: v("m0'"),
    });
    const order: string[] = [];
    const out = mapValue(sum, (x) => {
      order.push(x.kind);
      return renamed(x);
    });
    expect(order).toEqual(['col', 'zero_fill', 'literal', 'binary']);
    expect(out).toEqual({ ...sum, left: { kind: 'zero_fill', operand: v("m0'") } });
  });
});

describe('node constructors and errors', () => {
  it('tag plans, list a stitch by its pieces, and name compile errors', () => {
    const range = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };
    const filtered = filter({ input: scan({ table: T, alias: 't0', joins: [] }), conditions: [] });
    const piece = aggregate({
      input: filtered,
      name: 'm0',
      source: 'k.m',
      fn: 'sum',
      arg: null,
      fraction: null,
      bucketing: { kind: 'truncate', time: { table: T, column: 'at' }, grain: 'day', timezone: 'UTC', range },
      dimensions: [],
      type: 'bigint',
    });
    const two = stitch({
      name: 'm0',
      source: 'k.m',
      combine: 'sum',
      pieces: [piece, piece],
      dimensions: [],
      type: 'bigint',
    });
    expect(aggregatesOf(two)).toBe(two.pieces);
    expect(aggregatesOf(piece)).toEqual([piece]);
    const root = project({
      input: join({ inputs: [two], spine: null, timed: true, dimensions: [] }),
      value: { kind: 'col', name: 'm0' },
      type: 'bigint',
    });
    const p = plan({ kpi: 'k', grain: 'day', timezone: 'UTC', range, dimensions: [], root });
    expect(p.kind).toBe('plan');
    expect(Object.isFrozen(p)).toBe(true);
    const e = new CompileError('unknown-kpi', 'no such KPI');
    expect([e.name, e.code, e.message, e instanceof Error]).toEqual([
      'CompileError',
      'unknown-kpi',
      'no such KPI',
      true,
    ]);
    expect(String(e)).toBe('CompileError: no such KPI');
  });
});

describe('childrenOf and walkPlan', () => {
  const range = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };
  const theSpine = spine({ grain: 'day', timezone: 'UTC', range });
  const theScan = scan({ table: T, alias: 't0', joins: [] });
  const theFilter = filter({ input: theScan, conditions: [] });
  const base = {
    input: theFilter,
    name: 'm0',
    source: 'k.m',
    fn: 'sum' as const,
    arg: null,
    fraction: null,
    dimensions: [],
    type: 'bigint' as const,
  };
  const truncated: Aggregate = aggregate({
    ...base,
    bucketing: { kind: 'truncate', time: { table: T, column: 'at' }, grain: 'day', timezone: 'UTC', range },
  });
  const onSpine: Aggregate = aggregate({
    ...base,
    name: 'm1',
    bucketing: {
      kind: 'spine',
      spine: theSpine,
      window: [],
      time: { table: T, column: 'at' },
      validity: null,
    },
  });
  const stitched = stitch({
    name: 'm2',
    source: 'k.m',
    combine: 'sum',
    pieces: [truncated, truncated],
    dimensions: [],
    type: 'bigint',
  });

  it('gives each node kind its children', () => {
    expect(childrenOf(theScan)).toEqual([]);
    expect(childrenOf(theSpine)).toEqual([]);
    expect(childrenOf(theFilter)).toEqual([theScan]);
    expect(childrenOf(truncated)).toEqual([theFilter]);
    expect(childrenOf(onSpine)).toEqual([theFilter, theSpine]);
    expect(childrenOf(stitched)).toEqual([truncated, truncated]);
    const withSpine = join({ inputs: [truncated, onSpine], spine: theSpine, timed: true, dimensions: [] });
    expect(childrenOf(withSpine)).toEqual([truncated, onSpine, theSpine]);
    const without = join({ inputs: [truncated], spine: null, timed: true, dimensions: [] });
    expect(childrenOf(without)).toEqual([truncated]);
    const top = project({ input: without, value: { kind: 'col', name: 'm0' }, type: 'bigint' });
    expect(childrenOf(top)).toEqual([without]);
    expect(() => childrenOf({ kind: 'union' } as unknown as PlanNode)).toThrow('unhandled plan node');
  });

  it('walks parents before children, depth first', () => {
    const root = project({
      input: join({ inputs: [stitched, onSpine], spine: theSpine, timed: true, dimensions: [] }),
      value: { kind: 'col', name: 'm2' },
      type: 'bigint',
    });
    const kinds: string[] = [];
    walkPlan(root, (n) => kinds.push(n.kind));
    expect(kinds).toEqual([
      'project',
      'join',
      'stitch',
      'aggregate',
      'filter',
      'scan',
      'aggregate',
      'filter',
      'scan',
      'aggregate',
      'filter',
      'scan',
      'spine',
      'spine',
    ]);
  });
});
