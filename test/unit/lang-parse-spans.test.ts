/**
 * Where a syntax diagnostic points (src/lang/parse.ts): the token found; at the end of the text the
 * last token read (there is nothing after it to underline), or the end of the text when there is no
 * token at all; the characters the lexer could not read. Diagnostics come in text order, and inputs
 * past MAX_SOURCE_CHARS are refused before lexing. Spans are counted from the input (test/support).
 */
import { describe, expect, it } from 'vitest';
import { MAX_SOURCE_CHARS, parseExpression, parseProgram } from '../../src/lang/parse.ts';
import { pointAt, spanOf } from '../support/source-span.ts';

const spans = (diagnostics: readonly { span: unknown }[]) => diagnostics.map((d) => d.span);

describe('the span of a syntax error', () => {
  it('is the token found', () => {
    const text = 'kpi a\n  1';
    expect(spans(parseProgram(text).diagnostics)).toEqual([spanOf(text, '1')]);
    // By hand: line 2, columns 3 to 4.
    expect(parseProgram(text).diagnostics[0]!.span).toEqual({
      start: { line: 2, column: 3, offset: 8 },
      end: { line: 2, column: 4, offset: 9 },
    });
  });

  it('at the end of the text, is the last token read, on its own line', () => {
    const text = 'kpi a =\n  1 +\n';
    expect(spans(parseProgram(text).diagnostics)).toEqual([spanOf(text, '+')]);
    expect(spans(parseExpression('sum(x) and').diagnostics)).toEqual([spanOf('sum(x) and', 'and')]);
  });

  it('in an expression with no token at all, is the end of the text', () => {
    // Nothing to underline: an empty span just past the last character, on the last line.
    expect(spans(parseExpression('   ').diagnostics)).toEqual([pointAt('   ', 3)]);
    expect(parseExpression('   ').diagnostics[0]!.span.start).toEqual({ line: 1, column: 4, offset: 3 });
    const comment = '-- nothing yet\n  ';
    expect(spans(parseExpression(comment).diagnostics)).toEqual([pointAt(comment, comment.length)]);
    expect(parseExpression(comment).diagnostics[0]!.span.end).toEqual({ line: 2, column: 3, offset: 17 });
  });
});

describe('the span of a lexer error', () => {
  it('covers the run of characters it could not read', () => {
    const text = 'kpi a = 1\nkpi b = 2 @#';
    expect(spans(parseProgram(text).diagnostics)).toEqual([spanOf(text, '@#')]);
    // By hand: line 2 starts at offset 10; `@#` takes columns 11 and 12.
    expect(parseProgram(text).diagnostics[0]!.span).toEqual({
      start: { line: 2, column: 11, offset: 20 },
      end: { line: 2, column: 13, offset: 22 },
    });
    expect(spans(parseExpression('x ?').diagnostics)).toEqual([spanOf('x ?', '?')]);
  });
});

describe('diagnostics come in text order', () => {
  it('lexer and parser errors of an expression interleaved', () => {
    // The lexer's `#` is found first, the parser's stray `1` (earlier in the text) second.
    const text = '1 1 #';
    expect(spans(parseExpression(text).diagnostics)).toEqual([spanOf(text, '1', 1), spanOf(text, '#')]);
  });

  it('across declarations', () => {
    // The second declaration's lexer error is found before the first declaration is parsed.
    const text = 'kpi a = (\nkpi b = 1 #';
    expect(spans(parseProgram(text).diagnostics)).toEqual([spanOf(text, '('), spanOf(text, '#')]);
  });
});

describe(`inputs longer than MAX_SOURCE_CHARS (${MAX_SOURCE_CHARS})`, () => {
  const refused = (length: number) => ({
    severity: 'error',
    code: 'too-large',
    message: `the input has ${length} characters; the limit is ${MAX_SOURCE_CHARS}`,
    span: pointAt('', 0),
  });

  it('an expression: parsed at the limit, refused one past it', () => {
    const atLimit = `${' '.repeat(MAX_SOURCE_CHARS - 1)}7`;
    expect(parseExpression(atLimit).diagnostics).toEqual([]);
    expect(parseExpression(atLimit).value).toMatchObject({ k: 'number', value: 7 });
    const over = ` ${atLimit}`;
    expect(parseExpression(over)).toEqual({ value: null, diagnostics: [refused(MAX_SOURCE_CHARS + 1)] });
  });

  it('a program: parsed at the limit, refused one past it', () => {
    const decl = 'kpi a = 1';
    const atLimit = `${' '.repeat(MAX_SOURCE_CHARS - decl.length)}${decl}`;
    const parsed = parseProgram(atLimit);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value!.map((d) => d.k)).toEqual(['kpi']);
    expect(parseProgram(` ${atLimit}`)).toEqual({
      value: null,
      diagnostics: [refused(MAX_SOURCE_CHARS + 1)],
      brokenIds: [],
    });
  });
});
