/**
 * A recursive-descent parser for the statements the endpoint answers itself (a SELECT over one table,
 * SHOW/DESCRIBE/USE names), over the Trino lexer. Why our own and not node-sql-parser's Trino dialect:
 * that dialect reads `"time_day"` in WHERE as a string, treats backslashes in strings as escapes (JDBC's
 * `LIKE … ESCAPE '\'` fails), has no FETCH FIRST, SHOW, DESCRIBE, PREPARE or EXECUTE, and gives no
 * positions for literals — and every refusal here must point at its construct. Anything outside the
 * subset is a SYNTAX_ERROR or NOT_SUPPORTED with its position; statements for Trino are never parsed here.
 */
// @ts-nocheck

import type { Expr, IntervalUnit, OrderItem, Select, SelectItem, TableName } from './ast.ts';
import { SqlError, TrinoOnly } from './errors.ts';
import { isName, isWord, type Token } from './lexer.ts';

/** Words that end an expression or a select item: never taken as an alias. */
export const RESERVED = new Set(
  (
    'all and as asc between by case cast cross current_date current_time current_timestamp desc distinct else end escape ' +
    'except exists false fetch first for from full group having in inner intersect is join last left like limit ' +
    'localtime localtimestamp natural not null nulls offset on or order outer right rows row select then true union ' +
    'using values when where with window only next'
  ).split(' '),
);

const SPECIALS = new Set([
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'current_time',
  'localtime',
]);
const UNITS: Readonly<Record<string, IntervalUnit>> = {
  year: 'year',
  years: 'year',
  month: 'month',
  months: 'month',
  day: 'day',
  days: 'day',
  hour: 'hour',
  hours: 'hour',
  minute: 'minute',
  minutes: 'minute',
  second: 'second',
  seconds: 'second',
};

export class Cursor {
  i = 0;
  constructor(readonly tokens: readonly Token[]) {}

  get peek(): Token {
    return this.tokens[this.i]!;
  }
  at(offset: number): Token | undefined {
    return this.tokens[this.i + offset];
  }
  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  word(w: string): boolean {
    if (isWord(this.peek, w)) {
      this.i++;
      return true;
    }
    return false;
  }
  punct(p: string): boolean {
    if (this.peek.kind === 'punct' && this.peek.value === p) {
      this.i++;
      return true;
    }
    return false;
  }
  expectWord(w: string): void {
    if (!this.word(w)) throw this.unexpected(`'${w.toUpperCase()}'`);
  }
  expectPunct(p: string): void {
    if (!this.punct(p)) throw this.unexpected(`'${p}'`);
  }
  name(): string {
    if (!isName(this.peek)) throw this.unexpected('a name');
    return this.next().value;
  }
  /** a.b.c */
  qualifiedName(): { parts: string[]; pos: Token['pos'] } {
    const pos = this.peek.pos;
    const parts = [this.name()];
    while (this.peek.kind === 'punct' && this.peek.value === '.' && isName(this.at(1))) {
      this.i++;
      parts.push(this.name());
    }
    return { parts, pos };
  }
  atEnd(): boolean {
    while (this.peek.kind === 'punct' && this.peek.value === ';') this.i++;
    return this.peek.kind === 'eof';
  }
  expectEnd(): void {
    if (!this.atEnd()) throw this.unexpected('the end of the statement');
  }
  unexpected(expected: string): SqlError {
    const t = this.peek;
    const found = t.kind === 'eof' ? '<EOF>' : t.kind === 'string' ? `'${t.value}'` : t.value;
    return new SqlError('SYNTAX_ERROR', `mismatched input '${found}'. Expecting: ${expected}`, t.pos);
  }
}

function unsignedInteger(c: Cursor, what: string): number {
  const t = c.peek;
  if (t.kind !== 'number' || !/^\d+$/.test(t.value)) throw c.unexpected(`an integer ${what}`);
  c.next();
  const n = Number(t.value);
  if (!Number.isSafeInteger(n))
    throw new SqlError('INVALID_LITERAL', `${what} ${t.value} is too large`, t.pos);
  return n;
}

