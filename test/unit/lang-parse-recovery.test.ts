/**
 * parseProgram's recovery (src/lang/parse.ts): each declaration, from its `kpi` or `rollup` keyword to
 * the next one, is parsed on its own, so an error in one leaves the others whole; a lexer error counts
 * against the declaration it lies in; the ids of broken KPI declarations are kept (others may still
 * name them) and a tree too deep is refused for its declaration alone.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/ir/limits.ts';
import type { Decl } from '../../src/lang/ast.ts';
import { parseProgram } from '../../src/lang/parse.ts';
import { spanOf } from '../support/source-span.ts';

/** `kpi id` / `rollup name` of each declaration that parsed, in order. */
const names = (decls: readonly Decl[] | null) =>
  (decls ?? []).map((d) => (d.k === 'kpi' ? `kpi ${d.id.text}` : `rollup ${d.name.text}`));

describe('each declaration is parsed on its own', () => {
  it('a program without errors: every declaration, nothing broken', () => {
    const parsed = parseProgram('kpi a = 1\nrollup r on t.u { dimensions: x }\nkpi b { formula: 2 }');
    expect(parsed.diagnostics).toEqual([]);
    expect(names(parsed.value)).toEqual(['kpi a', 'rollup r', 'kpi b']);
    expect(parsed.brokenIds).toEqual([]);
  });

  it('a rollup starts a declaration as a kpi does: a broken kpi before it does not take it along', () => {
    const parsed = parseProgram('kpi a = (\nrollup r on t.u { dimensions: x }\nkpi c = 1');
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([
      'unexpected end of the declaration: expected an expression',
    ]);
    expect(names(parsed.value)).toEqual(['rollup r', 'kpi c']);
    expect(parsed.brokenIds).toEqual(['a']);
  });

  it('a lexer error breaks only the declaration it lies in', () => {
    const text = 'kpi a = 1\nkpi b = 2 #\nkpi c = 3';
    const parsed = parseProgram(text);
    expect(parsed.diagnostics.map((d) => d.span)).toEqual([spanOf(text, '#')]);
    expect(names(parsed.value)).toEqual(['kpi a', 'kpi c']);
    expect(parsed.brokenIds).toEqual(['b']);
  });
});

describe('the ids of broken KPI declarations', () => {
  it('a plain id, and a quoted one without its backticks', () => {
    expect(parseProgram('kpi a = (\nkpi `net revenue` = (').brokenIds).toEqual(['a', 'net revenue']);
    expect(parseProgram('kpi `say ``hi``` = (').brokenIds).toEqual(['say `hi`']);
  });

  it('none for a broken rollup, or when what follows `kpi` is not a name', () => {
    expect(parseProgram('rollup r on (').brokenIds).toEqual([]);
    expect(parseProgram('kpi 1 = 2').brokenIds).toEqual([]);
    expect(parseProgram('kpi = 2').brokenIds).toEqual([]);
    expect(parseProgram('kpi').brokenIds).toEqual([]);
  });
});

describe(`a declaration deeper than MAX_EXPRESSION_DEPTH (${LIMITS.MAX_EXPRESSION_DEPTH})`, () => {
  it('is refused at its keyword; the others are kept', () => {
    // `1 + 1 + …`: a left-leaning chain of binary nodes, one level per operator.
    const text = `kpi a = 1\nkpi b = 1${' + 1'.repeat(LIMITS.MAX_EXPRESSION_DEPTH + 10)}\nkpi c = 2`;
    const parsed = parseProgram(text);
    expect(parsed.diagnostics.map((d) => [d.code, d.span])).toEqual([['too-deep', spanOf(text, 'kpi', 1)]]);
    expect(names(parsed.value)).toEqual(['kpi a', 'kpi c']);
    // Known by name as a KPI that failed, as one with a syntax error is: `kpi f = b * 2` then reads
    // broken-dependency, not unknown-name "b".
    expect(parsed.brokenIds).toEqual(['b']);
  });
});
