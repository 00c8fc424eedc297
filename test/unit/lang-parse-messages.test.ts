/**
 * What a syntax error says (src/lang/parse.ts): Chevrotain's errors in plain words. A short list of
 * what could come next is spelled out (and kept as `expected` for editors); a long or empty one is
 * replaced by what the rule being parsed wanted ("an expression", "a declaration"). The lexer's errors
 * name the character or the unclosed quote. Expected texts come from the grammar (grammar/parser.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import { parseExpression, parseProgram } from '../../src/lang/parse.ts';

/** The one diagnostic of `diagnostics` (a test input has exactly one problem). */
function one(diagnostics: readonly Diagnostic[]): Diagnostic {
  expect(diagnostics.map((d) => d.message)).toHaveLength(1);
  expect(diagnostics[0]!.severity).toBe('error');
  expect(diagnostics[0]!.code).toBe('syntax');
  return diagnostics[0]!;
}
const inProgram = (text: string) => one(parseProgram(text).diagnostics);

/** What may start an operand (grammar: unary, then primary's alternatives), as the messages word it. */
const OPERAND = [
  '"-"',
  'a number',
  "a 'string'",
  'a "string"',
  '"true"',
  '"false"',
  '"null"',
  '"case"',
  '"("',
  'a name',
  'a `quoted name`',
];

describe('a short list of what could come next is spelled out', () => {
  it('tokens in quotes, joined with "or"', () => {
    // After `kpi a` the grammar takes `=` (short form) or `{` (properties).
    const d = inProgram('kpi a 1');
    expect(d.message).toBe('unexpected "1": expected "=" or "{"');
    expect(d.expected).toEqual(['"="', '"{"']);
  });

  it('names and strings in words', () => {
    // A dot in a qualified name must be followed by a name.
    const d = inProgram('kpi a = x.');
    expect(d.message).toBe('unexpected end of the input: expected a name or a `quoted name`');
    expect(d.expected).toEqual(['a name', 'a `quoted name`']);
    // `within` takes a period in either kind of quotes.
    expect(inProgram('kpi a = sum(x) within 1').expected).toEqual(["a 'string'", 'a "string"']);
  });

  it('keywords in lower case, however the source spells them', () => {
    // Keywords are case-insensitive (grammar/tokens.ts); the message uses the grammar's spelling.
    const d = inProgram('ROLLUP r { }');
    expect(d.message).toBe('unexpected "{": expected "on"');
    expect(d.expected).toEqual(['"on"']);
    expect(inProgram('kpi a = x between 1 2').message).toBe('unexpected "2": expected "and"');
  });
});

describe('a long or empty list is said in words', () => {
  it('an operand: "an expression", with the list kept for editors', () => {
    const d = inProgram('kpi a = 1 +');
    expect(d.message).toBe('unexpected end of the input: expected an expression');
    expect(d.expected).toEqual(OPERAND);
  });

  it('after `and` (where `not` may also come)', () => {
    const d = inProgram('kpi a = x and');
    expect(d.message).toBe('unexpected end of the input: expected an expression');
    expect(d.expected).toEqual(['"not"', ...OPERAND]);
  });

  it('an empty `in (…)` list and an aggregate with nothing after `distinct`', () => {
    // Both are "at least one expression" repetitions: Chevrotain's message for those lists nothing.
    for (const text of ['kpi a = x in ()', 'kpi a = count(distinct)']) {
      const d = inProgram(text);
      expect(d.message, text).toBe('unexpected ")": expected an expression');
      expect(d, text).not.toHaveProperty('expected');
    }
  });

  it('a property with no value', () => {
    const d = inProgram('kpi a { formula: }');
    expect(d.message).toBe('unexpected "}": expected a property such as `formula: …`');
    expect(d).not.toHaveProperty('expected');
  });

  it('text where a declaration should start, before any or after one', () => {
    expect(inProgram('revenue = 1').message).toBe(
      'unexpected "revenue": expected a declaration (`kpi` or `rollup`)',
    );
    const d = inProgram('kpi a = 1 2');
    expect(d.message).toBe('unexpected "2": expected a declaration (`kpi` or `rollup`)');
    expect(d).not.toHaveProperty('expected');
  });

  it('nothing more when the rule has no words for it (`case` without `when`)', () => {
    const d = inProgram('kpi a = case end');
    expect(d.message).toBe('unexpected "end"');
    expect(d).not.toHaveProperty('expected');
  });
});

describe('the end of the text', () => {
  it('is the end of the declaration when another follows, else the end of the input', () => {
    // Each declaration is parsed on its own: the first one's tokens end where `kpi b` starts.
    const messages = parseProgram('kpi a = 1 +\nkpi b = 1 +').diagnostics.map((d) => d.message);
    expect(messages).toEqual([
      'unexpected end of the declaration: expected an expression',
      'unexpected end of the input: expected an expression',
    ]);
  });

  it('is the end of the input in an expression', () => {
    expect(one(parseExpression('1 +').diagnostics).message).toBe(
      'unexpected end of the input: expected an expression',
    );
  });
});

describe('text after a whole expression', () => {
  it('is named as left over after the expression, not as a missing declaration', () => {
    // A filter or an inline formula is one expression: "expected a declaration" (the program's words)
    // sent its users looking for a `kpi` keyword.
    for (const [text, token, column] of [
      ['sum(x) y', 'y', 8],
      ["region = 'eu')", ')', 14],
      ['a b', 'b', 3],
    ] as const) {
      const d = one(parseExpression(text).diagnostics);
      expect(d.message).toBe(`unexpected "${token}" after the end of the expression`);
      expect(d.span.start.column).toBe(column);
    }
  });

  it('names the first token left over when a name follows a whole comparison', () => {
    // Here Chevrotain fails inside the expression rule (a name may start a keyword operator), so the
    // words after "expected" are the rule's.
    const filter = "region = 'eu' plan = 'pro'";
    expect(one(parseExpression(filter).diagnostics).message).toMatch(/^unexpected "plan": expected /);
  });
});

describe('what the lexer cannot read', () => {
  it('an unclosed quote, named', () => {
    // The rest of each line still lexes as names, so the lexer's is the only error.
    expect(inProgram("kpi a = 'abc").message).toBe("unterminated string: add the closing '");
    expect(inProgram('kpi a = "abc').message).toBe('unterminated string: add the closing "');
    expect(inProgram('kpi a = `abc').message).toBe('unterminated quoted name: add the closing `');
  });

  it('any other character, named', () => {
    expect(inProgram('kpi a = 1 #').message).toBe('unexpected character "#"');
    expect(one(parseExpression('x ?').diagnostics).message).toBe('unexpected character "?"');
  });
});
