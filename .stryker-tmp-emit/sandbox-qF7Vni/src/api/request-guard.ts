/**
 * Refuses, before any route runs, request text no engine should see: NUL characters (PostgreSQL
 * cannot store them and answered 500 with its own error text), lone UTF-16 surrogates (they come back
 * changed after a store round trip), and JSON nested deeper than MAX_FILTER_DEPTH (validators recurse
 * once per level). Each refusal is a 400 naming the parameter or the JSON path.
 */
// @ts-nocheck

import type { MiddlewareHandler } from 'hono';
import { LIMITS, limitText } from '../ir/limits.ts';
import { ApiError } from './errors.ts';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be accepted, or null. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

function refuse(parameter: string, problem: string): never {
  throw new ApiError(400, 'invalid-characters', `${parameter} ${problem}`, { parameter });
}

/** Walks parsed JSON without recursion: bad strings (keys too) and nesting past MAX_FILTER_DEPTH. */
export function checkJson(root: unknown, name = 'body'): void {
  const stack: [unknown, string, number][] = [[root, name, 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) refuse(path, problem);
    } else if (value && typeof value === 'object') {
      if (depth >= LIMITS.MAX_FILTER_DEPTH) {
        throw new ApiError(
          400,
          'limit-exceeded',
          `${path} is nested more than ${LIMITS.MAX_FILTER_DEPTH} levels deep; ${limitText('MAX_FILTER_DEPTH')}`,
          { parameter: path, limit: 'MAX_FILTER_DEPTH' },
        );
      }
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value);
      for (const [key, child] of entries) {
        const problem = textProblem(key);
        if (problem) refuse(`${path} key`, problem);
        stack.push([child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1]);
      }
    }
  }
}

/** The middleware: query parameters always; JSON and text bodies when there is one. */
export const requestGuard: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  if (url.includes('%00') || url.includes('%u0000')) {
    for (const [key, values] of Object.entries(c.req.queries())) {
      for (const v of values) if (v.includes('\u0000')) refuse(key, 'contains a NUL character (U+0000)');
    }
    refuse('the URL', 'contains a NUL character (U+0000)');
  }
  for (const [key, values] of Object.entries(c.req.queries())) {
    const problem = textProblem(key) ?? values.map(textProblem).find((p) => p !== null) ?? null;
    if (problem) refuse(key, problem);
  }
  if (!['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(c.req.method)) {
    const type = c.req.header('content-type') ?? '';
    if (type.includes('json')) {
      const text = await c.req.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // the route's validator answers malformed JSON in the error shape
      }
      if (parsed !== undefined) checkJson(parsed);
      else if (text.includes('\u0000')) refuse('body', 'contains a NUL character (U+0000)');
    } else if (type.startsWith('text/')) {
      const problem = textProblem(await c.req.text());
      if (problem) refuse('body', problem);
    }
  }
  return next();
};
