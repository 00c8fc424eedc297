/** How local rows are ordered: one comparison for every ORDER BY the endpoint evaluates itself. */
// @ts-nocheck


export interface OrderKey {
  readonly descending: boolean;
  /** Trino's default puts NULLs last in both directions. */
  readonly nullsFirst: boolean;
  /** The key's values are decimals as Trino's JSON sends them (strings): ordered by value. */
  readonly decimal?: boolean;
}

/** Two decimal numerals (`-12.50`, `3.1`) by value, without converting them to doubles. */
export function compareDecimals(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const [wholeA = '', fracA = ''] = (negA ? a.slice(1) : a).split('.');
  const [wholeB = '', fracB = ''] = (negB ? b.slice(1) : b).split('.');
  const intA = wholeA.replace(/^0+(?=\d)/, '');
  const intB = wholeB.replace(/^0+(?=\d)/, '');
  const width = Math.max(fracA.length, fracB.length);
  let c = intA.length !== intB.length ? intA.length - intB.length : 0;
  if (c === 0) {
    const x = intA + fracA.padEnd(width, '0');
    const y = intB + fracB.padEnd(width, '0');
    c = x < y ? -1 : x > y ? 1 : 0;
  }
  return c === 0 ? 0 : negA ? -Math.sign(c) : Math.sign(c);
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
  if (o.decimal && typeof x === 'string' && typeof y === 'string') {
    const c = compareDecimals(x, y);
    return o.descending ? -c : c;
  }
  const [a, b] = [String(x), String(y)];
  const c = a < b ? -1 : a > b ? 1 : 0;
  return o.descending ? -c : c;
}
