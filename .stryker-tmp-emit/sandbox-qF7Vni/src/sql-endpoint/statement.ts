/**
 * Which statements the endpoint answers itself and which go to Trino untouched. Decided on tokens
 * only (no full parse), so a statement for Trino costs a scan and is never rewritten: a statement is
 * ours when it names the `kpi` catalog (`kpi.default.mrr`, SHOW … FROM kpi, the session catalog
 * `kpi` with unqualified names), lists catalogs (merged with Trino's), or manages prepared statements
 * whose text is ours.
 */
// @ts-nocheck

import { SqlError } from './errors.ts';
import { KPI_CATALOG } from './kpi-catalog.ts';
import { isName, isWord, type Token, textOf, tokenize } from './lexer.ts';
import { Cursor } from './parser.ts';
import type { Session } from './session.ts';

export interface QualifiedName {
  readonly parts: readonly string[];
  readonly pos: Token['pos'];
}

export interface LikePattern {
  readonly pattern: string;
  readonly escape: string | null;
}

export type Statement =
  | { readonly kind: 'trino' }
  | { readonly kind: 'show-catalogs'; readonly like: LikePattern | null }
  | { readonly kind: 'show-schemas'; readonly catalog: string; readonly like: LikePattern | null }
  | {
      readonly kind: 'show-tables';
      readonly catalog: string;
      readonly schema: string;
      readonly like: LikePattern | null;
    }
  | { readonly kind: 'show-columns'; readonly name: QualifiedName }
  | { readonly kind: 'use'; readonly catalog: string; readonly schema: string }
  | { readonly kind: 'prepare'; readonly name: string; readonly body: string }
  | { readonly kind: 'execute'; readonly body: string }
  | { readonly kind: 'deallocate'; readonly name: string }
  | { readonly kind: 'explain'; readonly body: string }
  | { readonly kind: 'set-session'; readonly name: string; readonly value: string }
  | { readonly kind: 'reset-session'; readonly name: string }
  | { readonly kind: 'select'; readonly sql: string; readonly tokens: readonly Token[] };

/** The session catalog when no name is given; none: Trino answers (and reports the missing name). */
const sessionCatalog = (session: Session): string => session.catalog ?? '';

function like(c: Cursor): LikePattern | null {
  if (!c.word('like')) return null;
  const t = c.next();
  if (t.kind !== 'string') throw new SqlError('SYNTAX_ERROR', 'LIKE needs a string pattern', t.pos);
  let escapeChar: string | null = null;
  if (c.word('escape')) {
    const e = c.next();
    if (e.kind !== 'string') throw new SqlError('SYNTAX_ERROR', 'ESCAPE needs a string', e.pos);
    escapeChar = e.value;
  }
  return { pattern: t.value, escape: escapeChar };
}

/** Words after FROM that start a relation other than a table name. */
const TABLE_FUNCTIONS = new Set(['unnest', 'lateral', 'table', 'json_table']);

/** Whether a token stream names the kpi catalog as a table (3-part kpi.x.y, or unqualified with session catalog kpi). */
export function namesKpi(tokens: readonly Token[], session: Session): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (
      isName(t) &&
      t.value === KPI_CATALOG &&
      tokens[i + 1]?.value === '.' &&
      isName(tokens[i + 2]) &&
      tokens[i + 3]?.value === '.' &&
      isName(tokens[i + 4])
    ) {
      // Not when it is itself qualified (x.kpi.a.b is a column path).
      if (tokens[i - 1]?.value !== '.') return true;
    }
    if (
      session.catalog === KPI_CATALOG &&
      (isWord(t, 'from') || isWord(t, 'join')) &&
      isName(tokens[i + 1]) &&
      !TABLE_FUNCTIONS.has(tokens[i + 1]!.value) &&
      tokens[i + 2]?.value !== '('
    ) {
      // An unqualified or schema-qualified table name resolves in the session catalog.
      const dots = tokens[i + 2]?.value === '.' ? (tokens[i + 4]?.value === '.' ? 2 : 1) : 0;
      if (dots < 2) return true;
    }
  }
  return false;
}

const JDBC_TABLES = new Set(['catalogs', 'schemas', 'tables', 'columns']);

