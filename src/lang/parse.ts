/**
 * Text → AST plus syntax diagnostics. Lexing and parsing recover from errors (Chevrotain's
 * re-sync and single-token insertion/deletion), so one run reports several problems at once.
 */
import type { CstNode, ILexingResult, IRecognitionException, IToken } from 'chevrotain';
import type * as C from '../../grammar/cst.d.ts';
import { parser } from '../../grammar/parser.ts';
import { KpiLexer } from '../../grammar/tokens.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Span } from '../ir/kpi.ts';
import type { Decl, Expr } from './ast.ts';
import { buildProgram, expression, tokenSpan, unquote } from './build-ast.ts';
import { depthDiagnostic, nestingDiagnostic } from './limits.ts';

export interface Parsed<T> {
  readonly value: T | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Inputs past this size are refused rather than parsed (bounded time and memory). */
export const MAX_SOURCE_CHARS = 5_000_000;

function pointSpan(offset: number, line: number, column: number, length = 1): Span {
  return { start: { line, column, offset }, end: { line, column: column + length, offset: offset + length } };
}

function describe(t: IToken, end: string): string {
  return t.tokenType.name === 'EOF' ? end : `"${t.image}"`;
}

/** What is said of input left over after the rule: more declarations belong in a program, nothing after an expression. */
const LEFT_OVER = {
  program: ': expected a declaration (`kpi` or `rollup`)',
  expression: ' after the end of the expression',
} as const;

function syntaxDiagnostic(
  e: IRecognitionException,
  text: string,
  end: string,
  leftOver: keyof typeof LEFT_OVER,
): Diagnostic {
  let t = e.token;
  // At the end of input the token has no position: point just past the last character.
  if (t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset))
    t = (e as { previousToken?: IToken }).previousToken ?? t;
  const span = Number.isNaN(t.startOffset) ? endSpan(text) : tokenSpan(t);
  const expected = expectedFrom(e.message);
  const found = describe(e.token, end);
  const want = wanted(e);
  const message =
    e.name === 'NotAllInputParsedException'
      ? `unexpected ${found}${LEFT_OVER[leftOver]}`
      : expected.length > 0 && expected.length <= 6
        ? `unexpected ${found}: expected ${expected.join(' or ')}`
        : want
          ? `unexpected ${found}: expected ${want}`
          : `unexpected ${found}`;
  return { severity: 'error', code: 'syntax', message, span, ...(expected.length ? { expected } : {}) };
}

/** Chevrotain's messages list token names like `--> Identifier <--` or `<Identifier>`; turn them into words. */
const WORDS: Record<string, string> = {
  Identifier: 'a name',
  QuotedIdentifier: 'a `quoted name`',
  NumberLiteral: 'a number',
  StringLiteral: "a 'string'",
  DoubleQuotedString: 'a "string"',
  LParen: '"("',
  RParen: '")"',
  LCurly: '"{"',
  RCurly: '"}"',
  Comma: '","',
  Dot: '"."',
  Colon: '":"',
  Semicolon: '";"',
  Equals: '"="',
  Minus: '"-"',
  Star: '"*"',
};

function expectedFrom(message: string): string[] {
  const names = new Set<string>();
  // `Expecting token of type --> RParen <--` and `one of these possible Token sequences: 1. [Identifier]`.
  const single = /Expecting token of type --> ([A-Za-z]+) <--/.exec(message);
  if (single) names.add(single[1]!);
  for (const m of message.matchAll(/\d+\. \[([A-Za-z]+)/g)) names.add(m[1]!);
  return [...names].filter((n) => n !== 'EOF').map((n) => WORDS[n] ?? `"${n.toLowerCase()}"`);
}

/** What the innermost rule being parsed was after, in words. */
function wanted(e: IRecognitionException): string | null {
  const rule = e.context?.ruleStack?.at(-1) ?? '';
  if (
    [
      'expression',
      'andExpression',
      'notExpression',
      'comparison',
      'additive',
      'multiplicative',
      'unary',
      'postfix',
      'primary',
      'parenthesized',
      'callArguments',
      'numberOrDuration',
    ].includes(rule)
  ) {
    return 'an expression';
  }
  if (rule === 'kpiDecl') return '"=" and a formula, or "{" and properties';
  if (rule === 'property' || rule === 'letDecl') return 'a property such as `formula: …`';
  if (rule === 'program') return 'a declaration (`kpi` or `rollup`)';
  if (rule === 'name' || rule === 'qualifiedName') return 'a name';
  return null;
}

function endSpan(text: string): Span {
  const lines = text.split('\n');
  return pointSpan(text.length, lines.length, (lines.at(-1)?.length ?? 0) + 1, 0);
}

/** The rule over `text`, built by `build` when it parsed whole; its diagnostics otherwise. */
function run<T>(
  text: string,
  rule: (p: typeof parser) => CstNode,
  build: (cst: CstNode) => T,
  leftOver: keyof typeof LEFT_OVER,
): Parsed<T> {
  if (text.length > MAX_SOURCE_CHARS) {
    return {
      value: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'too-large',
          message: `the input has ${text.length} characters; the limit is ${MAX_SOURCE_CHARS}`,
          span: pointSpan(0, 1, 1, 0),
        },
      ],
    };
  }
  const lexed = KpiLexer.tokenize(text);
  const diagnostics = lexerDiagnostics(text, lexed);
  const tooDeep = nestingDiagnostic(lexed.tokens);
  if (tooDeep) return { value: null, diagnostics: [...diagnostics, tooDeep] };
  parser.input = lexed.tokens;
  const cst = rule(parser);
  diagnostics.push(...parser.errors.map((e) => syntaxDiagnostic(e, text, 'end of the input', leftOver)));
  if (diagnostics.length > 0) {
    diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
    return { value: null, diagnostics };
  }
  const value = build(cst);
  const deep = depthDiagnostic(value, pointSpan(0, 1, 1, 0));
  return deep ? { value: null, diagnostics: [deep] } : { value, diagnostics };
}

