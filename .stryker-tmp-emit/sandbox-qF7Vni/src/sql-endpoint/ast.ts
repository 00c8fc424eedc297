/**
 * The statements the endpoint reads itself: a SELECT over one table (a KPI, or the kpi catalog's
 * metadata) and its expressions. Plain kind-tagged data with source positions, so every refusal can
 * point at the construct it refuses.
 */
// @ts-nocheck

import type { SourcePosition } from './errors.ts';

export type IntervalUnit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

export type Expr =
  | { readonly kind: 'column'; readonly parts: readonly string[]; readonly pos: SourcePosition }
  | { readonly kind: 'string'; readonly value: string; readonly pos: SourcePosition }
  | { readonly kind: 'number'; readonly text: string; readonly pos: SourcePosition }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: SourcePosition }
  | { readonly kind: 'null'; readonly pos: SourcePosition }
  /** DATE '…', TIMESTAMP '…' (with or without a zone), TIME '…'. */
  | {
      readonly kind: 'typed';
      readonly type: 'date' | 'timestamp' | 'time';
      readonly text: string;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'interval';
      readonly text: string;
      readonly negative: boolean;
      readonly unit: IntervalUnit;
      readonly pos: SourcePosition;
    }
  /** current_date, current_timestamp, localtimestamp, … (no parentheses in Trino). */
  | { readonly kind: 'special'; readonly name: string; readonly pos: SourcePosition }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly distinct: boolean;
      /** count(*) */
      readonly star: boolean;
      readonly pos: SourcePosition;
    }
  | { readonly kind: 'cast'; readonly expr: Expr; readonly type: string; readonly pos: SourcePosition }
  | {
      readonly kind: 'binary';
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
      readonly pos: SourcePosition;
    }
  | { readonly kind: 'not'; readonly expr: Expr; readonly pos: SourcePosition }
  | { readonly kind: 'negate'; readonly expr: Expr; readonly pos: SourcePosition }
  | {
      readonly kind: 'between';
      readonly expr: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly negated: boolean;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'in';
      readonly expr: Expr;
      readonly list: readonly Expr[];
      readonly negated: boolean;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'like';
      readonly expr: Expr;
      readonly pattern: Expr;
      readonly escape: Expr | null;
      readonly negated: boolean;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'is_null';
      readonly expr: Expr;
      readonly negated: boolean;
      readonly pos: SourcePosition;
    };

export interface SelectItem {
  /** null: `*` (or `alias.*`). */
  readonly expr: Expr | null;
  readonly alias: string | null;
  readonly pos: SourcePosition;
}

export interface TableName {
  readonly parts: readonly string[];
  readonly alias: string | null;
  readonly pos: SourcePosition;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
  /** Trino's default puts NULLs last in both directions. */
  readonly nullsFirst: boolean;
}

export interface Select {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** null: SELECT without FROM. */
  readonly from: TableName | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly offset: number | null;
  readonly limit: number | null;
  readonly pos: SourcePosition;
}

/** A readable rendering of an expression, for error messages and default column names. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.parts.join('.');
    case 'string':
      return `'${e.value.replaceAll("'", "''")}'`;
    case 'number':
      return e.text;
    case 'boolean':
      return e.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'typed':
      return `${e.type.toUpperCase()} '${e.text}'`;
    case 'interval':
      return `INTERVAL ${e.negative ? '-' : ''}'${e.text}' ${e.unit.toUpperCase()}`;
    case 'special':
      return e.name;
    case 'call':
      return `${e.name}(${e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map(exprText).join(', ')}`})`;
    case 'cast':
      return `CAST(${exprText(e.expr)} AS ${e.type})`;
    case 'binary':
      return `(${exprText(e.left)} ${e.op.toUpperCase()} ${exprText(e.right)})`;
    case 'not':
      return `NOT ${exprText(e.expr)}`;
    case 'negate':
      return `-${exprText(e.expr)}`;
    case 'between':
      return `${exprText(e.expr)}${e.negated ? ' NOT' : ''} BETWEEN ${exprText(e.low)} AND ${exprText(e.high)}`;
    case 'in':
      return `${exprText(e.expr)}${e.negated ? ' NOT' : ''} IN (${e.list.map(exprText).join(', ')})`;
    case 'like':
      return `${exprText(e.expr)}${e.negated ? ' NOT' : ''} LIKE ${exprText(e.pattern)}`;
    case 'is_null':
      return `${exprText(e.expr)} IS ${e.negated ? 'NOT ' : ''}NULL`;
  }
}
