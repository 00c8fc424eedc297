/**
 * Hostile sources get diagnostics, not stack overflows or quadratic time: the lexer scans each
 * character of an unterminated `/*` run once (counted), nesting past MAX_NESTING and trees deeper
 * than MAX_EXPRESSION_DEPTH are refused with code `too-deep` and a position.
 */
import { describe, expect, it } from 'vitest';
import { blockCommentScans, KpiLexer } from '../../grammar/tokens.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import { depthDiagnostic, nestingDiagnostic, treeDepth } from '../../src/lang/limits.ts';
import { parseExpression, parseProgram } from '../../src/lang/parse.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

const catalog = loadCatalog();

describe('lexing is linear', () => {
  it('scans 240 KB of "/* " once, not once per "/*" (quadratic took 16 s)', () => {
    const text = '/* '.repeat(80_000);
    const before = blockCommentScans.chars;
    const lexed = KpiLexer.tokenize(text);
    // Every character after the first `/*` is looked at once to learn there is no `*/`.
    expect(blockCommentScans.chars - before).toBeLessThanOrEqual(text.length);
    expect(lexed.tokens.length).toBe(160_000); // unterminated: `/` and `*` tokens
    const parsed = parseExpression(text);
    expect(parsed.value).toBeNull();
    expect(parsed.diagnostics[0]!.code).toBe('too-large'); // 160,000 tokens > MAX_TOKENS
  });

  it('still skips terminated block comments, nested openers included', () => {
    const lexed = KpiLexer.tokenize('1 /* a /* b */ + /**/ 2 /*/ x */');
    expect(lexed.errors).toEqual([]);
    expect(lexed.tokens.map((t) => t.image)).toEqual(['1', '+', '2']);
  });
});

describe('nesting limit', () => {
  const nested = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;

  it(`parses ${LIMITS.MAX_NESTING} nested parentheses, and an expression wrapped whole in them`, () => {
    expect(parseExpression(nested(LIMITS.MAX_NESTING)).diagnostics).toEqual([]);
    expect(parseExpression("(region = 'eu')").diagnostics).toEqual([]);
    expect(parseExpression('(1) )').diagnostics[0]!.code).toBe('syntax');
  });

  it.each([
    ['500 parentheses', nested(500)],
    ['4,000 parentheses', nested(4_000)],
    ['9,000 not', `${'not '.repeat(9_000)}true`],
    ['9,000 unary minus', `${'- '.repeat(9_000)}1`],
    ['1,500 nested case', `${'case when true then '.repeat(1_500)}1${' end'.repeat(1_500)}`],
  ])('answers too-deep with a position for %s, not a stack overflow', (_, text) => {
    const parsed = parseExpression(text);
    expect(parsed.value).toBeNull();
    expect(parsed.diagnostics).toHaveLength(1);
    const d = parsed.diagnostics[0]!;
    expect(d.code).toBe('too-deep');
    expect(d.message).toContain(`MAX_NESTING = ${LIMITS.MAX_NESTING}`);
    expect(d.span.start.line).toBe(1);
    expect(d.span.start.column).toBeGreaterThan(LIMITS.MAX_NESTING);
  });

  it('refuses more than MAX_TOKENS tokens (100,000 parentheses) with too-large before parsing', () => {
    const parsed = parseExpression(nested(100_000));
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['too-large']);
    expect(parsed.diagnostics[0]!.message).toContain(`MAX_TOKENS = ${LIMITS.MAX_TOKENS}`);
  });

  it('reports a too-deep declaration and keeps the others of the file', () => {
    const parsed = parseProgram(`kpi a = 1\nkpi b = ${nested(1_000)}\nkpi c = 2`);
    expect(parsed.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([['too-deep', 2]]);
    expect(parsed.value!.map((d) => (d as unknown as { id: { text: string } }).id.text)).toEqual(['a', 'c']);
  });
});

