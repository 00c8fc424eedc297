/**
 * Text → AST with diagnostics. Lexing and parsing never throw: lexer errors and parser errors
 * (several per input, thanks to Chevrotain's error recovery) become `syntax` diagnostics with
 * spans, plain-words messages and what was expected.
 */
import type { CstNode, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EOF } from 'chevrotain';
import { KpiGrammar } from '../../../grammar/v2/parser.ts';
import { lexer } from '../../../grammar/v2/tokens.ts';
import type { Diagnostic } from '../../ir/diagnostic.ts';
import type { Position, Span } from '../../ir/kpi.ts';
import type { Decl, Expr } from './ast.ts';
import { expression, program, tokenSpan } from './build-ast.ts';

const label = (t: TokenType): string => (t === EOF ? 'the end of the input' : (t.LABEL ?? t.name));
const describe = (t: IToken): string =>
  t.tokenType === EOF
    ? 'the end of the input'
    : `'${t.image.length > 30 ? `${t.image.slice(0, 30)}…` : t.image}'`;

const RULES: Readonly<Record<string, string>> = {
  program: "'kpi' or 'rollup'",
  kpiDecl: "'=' or '{'",
  kpiItem: "a property ('formula: …') or 'measure NAME = …'",
  primary: 'a value, a name or a function call',
  unary: 'a value, a name or a function call',
  notExpr: 'a value, a name or a function call',
  expression: 'a value, a name or a function call',
  aggClause: "'active between', 'at' or 'period'",
  predicate: 'a comparison',
  callArgs: 'arguments',
};

/** Expected-token lists by message, filled while parsing (the provider only returns strings). */
const expectedByMessage = new Map<string, string[]>();

function firstTokens(paths: readonly (readonly (readonly TokenType[])[])[]): string[] {
  const out = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) out.add(label(path[0]));
  return [...out];
}

function remember(message: string, expected: string[]): string {
  if (expectedByMessage.size > 10_000) expectedByMessage.clear();
  expectedByMessage.set(message, expected);
  return message;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected === EOF) {
      return remember(`unexpected ${describe(actual)}: expected 'kpi' or 'rollup' to start a declaration`, [
        "'kpi'",
        "'rollup'",
      ]);
    }
    return remember(`expected ${label(expected)} but found ${describe(actual)}`, [label(expected)]);
  },
  buildNotAllInputParsedMessage({ firstRedundant, ruleName }) {
    const want = ruleName === 'program' ? "'kpi' or 'rollup'" : 'the end of the expression';
    return remember(`unexpected ${describe(firstRedundant)}: expected ${want}`, [want]);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const expected = firstTokens(expectedPathsPerAlt);
    const want = RULES[ruleName] ?? expected.slice(0, 6).join(', ');
    return remember(`expected ${want} but found ${describe(actual[0]!)}`, expected);
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const expected = firstTokens([expectedIterationPaths]);
    const want = RULES[ruleName] ?? expected.join(', ');
    return remember(`expected at least one ${want} but found ${describe(actual[0]!)}`, expected);
  },
};

/** The one parser instance, reset for every input. */
const parser = new KpiGrammar(messages);

function endOf(text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: text.length };
}

function positionAt(text: string, offset: number): Position {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col, offset };
}

interface Parsed<T> {
  readonly value: T;
  readonly diagnostics: Diagnostic[];
  /** Offsets of syntax errors, to tell which declarations are clean. */
  readonly errorOffsets: number[];
}

