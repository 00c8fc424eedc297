/**
 * The optimizer's small structural helpers (src/optimize/rewrite.ts), on expressions built by hand: the
 * rules rely on them moving exactly the references they name and nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { RowExpr } from '../../src/ir/kpi.ts';
import { columnsOf, rebaseColumns, replaceColumns, sameExpr } from '../../src/optimize/rewrite.ts';
import type { ValueExpr } from '../../src/plan/nodes.ts';

const subscriptions = { source: 'payments', table: 'subscriptions' };
const accounts = { source: 'users', table: 'accounts' };
const rollup = { source: 'rollups', table: 'subscriptions_daily' };
const column = (table: typeof subscriptions, name: string): RowExpr => ({
  kind: 'column',
  table,
  column: name,
  type: 'string',
});
const literal: RowExpr = { kind: 'literal', value: 'eu', type: 'string' };
// region = 'eu' AND accounts.channel = plan_type (a dimension)
const condition: RowExpr = {
  kind: 'binary',
  op: 'and',
  left: { kind: 'binary', op: '=', left: column(subscriptions, 'region'), right: literal },
  right: {
    kind: 'binary',
    op: '=',
    left: column(accounts, 'channel'),
    right: { kind: 'dimension', name: 'plan_type', type: 'string' } as RowExpr,
  },
};

describe('rewrite helpers', () => {
  it('columnsOf lists every column and dimension a condition reads', () => {
    const { columns, dimensions } = columnsOf(condition);
    expect(columns.map((c) => `${c.table.table}.${c.column}`)).toEqual([
      'subscriptions.region',
      'accounts.channel',
    ]);
    expect(dimensions).toEqual(['plan_type']);
  });

  it('rebaseColumns moves the columns of one table only, and leaves literals and dimensions as they are', () => {
    const moved = rebaseColumns(condition, subscriptions, rollup);
    expect(columnsOf(moved).columns.map((c) => `${c.table.source}.${c.table.table}.${c.column}`)).toEqual([
      'rollups.subscriptions_daily.region',
      'users.accounts.channel',
    ]);
    type Bin = Extract<RowExpr, { kind: 'binary' }>;
    const [region, channel] = [(moved as Bin).left as Bin, (moved as Bin).right as Bin];
    expect(region.right).toEqual(literal);
    expect(channel.right).toEqual({ kind: 'dimension', name: 'plan_type', type: 'string' });
    expect(Object.isFrozen(moved)).toBe(true);
  });

  it('replaceColumns replaces the named plan columns and keeps the others', () => {
    const value: ValueExpr = {
      kind: 'binary',
      op: '/',
      left: { kind: 'col', name: 'm0' },
      right: { kind: 'col', name: 'm1' },
    };
    const by = new Map<string, ValueExpr>([['m0', { kind: 'literal', value: 2, type: 'bigint' }]]);
    expect(replaceColumns(value, by)).toEqual({
      kind: 'binary',
      op: '/',
      left: { kind: 'literal', value: 2, type: 'bigint' },
      right: { kind: 'col', name: 'm1' },
    });
  });

  it('sameExpr tells equal expressions from different ones', () => {
    expect(sameExpr(condition, JSON.parse(JSON.stringify(condition)))).toBe(true);
    expect(sameExpr(condition, rebaseColumns(condition, subscriptions, rollup))).toBe(false);
  });
});
