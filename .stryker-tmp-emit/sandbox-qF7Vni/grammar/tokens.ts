/**
 * Tokens of the KPI language. Keywords are case-insensitive; an identifier that merely starts with a
 * keyword (`order_count`, `ends_at`) stays an identifier through `longer_alt`.
 */
// @ts-nocheck


import { createToken, type ITokenConfig, Lexer, type TokenType } from 'chevrotain';
import { SKIP_GRAMMAR_VALIDATIONS } from './validations.ts';

/**
 * Every token states the characters it can start with (`start_chars_hint`) and whether it can span
 * lines (`line_breaks`). Without them Chevrotain derives both by parsing each token's regular
 * expression whenever a lexer is built — a sixth of `kpi check`'s start-up. The stated values are
 * checked against Chevrotain's own analysis in test/unit/grammar-startup.test.ts.
 */
const token = (config: ITokenConfig & Required<Pick<ITokenConfig, 'start_chars_hint' | 'line_breaks'>>) =>
  createToken(config);

const range = (from: string, to: string): string[] =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) =>
    String.fromCharCode(from.charCodeAt(0) + i),
  );
const LETTERS = [...range('A', 'Z'), ...range('a', 'z'), '_'];
const DIGITS = range('0', '9');
/** What `\s` matches in JavaScript: WhiteSpace and LineTerminator of ECMA-262. */
export const WHITESPACE_CHARS = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u00a0',
  '\u1680',
  ...range('\u2000', '\u200a'),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
/** A one-line operator or punctuation token, and the characters it starts with. */
const symbol = (name: string, pattern: RegExp, starts: string): TokenType =>
  token({ name, pattern, start_chars_hint: [...starts], line_breaks: false });

export const Identifier = token({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  start_chars_hint: LETTERS,
  line_breaks: false,
});
/** `` `any name` `` — a name that is not a plain identifier (a doubled backtick escapes one). */
export const QuotedIdentifier = token({
  name: 'QuotedIdentifier',
  pattern: /`(?:[^`\n]|``)*`/,
  start_chars_hint: ['`'],
  // As Chevrotain derived it (it ignores negated sets): a lone carriage return inside is not counted
  // as a new line.
  line_breaks: false,
});

const keyword = (name: string, word: string): TokenType =>
  token({
    name,
    pattern: new RegExp(`${word}\\b`, 'i'),
    longer_alt: Identifier,
    start_chars_hint: [word[0]!.toLowerCase(), word[0]!.toUpperCase()],
    line_breaks: false,
  });

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

export const NumberLiteral = token({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  start_chars_hint: [...DIGITS, '.'],
  line_breaks: false,
});
/** 'text' — a doubled quote escapes one; any Unicode inside, line breaks too. */
export const StringLiteral = token({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  start_chars_hint: ["'"],
  line_breaks: true,
});
/** "text" — names and descriptions; a doubled quote escapes one. */
export const DoubleQuotedString = token({
  name: 'DoubleQuotedString',
  pattern: /"(?:[^"]|"")*"/,
  start_chars_hint: ['"'],
  line_breaks: true,
});

export const LessEquals = symbol('LessEquals', /<=/, '<');
export const GreaterEquals = symbol('GreaterEquals', />=/, '>');
export const NotEquals = symbol('NotEquals', /!=|<>/, '!<');
export const Equals = symbol('Equals', /=/, '=');
export const Less = symbol('Less', /</, '<');
export const Greater = symbol('Greater', />/, '>');
export const Plus = symbol('Plus', /\+/, '+');
export const Minus = symbol('Minus', /-/, '-');
export const Star = symbol('Star', /\*/, '*');
export const Slash = symbol('Slash', /\//, '/');
export const Percent = symbol('Percent', /%/, '%');
export const LParen = symbol('LParen', /\(/, '(');
export const RParen = symbol('RParen', /\)/, ')');
export const LCurly = symbol('LCurly', /\{/, '{');
export const RCurly = symbol('RCurly', /\}/, '}');
export const Comma = symbol('Comma', /,/, ',');
export const Dot = symbol('Dot', /\./, '.');
export const Colon = symbol('Colon', /:/, ':');
export const Semicolon = symbol('Semicolon', /;/, ';');

export const WhiteSpace = token({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  start_chars_hint: WHITESPACE_CHARS,
  line_breaks: true,
});
/** `-- comment` (SQL) and `// comment` to the end of the line; `/* … *\/` blocks. */
export const LineComment = token({
  name: 'LineComment',
  pattern: /(?:--|\/\/)[^\n\r]*/,
  group: Lexer.SKIPPED,
  start_chars_hint: ['-', '/'],
  line_breaks: false,
});
export const BlockComment = token({
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
