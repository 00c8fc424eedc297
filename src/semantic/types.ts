/** Type rules of the language: which operands an operator accepts and what it yields. */
import type { BinaryOp, ValueType } from '../ir/kpi.ts';

const NUMERIC = new Set<ValueType>(['bigint', 'double', 'decimal', 'number', 'null']);
const TEMPORAL = new Set<ValueType>(['timestamp', 'date']);

export const isNumeric = (t: ValueType): boolean => NUMERIC.has(t);
export const isBoolean = (t: ValueType): boolean => t === 'boolean' || t === 'null';

/** The common numeric type of several (exactness is kept only when all are exact). */
export function mergeNumeric(types: readonly ValueType[]): ValueType {
  const present = types.filter((t) => t !== 'null');
  if (present.length === 0) return 'null';
  if (present.includes('double')) return 'double';
  if (present.includes('number')) return 'number';
  if (present.includes('decimal')) return 'decimal';
  return 'bigint';
}

/** The type of several alternatives (CASE branches, COALESCE); null when they do not fit together. */
export function unify(types: readonly ValueType[]): ValueType | null {
  const present = types.filter((t) => t !== 'null');
  if (present.length === 0) return 'null';
  if (present.every(isNumeric)) return mergeNumeric(present);
  if (present.every((t) => TEMPORAL.has(t))) return present.includes('timestamp') ? 'timestamp' : 'date';
  return present.every((t) => t === present[0]) ? present[0]! : null;
}

/** Whether two values may be compared; a string literal compares with a time (`ts >= '2025-01-01'`). */
export function comparable(a: ValueType, b: ValueType, bIsStringLiteral = false): boolean {
  if (a === 'null' || b === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (TEMPORAL.has(a) && (TEMPORAL.has(b) || (b === 'string' && bIsStringLiteral))) return true;
  return a === b;
}

export type BinaryCheck = { readonly type: ValueType } | { readonly problem: string };

/** A type in a message, with its article: `a string`, `an interval`, `NULL`. */
export const typeWords = (t: ValueType): string =>
  t === 'null' ? 'NULL' : `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`;

export function binaryType(op: BinaryOp, l: ValueType, r: ValueType, rIsStringLiteral = false): BinaryCheck {
  switch (op) {
    case '+':
    case '-':
      if (isNumeric(l) && isNumeric(r)) return { type: mergeNumeric([l, r]) };
      if (TEMPORAL.has(l) && r === 'interval') return { type: l };
      if (op === '+' && l === 'interval' && TEMPORAL.has(r)) return { type: r };
      return {
        problem: `cannot ${op === '+' ? 'add' : 'subtract'} ${typeWords(r)} ${op === '+' ? 'to' : 'from'} ${typeWords(l)}`,
      };
    case '*':
    case '%':
      if (isNumeric(l) && isNumeric(r)) return { type: mergeNumeric([l, r]) };
      return { problem: `"${op}" needs numbers, not ${typeWords(isNumeric(l) ? r : l)}` };
    case '/':
      // A ratio is never integer division: its exactness is unknown until the engine computes it.
      if (isNumeric(l) && isNumeric(r))
        return { type: l === 'double' || r === 'double' ? 'double' : 'number' };
      return { problem: `"/" needs numbers, not ${typeWords(isNumeric(l) ? r : l)}` };
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (comparable(l, r, rIsStringLiteral) || comparable(r, l)) return { type: 'boolean' };
      return { problem: `cannot compare ${typeWords(l)} with ${typeWords(r)}` };
    case 'and':
    case 'or':
      if (isBoolean(l) && isBoolean(r)) return { type: 'boolean' };
      return { problem: `"${op}" needs true/false conditions, not ${typeWords(isBoolean(l) ? r : l)}` };
  }
}
