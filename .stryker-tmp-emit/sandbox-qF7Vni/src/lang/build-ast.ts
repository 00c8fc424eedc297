/**
 * CST → AST. The grammar has no actions; this is where the parse tree gets its meaning-free shape
 * (operators folded into binary nodes, strings unescaped, spans attached). Only called on a CST
 * that parsed without errors, so every required child is present.
 */
// @ts-nocheck

import type { CstNode, CstNodeLocation, IToken } from 'chevrotain';
import type * as C from '../../grammar/cst.d.ts';
import { DURATION_UNITS } from '../../grammar/tokens.ts';
import type { BinaryOp, DurationUnit, Span } from '../ir/kpi.ts';
import type { CallExpr, Decl, Expr, KpiDecl, LetDecl, NamePart, Property, RollupDecl } from './ast.ts';

export function tokenSpan(t: IToken): Span {
  return {
    start: { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset },
    end: { line: t.endLine ?? 1, column: (t.endColumn ?? 0) + 1, offset: (t.endOffset ?? t.startOffset) + 1 },
  };
}

function nodeSpan(n: CstNode): Span {
  const l = n.location as CstNodeLocation;
  return {
    start: { line: l.startLine ?? 1, column: l.startColumn ?? 1, offset: l.startOffset },
    end: { line: l.endLine ?? 1, column: (l.endColumn ?? 0) + 1, offset: (l.endOffset ?? l.startOffset) + 1 },
  };
}

const joinSpans = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

export function unquote(image: string): string {
  const q = image[0]!;
  return image.slice(1, -1).replaceAll(q + q, q);
}

export function buildProgram(node: C.ProgramCstNode): Decl[] {
  const decls: Decl[] = [
    ...(node.children.kpiDecl ?? []).map(kpiDecl),
    ...(node.children.rollupDecl ?? []).map(rollupDecl),
  ];
  return decls.sort((a, b) => a.span.start.offset - b.span.start.offset);
}

function kpiDecl(n: C.KpiDeclCstNode): KpiDecl {
  const c = n.children;
  return {
    k: 'kpi',
    id: name(c.name[0]!),
    title: c.text ? text(c.text[0]!) : null,
    lets: (c.letDecl ?? []).map(letDecl),
    properties: (c.property ?? []).map(property),
    formula: c.expression ? expression(c.expression[0]!) : null,
    span: nodeSpan(n),
  };
}

function rollupDecl(n: C.RollupDeclCstNode): RollupDecl {
  const c = n.children;
  const q = c.qualifiedName[0]!;
  return {
    k: 'rollup',
    name: name(c.name[0]!),
    table: q.children.name.map(name),
    tableSpan: nodeSpan(q),
    properties: (c.property ?? []).map(property),
    span: nodeSpan(n),
  };
}

function letDecl(n: C.LetDeclCstNode): LetDecl {
  return { name: name(n.children.name[0]!), expr: expression(n.children.expression[0]!), span: nodeSpan(n) };
}

function property(n: C.PropertyCstNode): Property {
  return { key: name(n.children.name[0]!), values: n.children.expression.map(expression), span: nodeSpan(n) };
}

function name(n: C.NameCstNode): NamePart {
  const t = (n.children.Identifier ?? n.children.QuotedIdentifier)![0]!;
  return { text: t.tokenType.name === 'QuotedIdentifier' ? unquote(t.image) : t.image, span: tokenSpan(t) };
}

function text(n: C.TextCstNode): string {
  return unquote((n.children.StringLiteral ?? n.children.DoubleQuotedString)![0]!.image);
}

/** Left-associative chain: operands and operator tokens interleave by position. */
function chain(operands: Expr[], operators: IToken[], op: (t: IToken) => BinaryOp): Expr {
  const ops = [...operators].sort((a, b) => a.startOffset - b.startOffset);
  let result = operands[0]!;
  for (let i = 0; i < ops.length; i++) {
    const right = operands[i + 1]!;
    result = { k: 'binary', op: op(ops[i]!), left: result, right, span: joinSpans(result.span, right.span) };
  }
  return result;
}

export function expression(n: C.ExpressionCstNode): Expr {
  return chain(n.children.andExpression.map(andExpression), n.children.Or ?? [], () => 'or');
}

function andExpression(n: C.AndExpressionCstNode): Expr {
  return chain(n.children.notExpression.map(notExpression), n.children.And ?? [], () => 'and');
}

function notExpression(n: C.NotExpressionCstNode): Expr {
  const c = n.children;
  if (c.Not)
    return { k: 'unary', op: 'not', operand: notExpression(c.notExpression![0]!), span: nodeSpan(n) };
  return comparison(c.comparison![0]!);
}

const COMPARE: Record<string, BinaryOp> = {
  Equals: '=',
  NotEquals: '!=',
  LessEquals: '<=',
  GreaterEquals: '>=',
  Less: '<',
  Greater: '>',
};

