/**
 * CST → AST: the grammar has no actions, so all meaning of the syntax is assigned here.
 * Robust to the partial trees Chevrotain's error recovery leaves (missing children become
 * `missing` expressions); callers skip semantic checks for declarations with syntax errors.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { DurationUnit, Position, Span } from '../../ir/kpi.ts';
import type { AggClause, Decl, Expr, Ident, KpiDecl, MeasureDecl, Property, RollupDecl } from './ast.ts';

const ZERO: Position = { line: 1, column: 1, offset: 0 };

export function tokenSpan(t: IToken): Span {
  if (Number.isNaN(t.startOffset) || t.isInsertedInRecovery) return { start: ZERO, end: ZERO };
  return {
    start: { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset },
    end: {
      line: t.endLine ?? t.startLine ?? 1,
      column: (t.endColumn ?? t.startColumn ?? 0) + 1,
      offset: (t.endOffset ?? t.startOffset) + 1,
    },
  };
}

export function nodeSpan(n: CstNode): Span {
  const l = n.location;
  if (!l || Number.isNaN(l.startOffset)) return { start: ZERO, end: ZERO };
  const end = Number.isNaN(l.endOffset ?? Number.NaN)
    ? { line: l.startLine ?? 1, column: l.startColumn ?? 1, offset: l.startOffset }
    : { line: l.endLine ?? 1, column: (l.endColumn ?? 0) + 1, offset: (l.endOffset ?? 0) + 1 };
  return { start: { line: l.startLine ?? 1, column: l.startColumn ?? 1, offset: l.startOffset }, end };
}

const join = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

const nodes = (n: CstNode, key: string): CstNode[] => (n.children[key] as CstNode[] | undefined) ?? [];
const toks = (n: CstNode, key: string): IToken[] => (n.children[key] as IToken[] | undefined) ?? [];
const tok = (n: CstNode, key: string): IToken | undefined => toks(n, key)[0];

/** All tokens among `keys`, in source order. */
function opsInOrder(n: CstNode, keys: readonly string[]): IToken[] {
  return keys.flatMap((k) => toks(n, k)).sort((a, b) => a.startOffset - b.startOffset);
}

export function unquote(image: string): string {
  const q = image[0];
  if (q !== "'" && q !== '"' && q !== '`') return image;
  return image.slice(1, -1).split(`${q}${q}`).join(q);
}

export function ident(n: CstNode | undefined): Ident {
  const t = n ? tok(n, 'Identifier') : undefined;
  if (!t) return { text: '', span: n ? nodeSpan(n) : { start: ZERO, end: ZERO } };
  const text = t.tokenType.name === 'QuotedIdentifier' ? unquote(t.image) : t.image;
  return { text, span: tokenSpan(t) };
}

const missing = (span: Span): Expr => ({ k: 'missing', span });

function leftAssoc(
  n: CstNode,
  operandKey: string,
  opKeys: readonly string[],
  build: (c: CstNode) => Expr,
): Expr {
  const operands = nodes(n, operandKey);
  const ops = opsInOrder(n, opKeys);
  let acc = operands[0] ? build(operands[0]) : missing(nodeSpan(n));
  for (let i = 0; i < ops.length; i++) {
    const rhsNode = operands[i + 1];
    const right = rhsNode ? build(rhsNode) : missing(tokenSpan(ops[i]!));
    const image = ops[i]!.image.toLowerCase();
    const op = (image === '<>' ? '!=' : image) as Extract<Expr, { k: 'binary' }>['op'];
    acc = { k: 'binary', op, left: acc, right, span: join(acc.span, right.span) };
  }
  return acc;
}

export function expression(n: CstNode | undefined): Expr {
  if (!n) return missing({ start: ZERO, end: ZERO });
  return leftAssoc(n, 'andExpr', ['Or'], (a) => leftAssoc(a, 'notExpr', ['And'], notExpr));
}

function notExpr(n: CstNode): Expr {
  const inner = nodes(n, 'notExpr')[0];
  if (tok(n, 'Not')) {
    const operand = inner ? notExpr(inner) : missing(nodeSpan(n));
    return { k: 'unary', op: 'not', operand, span: nodeSpan(n) };
  }
  const p = nodes(n, 'predicate')[0];
  return p ? predicate(p) : missing(nodeSpan(n));
}

function predicate(n: CstNode): Expr {
  const adds = nodes(n, 'additive');
  const operand = adds[0] ? additive(adds[0]) : missing(nodeSpan(n));
  const span = nodeSpan(n);
  const sub = (key: string): Expr => {
    const c = nodes(n, key)[0];
    return c ? additive(c) : missing(span);
  };
  const cmp = opsInOrder(n, ['Equals', 'NotEquals', 'Less', 'LessEquals', 'Greater', 'GreaterEquals'])[0];
  if (cmp) {
    const op = (cmp.image === '<>' || cmp.image === '!=' ? '!=' : cmp.image === '==' ? '=' : cmp.image) as
      | '='
      | '!=';
    return { k: 'binary', op, left: operand, right: sub('right'), span };
  }
  const negated = toks(n, 'Not').length > 0;
  if (tok(n, 'Is')) return { k: 'is_null', operand, negated, span };
  if (tok(n, 'In')) return { k: 'in', operand, values: nodes(n, 'values').map(expression), negated, span };
  if (tok(n, 'Between')) return { k: 'between', operand, low: sub('low'), high: sub('high'), negated, span };
  if (tok(n, 'Like')) return { k: 'like', operand, pattern: sub('pattern'), negated, span };
  return operand;
}

