/**
 * SQL with its bound values written in place (`kpi compile --inline`): text to paste into a SQL editor,
 * never what the engine runs (the executor always binds). Each placeholder outside quoted text — `?` in
 * Trino, `$n` in PostgreSQL — becomes the value's literal from the one literal module (literal.ts).
 */
// @ts-nocheck

import type { Dialect } from './dialect.ts';
import { sqlNumber, sqlString, trinoLiteral } from './literal.ts';
import type { Param } from './params.ts';

/** A PostgreSQL literal: placeholders of timestamps sit inside CAST(… AS timestamptz), so text suffices. */
function postgresLiteral(p: Param): string {
  switch (p.type) {
    case 'string':
    case 'timestamp':
      return sqlString(p.value);
    case 'number':
      return sqlNumber(p.value);
    case 'boolean':
      return p.value ? 'TRUE' : 'FALSE';
  }
}

export function inlineParams(
  sql: string,
  params: readonly Param[],
  placeholders: Dialect['placeholders'],
): string {
  const literal = placeholders === 'question' ? trinoLiteral : postgresLiteral;
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      // Copy a quoted string or identifier whole (a doubled quote stays inside it).
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if (placeholders === 'question' && c === '?') {
      const p = params[next++];
      if (!p) throw new Error(`placeholder ${next} has no parameter`);
      out += literal(p);
    } else if (placeholders === 'dollar' && c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      const digits = /^\d+/.exec(sql.slice(i + 1))![0];
      const p = params[Number(digits) - 1];
      if (!p) throw new Error(`placeholder $${digits} has no parameter`);
      out += literal(p);
      i += digits.length;
    } else {
      out += c;
    }
  }
  return out;
}
