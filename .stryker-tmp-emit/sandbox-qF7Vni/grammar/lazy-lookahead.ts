/**
 * Chevrotain's LL(k) lookahead, built on first use instead of for every decision at construction.
 *
 * `performSelfAnalysis` builds a lookahead function for every OR, OPTION and repetition of the grammar
 * up front — about 40% of constructing the parser, the largest single cost of `kpi check`'s start-up.
 * A short input reaches a fraction of those decisions. This strategy hands Chevrotain a stub per
 * decision that builds the real function (with the very same arguments and the stock
 * LLkLookaheadStrategy) when the parser first needs it, then delegates to it: the parser decides
 * exactly as before. Validations (ambiguity, left recursion; run from the sources and by the build's
 * grammar check, grammar/validations.ts) are the stock strategy's, untouched.
 */
// @ts-nocheck

import { type ILookaheadStrategy, LLkLookaheadStrategy } from 'chevrotain';

type Alternation = ILookaheadStrategy['buildLookaheadForAlternation'];
type Optional = ILookaheadStrategy['buildLookaheadForOptional'];

/** How many decisions were built (for the tests: a short input builds fewer than the grammar has). */
export const lookaheadBuilt = { alternations: 0, optionals: 0 };

export class LazyLookaheadStrategy extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: Parameters<Alternation>[0]): ReturnType<Alternation> {
    let built: ReturnType<Alternation> | undefined;
    const build = () => {
      lookaheadBuilt.alternations++;
      return super.buildLookaheadForAlternation(options);
    };
    // Chevrotain calls a lookahead function with the parser as `this`; pass it on.
    return function (this: unknown, orAlts) {
      built ??= build();
      return built.call(this, orAlts);
    };
  }

  override buildLookaheadForOptional(options: Parameters<Optional>[0]): ReturnType<Optional> {
    let built: ReturnType<Optional> | undefined;
    const build = () => {
      lookaheadBuilt.optionals++;
      return super.buildLookaheadForOptional(options);
    };
    return function (this: unknown) {
      built ??= build();
      return built.call(this);
    };
  }
}