function additive(n: CstNode): Expr {
  return leftAssoc(n, 'multiplicative', ['Plus', 'Minus'], (m) =>
    leftAssoc(m, 'unary', ['Star', 'Slash', 'Percent'], unary),
  );
}

function unary(n: CstNode): Expr {
  if (tok(n, 'Minus')) {
    const inner = nodes(n, 'unary')[0];
    return { k: 'unary', op: '-', operand: inner ? unary(inner) : missing(nodeSpan(n)), span: nodeSpan(n) };
  }
  const p = nodes(n, 'primary')[0];
  return p ? primary(p) : missing(nodeSpan(n));
}

const UNIT: Readonly<Record<string, DurationUnit>> = {
  minute: 'minute',
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

export function durationUnit(word: string): DurationUnit | undefined {
  const w = word.toLowerCase();
  return UNIT[w] ?? (w.endsWith('s') ? UNIT[w.slice(0, -1)] : undefined);
}

function primary(n: CstNode): Expr {
  const span = nodeSpan(n);
  const num = tok(n, 'NumberLiteral');
  if (num) {
    const value = Number(num.image);
    const unit = tok(n, 'DurationUnit');
    if (unit) return { k: 'duration', amount: value, unit: durationUnit(unit.image) ?? 'day', span };
    return { k: 'number', value, span };
  }
  const str = tok(n, 'StringLiteral');
  if (str) return { k: 'string', value: unquote(str.image), span };
  if (tok(n, 'True')) return { k: 'bool', value: true, span };
  if (tok(n, 'False')) return { k: 'bool', value: false, span };
  if (tok(n, 'Null')) return { k: 'null', span };
  const paren = nodes(n, 'expression')[0];
  if (tok(n, 'LParen')) return paren ? expression(paren) : missing(span);
  const c = nodes(n, 'caseExpr')[0];
  if (c) return caseExpr(c);
  const r = nodes(n, 'reference')[0];
  return r ? reference(r) : missing(span);
}

function caseExpr(n: CstNode): Expr {
  const whens = nodes(n, 'when');
  const thens = nodes(n, 'then');
  const elseNode = nodes(n, 'else')[0];
  return {
    k: 'case',
    // biome-ignore lint/suspicious/noThenProperty: CASE branches are when/then
    whens: whens.map((w, i) => ({ when: expression(w), then: expression(thens[i]) })),
    else: elseNode ? expression(elseNode) : null,
    span: nodeSpan(n),
  };
}

function reference(n: CstNode): Expr {
  const span = nodeSpan(n);
  const parts = nodes(n, 'name').map(ident);
  const star = toks(n, 'Star').length > 0;
  const args = nodes(n, 'callArgs')[0];
  if (!tok(n, 'LParen')) return { k: 'name', parts, star, span };
  const name: Ident = parts.length === 1 ? parts[0]! : { text: parts.map((p) => p.text).join('.'), span };
  const where = args ? nodes(args, 'where')[0] : undefined;
  return {
    k: 'call',
    name,
    distinct: args ? toks(args, 'Distinct').length > 0 : false,
    star: args ? toks(args, 'Star').length > 0 : false,
    args: args ? nodes(args, 'expression').map(expression) : [],
    where: where ? expression(where) : null,
    clauses: nodes(n, 'aggClause').map(aggClause),
    span,
  };
}

function aggClause(n: CstNode): AggClause {
  const span = nodeSpan(n);
  if (tok(n, 'Active')) {
    const s = nodes(n, 'start')[0];
    const e = nodes(n, 'end')[0];
    return {
      k: 'active',
      start: s ? additive(s) : missing(span),
      end: e ? additive(e) : missing(span),
      span,
    };
  }
  if (tok(n, 'At')) return { k: 'at', column: ident(nodes(n, 'name')[0]), span };
  const s = tok(n, 'StringLiteral');
  return { k: 'period', value: s ? unquote(s.image) : '', span };
}

function property(n: CstNode): Property {
  return {
    key: ident(nodes(n, 'name')[0]),
    values: nodes(n, 'expression').map(expression),
    span: nodeSpan(n),
  };
}

function kpiDecl(n: CstNode): KpiDecl {
  const measures: MeasureDecl[] = [];
  const properties: Property[] = [];
  for (const item of nodes(n, 'kpiItem')) {
    const m = nodes(item, 'measureDecl')[0];
    if (m) {
      measures.push({
        name: ident(nodes(m, 'name')[0]),
        expr: expression(nodes(m, 'expression')[0]),
        span: nodeSpan(m),
      });
    }
    const p = nodes(item, 'property')[0];
    if (p) properties.push(property(p));
  }
  const title = tok(n, 'StringLiteral');
  const short = tok(n, 'Equals') ? expression(nodes(n, 'expression')[0]) : null;
  return {
    k: 'kpi',
    id: ident(nodes(n, 'name')[0]),
    title: title ? unquote(title.image) : null,
    formula: short,
    measures,
    properties,
    span: nodeSpan(n),
  };
}

function rollupDecl(n: CstNode): RollupDecl {
  return {
    k: 'rollup',
    name: ident(nodes(n, 'name')[0]),
    table: nodes(n, 'table').map(ident),
    properties: nodes(n, 'property').map(property),
    span: nodeSpan(n),
  };
}

export function program(n: CstNode): Decl[] {
  const decls: Decl[] = [...nodes(n, 'kpiDecl').map(kpiDecl), ...nodes(n, 'rollupDecl').map(rollupDecl)];
  return decls.sort((a, b) => a.span.start.offset - b.span.start.offset);
}

export type { CstElement };