function comparison(n: C.ComparisonCstNode): Expr {
  const c = n.children;
  const operands = c.additive.map(additive);
  const left = operands[0]!;
  const span = nodeSpan(n);
  const negated = (c.Not?.length ?? 0) > 0;
  if (c.compareOperator) {
    const op = Object.values(c.compareOperator[0]!.children)[0]![0]!.tokenType.name;
    return { k: 'binary', op: COMPARE[op]!, left, right: operands[1]!, span };
  }
  if (c.Is) return { k: 'is_null', operand: left, negated, span };
  if (c.In) return { k: 'in', operand: left, values: (c.expression ?? []).map(expression), negated, span };
  if (c.Between) return { k: 'between', operand: left, low: operands[1]!, high: operands[2]!, negated, span };
  if (c.Like) return { k: 'like', operand: left, pattern: operands[1]!, negated, span };
  return left;
}

function additive(n: C.AdditiveCstNode): Expr {
  const c = n.children;
  return chain(c.multiplicative.map(multiplicative), [...(c.Plus ?? []), ...(c.Minus ?? [])], (t) =>
    t.image === '+' ? '+' : '-',
  );
}

function multiplicative(n: C.MultiplicativeCstNode): Expr {
  const c = n.children;
  return chain(
    c.unary.map(unary),
    [...(c.Star ?? []), ...(c.Slash ?? []), ...(c.Percent ?? [])],
    (t) => t.image as BinaryOp,
  );
}

function unary(n: C.UnaryCstNode): Expr {
  const c = n.children;
  if (c.Minus) {
    const operand = unary(c.unary![0]!);
    const span = nodeSpan(n);
    // `-5` is the literal −5, so printed negative literals read back as the same literal.
    if (operand.k === 'number')
      return { k: 'number', value: 0 - operand.value, image: `-${operand.image}`, span };
    return { k: 'unary', op: '-', operand, span };
  }
  return postfix(c.postfix![0]!);
}

function postfix(n: C.PostfixCstNode): Expr {
  const c = n.children;
  const base = primary(c.primary[0]!);
  if (!c.On && !c.Active && !c.Within) return base;
  const names = (c.name ?? []).map(name).sort((a, b) => a.span.start.offset - b.span.start.offset);
  const after = (t: IToken) => names.filter((x) => x.span.start.offset > t.startOffset);
  let on: NamePart | null = null;
  let active: CallExpr['active'] = null;
  let within: string | null = null;
  for (const t of c.On ?? []) on = after(t)[0] ?? null;
  for (const t of c.Active ?? []) {
    const [start, end] = after(t);
    if (start && end) active = { start, end };
  }
  for (const t of c.text ?? []) within = text(t);
  const span = nodeSpan(n);
  if (base.k !== 'call') {
    // Kept as a call-less marker so the checker can say the clause needs an aggregate.
    return {
      k: 'call',
      fn: { text: '', span: base.span },
      star: false,
      distinct: false,
      args: [base],
      where: null,
      on,
      active,
      within,
      span,
    };
  }
  return { ...base, on, active, within, span };
}

function primary(n: C.PrimaryCstNode): Expr {
  const c = n.children;
  const span = nodeSpan(n);
  if (c.numberOrDuration) return numberOrDuration(c.numberOrDuration[0]!);
  if (c.text) return { k: 'string', value: text(c.text[0]!), span };
  if (c.True) return { k: 'boolean', value: true, span };
  if (c.False) return { k: 'boolean', value: false, span };
  if (c.Null) return { k: 'null', span };
  if (c.caseExpression) return caseExpression(c.caseExpression[0]!);
  if (c.parenthesized) return expression(c.parenthesized[0]!.children.expression[0]!);
  return nameOrCall(c.nameOrCall![0]!);
}

function numberOrDuration(n: C.NumberOrDurationCstNode): Expr {
  const t = n.children.NumberLiteral[0]!;
  const value = Number(t.image);
  const unit = n.children.Identifier?.[0];
  if (unit) {
    const u = DURATION_UNITS[unit.image.toLowerCase()] as DurationUnit; // the parser's gate made it a unit
    return { k: 'duration', amount: value, unit: u, span: nodeSpan(n) };
  }
  return { k: 'number', value, image: t.image, span: tokenSpan(t) };
}

function caseExpression(n: C.CaseExpressionCstNode): Expr {
  const c = n.children;
  const exprs = c.expression.map(expression);
  const count = c.When.length;
  // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
  const whens = Array.from({ length: count }, (_, i) => ({ when: exprs[2 * i]!, then: exprs[2 * i + 1]! }));
  return { k: 'case', whens, else: c.Else ? exprs[2 * count]! : null, span: nodeSpan(n) };
}

function nameOrCall(n: C.NameOrCallCstNode): Expr {
  const c = n.children;
  const parts = c.qualifiedName[0]!.children.name.map(name);
  const span = nodeSpan(n);
  if (!c.LParen) return { k: 'name', parts, span: nodeSpan(c.qualifiedName[0]!) };
  const fn: NamePart =
    parts.length === 1
      ? parts[0]!
      : { text: parts.map((p) => p.text).join('.'), span: joinSpans(parts[0]!.span, parts.at(-1)!.span) };
  const a = c.callArguments?.[0]?.children;
  const exprs = (a?.expression ?? []).map(expression);
  return {
    k: 'call',
    fn,
    star: !!a?.Star,
    distinct: !!a?.Distinct,
    args: a?.Where ? exprs.slice(0, -1) : exprs,
    where: a?.Where ? exprs.at(-1)! : null,
    on: null,
    active: null,
    within: null,
    span,
  };
}
