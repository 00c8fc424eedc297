/**
 * Bounds checked before and after parsing, so hostile input gets a diagnostic instead of a stack
 * overflow: the recursive-descent parser recurses once per nesting level, and every later phase once
 * per level of the expression tree.
 */
// @ts-nocheck

import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../ir/diagnostic.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import { tokenSpan } from './build-ast.ts';

const OPENS = new Set(['LParen', 'Case']);
const CLOSES = new Set(['RParen', 'End']);
const PREFIX = new Set(['Not', 'Minus']);

/**
 * Too many tokens (MAX_TOKENS), or the first token nested deeper than MAX_NESTING: parentheses and `case … end` open a level until
 * closed; a run of prefix operators (`not not …`, `- - …`) adds one level per operator.
 */
export function nestingDiagnostic(tokens: readonly IToken[]): Diagnostic | null {
  if (tokens.length > LIMITS.MAX_TOKENS) {
    return {
      severity: 'error',
      code: 'too-large',
      message: `a declaration or expression of ${tokens.length} tokens; ${limitText('MAX_TOKENS')}`,
      span: tokenSpan(tokens[LIMITS.MAX_TOKENS]!),
    };
  }
  let open = 0;
  let prefixRun = 0;
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (OPENS.has(name)) open++;
    else if (CLOSES.has(name)) open = Math.max(0, open - 1);
    prefixRun = PREFIX.has(name) ? prefixRun + 1 : 0;
    if (open + prefixRun > LIMITS.MAX_NESTING) {
      return {
        severity: 'error',
        code: 'too-deep',
        message: `expressions are nested more than ${LIMITS.MAX_NESTING} deep (parentheses, case, not, unary minus); ${limitText('MAX_NESTING')}`,
        span: tokenSpan(t),
      };
    }
  }
  return null;
}

/**
 * How deep a parsed tree of `k`- or `kind`-tagged nodes goes, walked without recursion. Source spans
 * (`span`, `…Span`: positions only) are not walked: they were three quarters of the objects visited.
 */
export function treeDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    const tagged = !Array.isArray(value) && ('k' in value || 'kind' in value);
    const d = tagged ? depth + 1 : depth;
    if (d > deepest) deepest = d;
    for (const key of Object.keys(value)) {
      if (key === 'span' || key.endsWith('Span')) continue;
      const child = (value as Record<string, unknown>)[key];
      if (child && typeof child === 'object') stack.push([child, d]);
    }
  }
  return deepest;
}

/** A diagnostic when an expression tree (e.g. `a + b + …` of thousands of terms) is too deep. */
export function depthDiagnostic(root: unknown, at: Diagnostic['span']): Diagnostic | null {
  const depth = treeDepth(root);
  if (depth <= LIMITS.MAX_EXPRESSION_DEPTH) return null;
  return {
    severity: 'error',
    code: 'too-deep',
    message: `the expression is ${depth} levels deep (a chain of N operators is N deep); ${limitText('MAX_EXPRESSION_DEPTH')}`,
    span: at,
  };
}
