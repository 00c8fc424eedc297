/**
 * A recursive-descent parser for the statements the endpoint answers itself (a SELECT over one table,
 * SHOW/DESCRIBE/USE names), over the Trino lexer. Why our own and not node-sql-parser's Trino dialect:
 * that dialect reads `"time_day"` in WHERE as a string, treats backslashes in strings as escapes (JDBC's
 * `LIKE … ESCAPE '\'` fails), has no FETCH FIRST, SHOW, DESCRIBE, PREPARE or EXECUTE, and gives no
 * positions for literals — and every refusal here must point at its construct. Anything outside the
 * subset is a SYNTAX_ERROR or NOT_SUPPORTED with its position; statements for Trino are never parsed here.
 */
import type { Expr, OrderItem, Select, SelectItem, TableName } from './ast.ts';
import { type Cursor, RESERVED, unsignedInteger } from './cursor.ts';
import { TrinoOnly } from './errors.ts';
import { isName, isWord } from './lexer.ts';
import { expr } from './parse-expr.ts';

export { Cursor, RESERVED } from './cursor.ts';
export { expr } from './parse-expr.ts';

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