describe('expression depth limit', () => {
  const chain = (n: number) =>
    Array.from({ length: n }, () => 'sum(payments.subscriptions.amount)').join(' + ');

  it('compiles a 1,000-term chain end to end', () => {
    const registry = loadRegistry(DEMO_KPI_FILES, catalog).registry;
    const r = analyzeFormula(chain(1_000), { catalog, registry });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const k = r.kpis[0]!;
    const p = planQuery(
      k,
      {
        kpi: k.id,
        grain: 'month',
        range: { start: '2025-01-01', end: '2025-04-01' },
        timezone: 'UTC',
        dimensions: [],
        filters: [],
      },
      { catalog, registry: new Map([...registry, [k.id, k]]) },
    );
    expect(p.root.input.inputs).toHaveLength(1); // one measure, read 1,000 times
    expect(emitSql(p, postgres, catalog).sql.length).toBeLessThan(LIMITS.MAX_SQL_CHARS);
  });

  it(`refuses a chain deeper than MAX_EXPRESSION_DEPTH (${LIMITS.MAX_EXPRESSION_DEPTH}) with too-deep`, () => {
    const parsed = parseExpression(`1${' + 1'.repeat(LIMITS.MAX_EXPRESSION_DEPTH + 10)}`);
    expect(parsed.value).toBeNull();
    expect(parsed.diagnostics[0]!.code).toBe('too-deep');
    expect(parsed.diagnostics[0]!.message).toContain('MAX_EXPRESSION_DEPTH');
  });
});

// The bounds of src/lang/limits.ts on their own, each exactly at its limit and one past it.
const tokens = (text: string) => KpiLexer.tokenize(text).tokens;
const AT = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };

/** A chain of `n` tagged nodes, each holding the next under `operand`. */
function chain(n: number): unknown {
  let node: unknown = { k: 'lit' };
  for (let i = 1; i < n; i++) node = { k: 'unary', operand: node };
  return node;
}

describe('treeDepth', () => {
  it('counts tagged nodes (k or kind) along the deepest path, whatever order the walk meets them', () => {
    expect(treeDepth({ kind: 'a', c: { kind: 'b' } })).toBe(2);
    expect(treeDepth({ k: 'a', shallow: { k: 'd' }, deep: { k: 'b', x: { k: 'c' } } })).toBe(3);
    expect(treeDepth({ k: 'a', items: [{ k: 'b' }, { k: 'c', z: { k: 'd' } }] })).toBe(3);
  });

  it('does not count arrays or untagged objects as levels', () => {
    expect(treeDepth({ k: 'a', meta: { note: { k: 'b' } } })).toBe(2);
    expect(treeDepth([[{ k: 'a' }]])).toBe(1);
  });

  it('skips source spans, `span` and any `…Span`', () => {
    expect(
      treeDepth({ k: 'a', span: { k: 'x', a: { k: 'y' } }, nameSpan: { kind: 'z', b: { kind: 'w' } } }),
    ).toBe(1);
  });

  it('is 0 for a value that is not an object', () => {
    for (const v of [null, undefined, 0, 7, '', 'text', true]) expect(treeDepth(v)).toBe(0);
  });
});

describe('depthDiagnostic', () => {
  it('accepts a tree exactly MAX_EXPRESSION_DEPTH deep and refuses one level more, as an error', () => {
    expect(depthDiagnostic(chain(LIMITS.MAX_EXPRESSION_DEPTH), AT)).toBeNull();
    const d = depthDiagnostic(chain(LIMITS.MAX_EXPRESSION_DEPTH + 1), AT)!;
    expect([d.severity, d.code, d.span]).toEqual(['error', 'too-deep', AT]);
    expect(d.message).toContain(`${LIMITS.MAX_EXPRESSION_DEPTH + 1} levels deep`);
  });
});

describe('nestingDiagnostic', () => {
  it('accepts exactly MAX_TOKENS tokens and refuses one more, as an error', () => {
    const ones = (n: number) => tokens('1 '.repeat(n));
    expect(ones(LIMITS.MAX_TOKENS)).toHaveLength(LIMITS.MAX_TOKENS);
    expect(nestingDiagnostic(ones(LIMITS.MAX_TOKENS))).toBeNull();
    const d = nestingDiagnostic(ones(LIMITS.MAX_TOKENS + 1))!;
    expect([d.severity, d.code]).toEqual(['error', 'too-large']);
  });

  it('counts parentheses from zero again after stray closers', () => {
    // Closers before any opener cannot make room for deeper nesting afterwards.
    const text = `${')'.repeat(5)}${'('.repeat(LIMITS.MAX_NESTING + 1)}1`;
    const d = nestingDiagnostic(tokens(text))!;
    expect([d.severity, d.code]).toEqual(['error', 'too-deep']);
    expect(nestingDiagnostic(tokens(`${')'.repeat(5)}${'('.repeat(LIMITS.MAX_NESTING)}1`))).toBeNull();
  });
});
