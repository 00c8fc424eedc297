import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface ProgramCstNode extends CstNode {
  name: "program";
  children: ProgramCstChildren;
}

export type ProgramCstChildren = {
  kpiDecl?: KpiDeclCstNode[];
  rollupDecl?: RollupDeclCstNode[];
};

export interface KpiDeclCstNode extends CstNode {
  name: "kpiDecl";
  children: KpiDeclCstChildren;
}

export type KpiDeclCstChildren = {
  Kpi: IToken[];
  name: NameCstNode[];
  StringLiteral?: IToken[];
  Equals?: IToken[];
  expression?: ExpressionCstNode[];
  Semicolon?: IToken[];
  LCurly?: IToken[];
  kpiItem?: KpiItemCstNode[];
  RCurly?: IToken[];
};

export interface KpiItemCstNode extends CstNode {
  name: "kpiItem";
  children: KpiItemCstChildren;
}

export type KpiItemCstChildren = {
  measureDecl?: MeasureDeclCstNode[];
  property?: PropertyCstNode[];
  Semicolon?: IToken[];
};

export interface MeasureDeclCstNode extends CstNode {
  name: "measureDecl";
  children: MeasureDeclCstChildren;
}

export type MeasureDeclCstChildren = {
  Measure: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface RollupDeclCstNode extends CstNode {
  name: "rollupDecl";
  children: RollupDeclCstChildren;
}

export type RollupDeclCstChildren = {
  Rollup: IToken[];
  name: NameCstNode[];
  On: IToken[];
  table: (NameCstNode)[];
  Dot?: IToken[];
  LCurly: IToken[];
  property?: PropertyCstNode[];
  Semicolon?: IToken[];
  RCurly: IToken[];
};

export interface PropertyCstNode extends CstNode {
  name: "property";
  children: PropertyCstChildren;
}

export type PropertyCstChildren = {
  name: NameCstNode[];
  Colon: IToken[];
  expression: (ExpressionCstNode)[];
  Comma?: IToken[];
};

export interface NameCstNode extends CstNode {
  name: "name";
  children: NameCstChildren;
}

export type NameCstChildren = {
  Identifier: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  andExpr: (AndExprCstNode)[];
  Or?: IToken[];
};

export interface AndExprCstNode extends CstNode {
  name: "andExpr";
  children: AndExprCstChildren;
}

export type AndExprCstChildren = {
  notExpr: (NotExprCstNode)[];
  And?: IToken[];
};

export interface NotExprCstNode extends CstNode {
  name: "notExpr";
  children: NotExprCstChildren;
}

export type NotExprCstChildren = {
  Not?: IToken[];
  notExpr?: NotExprCstNode[];
  predicate?: PredicateCstNode[];
};

export interface PredicateCstNode extends CstNode {
  name: "predicate";
  children: PredicateCstChildren;
}

export type PredicateCstChildren = {
  additive: AdditiveCstNode[];
  Equals?: IToken[];
  NotEquals?: IToken[];
  Less?: IToken[];
  LessEquals?: IToken[];
  Greater?: IToken[];
  GreaterEquals?: IToken[];
  right?: AdditiveCstNode[];
  Is?: IToken[];
  Not?: (IToken)[];
  Null?: IToken[];
  In?: IToken[];
  LParen?: IToken[];
  values?: (ExpressionCstNode)[];
  Comma?: IToken[];
  RParen?: IToken[];
  Between?: IToken[];
  low?: AdditiveCstNode[];
  And?: IToken[];
  high?: AdditiveCstNode[];
  Like?: IToken[];
  pattern?: AdditiveCstNode[];
};

export interface AdditiveCstNode extends CstNode {
  name: "additive";
  children: AdditiveCstChildren;
}

export type AdditiveCstChildren = {
  multiplicative: (MultiplicativeCstNode)[];
  Plus?: IToken[];
  Minus?: IToken[];
};

export interface MultiplicativeCstNode extends CstNode {
  name: "multiplicative";
  children: MultiplicativeCstChildren;
}

export type MultiplicativeCstChildren = {
  unary: (UnaryCstNode)[];
  Star?: IToken[];
  Slash?: IToken[];
  Percent?: IToken[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  primary?: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  NumberLiteral?: IToken[];
  DurationUnit?: IToken[];
  StringLiteral?: IToken[];
  True?: IToken[];
  False?: IToken[];
  Null?: IToken[];
  LParen?: IToken[];
  expression?: ExpressionCstNode[];
  RParen?: IToken[];
  caseExpr?: CaseExprCstNode[];
  reference?: ReferenceCstNode[];
};

export interface CaseExprCstNode extends CstNode {
  name: "caseExpr";
  children: CaseExprCstChildren;
}

export type CaseExprCstChildren = {
  Case: IToken[];
  When: IToken[];
  when: ExpressionCstNode[];
  Then: IToken[];
  then: ExpressionCstNode[];
  Else?: IToken[];
  else?: ExpressionCstNode[];
  End: IToken[];
};

export interface ReferenceCstNode extends CstNode {
  name: "reference";
  children: ReferenceCstChildren;
}

export type ReferenceCstChildren = {
  name: (NameCstNode)[];
  Dot?: IToken[];
  Star?: IToken[];
  LParen?: IToken[];
  callArgs?: CallArgsCstNode[];
  RParen?: IToken[];
  aggClause?: AggClauseCstNode[];
};

export interface CallArgsCstNode extends CstNode {
  name: "callArgs";
  children: CallArgsCstChildren;
}

export type CallArgsCstChildren = {
  Star?: IToken[];
  Distinct?: IToken[];
  expression?: (ExpressionCstNode)[];
  Comma?: IToken[];
  Where?: IToken[];
  where?: ExpressionCstNode[];
};

export interface AggClauseCstNode extends CstNode {
  name: "aggClause";
  children: AggClauseCstChildren;
}

export type AggClauseCstChildren = {
  Active?: IToken[];
  Between?: IToken[];
  start?: AdditiveCstNode[];
  And?: IToken[];
  end?: AdditiveCstNode[];
  At?: IToken[];
  name?: NameCstNode[];
  Period?: IToken[];
  StringLiteral?: IToken[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  program(children: ProgramCstChildren, param?: IN): OUT;
  kpiDecl(children: KpiDeclCstChildren, param?: IN): OUT;
  kpiItem(children: KpiItemCstChildren, param?: IN): OUT;
  measureDecl(children: MeasureDeclCstChildren, param?: IN): OUT;
  rollupDecl(children: RollupDeclCstChildren, param?: IN): OUT;
  property(children: PropertyCstChildren, param?: IN): OUT;
  name(children: NameCstChildren, param?: IN): OUT;
  expression(children: ExpressionCstChildren, param?: IN): OUT;
  andExpr(children: AndExprCstChildren, param?: IN): OUT;
  notExpr(children: NotExprCstChildren, param?: IN): OUT;
  predicate(children: PredicateCstChildren, param?: IN): OUT;
  additive(children: AdditiveCstChildren, param?: IN): OUT;
  multiplicative(children: MultiplicativeCstChildren, param?: IN): OUT;
  unary(children: UnaryCstChildren, param?: IN): OUT;
  primary(children: PrimaryCstChildren, param?: IN): OUT;
  caseExpr(children: CaseExprCstChildren, param?: IN): OUT;
  reference(children: ReferenceCstChildren, param?: IN): OUT;
  callArgs(children: CallArgsCstChildren, param?: IN): OUT;
  aggClause(children: AggClauseCstChildren, param?: IN): OUT;
}
