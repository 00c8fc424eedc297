/**
 * A comparison between a column and a literal of another kind (`region = 1e308`) used to reach the
 * engine and come back as a 500 carrying PostgreSQL's own text (`operator does not exist: text =
 * numeric`). The planner checks resolved filters here and answers a type-mismatch compile error.
 */
// @ts-nocheck

import type { RowExpr, ValueType } from '../ir/kpi.ts';
import { CompileError } from './errors.ts';

type Family = 'number' | 'string' | 'boolean' | 'time' | 'other';

function family(t: ValueType): Family {
  switch (t) {
    case 'bigint':
    case 'double':
    case 'decimal':
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
    case 'date':
      return 'time';
    default:
      return 'other';
  }
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function check(column: RowExpr, other: RowExpr): void {
  if (column.kind !== 'column' || other.kind !== 'literal' || other.value === null) return;
  const want = family(column.type);
  const got = family(other.type);
  // Times compare with ISO text; everything else must be the same kind of value.
  const ok = want === got || want === 'other' || got === 'other' || (want === 'time' && got === 'string');
  if (!ok) {
    const shown = typeof other.value === 'string' ? `'${other.value.slice(0, 40)}'` : String(other.value);
    throw new CompileError(
      'type-mismatch',
      `${column.column} is a ${column.type} column and cannot be compared with ${got} value ${shown}`,
    );
  }
}

/** Throws CompileError('type-mismatch') for column-vs-literal comparisons of different kinds. */
export function checkComparisons(e: RowExpr): void {
  const stack: RowExpr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    switch (x.kind) {
      case 'binary':
        if (COMPARISONS.has(x.op)) {
          check(x.left, x.right);
          check(x.right, x.left);
        }
        stack.push(x.left, x.right);
        break;
      case 'in':
        for (const v of x.values) check(x.operand, v);
        stack.push(x.operand, ...x.values);
        break;
      case 'between':
        check(x.operand, x.low);
        check(x.operand, x.high);
        stack.push(x.operand, x.low, x.high);
        break;
      case 'unary':
      case 'is_null':
        stack.push(x.operand);
        break;
      case 'like':
        stack.push(x.operand, x.pattern);
        break;
      case 'call':
        stack.push(...x.args);
        break;
      case 'case':
        for (const w of x.whens) stack.push(w.when, w.then);
        if (x.else) stack.push(x.else);
        break;
      default:
        break;
    }
  }
}