/** `system.jdbc.{catalogs,schemas,tables,columns}`: what JDBC's DatabaseMetaData reads; the kpi rows are added. */
export function namesJdbcMetadata(tokens: readonly Token[]): boolean {
  return tokens.some(
    (t, i) =>
      isName(t) &&
      t.value === 'system' &&
      tokens[i + 1]?.value === '.' &&
      isName(tokens[i + 2]) &&
      tokens[i + 2]!.value === 'jdbc' &&
      tokens[i + 3]?.value === '.' &&
      isName(tokens[i + 4]) &&
      JDBC_TABLES.has(tokens[i + 4]!.value),
  );
}

export function classify(sql: string, session: Session): Statement {
  const tokens = tokenize(sql);
  const c = new Cursor(tokens);
  const first = c.peek;
  if (isWord(first, 'show')) {
    c.next();
    if (c.word('catalogs')) {
      const l = like(c);
      c.expectEnd();
      return { kind: 'show-catalogs', like: l };
    }
    if (c.word('schemas')) {
      const catalog = c.word('from') || c.word('in') ? c.name() : sessionCatalog(session);
      if (catalog !== KPI_CATALOG) return { kind: 'trino' };
      const l = like(c);
      c.expectEnd();
      return { kind: 'show-schemas', catalog, like: l };
    }
    if (c.word('tables')) {
      let catalog: string;
      let schema: string;
      if (c.word('from') || c.word('in')) {
        const n = c.qualifiedName();
        if (n.parts.length > 2)
          throw new SqlError('SYNTAX_ERROR', `too many dots in schema name: ${n.parts.join('.')}`, n.pos);
        catalog = n.parts.length === 2 ? n.parts[0]! : sessionCatalog(session);
        schema = n.parts.at(-1)!;
      } else {
        catalog = sessionCatalog(session);
        schema = session.schema ?? '';
      }
      if (catalog !== KPI_CATALOG) return { kind: 'trino' };
      const l = like(c);
      c.expectEnd();
      return { kind: 'show-tables', catalog, schema, like: l };
    }
    if (c.word('columns')) {
      if (!(c.word('from') || c.word('in'))) throw c.unexpected("'FROM'");
      const n = c.qualifiedName();
      return resolvesToKpi(n.parts, session) ? showColumnsOf(c, n) : { kind: 'trino' };
    }
    return { kind: 'trino' };
  }
  if (isWord(first, 'describe') || isWord(first, 'desc')) {
    c.next();
    if (isWord(c.peek, 'input') || isWord(c.peek, 'output')) return { kind: 'trino' };
    const n = c.qualifiedName();
    return resolvesToKpi(n.parts, session) ? showColumnsOf(c, n) : { kind: 'trino' };
  }
  if (isWord(first, 'use')) {
    c.next();
    const n = c.qualifiedName();
    const catalog = n.parts.length === 2 ? n.parts[0]! : session.catalog;
    if (catalog !== KPI_CATALOG) return { kind: 'trino' };
    c.expectEnd();
    return { kind: 'use', catalog, schema: n.parts.at(-1)! };
  }
  if (isWord(first, 'prepare')) {
    c.next();
    const name = c.name();
    c.expectWord('from');
    const body = sql.slice(c.peek.start).replace(/[\s;]+$/, '');
    return isOurs(body, session) ? { kind: 'prepare', name, body } : { kind: 'trino' };
  }
  if (isWord(first, 'execute')) {
    c.next();
    let body: string;
    if (c.word('immediate')) {
      const t = c.next();
      if (t.kind !== 'string')
        throw new SqlError('SYNTAX_ERROR', 'EXECUTE IMMEDIATE needs the statement as a string', t.pos);
      body = t.value;
    } else {
      const nameToken = c.peek;
      const name = c.name();
      const text =
        session.preparedStatements.get(name) ??
        [...session.preparedStatements].find(([k]) => k.toLowerCase() === name)?.[1];
      if (text === undefined)
        throw new SqlError('NOT_FOUND', `Prepared statement not found: ${name}`, nameToken.pos);
      body = text;
    }
    const values: string[] = [];
    if (c.word('using')) {
      do values.push(argumentText(sql, c));
      while (c.punct(','));
    }
    c.expectEnd();
    if (!isOurs(body, session)) return { kind: 'trino' };
    return { kind: 'execute', body: bindParameters(body, values) };
  }
  if (isWord(first, 'deallocate')) {
    c.next();
    c.expectWord('prepare');
    const name = c.name();
    c.expectEnd();
    const text = session.preparedStatements.get(name);
    return text !== undefined && isOurs(text, session) ? { kind: 'deallocate', name } : { kind: 'trino' };
  }
  if (isWord(first, 'explain')) {
    c.next();
    if (isWord(c.peek, 'analyze')) return { kind: 'trino' };
    if (c.punct('(')) {
      while (!c.punct(')')) if (c.next().kind === 'eof') throw c.unexpected("')'");
    }
    const body = sql.slice(c.peek.start);
    return isOurs(body, session) ? { kind: 'explain', body } : { kind: 'trino' };
  }
  if (
    (isWord(first, 'select') || isWord(first, 'with')) &&
    (namesKpi(tokens, session) || namesJdbcMetadata(tokens))
  )
    return { kind: 'select', sql, tokens };
  return { kind: 'trino' };
}

