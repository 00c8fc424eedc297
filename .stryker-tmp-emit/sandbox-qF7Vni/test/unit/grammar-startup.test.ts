/**
 * What the grammar does to start quickly (it is built at every `kpi check`) changes nothing it
 * answers: the tokens' stated start characters and line-break flags equal what Chevrotain derives from
 * their patterns, the lazily built lookahead decides exactly like Chevrotain's stock LL(3) strategy,
 * and the grammar checks still run from the sources (the build skips them only after running them).
 */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import { CstParser, createToken, type IToken, Lexer, LLkLookaheadStrategy, type TokenType } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LazyLookaheadStrategy, lookaheadBuilt } from '../../grammar/lazy-lookahead.ts';
import { KpiParser } from '../../grammar/parser.ts';
import { ALL_TOKENS, KpiLexer, WHITESPACE_CHARS } from '../../grammar/tokens.ts';
import { SKIP_GRAMMAR_VALIDATIONS } from '../../grammar/validations.ts';
import { DEMO_KPI_FILES } from '../../src/semantic/demo-files.ts';
import { mutated, tokenSoup } from '../property/lang-arbitraries.ts';

type Internals = {
  patternIdxToConfig: Record<string, { tokenType: TokenType; canLineTerminator: boolean }[]>;
  charCodeToPatternIdxToConfig: Record<string, ({ tokenType: TokenType }[] | undefined)[]>;
  canModeBeOptimized: Record<string, boolean>;
};

/** The same tokens without the stated hints (custom-pattern tokens keep theirs: Chevrotain needs them). */
function withoutHints(tokens: readonly TokenType[]): TokenType[] {
  const copies = new Map<TokenType, TokenType & Record<string, unknown>>();
  for (const t of tokens) {
    const copy = { ...t } as TokenType & Record<string, unknown>;
    if (t.PATTERN instanceof RegExp) {
      delete copy.START_CHARS_HINT;
      delete copy.LINE_BREAKS;
    }
    copies.set(t, copy);
  }
  for (const copy of copies.values()) {
    if (copy.LONGER_ALT) copy.LONGER_ALT = copies.get(copy.LONGER_ALT as TokenType);
  }
  return [...copies.values()];
}

/** Per first character (code or bucket), which tokens the lexer tries; per token, whether it may span lines. */
function analysis(lexer: Lexer) {
  const internals = lexer as unknown as Internals;
  const mode = 'defaultMode';
  return {
    optimized: internals.canModeBeOptimized[mode],
    lineBreaks: internals.patternIdxToConfig[mode]!.map((c) => `${c.tokenType.name}:${c.canLineTerminator}`),
    firstChars: internals.charCodeToPatternIdxToConfig[mode]!.map((configs, i) =>
      configs ? `${i}:${configs.map((c) => c.tokenType.name).join(',')}` : null,
    ).filter((x) => x !== null),
  };
}

const options = { ensureOptimizations: false, positionTracking: 'full', skipValidations: true } as const;

