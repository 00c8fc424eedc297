/**
 * Chevrotain checks a grammar (ambiguities, left recursion, token patterns) each time a parser or
 * lexer is built — a third of the CLI's start-up. Run from the sources (tests, `npm run grammar`), it
 * checks; the build (scripts/build.mjs) defines KPI_GRAMMAR_CHECKED after checking the same grammar
 * once, so the built CLI and service skip the checks.
 */
// @ts-nocheck

declare const KPI_GRAMMAR_CHECKED: boolean | undefined;

export const SKIP_GRAMMAR_VALIDATIONS =
  typeof KPI_GRAMMAR_CHECKED !== 'undefined' && KPI_GRAMMAR_CHECKED === true;
