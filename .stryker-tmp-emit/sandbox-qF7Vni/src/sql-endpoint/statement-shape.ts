/**
 * The shape of a statement from its tokens alone (no full parse: statements for Trino use SQL our
 * parser does not read): parenthesis depth, the query specification (SELECT … FROM … WHERE …) around a
 * token, its clauses, WHERE's top-level conjuncts, and the names its select list gives. federate.ts
 * rewrites statements with these.
 */
// @ts-nocheck

import type { Expr } from './ast.ts';
import { isName, isWord, type Token } from './lexer.ts';
import { RESERVED } from './parser.ts';

export interface Range {
  readonly from: number;
  readonly to: number;
}

export const CLAUSE_END = new Set([
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'fetch',
  'window',
]);
export const SET_OPS = new Set(['union', 'except', 'intersect']);
/** Parenthesis depth before each token, and each `(`'s matching `)`. */
export function structure(tokens: readonly Token[]): { depth: number[]; close: Map<number, number> } {
  const depth: number[] = [];
  const close = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.value === ')' && t.kind === 'punct') {
      const o = open.pop();
      if (o !== undefined) close.set(o, i);
    }
    depth.push(open.length);
    if (t.value === '(' && t.kind === 'punct') open.push(i);
  });
  return { depth, close };
}

export const startsQuery = (t: Token | undefined) => isWord(t, 'select') || isWord(t, 'with');

/** The query specification reading token `at`: from its SELECT to the end of its set-operation term. */
export function specificationOf(
  tokens: readonly Token[],
  at: number,
  s: ReturnType<typeof structure>,
): Range & {
  /** Followed or preceded by a set operation: its trailing ORDER BY/LIMIT belong to the whole query. */
  readonly inSetOperation: boolean;
} {
  const d = s.depth[at]!;
  let lo = 0;
  let hi = tokens.length - 1; // the eof token
  for (let k = at; k >= 0; k--) {
    if (s.depth[k] === d - 1 && tokens[k]!.value === '(' && startsQuery(tokens[k + 1])) {
      lo = k + 1;
      hi = s.close.get(k) ?? hi;
      break;
    }
    if (s.depth[k]! < d - 1) break;
  }
  // Within [lo, hi): the term between depth-d set operators that holds `at`, from its last depth-d SELECT.
  let from = lo;
  let to = hi;
  let inSetOperation = false;
  for (let k = lo; k < hi; k++) {
    if (s.depth[k] !== d || !(tokens[k]!.kind === 'ident' && SET_OPS.has(tokens[k]!.value))) continue;
    inSetOperation = true;
    if (k < at) from = k + 1;
    else if (k > at && k < to) to = k;
  }
  let select = from;
  for (let k = from; k < at; k++) if (s.depth[k] === d && isWord(tokens[k], 'select')) select = k;
  if (inSetOperation) {
    for (let k = select; k < to; k++) {
      if (s.depth[k] === d && ['order', 'limit', 'offset', 'fetch'].some((w) => isWord(tokens[k], w))) {
        to = k;
        break;
      }
    }
  }
  return { from: select, to, inSetOperation };
}

/** The clause of a specification starting at a depth-`d` keyword, up to the next clause. */
export function clause(
  tokens: readonly Token[],
  spec: Range,
  d: number,
  depth: number[],
  word: string,
): Range | null {
  for (let k = spec.from; k < spec.to; k++) {
    if (depth[k] !== d || !isWord(tokens[k], word)) continue;
    let end = k + 1;
    while (
      end < spec.to &&
      !(depth[end] === d && CLAUSE_END.has(tokens[end]!.value) && tokens[end]!.kind === 'ident')
    )
      end++;
    return { from: k + 1, to: end };
  }
  return null;
}

export const withEof = (tokens: readonly Token[], r: Range): Token[] => [
  ...tokens.slice(r.from, r.to),
  { ...tokens[r.to]!, kind: 'eof', value: '' },
];

/** WHERE split at its top-level ANDs (an AND closing a BETWEEN stays inside). */
export function conjuncts(tokens: readonly Token[], where: Range, depth: number[]): Range[] {
  const d = depth[where.from]!;
  const out: Range[] = [];
  let start = where.from;
  let between = 0;
  for (let k = where.from; k < where.to; k++) {
    if (depth[k] !== d) continue;
    if (isWord(tokens[k], 'between')) between++;
    if (isWord(tokens[k], 'or') && between === 0) return [where]; // an OR at the top: one conjunct
    if (isWord(tokens[k], 'and')) {
      if (between > 0) between--;
      else {
        out.push({ from: start, to: k });
        start = k + 1;
      }
    }
  }
  out.push({ from: start, to: where.to });
  return out;
}

export function columnRefs(e: Expr, out: Extract<Expr, { kind: 'column' }>[] = []): typeof out {
  const walk = (x: Expr) => columnRefs(x, out);
  switch (e.kind) {
    case 'column':
      out.push(e);
      break;
    case 'binary':
      walk(e.left);
      walk(e.right);
      break;
    case 'not':
    case 'negate':
    case 'is_null':
    case 'cast':
      walk(e.expr);
      break;
    case 'between':
      [e.expr, e.low, e.high].forEach(walk);
      break;
    case 'in':
      [e.expr, ...e.list].forEach(walk);
      break;
    case 'like':
      [e.expr, e.pattern, ...(e.escape ? [e.escape] : [])].forEach(walk);
      break;
    case 'call':
      e.args.forEach(walk);
      break;
    default:
      break;
  }
  return out;
}

/** Output names the select list gives (`x AS name`, `x name`): never read as the KPI's columns. */
export function outputAliases(
  tokens: readonly Token[],
  spec: Range,
  d: number,
  depth: number[],
): Set<string> {
  const out = new Set<string>();
  for (let k = spec.from + 1; k < spec.to; k++) {
    if (depth[k] !== d) continue;
    if (isWord(tokens[k], 'from')) break;
    const next = tokens[k + 1];
    const endsItem = next?.value === ',' || isWord(next, 'from') || k + 1 >= spec.to;
    if (!endsItem || !isName(tokens[k])) continue;
    const prev = tokens[k - 1]!;
    if (isWord(prev, 'as')) out.add(tokens[k]!.value);
    else if (
      prev.value === ')' ||
      prev.kind === 'string' ||
      prev.kind === 'number' ||
      (isName(prev) && !RESERVED.has(prev.value) && tokens[k - 2]?.value !== '.')
    )
      if (!isWord(prev, 'select') && !isWord(prev, 'distinct')) out.add(tokens[k]!.value);
  }
  return out;
}
