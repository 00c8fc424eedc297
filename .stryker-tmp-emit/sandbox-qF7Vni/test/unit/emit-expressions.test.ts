/**
 * The expression emitter refuses what valid IR never holds — a duration or an unresolved dimension in a
 * row expression, an operator or function no dialect knows — with a CompileError naming it and the
 * dialect, rather than printing SQL an engine would misread. (Every form it does print is pinned by the
 * SQL goldens, 33-expression-forms among them.)
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { Expressions } from '../../src/emit/expressions.ts';
import { ParamSink } from '../../src/emit/params.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import { CompileError } from '../../src/plan/errors.ts';

const x = (d = postgres) => new Expressions(d, new ParamSink());
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof CompileError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
};
const alias = () => 't0';

describe('expression emitter refusals', () => {
  it('a duration inside a row expression', () => {
    const e = { kind: 'duration', amount: 7, unit: 'day' } as unknown as RowExpr;
    expect(refusal(() => x().row(e, alias))).toBe(
      'unsupported: a duration inside a row expression cannot be expressed in the postgres dialect: durations belong to windows',
    );
  });

  it('a dimension the planner did not resolve', () => {
    const e = { kind: 'dimension', name: 'region' } as RowExpr;
    expect(refusal(() => x().row(e, alias))).toBe(
      'invalid-query: dimension "region" was not resolved by the planner',
    );
  });

  it('an unknown operator or function, naming the dialect', () => {
    expect(refusal(() => x(trino).binary('^', 'a', 'b'))).toBe(
      'unsupported: operator ^ is unknown to the trino dialect',
    );
    expect(refusal(() => x().call('sqrt', ['a']))).toBe(
      'unsupported: function sqrt is unknown to the postgres dialect',
    );
  });

  it('prints booleans and NULL as SQL keywords, fractions as doubles', () => {
    expect([true, false, null].map((v) => x().literal(v, 'row'))).toEqual(['TRUE', 'FALSE', 'NULL']);
    expect(x().literal(0.5, 'value')).toBe('CAST(0.5 AS double precision)');
    expect(x(trino).literal(2, 'value')).toBe('2');
  });
});