function showColumnsOf(c: Cursor, name: QualifiedName): Statement {
  c.expectEnd();
  return { kind: 'show-columns', name };
}

function resolvesToKpi(parts: readonly string[], session: Session): boolean {
  return parts.length === 3 ? parts[0] === KPI_CATALOG : session.catalog === KPI_CATALOG;
}

function isOurs(body: string, session: Session): boolean {
  try {
    return classify(body, session).kind !== 'trino';
  } catch {
    return false;
  }
}

/** The source text of one `USING` argument: everything up to the next top-level comma. */
function argumentText(sql: string, c: Cursor): string {
  const from = c.i;
  let depth = 0;
  while (c.peek.kind !== 'eof' && !(depth === 0 && (c.peek.value === ',' || c.peek.value === ';'))) {
    if (c.peek.value === '(') depth++;
    if (c.peek.value === ')') depth--;
    c.next();
  }
  if (c.i === from) throw c.unexpected('a parameter value');
  return textOf(sql, c.tokens, from, c.i);
}

/** Replaces each `?` of `body` (outside strings, identifiers and comments) with the argument's text. */
export function bindParameters(body: string, values: readonly string[]): string {
  const params = tokenize(body).filter((t) => t.kind === 'param');
  if (params.length !== values.length) {
    throw new SqlError(
      'INVALID_PARAMETER_USAGE',
      `Incorrect number of parameters: expected ${params.length} but found ${values.length}`,
    );
  }
  let out = '';
  let at = 0;
  params.forEach((p, i) => {
    out += `${body.slice(at, p.start)}${values[i]}`;
    at = p.end;
  });
  return out + body.slice(at);
}

/**
 * `SET SESSION name = literal` and `RESET SESSION name`, answered here only when no Trino is configured
 * (with Trino, Trino checks the property and answers): the client keeps session properties itself,
 * told by X-Trino-Set-Session / X-Trino-Clear-Session, and none of them changes a KPI's answer.
 * Null when the statement is neither.
 */
export function sessionStatement(sql: string): Statement | null {
  const c = new Cursor(tokenize(sql));
  const reset = isWord(c.peek, 'reset');
  if (!(reset || isWord(c.peek, 'set'))) return null;
  c.next();
  if (!c.word('session')) return null;
  const name = c.qualifiedName().parts.join('.');
  if (reset) {
    c.expectEnd();
    return { kind: 'reset-session', name };
  }
  c.expectPunct('=');
  const negative = c.punct('-');
  const t = c.next();
  const value =
    t.kind === 'string' || t.kind === 'number'
      ? `${negative ? '-' : ''}${t.value}`
      : !negative && (isWord(t, 'true') || isWord(t, 'false'))
        ? t.value.toLowerCase()
        : null;
  if (value === null)
    throw new SqlError('NOT_SUPPORTED', 'SET SESSION takes a string, number or boolean literal here', t.pos);
  c.expectEnd();
  return { kind: 'set-session', name, value };
}
