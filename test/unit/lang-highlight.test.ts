/**
 * The guide's highlighting (src/lang/highlight.ts), as whole HTML strings: keywords, strings, numbers
 * and operators by token type; a name by what follows it (a call, a property, else plain); punctuation
 * and whitespace plain; comments in the gaps between tokens, line and block ones.
 */
import { describe, expect, it } from 'vitest';
import { highlightKpi } from '../../src/lang/highlight.ts';

const as = (cls: string, html: string) => `<span class="kpi-${cls}">${html}</span>`;

describe('highlightKpi', () => {
  it('operators by type; names, punctuation and whitespace plain', () => {
    // `*` before `(` is still an operator: only names become calls.
    expect(highlightKpi('kpi a = b * (c)')).toBe(
      `${as('keyword', 'kpi')} a ${as('operator', '=')} b ${as('operator', '*')} (c)`,
    );
  });

  it('a name at the very end of the text', () => {
    expect(highlightKpi('x')).toBe('x');
    expect(highlightKpi('-x')).toBe(`${as('operator', '-')}x`);
  });

  it('names before `(` as calls and before `:` as properties, quoted names too', () => {
    expect(highlightKpi('{ formula: sum(x) }')).toBe(
      `{ ${as('property', 'formula')}: ${as('function', 'sum')}(x) }`,
    );
    expect(highlightKpi('`my sum`(x) + `net rev`: 1')).toBe(
      `${as('function', '`my sum`')}(x) ${as('operator', '+')} ${as('property', '`net rev`')}: ${as('number', '1')}`,
    );
  });

  it('line comments of both kinds and block comments over lines, whole', () => {
    const source = 'a // to the end\nb -- sql style\n/* two\n lines */ c';
    expect(highlightKpi(source)).toBe(
      `a ${as('comment', '// to the end')}\nb ${as('comment', '-- sql style')}\n${as('comment', '/* two\n lines */')} c`,
    );
  });
});
