/**
 * The CST → AST builder (src/lang/build-ast.ts) through the parser: the shapes a user's text becomes
 * (operators, literals, call arguments, aggregate clauses) and the source spans that diagnostics
 * underline. Expected spans are computed from the input text (`spanOf`), never from the parser.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Span } from '../../src/ir/kpi.ts';
import type { Expr } from '../../src/lang/ast.ts';
import { parseExpression, parseProgram } from '../../src/lang/parse.ts';
import { analyzeDsl } from '../../src/semantic/index.ts';

const catalog = loadCatalog();

/** Line, column (both 1-based) and offset of `offset` in `text`. */
function position(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1, offset };
}

/** The span of the `nth` occurrence of `needle` in `text`: from its first character to just past its last. */
function spanOf(text: string, needle: string, nth = 0): Span {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not in the text`);
  return { start: position(text, at), end: position(text, at + needle.length) };
}

function expr(text: string): Expr {
  const parsed = parseExpression(text);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.value!;
}

const diagnostics = (text: string) => analyzeDsl(text, { catalog, file: 'x.kpi' }).diagnostics;

describe('spans', () => {
  // Spans end just past their last character; the web editor underlines up to end.offset and the CLI's
  // caret runs to end.column, so a wrong end shows the user a wrong range. Line 2 on purpose: a token
  // or node on line 1 hides an end line of 1.
  const text = 'sum(\n  payments.subscriptions.amount\n)';

  it('of a name (one token) on a later line', () => {
    const call = expr(text);
    if (call.k !== 'call' || call.args[0]?.k !== 'name') throw new Error(`not sum(name): ${call.k}`);
    const [, , amount] = call.args[0].parts;
    expect(amount!.text).toBe('amount');
    expect(amount!.span).toEqual(spanOf(text, 'amount'));
    // By hand: line 2 starts at offset 5; `amount` takes columns 26-31.
    expect(amount!.span.end).toEqual({ line: 2, column: 32, offset: 36 });
  });

  it('of a node over several lines', () => {
    const call = expr(text);
    expect(call.span).toEqual(spanOf(text, text));
    expect(call.span.end).toEqual({ line: 3, column: 2, offset: 38 });
    if (call.k !== 'call') throw new Error(call.k);
    // The qualified name is a node of three tokens: it ends where its last name ends.
    expect(call.args[0]!.span).toEqual(spanOf(text, 'payments.subscriptions.amount'));
  });

  it("of a number literal, and of a diagnostic at a misspelt column's name", () => {
    const n = expr('1 +\n  250');
    if (n.k !== 'binary') throw new Error(n.k);
    expect(n.right).toMatchObject({ k: 'number', value: 250, span: spanOf('1 +\n  250', '250') });
    const source = 'kpi k {\n  formula: sum(payments.subscriptions.amout)\n}';
    const d = diagnostics(source);
    expect(d.map((x) => x.code)).toEqual(['unknown-column']);
    expect(d[0]!.span).toEqual(spanOf(source, 'amout'));
  });
});

describe('operators and literals', () => {
  it('a - b is a subtraction (not an addition), a + b - c folds from the left', () => {
    expect(expr('a - b')).toMatchObject({ k: 'binary', op: '-', left: { k: 'name' }, right: { k: 'name' } });
    expect(expr('a + b - c')).toMatchObject({
      k: 'binary',
      op: '-',
      left: { k: 'binary', op: '+' },
      right: { k: 'name', parts: [{ text: 'c' }] },
    });
  });

  it('-x is a unary minus; -5 is the literal −5 written "-5"', () => {
    expect(expr('-x')).toMatchObject({
      k: 'unary',
      op: '-',
      operand: { k: 'name' },
      span: spanOf('-x', '-x'),
    });
    expect(expr('-5')).toEqual({ k: 'number', value: -5, image: '-5', span: spanOf('-5', '-5') });
  });

  it('a negative number too large to hold is named as written in its diagnostic', () => {
    const d = diagnostics('kpi k = -1e999');
    expect(d).toMatchObject([{ code: 'bad-number', message: '-1e999 is too large a number' }]);
  });

  it.each([
    ['true', { k: 'boolean', value: true }],
    ['false', { k: 'boolean', value: false }],
    ['null', { k: 'null' }],
  ])('%s is a literal', (text, shape) => {
    expect(expr(text)).toEqual({ ...shape, span: spanOf(text, text) });
  });

  it('literals inside a condition keep their kinds', () => {
    expect(expr('trial = true or paid = false or note = null')).toMatchObject({
      k: 'binary',
      op: 'or',
      left: {
        op: 'or',
        left: { right: { k: 'boolean', value: true } },
        right: { right: { k: 'boolean', value: false } },
      },
      right: { op: '=', right: { k: 'null' } },
    });
  });
});

describe('calls', () => {
  it('an empty argument list: no arguments, no *, no distinct, no where', () => {
    expect(expr('count()')).toMatchObject({
      k: 'call',
      fn: { text: 'count' },
      star: false,
      distinct: false,
      args: [],
      where: null,
    });
    // The user is told what is missing instead of the analyzer failing.
    expect(diagnostics('kpi k = count()')).toMatchObject([
      { code: 'bad-arguments', message: 'count(…) takes one argument' },
    ]);
  });

  it('a qualified function name is one name over all its parts', () => {
    const text = 'a.b.c(x)';
    expect(expr(text)).toMatchObject({ k: 'call', fn: { text: 'a.b.c', span: spanOf(text, 'a.b.c') } });
    const source = 'kpi k = payments.sum(payments.subscriptions.amount)';
    const d = diagnostics(source);
    expect(d).toMatchObject([{ code: 'unknown-function', message: 'unknown function "payments.sum"' }]);
    expect(d[0]!.span).toEqual(spanOf(source, 'payments.sum'));
  });

  it("`within` alone sets the aggregate's period and nothing else", () => {
    expect(expr("sum(x) within 'last_30_days'")).toMatchObject({
      k: 'call',
      fn: { text: 'sum' },
      within: 'last_30_days',
      on: null,
      active: null,
    });
  });

  it('a clause inside the parentheses is misplaced, not a missing table', () => {
    // `on` binds to the column, so the aggregate's argument is the clause marker around that column:
    // the analyzer still finds the table through it and names the real problem.
    const source = 'kpi k = sum(payments.subscriptions.amount on started_at)';
    expect(diagnostics(source)).toMatchObject([
      { code: 'misplaced-clause', span: spanOf(source, 'payments.subscriptions.amount on started_at') },
    ]);
  });
});

describe('declarations', () => {
  it('a rollup with an empty body has no properties (and is told it needs a grain)', () => {
    const text = 'rollup r on payments.subscriptions {}';
    const parsed = parseProgram(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toEqual([
      {
        k: 'rollup',
        name: { text: 'r', span: spanOf(text, 'r', 1) }, // the 'r' after `rollup`'s own
        table: [
          { text: 'payments', span: spanOf(text, 'payments') },
          { text: 'subscriptions', span: spanOf(text, 'subscriptions') },
        ],
        tableSpan: spanOf(text, 'payments.subscriptions'),
        properties: [],
        span: spanOf(text, text),
      },
    ]);
    expect(diagnostics(text).map((d) => d.code)).toEqual(['missing-grain']);
  });
});
