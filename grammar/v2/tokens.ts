/**
 * The KPI DSL's tokens — with grammar/v2/parser.ts, the one source of truth for the syntax.
 * Keywords are case-insensitive. Soft keywords (time units, `measure`, `period`) also count as
 * identifiers through Chevrotain token categories, so columns and dimensions may use those words.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /(?:--|\/\/)[^\n\r]*/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/,
  label: 'a name',
});
/** `my column` — a name with any characters; a backtick is doubled inside. */
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /`(?:[^`\n\r]|``)+`/,
  categories: [Identifier],
  label: 'a `quoted name`',
});

const keyword = (name: string, word: string, soft = false): TokenType =>
  createToken({
    name,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    label: `'${word}'`,
    ...(soft ? { categories: [Identifier] } : {}),
  });

// Hard keywords: reserved, never names (quote them with backticks to use them as names).
export const Kpi = keyword('Kpi', 'kpi');
export const Rollup = keyword('Rollup', 'rollup');
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
export const At = keyword('At', 'at');

// Soft keywords: meaningful in one place, ordinary names everywhere else.
export const Measure = keyword('Measure', 'measure', true);
export const Period = keyword('Period', 'period', true);
export const DurationUnit = createToken({
  name: 'DurationUnit',
  pattern: /(?:minute|hour|day|week|month|quarter|year)s?/i,
  longer_alt: Identifier,
  categories: [Identifier],
  label: 'a time unit',
});

export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
/** 'text' or "text"; the quote is doubled inside; any Unicode, newlines included. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'|"(?:[^"]|"")*"/,
  line_breaks: true,
  label: 'a string',
});

export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=|<>/, label: "'!='" });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/, label: "'<='" });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/, label: "'>='" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Equals = createToken({ name: 'Equals', pattern: /==?/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });

/** Order matters: comments before operators, keywords before Identifier, longer operators first. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  QuotedIdentifier,
  NumberLiteral,
  Kpi,
  Rollup,
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
  At,
  Measure,
  Period,
  DurationUnit,
  Identifier,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
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
  Semicolon,
  Colon,
  Dot,
];

export const lexer = new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: false });