export function parseSelect(c: Cursor): Select {
  const pos = c.peek.pos;
  if (isWord(c.peek, 'with'))
    throw new TrinoOnly('a WITH query over KPI tables is answered only through Trino', pos);
  c.expectWord('select');
  const distinct = c.word('distinct');
  if (!distinct) c.word('all');
  const items: SelectItem[] = [];
  do items.push(selectItem(c));
  while (c.punct(','));
  let from: TableName | null = null;
  if (c.word('from')) {
    if (c.peek.kind === 'punct' && c.peek.value === '(') {
      throw new TrinoOnly('a subquery in FROM is answered only by Trino', c.peek.pos);
    }
    const name = c.qualifiedName();
    from = { parts: name.parts, alias: alias(c), pos: name.pos };
    if (c.peek.kind === 'punct' && c.peek.value === ',') {
      throw new TrinoOnly('a query joining a KPI table is answered only through Trino', c.peek.pos);
    }
    for (const w of ['join', 'inner', 'left', 'right', 'full', 'cross', 'natural']) {
      if (isWord(c.peek, w)) {
        throw new TrinoOnly('a query joining a KPI table is answered only through Trino', c.peek.pos);
      }
    }
  }
  const where = c.word('where') ? expr(c) : null;
  const groupBy: Expr[] = [];
  if (c.word('group')) {
    c.expectWord('by');
    do groupBy.push(expr(c));
    while (c.punct(','));
  }
  const having = c.word('having') ? expr(c) : null;
  const orderBy: OrderItem[] = [];
  if (c.word('order')) {
    c.expectWord('by');
    do {
      const e = expr(c);
      const descending = c.word('desc');
      if (!descending) c.word('asc');
      let nullsFirst = false;
      if (c.word('nulls')) {
        if (c.word('first')) nullsFirst = true;
        else c.expectWord('last');
      }
      orderBy.push({ expr: e, descending, nullsFirst });
    } while (c.punct(','));
  }
  let offset: number | null = null;
  let limit: number | null = null;
  for (;;) {
    if (offset === null && c.word('offset')) {
      offset = unsignedInteger(c, 'OFFSET');
      if (!c.word('rows')) c.word('row');
    } else if (limit === null && c.word('limit')) {
      limit = c.word('all') ? null : unsignedInteger(c, 'LIMIT');
    } else if (limit === null && c.word('fetch')) {
      if (!c.word('first')) c.expectWord('next');
      limit = c.peek.kind === 'number' ? unsignedInteger(c, 'FETCH FIRST') : 1;
      if (!c.word('rows')) c.expectWord('row');
      c.expectWord('only');
    } else break;
  }
  if (isWord(c.peek, 'union') || isWord(c.peek, 'except') || isWord(c.peek, 'intersect')) {
    throw new TrinoOnly('set operations over KPI tables are answered only through Trino', c.peek.pos);
  }
  return { kind: 'select', distinct, items, from, where, groupBy, having, orderBy, offset, limit, pos };
}

function alias(c: Cursor): string | null {
  if (c.word('as')) return c.name();
  const t = c.peek;
  if (t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.value))) return c.next().value;
  return null;
}

function selectItem(c: Cursor): SelectItem {
  const pos = c.peek.pos;
  if (c.punct('*')) return { expr: null, alias: null, pos };
  if (isName(c.peek) && c.at(1)?.value === '.' && c.at(2)?.value === '*') {
    c.i += 3;
    return { expr: null, alias: null, pos };
  }
  const e = expr(c);
  return { expr: e, alias: alias(c), pos };
}

export function expr(c: Cursor): Expr {
  return or(c);
}

function or(c: Cursor): Expr {
  let left = and(c);
  while (isWord(c.peek, 'or')) {
    const pos = c.next().pos;
    left = { kind: 'binary', op: 'or', left, right: and(c), pos };
  }
  return left;
}

