import type { Span } from '../../src/ir/kpi.ts';

/**
 * Source positions counted from the text itself, so tests of diagnostics and AST spans state where a
 * range lies without taking it from the parser: line and column are 1-based, the end is just past the
 * last character.
 */
export function position(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1, offset };
}

/** The span of the `nth` occurrence (from 0) of `needle` in `text`. */
export function spanOf(text: string, needle: string, nth = 0): Span {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not in the text`);
  return { start: position(text, at), end: position(text, at + needle.length) };
}

/** An empty span at `offset` (nothing to underline, e.g. the end of the text). */
export function pointAt(text: string, offset: number): Span {
  return { start: position(text, offset), end: position(text, offset) };
}