function run<T>(text: string, rule: (p: KpiGrammar) => CstNode, build: (cst: CstNode) => T): Parsed<T> {
  const diagnostics: Diagnostic[] = [];
  const errorOffsets: number[] = [];
  const lexed = lexer.tokenize(text);
  for (const e of lexed.errors) {
    const ch = text[e.offset] ?? '';
    const message =
      ch === "'" || ch === '"'
        ? 'unterminated string: add the closing quote'
        : ch === '`'
          ? 'unterminated quoted name: add the closing backtick'
          : `unexpected character '${ch}'`;
    const start = { line: e.line ?? 1, column: e.column ?? 1, offset: e.offset };
    const end = { line: start.line, column: start.column + e.length, offset: e.offset + e.length };
    diagnostics.push({ severity: 'error', code: 'syntax', message, span: { start, end } });
    errorOffsets.push(e.offset);
  }
  parser.input = lexed.tokens;
  const cst = rule(parser);
  for (const e of parser.errors) {
    let span: Span = tokenSpan(e.token);
    const prev = (e as { previousToken?: IToken }).previousToken;
    const prevOk = prev !== undefined && !Number.isNaN(prev.startOffset) && prev.tokenType !== EOF;
    if (e.token.tokenType === EOF || Number.isNaN(e.token.startOffset)) {
      const end = prevOk ? tokenSpan(prev).end : endOf(text);
      span = { start: end, end };
    } else if (
      prevOk &&
      e.name === 'MismatchedTokenException' &&
      (prev.endLine ?? 0) < (e.token.startLine ?? 0)
    ) {
      // Something missing at the end of a line (`sum(x` then a new declaration): point right after it.
      const end = tokenSpan(prev).end;
      span = { start: end, end };
    }
    const expected = expectedByMessage.get(e.message);
    diagnostics.push({
      severity: 'error',
      code: 'syntax',
      message: e.message,
      span,
      ...(expected && expected.length > 0 ? { expected } : {}),
    });
    // The error belongs to the declaration of the last good token (a missing ')' is not the next KPI's fault).
    errorOffsets.push(prevOk && e.name === 'MismatchedTokenException' ? prev.startOffset : span.start.offset);
  }
  let value: T;
  try {
    value = build(cst);
  } catch {
    // Recovery can leave shapes the builder does not expect; the syntax errors already say why.
    value = build({ name: cst?.name ?? 'program', children: {} } as CstNode);
    if (diagnostics.length === 0) {
      diagnostics.push({
        severity: 'error',
        code: 'syntax',
        message: 'could not read this input',
        span: { start: positionAt(text, 0), end: endOf(text) },
      });
    }
  }
  return { value, diagnostics, errorOffsets };
}

export interface ParsedProgram {
  readonly decls: readonly Decl[];
  /** Per declaration: true when no syntax error falls inside it (its meaning can be checked). */
  readonly clean: readonly boolean[];
  readonly diagnostics: readonly Diagnostic[];
}

export function parseProgram(text: string): ParsedProgram {
  const r = run(text, (p) => p.program(), program);
  const decls = r.value;
  const clean = decls.map((d, i) => {
    const from = d.span.start.offset;
    const to = decls[i + 1]?.span.start.offset ?? Number.POSITIVE_INFINITY;
    return (
      !r.errorOffsets.some((o) => o >= from && o < to) &&
      !(i === decls.length - 1 && r.errorOffsets.some((o) => o >= from))
    );
  });
  return { decls, clean, diagnostics: r.diagnostics };
}

export function parseExpression(text: string): { expr: Expr | null; diagnostics: readonly Diagnostic[] } {
  const r = run(text, (p) => p.expression(), expression);
  return { expr: r.diagnostics.length === 0 ? r.value : null, diagnostics: r.diagnostics };
}

/** A comma-separated list of expressions (a filter list such as `region = 'eu', plan = 'pro'`). */
export function parseExpressionList(text: string): {
  exprs: Expr[] | null;
  diagnostics: readonly Diagnostic[];
} {
  const r = run(
    text,
    (p) => p.property(),
    (cst) => ((cst.children.expression as CstNode[] | undefined) ?? []).map(expression),
  );
  return { exprs: r.diagnostics.length === 0 ? r.value : null, diagnostics: r.diagnostics };
}
