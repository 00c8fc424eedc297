/** Type rules of the language: what combines with what, and the type of the result. */
import type { ValueType } from '../../ir/kpi.ts';

/** `any` is a dimension of unknown type (filters): it passes every check. */
export type Ty = ValueType | 'any';

export const isNumeric = (t: Ty): boolean =>
  t === 'bigint' || t === 'double' || t === 'decimal' || t === 'number' || t === 'null' || t === 'any';
export const isTime = (t: Ty): boolean => t === 'timestamp' || t === 'date' || t === 'null' || t === 'any';
export const isBool = (t: Ty): boolean => t === 'boolean' || t === 'null' || t === 'any';
export const isString = (t: Ty): boolean => t === 'string' || t === 'null' || t === 'any';

/** The family a value compares within: numbers with numbers, times with times, … */
function family(t: Ty): string {
  if (t === 'bigint' || t === 'double' || t === 'decimal' || t === 'number') return 'number';
  if (t === 'timestamp' || t === 'date') return 'time';
  return t;
}

export const comparable = (a: Ty, b: Ty): boolean =>
  a === 'null' || b === 'null' || a === 'any' || b === 'any' || family(a) === family(b);

/** Words for messages: "a timestamp", "a number". */
export function describeType(t: Ty): string {
  switch (family(t)) {
    case 'number':
      return 'a number';
    case 'time':
      return t === 'date' ? 'a date' : 'a timestamp';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'interval':
      return 'a duration';
    default:
      return 'NULL';
  }
}

/** Result of + - * % on two numbers: the widest; `/` of integers is not integral. */
export function arithmetic(op: string, a: Ty, b: Ty): Ty {
  const ts = [a, b].filter((t) => t !== 'null' && t !== 'any');
  if (ts.length === 0) return 'number';
  if (ts.includes('double')) return 'double';
  if (ts.includes('number')) return 'number';
  if (op === '/') return ts.includes('decimal') ? 'decimal' : 'number';
  if (ts.includes('decimal')) return 'decimal';
  return 'bigint';
}

/** The common type of branches (CASE, COALESCE, LEAST): the first known one, widened for numbers. */
export function unify(types: readonly Ty[]): Ty | null {
  let acc: Ty = 'null';
  for (const t of types) {
    if (t === 'null' || t === 'any') continue;
    if (acc === 'null') acc = t;
    else if (!comparable(acc, t)) return null;
    else if (family(acc) === 'number' && acc !== t) acc = arithmetic('+', acc, t);
  }
  return acc;
}
