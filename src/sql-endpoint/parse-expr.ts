/**
 * Expressions of the endpoint's SQL subset, by precedence (OR, AND, NOT, comparisons, + -, * / %, unary,
 * primaries): each refusal names its construct and position. Used by the SELECT parser (parser.ts).
 */
import type { Expr, IntervalUnit } from './ast.ts';
import { type Cursor, unsignedInteger } from './cursor.ts';
import { SqlError, TrinoOnly } from './errors.ts';
import { isName, isWord, type Token } from './lexer.ts';

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