/** The lexer's errors as positioned syntax diagnostics. */
function lexerDiagnostics(text: string, lexed: ILexingResult): Diagnostic[] {
  return lexed.errors.map((e) => ({
    severity: 'error',
    code: 'syntax',
    message: lexerMessage(text, e.offset),
    span: pointSpan(e.offset, e.line ?? 1, e.column ?? 1, e.length),
  }));
}

function lexerMessage(text: string, offset: number): string {
  const ch = text[offset] ?? '';
  if (ch === "'" || ch === '"') return `unterminated string: add the closing ${ch}`;
  if (ch === '`') return 'unterminated quoted name: add the closing `';
  return `unexpected character "${ch}"`;
}

export interface ParsedProgram extends Parsed<Decl[]> {
  /** Ids of KPI declarations that did not parse (known to exist, so others may name them). */
  readonly brokenIds: readonly string[];
}

/**
 * Each declaration starts at a `kpi` or `rollup` keyword (they appear nowhere else), so each is
 * parsed on its own: a syntax error in one leaves the others whole for the semantic checks.
 */
export function parseProgram(text: string): ParsedProgram {
  if (text.length > MAX_SOURCE_CHARS)
    return {
      ...run(
        text,
        (p) => p.program(),
        () => [],
        'program',
      ),
      brokenIds: [],
    };
  const lexed = KpiLexer.tokenize(text);
  const diagnostics = lexerDiagnostics(text, lexed);
  const chunks: IToken[][] = [];
  for (const t of lexed.tokens) {
    const name = t.tokenType.name;
    if (chunks.length === 0 || name === 'Kpi' || name === 'Rollup') chunks.push([]);
    chunks.at(-1)!.push(t);
  }
  const decls: Decl[] = [];
  const brokenIds: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const from = chunk[0]!.startOffset;
    const to = i + 1 < chunks.length ? chunks[i + 1]![0]!.startOffset : text.length;
    const tooDeep = nestingDiagnostic(chunk);
    let cst: CstNode | null = null;
    let errors: Diagnostic[] = tooDeep ? [tooDeep] : [];
    if (!tooDeep) {
      parser.input = chunk;
      cst = parser.program();
      errors = parser.errors.map((e) =>
        syntaxDiagnostic(
          e,
          text,
          i + 1 < chunks.length ? 'end of the declaration' : 'end of the input',
          'program',
        ),
      );
    }
    const lexical = lexed.errors.some((e) => e.offset >= from && e.offset < to);
    const built = errors.length > 0 || lexical ? null : buildProgram(cst as C.ProgramCstNode);
    const deep = built && depthDiagnostic(built, tokenSpan(chunk[0]!));
    if (built && !deep) {
      decls.push(...built);
      continue;
    }
    diagnostics.push(...errors, ...(deep ? [deep] : []));
    // A KPI that failed here is still known by name, so a KPI deriving from it reads broken-dependency.
    const id = chunk[1];
    if (
      chunk[0]!.tokenType.name === 'Kpi' &&
      id &&
      (id.tokenType.name === 'Identifier' || id.tokenType.name === 'QuotedIdentifier')
    ) {
      brokenIds.push(id.tokenType.name === 'QuotedIdentifier' ? unquote(id.image) : id.image);
    }
  }
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { value: decls, diagnostics, brokenIds };
}

/** One expression and nothing after it (inline formulas, filters, seed expressions). */
export function parseExpression(text: string): Parsed<Expr> {
  // Chevrotain refuses tokens left after the rule itself (NotAllInputParsedException).
  return run(
    text,
    (p) => p.expression(),
    (cst) => expression(cst as C.ExpressionCstNode),
    'expression',
  );
}
