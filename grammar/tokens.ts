/**
 * Tokens of the KPI language. Keywords are case-insensitive; an identifier that merely starts with a
 * keyword (`order_count`, `ends_at`) stays an identifier through `longer_alt`.
 */

import { createToken, Lexer, type TokenType } from 'chevrotain';
import { SKIP_GRAMMAR_VALIDATIONS } from './validations.ts';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/** `` `any name` `` — a name that is not a plain identifier (a doubled backtick escapes one). */
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`(?:[^`\n]|``)*`/ });

const keyword = (name: string, word: string): TokenType =>
  createToken({ name, pattern: new RegExp(`${word}\\b`, 'i'), longer_alt: Identifier });

export const Kpi = keyword('Kpi', 'kpi');
export const Rollup = keyword('Rollup', 'rollup');
export const Let = keyword('Let', 'let');
export const And = keyword('And', 'and');
export const Or = keyword('Or', 'or');
export const Not = keyword('Not', 'not');
export const In = keyword('In', 'in');
export const Between = keyword('Between', 'between');
export const Is = keyword('Is', 'is');
export const Null = keyword('Null', 'null');
export const Like = keyword('Like', 'like');
export const Case = keyword('Case', 'case');
export const When = keyword('When', 'when');
export const Then = keyword('Then', 'then');
export const Else = keyword('Else', 'else');
export const End = keyword('End', 'end');
export const True = keyword('True', 'true');
export const False = keyword('False', 'false');
export const Distinct = keyword('Distinct', 'distinct');
export const Where = keyword('Where', 'where');
export const Active = keyword('Active', 'active');
export const On = keyword('On', 'on');
export const Within = keyword('Within', 'within');

export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
});
/** 'text' — a doubled quote escapes one; any Unicode inside, line breaks too. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  line_breaks: true,
});
/** "text" — names and descriptions; a doubled quote escapes one. */
export const DoubleQuotedString = createToken({
  name: 'DoubleQuotedString',
  pattern: /"(?:[^"]|"")*"/,
  line_breaks: true,
});

export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/ });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/ });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=|<>/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
/** `-- comment` (SQL) and `// comment` to the end of the line; `/* … *\/` blocks. */
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /(?:--|\/\/)[^\n\r]*/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['/'],
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/**
 * Where the next `*\/` is, remembered per input: a regex `/\*[\s\S]*?\*\//` rescans to the end of
 * the text from every unterminated `/*`, so 240 KB of `/* ` took seconds (quadratic). With the close
 * position remembered, each character is scanned once (`blockCommentScans` counts for the tests).
 */
const nextClose = { text: '', from: 0, at: -1 };
export const blockCommentScans = { chars: 0 };

function matchBlockComment(text: string, offset: number): RegExpExecArray | null {
  if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
  const from = offset + 2;
  const known =
    nextClose.text === text && nextClose.from <= from && (nextClose.at === -1 || nextClose.at >= from);
  if (!known) {
    const at = text.indexOf('*/', from);
    blockCommentScans.chars += (at === -1 ? text.length : at + 2) - from;
    nextClose.text = text;
    nextClose.from = from;
    nextClose.at = at;
  }
  if (nextClose.at === -1) return null;
  const match = [text.slice(offset, nextClose.at + 2)] as unknown as RegExpExecArray;
  match.index = offset;
  return match;
}

/** Order matters: comments before operators, keywords before Identifier, longer operators first. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  Kpi,
  Rollup,
  Let,
  And,
  Or,
  Not,
  In,
  Between,
  Is,
  Null,
  Like,
  Case,
  When,
  Then,
  Else,
  End,
  True,
  False,
  Distinct,
  Where,
  Active,
  On,
  Within,
  Identifier,
  QuotedIdentifier,
  NumberLiteral,
  StringLiteral,
  DoubleQuotedString,
  LessEquals,
  GreaterEquals,
  NotEquals,
  Equals,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LCurly,
  RCurly,
  Comma,
  Dot,
  Colon,
  Semicolon,
];

export const KpiLexer = new Lexer(ALL_TOKENS, {
  ensureOptimizations: false,
  positionTracking: 'full',
  skipValidations: SKIP_GRAMMAR_VALIDATIONS,
});

/** Words that end a duration after a number (`7 days`, `1 month`). */
export const DURATION_UNITS: Readonly<Record<string, string>> = {
  minute: 'minute',
  minutes: 'minute',
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  quarter: 'quarter',
  quarters: 'quarter',
  year: 'year',
  years: 'year',
};
