/**
 * The one place names and values become SQL text, for every SQL string of the project (the emitter's
 * dialects, rollups, stores, loaders, the SQL endpoint): identifiers in double quotes, strings in single
 * quotes, each with its quote doubled — in Trino and in standard-conforming PostgreSQL a backslash is an
 * ordinary character, so nothing else needs escaping. Trino has no bind protocol: the executor sends
 * `EXECUTE IMMEDIATE '<sql>' USING <literals>`. Numbers must be finite; timestamps must be canonical UTC
 * ISO instants. Depends on nothing but plan/errors.ts, so any folder may import this file alone.
 */
import { CompileError } from '../plan/errors.ts';
import type { Param } from './params.ts';

/** `"name"`, a double quote doubled: any text is a valid identifier except one holding NUL. */
export const quoteIdentifier = (name: string): string => {
  if (name.includes('\u0000'))
    throw new CompileError('invalid-query', 'an identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
};

/** `"schema"."table"` (or `"catalog"."schema"."table"`): each part quoted on its own. */
export const quoteQualified = (...parts: readonly string[]): string => parts.map(quoteIdentifier).join('.');

export function sqlString(value: string): string {
  if (value.includes('\u0000'))
    throw new CompileError('invalid-query', 'a string value contains a NUL character, which SQL cannot hold');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Digits, sign, point and exponent only: nothing a number can smuggle in. */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new CompileError('invalid-query', `number ${value} has no SQL literal`);
  const text = String(value);
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text))
    throw new CompileError('invalid-query', `unexpected number text ${text}`);
  return text;
}

const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}\.\d{3})Z$/;

/** A Trino literal for a bound value (`EXECUTE … USING`). */
export function trinoLiteral(p: Param): string {
  switch (p.type) {
    case 'string':
      return sqlString(p.value);
    case 'number':
      return Number.isInteger(p.value) ? sqlNumber(p.value) : `DOUBLE '${sqlNumber(p.value)}'`;
    case 'boolean':
      return p.value ? 'TRUE' : 'FALSE';
    case 'timestamp': {
      const m = ISO_UTC.exec(p.value);
      if (!m)
        throw new CompileError(
          'invalid-query',
          `timestamp parameter ${p.value} is not a canonical UTC instant`,
        );
      return `TIMESTAMP '${m[1]} ${m[2]} UTC'`;
    }
  }
}
