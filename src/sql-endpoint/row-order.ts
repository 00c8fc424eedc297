/** How local rows are ordered: one comparison for every ORDER BY the endpoint evaluates itself. */

export interface OrderKey {
  readonly descending: boolean;
  /** Trino's default puts NULLs last in both directions. */
  readonly nullsFirst: boolean;
}

/**
 * Where two values of one ORDER BY key put their rows, as Trino orders them: NULLs by `nullsFirst`
 * whatever the direction, numbers by value, everything else by its text. 0: tied on this key.
 */
export function compareForOrder(x: unknown, y: unknown, o: OrderKey): number {
  if (x === y) return 0;
  if (x === null || x === undefined) return o.nullsFirst ? -1 : 1;
  if (y === null || y === undefined) return o.nullsFirst ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number') return o.descending ? y - x : x - y;
  const [a, b] = [String(x), String(y)];
  const c = a < b ? -1 : a > b ? 1 : 0;
  return o.descending ? -c : c;
}
