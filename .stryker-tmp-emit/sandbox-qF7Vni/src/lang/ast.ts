/**
 * The AST: what was written, with source spans, before any name is resolved.
 * Built from the CST by build-ast.ts; the seed's JSON expressions parse to the same shapes.
 */
// @ts-nocheck

import type { BinaryOp, DurationUnit, Span } from '../ir/kpi.ts';

export interface NamePart {
  readonly text: string;
  readonly span: Span;
}

export type Expr =
  | { readonly k: 'number'; readonly value: number; readonly image: string; readonly span: Span }
  | { readonly k: 'string'; readonly value: string; readonly span: Span }
  | { readonly k: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly k: 'null'; readonly span: Span }
  | { readonly k: 'duration'; readonly amount: number; readonly unit: DurationUnit; readonly span: Span }
  | { readonly k: 'name'; readonly parts: readonly NamePart[]; readonly span: Span }
  | CallExpr
  | {
      readonly k: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  | { readonly k: 'unary'; readonly op: '-' | 'not'; readonly operand: Expr; readonly span: Span }
  | {
      readonly k: 'case';
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else: Expr | null;
      readonly span: Span;
    }
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
    };

export interface CallExpr {
  readonly k: 'call';
  readonly fn: NamePart;
  /** `count(*)` */
  readonly star: boolean;
  readonly distinct: boolean;
  readonly args: readonly Expr[];
  readonly where: Expr | null;
  /** `… on canceled_at`: the time column that places a row in time. */
  readonly on: NamePart | null;
  /** `… active between started_at and canceled_at`. */
  readonly active: { readonly start: NamePart; readonly end: NamePart } | null;
  /** `… within 'last_30_days'` (the seed's timeRange.period). */
  readonly within: string | null;
  readonly span: Span;
}

export interface Property {
  readonly key: NamePart;
  readonly values: readonly Expr[];
  readonly span: Span;
}

export interface LetDecl {
  readonly name: NamePart;
  readonly expr: Expr;
  readonly span: Span;
}

export interface KpiDecl {
  readonly k: 'kpi';
  readonly id: NamePart;
  readonly title: string | null;
  readonly lets: readonly LetDecl[];
  readonly properties: readonly Property[];
  /** `kpi x = expr` short form. */
  readonly formula: Expr | null;
  readonly span: Span;
}

export interface RollupDecl {
  readonly k: 'rollup';
  readonly name: NamePart;
  readonly table: readonly NamePart[];
  readonly tableSpan: Span;
  readonly properties: readonly Property[];
  readonly span: Span;
}

export type Decl = KpiDecl | RollupDecl;
