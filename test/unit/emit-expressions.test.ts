/**
 * The expression emitter refuses what valid IR never holds — a duration or an unresolved dimension in a
 * row expression, an operator or function no dialect knows — with a CompileError naming it and the
 * dialect, rather than printing SQL an engine would misread. (Every form it does print is pinned by the
 * SQL goldens, 33-expression-forms among them.)
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import type { Dialect } from '../../src/emit/dialect.ts';
import { Expressions } from '../../src/emit/expressions.ts';
import { quoteIdentifier } from '../../src/emit/literal.ts';
import { ParamSink } from '../../src/emit/params.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import type { Aggregate, ValueExpr } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { refusal } from '../support/compile-refusal.ts';

const x = (d = postgres) => new Expressions(d, new ParamSink());
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

  it("approx_distinct where the dialect has no sketch aggregate, without asking the dialect's own", () => {
    // dialect.ts: `approxDistinct` is called only when `flags.approxDistinct`; the refusal is the
    // emitter's, whatever a dialect without the flag would print (here Trino with its flag off).
    let asked = 0;
    const noSketch: Dialect = {
      ...trino,
      flags: { ...trino.flags, approxDistinct: false },
      approxDistinct: (v: string) => {
        asked++;
        return `approx_distinct(${v})`;
      },
    };
    const a = { fn: 'approx_distinct', source: 'k.m1' } as Aggregate;
    expect(refusal(() => x(noSketch).aggregateCall(a, 't0."account_id"'))).toBe(
      'unsupported: approx_distinct cannot be expressed in the trino dialect: no sketch aggregate; run it through trino',
    );
    expect(asked).toBe(0);
    expect(x(trino).aggregateCall(a, 'c')).toBe('approx_distinct(c)');
  });

  it('prints booleans and NULL as SQL keywords, fractions as doubles', () => {
    expect([true, false, null].map((v) => x().literal(v, 'row'))).toEqual(['TRUE', 'FALSE', 'NULL']);
    expect(x().literal(0.5, 'value')).toBe('CAST(0.5 AS double precision)');
    expect(x(trino).literal(2, 'value')).toBe('2');
  });
});

describe('expression forms the planner rarely gives', () => {
  const lit = (value: string | number) => ({
    kind: 'literal',
    value,
    type: typeof value === 'string' ? 'string' : 'bigint',
  });
  const col = (name: string) => ({ kind: 'col', name });
  const branch = (when: unknown, then: unknown) => ({ when, then });

  it('casts a string bound in a formula value to text on PostgreSQL (a bare parameter has no type there)', () => {
    const sink = new ParamSink();
    const sql = new Expressions(postgres, sink).value(lit('eu') as ValueExpr);
    expect(sink.finish(sql, 'dollar')).toEqual({
      sql: 'CAST($1 AS text)',
      params: [{ type: 'string', value: 'eu' }],
    });
    const rowSink = new ParamSink();
    expect(
      rowSink.finish(new Expressions(postgres, rowSink).row(lit('eu') as RowExpr, alias), 'dollar').sql,
    ).toBe('$1');
  });

  it('prints every WHEN of a CASE, its ELSE, and LIKE in a formula value', () => {
    const twoWhens = {
      kind: 'case',
      whens: [
        branch({ kind: 'binary', op: '>', left: col('a'), right: lit(1) }, lit(1)),
        branch({ kind: 'binary', op: '<', left: col('a'), right: lit(0) }, lit(2)),
      ],
      else: lit(3),
    } as ValueExpr;
    expect(x().value(twoWhens)).toBe('CASE WHEN (j."a" > 1) THEN 1 WHEN (j."a" < 0) THEN 2 ELSE 3 END');
    const like = { kind: 'like', operand: col('a'), pattern: col('b'), negated: false } as ValueExpr;
    expect(x().value(like)).toBe('(j."a" LIKE j."b" ESCAPE \'\')');
  });

  it('prints every WHEN of a CASE in a row expression', () => {
    const column = {
      kind: 'column',
      table: { source: 'payments', table: 'subscriptions' },
      column: 'amount',
      type: 'decimal',
    };
    const rowCase = {
      kind: 'case',
      whens: [
        branch({ kind: 'is_null', operand: column, negated: false }, lit(0)),
        branch({ kind: 'binary', op: '<', left: column, right: lit(0) }, lit(1)),
      ],
      else: null,
    } as unknown as RowExpr;
    expect(x().row(rowCase, alias)).toBe(
      'CASE WHEN (t0."amount" IS NULL) THEN 0 WHEN (t0."amount" < 0) THEN 1 END',
    );
  });

  it('shifts a timestamp forward and backward in the zone on PostgreSQL', () => {
    expect(postgres.shift('ts', 2, 'month', 'UTC')).toBe(
      "((ts AT TIME ZONE 'UTC') + INTERVAL '2 months') AT TIME ZONE 'UTC'",
    );
    expect(postgres.shift('ts', -2, 'month', 'UTC')).toBe(
      "((ts AT TIME ZONE 'UTC') - INTERVAL '2 months') AT TIME ZONE 'UTC'",
    );
  });
});

describe('dialect choice and identifiers', () => {
  const catalog = loadCatalog();
  const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
  const planOf = (formula: string) => {
    const k = analyzeFormula(formula, { catalog, registry }).kpis[0]!;
    const range = { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' };
    const q = { kpi: k.id, grain: 'month' as const, range, timezone: 'UTC', dimensions: [], filters: [] };
    return planQuery(k, q, { catalog, registry: new Map(registry).set(k.id, k) });
  };

  it('sends approx_distinct through Trino even when one PostgreSQL connection holds every table', () => {
    const exact = chooseDialect(planOf('count(distinct payments.subscriptions.account_id)'), catalog);
    expect([exact.dialect.name, exact.reason]).toEqual(['postgres', 'every table is on payments']);
    const approx = chooseDialect(planOf('approx_distinct(payments.subscriptions.account_id)'), catalog);
    expect(approx.dialect.name).toBe('trino');
    expect(approx.connection).toBeNull();
    expect(approx.reason).toMatch(/ uses approx_distinct$/);
  });

  it('refuses an identifier holding a NUL character', () => {
    expect(refusal(() => quoteIdentifier('a\u0000b'))).toBe(
      'invalid-query: an identifier contains a NUL character',
    );
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