function and(c: Cursor): Expr {
  let left = not(c);
  while (isWord(c.peek, 'and')) {
    const pos = c.next().pos;
    left = { kind: 'binary', op: 'and', left, right: not(c), pos };
  }
  return left;
}

function not(c: Cursor): Expr {
  if (isWord(c.peek, 'not')) {
    const pos = c.next().pos;
    return { kind: 'not', expr: not(c), pos };
  }
  return predicate(c);
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

function predicate(c: Cursor): Expr {
  const left = additive(c);
  const t = c.peek;
  if (t.kind === 'punct' && COMPARISONS.has(t.value)) {
    c.next();
    return { kind: 'binary', op: t.value === '!=' ? '<>' : t.value, left, right: additive(c), pos: t.pos };
  }
  const negated = isWord(c.peek, 'not') && ['between', 'in', 'like'].some((w) => isWord(c.at(1), w));
  if (negated) c.next();
  if (c.word('between')) {
    const low = additive(c);
    c.expectWord('and');
    return { kind: 'between', expr: left, low, high: additive(c), negated, pos: t.pos };
  }
  if (c.word('in')) {
    c.expectPunct('(');
    if (isWord(c.peek, 'select'))
      throw new TrinoOnly('IN (subquery) is answered only through Trino', c.peek.pos);
    const list: Expr[] = [];
    do list.push(additive(c));
    while (c.punct(','));
    c.expectPunct(')');
    return { kind: 'in', expr: left, list, negated, pos: t.pos };
  }
  if (c.word('like')) {
    const pattern = additive(c);
    const escapeChar = c.word('escape') ? additive(c) : null;
    return { kind: 'like', expr: left, pattern, escape: escapeChar, negated, pos: t.pos };
  }
  if (isWord(c.peek, 'is')) {
    c.next();
    const isNot = c.word('not');
    if (c.word('null')) return { kind: 'is_null', expr: left, negated: isNot, pos: t.pos };
    throw c.unexpected("'NULL'");
  }
  return left;
}

function additive(c: Cursor): Expr {
  let left = multiplicative(c);
  for (;;) {
    const t = c.peek;
    if (t.kind === 'punct' && (t.value === '+' || t.value === '-' || t.value === '||')) {
      c.next();
      left = { kind: 'binary', op: t.value, left, right: multiplicative(c), pos: t.pos };
    } else return left;
  }
}

function multiplicative(c: Cursor): Expr {
  let left = unary(c);
  for (;;) {
    const t = c.peek;
    if (t.kind === 'punct' && (t.value === '*' || t.value === '/' || t.value === '%')) {
      c.next();
      left = { kind: 'binary', op: t.value, left, right: unary(c), pos: t.pos };
    } else return left;
  }
}

function unary(c: Cursor): Expr {
  const t = c.peek;
  if (t.kind === 'punct' && (t.value === '-' || t.value === '+')) {
    c.next();
    const operand = unary(c);
    if (t.value === '+') return operand;
    if (operand.kind === 'number') return { kind: 'number', text: `-${operand.text}`, pos: t.pos };
    return { kind: 'negate', expr: operand, pos: t.pos };
  }
  return primary(c);
}

function interval(c: Cursor, pos: Token['pos']): Expr {
  let negative = false;
  if (c.punct('-')) negative = true;
  else c.punct('+');
  const t = c.peek;
  if (t.kind !== 'string') throw c.unexpected('an interval string');
  c.next();
  const unitToken = c.peek;
  const unit = unitToken.kind === 'ident' ? UNITS[unitToken.value] : undefined;
  if (!unit) throw c.unexpected('YEAR, MONTH, DAY, HOUR, MINUTE or SECOND');
  c.next();
  if (isWord(c.peek, 'to'))
    throw new SqlError('NOT_SUPPORTED', 'interval ranges (… TO …) are not supported here', c.peek.pos);
  return { kind: 'interval', text: t.value.trim(), negative, unit, pos };
}

function typeName(c: Cursor): string {
  const parts = [c.name()];
  while (isName(c.peek) && !isWord(c.peek, 'as')) parts.push(c.name()); // timestamp with time zone
  let text = parts.join(' ');
  if (c.punct('(')) {
    const args: string[] = [];
    do args.push(c.next().value);
    while (c.punct(','));
    c.expectPunct(')');
    text = `${parts[0]}(${args.join(',')})${parts.length > 1 ? ` ${parts.slice(1).join(' ')}` : ''}`;
    while (isName(c.peek)) text += ` ${c.name()}`;
  }
  return text;
}

function primary(c: Cursor): Expr {
  const t = c.peek;
  switch (t.kind) {
    case 'string':
      c.next();
      return { kind: 'string', value: t.value, pos: t.pos };
    case 'number':
      c.next();
      return { kind: 'number', text: t.value, pos: t.pos };
    case 'param':
      throw new SqlError('INVALID_PARAMETER_USAGE', 'a parameter (?) needs EXECUTE … USING', t.pos);
    case 'punct':
      if (t.value === '(') {
        c.next();
        if (isWord(c.peek, 'select'))
          throw new TrinoOnly('a scalar subquery is answered only through Trino', c.peek.pos);
        const inner = expr(c);
        c.expectPunct(')');
        return inner;
      }
      throw c.unexpected('an expression');
    case 'eof':
      throw c.unexpected('an expression');
    case 'ident':
    case 'quoted':
      break;
  }
  if (t.kind === 'ident') {
    const next = c.at(1);
    switch (t.value) {
      case 'true':
      case 'false':
        c.next();
        return { kind: 'boolean', value: t.value === 'true', pos: t.pos };
      case 'null':
        c.next();
        return { kind: 'null', pos: t.pos };
      case 'date':
      case 'timestamp':
      case 'time':
        if (next?.kind === 'string') {
          c.next();
          c.next();
          return { kind: 'typed', type: t.value, text: next.value.trim(), pos: t.pos };
        }
        break;
      case 'interval':
        c.next();
        return interval(c, t.pos);
      case 'cast':
      case 'try_cast':
        if (next?.value === '(') {
          c.next();
          c.next();
          const inner = expr(c);
          c.expectWord('as');
          const type = typeName(c).toLowerCase();
          c.expectPunct(')');
          return { kind: 'cast', expr: inner, type, pos: t.pos };
        }
        break;
      case 'case':
        throw new TrinoOnly('CASE over a KPI table is answered only through Trino', t.pos);
    }
    if (SPECIALS.has(t.value) && next?.value !== '(') {
      c.next();
      if (c.punct('(')) {
        unsignedInteger(c, 'precision');
        c.expectPunct(')');
      }
      return { kind: 'special', name: t.value, pos: t.pos };
    }
  }
  const name = c.qualifiedName();
  if (c.peek.kind === 'punct' && c.peek.value === '(' && name.parts.length === 1) {
    c.next();
    const fn = name.parts[0]!;
    if (c.punct('*')) {
      c.expectPunct(')');
      return { kind: 'call', name: fn, args: [], distinct: false, star: true, pos: name.pos };
    }
    const distinct = c.word('distinct');
    const args: Expr[] = [];
    if (!c.punct(')')) {
      do args.push(expr(c));
      while (c.punct(','));
      c.expectPunct(')');
    }
    if (isWord(c.peek, 'over') || isWord(c.peek, 'filter')) {
      throw new TrinoOnly(
        `${fn}(…) ${c.peek.value.toUpperCase()} over a KPI table is answered only through Trino`,
        c.peek.pos,
      );
    }
    return { kind: 'call', name: fn, args, distinct, star: false, pos: name.pos };
  }
  return { kind: 'column', parts: name.parts, pos: name.pos };
}
