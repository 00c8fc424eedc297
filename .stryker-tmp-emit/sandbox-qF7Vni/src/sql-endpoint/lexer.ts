/**
 * Trino's lexical rules, on their own (no SQL library gets them all right): `'…'` strings with `''` as
 * the only escape (a backslash is an ordinary character), `"…"` identifiers with `""`, `U&'…'` left
 * to Trino, `--` and `/* *\/` comments, `?` parameters. Identifiers are case-insensitive: `value` holds
 * the lower-cased name (quoted ones keep their text, as Trino folds them too: it matches names
 * case-insensitively).
 */
// @ts-nocheck

import { type SourcePosition, SqlError } from './errors.ts';

export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'param' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** ident/quoted: the name, lower-cased; string: the unescaped text; else the source text. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly pos: SourcePosition;
}

const PUNCT = [
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '=>',
  '->',
  '(',
  ')',
  ',',
  '.',
  ';',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '[',
  ']',
  ':',
  '|',
  '{',
  '}',
  '^',
];

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127;
const isIdentPart = (c: string) => /[A-Za-z0-9_@$]/.test(c) || c.charCodeAt(0) > 127;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const posAt = (offset: number): SourcePosition => ({ line, column: offset - lineStart + 1 });
  const advanceLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      if (sql[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      advanceLines(i, i + 1);
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new SqlError('SYNTAX_ERROR', 'unterminated comment', posAt(i));
      advanceLines(i, close + 2);
      i = close + 2;
      continue;
    }
    const pos = posAt(i);
    const start = i;
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) {
          throw new SqlError(
            'SYNTAX_ERROR',
            c === "'" ? 'unterminated string literal' : 'unterminated quoted identifier',
            pos,
          );
        }
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      advanceLines(i, j + 1);
      i = j + 1;
      if (c === '"' && text === '')
        throw new SqlError('SYNTAX_ERROR', 'zero-length delimited identifier not allowed', pos);
      tokens.push({
        kind: c === "'" ? 'string' : 'quoted',
        value: c === '"' ? text.toLowerCase() : text,
        start,
        end: i,
        pos,
      });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'number', value: m[0], start, end: i, pos });
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql[j]!)) j++;
      const text = sql.slice(i, j);
      i = j;
      tokens.push({ kind: 'ident', value: text.toLowerCase(), start, end: i, pos });
      continue;
    }
    if (c === '?') {
      i++;
      tokens.push({ kind: 'param', value: '?', start, end: i, pos });
      continue;
    }
    const punct = PUNCT.find((p) => sql.startsWith(p, i));
    if (!punct) throw new SqlError('SYNTAX_ERROR', `unexpected character '${c}'`, pos);
    i += punct.length;
    tokens.push({ kind: 'punct', value: punct, start, end: i, pos });
  }
  tokens.push({ kind: 'eof', value: '', start: sql.length, end: sql.length, pos: posAt(sql.length) });
  return tokens;
}

/** A word token (plain identifier) equal to `word` (lower case). Quoted identifiers are never keywords. */
export const isWord = (t: Token | undefined, word: string): boolean =>
  t?.kind === 'ident' && t.value === word;

export const isName = (t: Token | undefined): boolean => t?.kind === 'ident' || t?.kind === 'quoted';

/** Source text of tokens [from, to) with the original spelling. */
export const textOf = (sql: string, tokens: readonly Token[], from: number, to: number): string =>
  from >= to ? '' : sql.slice(tokens[from]!.start, tokens[to - 1]!.end);
