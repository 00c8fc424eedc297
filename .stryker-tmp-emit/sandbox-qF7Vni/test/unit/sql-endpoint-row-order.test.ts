// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { compareForOrder } from '../../src/sql-endpoint/row-order.ts';

const sorted = (values: unknown[], descending: boolean, nullsFirst: boolean) =>
  [...values].sort((a, b) => compareForOrder(a, b, { descending, nullsFirst }));

describe('ORDER BY on rows the endpoint orders itself', () => {
  const values = [3, null, 10, 1, null];
  it('puts NULLs last in both directions by default, as Trino does', () => {
    expect(sorted(values, false, false)).toEqual([1, 3, 10, null, null]);
    expect(sorted(values, true, false)).toEqual([10, 3, 1, null, null]);
  });
  it('puts NULLs first when asked, whatever the direction', () => {
    expect(sorted(values, false, true)).toEqual([null, null, 1, 3, 10]);
    expect(sorted(values, true, true)).toEqual([null, null, 10, 3, 1]);
  });
  it('orders numbers by value and text by its characters; equal values tie', () => {
    expect(sorted(['b', 'a', 'B'], false, false)).toEqual(['B', 'a', 'b']);
    expect(compareForOrder('x', 'x', { descending: true, nullsFirst: false })).toBe(0);
  });
});
