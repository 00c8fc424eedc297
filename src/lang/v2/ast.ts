/**
 * The DSL's AST: what was written, with source spans, before any name is resolved.
 * Built from the CST by build-ast.ts; read by src/semantic/v2.
 */
import type { DurationUnit, Span } from '../../ir/kpi.ts';

export interface Ident {
  readonly text: string;
  readonly span: Span;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type AggClause =
  | { readonly k: 'active'; readonly start: Expr; readonly end: Expr; readonly span: Span }
  | { readonly k: 'at'; readonly column: Ident; readonly span: Span }
  | { readonly k: 'period'; readonly value: string; readonly span: Span };

export type Expr =
  | { readonly k: 'number'; readonly value: number; readonly span: Span }
  | { readonly k: 'duration'; readonly amount: number; readonly unit: DurationUnit; readonly span: Span }
  | { readonly k: 'string'; readonly value: string; readonly span: Span }
  | { readonly k: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly k: 'null'; readonly span: Span }
  /** a, src.table.col, src.table.* */
  | { readonly k: 'name'; readonly parts: readonly Ident[]; readonly star: boolean; readonly span: Span }
  | {
      readonly k: 'call';
      readonly name: Ident;
      readonly distinct: boolean;
      readonly star: boolean;
      readonly args: readonly Expr[];
      readonly where: Expr | null;
      readonly clauses: readonly AggClause[];
      readonly span: Span;
    }
  | {
      readonly k: 'binary';
      readonly op: CompareOp | ArithOp | 'and' | 'or';
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  | { readonly k: 'unary'; readonly op: '-' | 'not'; readonly operand: Expr; readonly span: Span }
  | {
      readonly k: 'in';
      readonly operand: Expr;
      readonly values: readonly Expr[];
      readonly negated: boolean;
      readonly span: Span;
    }
  | {
      readonly k: 'between';
      readonly operand: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly negated: boolean;
      readonly span: Span;
    }
  | { readonly k: 'is_null'; readonly operand: Expr; readonly negated: boolean; readonly span: Span }
  | {
      readonly k: 'like';
      readonly operand: Expr;
      readonly pattern: Expr;
      readonly negated: boolean;
      readonly span: Span;
    }
  | {
      readonly k: 'case';
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else: Expr | null;
      readonly span: Span;
    }
  /** What error recovery left where an expression should be. */
  | { readonly k: 'missing'; readonly span: Span };

export interface Property {
  readonly key: Ident;
  readonly values: readonly Expr[];
  readonly span: Span;
}

export interface MeasureDecl {
  readonly name: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

export interface KpiDecl {
  readonly k: 'kpi';
  readonly id: Ident;
  readonly title: string | null;
  /** `kpi x = expr` */
  readonly formula: Expr | null;
  readonly measures: readonly MeasureDecl[];
  readonly properties: readonly Property[];
  readonly span: Span;
}

export interface RollupDecl {
  readonly k: 'rollup';
  readonly name: Ident;
  readonly table: readonly Ident[];
  readonly properties: readonly Property[];
  readonly span: Span;
}

export type Decl = KpiDecl | RollupDecl;