describe('the lexer', () => {
  it("states each token's start characters and line breaks as Chevrotain derives them", () => {
    const stated = analysis(new Lexer(ALL_TOKENS, options));
    const derived = analysis(new Lexer(withoutHints(ALL_TOKENS), options));
    expect(stated.optimized).toBe(true);
    expect(stated.lineBreaks).toEqual(derived.lineBreaks);
    expect(stated.firstChars).toEqual(derived.firstChars);
  });

  it('lists every character \\s matches as whitespace, and nothing else', () => {
    const all = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((c) => /\s/.test(c));
    expect([...WHITESPACE_CHARS].sort()).toEqual(all.sort());
  });

  it('tokenizes like the lexer Chevrotain builds from the patterns alone', () => {
    const derived = new Lexer(withoutHints(ALL_TOKENS), options);
    const shape = (r: ReturnType<Lexer['tokenize']>) => ({
      tokens: r.tokens.map(
        (t) => `${t.tokenType.name}@${t.startOffset}:${t.startLine}:${t.endLine}:${t.image}`,
      ),
      errors: r.errors.map((e) => `${e.offset}:${e.line}:${e.column}:${e.length}`),
    });
    const texts = DEMO_KPI_FILES.map((f) => readFileSync(f, 'utf8'));
    const odd = fc.string({
      unit: fc.constantFrom(...WHITESPACE_CHARS, 'k', '`', "'", '"', '/', '*', '-', 'é', '1', '.'),
    });
    fc.assert(
      fc.property(fc.oneof(tokenSoup, mutated(texts), odd), (text) => {
        expect(shape(KpiLexer.tokenize(text))).toEqual(shape(derived.tokenize(text)));
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });
});

describe('the lazily built lookahead', () => {
  const stock = new KpiParser(new LLkLookaheadStrategy({ maxLookahead: 3 }));
  const lazy = new KpiParser();
  const parse = (parser: KpiParser, tokens: IToken[], rule: 'program' | 'expression') => {
    parser.input = tokens;
    const cst = parser[rule]();
    return { cst, errors: parser.errors.map((e) => ({ name: e.name, message: e.message, token: e.token })) };
  };

  it('builds a decision when the parser first reaches it, not all of them up front', () => {
    const before = { ...lookaheadBuilt };
    const fresh = new KpiParser();
    expect(lookaheadBuilt).toEqual(before);
    parse(fresh, KpiLexer.tokenize('kpi x = sum(payments.subscriptions.amount)').tokens, 'program');
    const built =
      lookaheadBuilt.alternations + lookaheadBuilt.optionals - before.alternations - before.optionals;
    expect(built).toBeGreaterThan(0);
    // A short input reaches a part of the grammar: fewer decisions than the grammar has.
    const all = new KpiParser(new LLkLookaheadStrategy({ maxLookahead: 3 })) as unknown as {
      lookAheadFuncsCache: Map<number, unknown> | Record<string, unknown>;
    };
    const cache = all.lookAheadFuncsCache;
    const total = cache instanceof Map ? cache.size : Object.keys(cache).length;
    expect(built).toBeLessThan(total);
  });

  it('parses every input to the same tree and the same errors as the stock strategy', () => {
    const texts = [
      ...DEMO_KPI_FILES.filter((f) => f.endsWith('.kpi')),
      ...readdirSync(new URL('../../fixtures/golden/lang/', import.meta.url))
        .filter((f) => f.endsWith('.kpi'))
        .map((f) => new URL(`../../fixtures/golden/lang/${f}`, import.meta.url)),
    ].map((f) => readFileSync(f, 'utf8'));
    expect(texts.length).toBeGreaterThan(3);
    const same = (text: string) => {
      const { tokens } = KpiLexer.tokenize(text);
      for (const rule of ['program', 'expression'] as const) {
        expect(parse(lazy, tokens, rule)).toEqual(parse(stock, tokens, rule));
      }
    };
    for (const text of texts) same(text);
    fc.assert(
      fc.property(fc.oneof(tokenSoup, mutated(texts)), (text) => same(text)),
      { seed: 20261202, numRuns: 300 },
    );
  });
});

describe('the grammar checks', () => {
  it('run when the grammar is loaded from the sources (the build skips them only after running them)', () => {
    expect(SKIP_GRAMMAR_VALIDATIONS).toBe(false);
  });

  it('still refuse an ambiguous grammar with the lazy lookahead', () => {
    const A = createToken({ name: 'A', pattern: /a/ });
    class Ambiguous extends CstParser {
      constructor() {
        super([A], { lookaheadStrategy: new LazyLookaheadStrategy({ maxLookahead: 2 }) });
        this.performSelfAnalysis();
      }
      top = this.RULE('top', () => {
        this.OR([{ ALT: () => this.CONSUME(A) }, { ALT: () => this.CONSUME2(A) }]);
      });
    }
    expect(() => new Ambiguous()).toThrow(/Ambiguous Alternatives Detected/);
  });
});
