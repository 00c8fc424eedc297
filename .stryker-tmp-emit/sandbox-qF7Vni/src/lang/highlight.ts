/**
 * KPI language text → HTML with `<span class="kpi-…">` around each token, for the user guide's code
 * blocks (src/docs). It runs the grammar's own lexer, so the docs colour exactly what the parser
 * reads: a new keyword in grammar/tokens.ts is highlighted without touching this file. Comments (skipped
 * by the lexer) and text the lexer cannot read stay in the gaps between tokens, escaped.
 */
// @ts-nocheck

import type { IToken } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';

export type HighlightClass =
  | 'keyword'
  | 'string'
  | 'number'
  | 'comment'
  | 'function'
  | 'property'
  | 'operator';

const KEYWORDS = new Set(
  [
    T.Kpi,
    T.Rollup,
    T.Let,
    T.And,
    T.Or,
    T.Not,
    T.In,
    T.Between,
    T.Is,
    T.Null,
    T.Like,
    T.Case,
    T.When,
    T.Then,
    T.Else,
    T.End,
    T.True,
    T.False,
    T.Distinct,
    T.Where,
    T.Active,
    T.On,
    T.Within,
  ].map((t) => t.name),
);
const STRINGS = new Set([T.StringLiteral.name, T.DoubleQuotedString.name]);
const PUNCTUATION = new Set(
  [T.LParen, T.RParen, T.LCurly, T.RCurly, T.Comma, T.Dot, T.Colon, T.Semicolon].map((t) => t.name),
);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** How a token is shown: by its type, and for names by what follows (a call, a property). */
function classOf(tokens: readonly IToken[], i: number): HighlightClass | null {
  const t = tokens[i]!;
  const name = t.tokenType.name;
  if (KEYWORDS.has(name)) return 'keyword';
  if (STRINGS.has(name)) return 'string';
  if (name === T.NumberLiteral.name) return 'number';
  if (name === T.Identifier.name || name === T.QuotedIdentifier.name) {
    const next = tokens[i + 1]?.tokenType.name;
    if (next === T.LParen.name) return 'function';
    if (next === T.Colon.name) return 'property';
    return null;
  }
  return PUNCTUATION.has(name) ? null : 'operator';
}

const span = (cls: HighlightClass | null, text: string) =>
  cls ? `<span class="kpi-${cls}">${escapeHtml(text)}</span>` : escapeHtml(text);

/** A gap between tokens: whitespace, comments, or text the lexer could not read (left plain). */
function gap(text: string): string {
  return text
    .split(/(--[^\n\r]*|\/\/[^\n\r]*|\/\*[\s\S]*?\*\/)/)
    .map((part, i) => (i % 2 === 1 ? span('comment', part) : escapeHtml(part)))
    .join('');
}

/** The text as HTML (no wrapping element): every character of the input, escaped, tokens in spans. */
export function highlightKpi(text: string): string {
  const { tokens } = T.KpiLexer.tokenize(text);
  let out = '';
  let at = 0;
  tokens.forEach((t, i) => {
    out += gap(text.slice(at, t.startOffset));
    out += span(classOf(tokens, i), t.image);
    at = t.startOffset + t.image.length;
  });
  return out + gap(text.slice(at));
}
