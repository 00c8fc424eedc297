/**
 * The SQL endpoint's statement mapping, without a server: which statements are ours, how a SELECT on a
 * KPI table becomes a MetricQuery (grain, range, dimensions, filters), and which shapes are refused —
 * with Trino's error name and the position of the construct.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { SqlError } from '../../src/sql-endpoint/errors.ts';
import { findKpiTable } from '../../src/sql-endpoint/kpi-catalog.ts';
import { mapKpiSelect } from '../../src/sql-endpoint/kpi-select.ts';
import { tokenize } from '../../src/sql-endpoint/lexer.ts';
import { likeRegExp } from '../../src/sql-endpoint/metadata.ts';
import { Cursor, parseSelect } from '../../src/sql-endpoint/parser.ts';
import { readSession } from '../../src/sql-endpoint/session.ts';
import { bindParameters, classify } from '../../src/sql-endpoint/statement.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const NOW = new Date('2025-06-15T10:30:00Z');
const session = (headers: Record<string, string> = {}) => readSession(new Headers(headers));

function plan(sql: string, zone = 'UTC') {
  const c = new Cursor(tokenize(sql));
  const select = parseSelect(c);
  c.expectEnd();
  const table = findKpiTable(registry, catalog, select.from!.parts.at(-1)!)!;
  return mapKpiSelect(select, table, select.from!.alias, registry, { zone, now: NOW });
}

function refusal(sql: string): SqlError {
  try {
    plan(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`expected ${sql} to be refused`);
}

describe('which statements the endpoint answers', () => {
  it.each([
    ['SELECT * FROM payments.public.subscriptions', 'trino'],
    ['SELECT 1', 'trino'],
    ["SELECT 'kpi.default.mrr' AS x", 'trino'],
    ['SHOW SCHEMAS FROM payments', 'trino'],
    ['SHOW TABLES FROM kpi.default', 'show-tables'],
    ['show tables from "KPI"."default" like \'m%\'', 'show-tables'],
    ['SHOW SCHEMAS FROM kpi', 'show-schemas'],
    ['SHOW CATALOGS', 'show-catalogs'],
    ['DESCRIBE kpi.default.mrr', 'show-columns'],
    ['SHOW COLUMNS FROM kpi.default.mrr', 'show-columns'],
    ['SELECT value FROM kpi.default.mrr', 'select'],
    ['SELECT * FROM payments.public.x p JOIN kpi.default.mrr k ON true', 'select'],
    ['EXPLAIN SELECT value FROM kpi.default.mrr', 'explain'],
    ['EXPLAIN SELECT 1', 'trino'],
    ['USE kpi.default', 'use'],
    ['USE payments.public', 'trino'],
    ['PREPARE s1 FROM SELECT value FROM kpi.default.mrr WHERE region = ?', 'prepare'],
    ['PREPARE s1 FROM SELECT * FROM payments.public.x WHERE id = ?', 'trino'],
  ])('%s → %s', (sql, kind) => {
    expect(classify(sql, session()).kind).toBe(kind);
  });

  it('reads unqualified names in the session catalog kpi', () => {
    expect(
      classify('SELECT value FROM mrr', session({ 'X-Trino-Catalog': 'kpi', 'X-Trino-Schema': 'default' }))
        .kind,
    ).toBe('select');
    expect(
      classify('SHOW TABLES', session({ 'X-Trino-Catalog': 'kpi', 'X-Trino-Schema': 'default' })).kind,
    ).toBe('show-tables');
    expect(classify('SELECT * FROM payments.public.x', session({ 'X-Trino-Catalog': 'kpi' })).kind).toBe(
      'trino',
    );
  });

  it('executes prepared statements from the X-Trino-Prepared-Statement header, binding USING values', () => {
    const text = 'SELECT value FROM kpi.default.mrr WHERE region = ? AND time_month >= ?';
    const s = session({ 'X-Trino-Prepared-Statement': `st1=${encodeURIComponent(text)}` });
    const stmt = classify("EXECUTE st1 USING 'e?u', DATE '2025-01-01'", s);
    expect(stmt).toEqual({
      kind: 'execute',
      body: "SELECT value FROM kpi.default.mrr WHERE region = 'e?u' AND time_month >= DATE '2025-01-01'",
    });
    expect(() => classify('EXECUTE nope', s)).toThrow(/Prepared statement not found: nope/);
    expect(() => bindParameters('SELECT ? , ?', ['1'])).toThrow(/expected 2 but found 1/);
    expect(
      classify("EXECUTE IMMEDIATE 'SELECT value FROM kpi.default.mrr WHERE region = ?' USING 'eu'", s),
    ).toEqual({
      kind: 'execute',
      body: "SELECT value FROM kpi.default.mrr WHERE region = 'eu'",
    });
  });

  it('matches LIKE patterns as Trino does, with an escape character', () => {
    expect(likeRegExp({ pattern: 'm%', escape: null }).test('mrr_active')).toBe(true);
    expect(likeRegExp({ pattern: 'mrr\\_active', escape: '\\' }).test('mrr_active')).toBe(true);
    expect(likeRegExp({ pattern: 'mrr\\_active', escape: '\\' }).test('mrrxactive')).toBe(false);
    expect(likeRegExp({ pattern: 'a.c', escape: null }).test('abc')).toBe(false);
  });

  it('reports syntax errors with Trino positions', () => {
    const e = refusal(
      "SELECT time_month, value\nFROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND",
    );
    expect(e.errorName).toBe('SYNTAX_ERROR');
    expect(e.location).toEqual({ line: 2, column: 67 });
  });
});

describe('a SELECT on a KPI table as a MetricQuery', () => {
  it('takes the grain from the time column, dimensions from the select list, the range from WHERE', () => {
    const p = plan(
      "SELECT time_month, region, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-07-01' AND region IN ('eu', 'na')",
    );
    expect(p.query).toEqual({
      kpi: 'revenue',
      grain: 'month',
      range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
      timezone: 'UTC',
      dimensions: ['region'],
      filters: [
        {
          kind: 'in',
          operand: { kind: 'dimension', name: 'region' },
          values: [
            { kind: 'literal', value: 'eu', type: 'string' },
            { kind: 'literal', value: 'na', type: 'string' },
          ],
          negated: false,
        },
      ],
    });
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['time_month', 'timestamp(3) with time zone'],
      ['region', 'varchar'],
      ['value', 'decimal(38,2)'],
    ]);
  });

  it('reads a Superset time series: date_trunc + MEASURE(value) + GROUP BY + ORDER BY + LIMIT', () => {
    const p = plan(
      "SELECT date_trunc('month', time_day) AS __timestamp, MEASURE(value) AS revenue FROM kpi.default.revenue WHERE time_day >= TIMESTAMP '2025-01-01 00:00:00.000000' AND time_day < TIMESTAMP '2025-04-01 00:00:00.000000' GROUP BY date_trunc('month', time_day) ORDER BY revenue DESC LIMIT 2",
    );
    expect(p.query.grain).toBe('month');
    expect(p.query.range).toEqual({ start: '2025-01-01T00:00:00Z', end: '2025-04-01T00:00:00Z' });
    expect(p.orderBy).toEqual([{ index: 1, descending: true, nullsFirst: false }]);
    expect(p.limit).toBe(2);
  });

  it('reads bounds as bucket selections: > skips the bucket, <= keeps it, unaligned bounds round to buckets', () => {
    const q = (where: string) =>
      plan(`SELECT time_month, value FROM kpi.default.revenue WHERE ${where}`).query.range;
    expect(q("time_month > DATE '2025-01-01' AND time_month <= DATE '2025-03-01'")).toEqual({
      start: '2025-02-01T00:00:00Z',
      end: '2025-04-01T00:00:00Z',
    });
    expect(q("time_month >= DATE '2025-01-15' AND time_month < DATE '2025-03-15'")).toEqual({
      start: '2025-02-01T00:00:00Z',
      end: '2025-04-01T00:00:00Z',
    });
    expect(q("time_month BETWEEN DATE '2025-01-01' AND DATE '2025-02-01'")).toEqual({
      start: '2025-01-01T00:00:00Z',
      end: '2025-03-01T00:00:00Z',
    });
    expect(q("time_month = TIMESTAMP '2025-05-01 00:00:00 UTC'")).toEqual({
      start: '2025-05-01T00:00:00Z',
      end: '2025-06-01T00:00:00Z',
    });
  });

  it('folds current_date arithmetic, and an open upper bound ends with the current bucket', () => {
    const p = plan(
      "SELECT time_day, value FROM kpi.default.revenue WHERE time_day >= current_date - INTERVAL '7' DAY",
    );
    expect(p.query.range).toEqual({ start: '2025-06-08T00:00:00Z', end: '2025-06-16T00:00:00Z' });
    const q = plan(
      "SELECT time_day, value FROM kpi.default.revenue WHERE time_day >= date_add('month', -1, date_trunc('month', current_date)) AND time_day < date_trunc('month', current_date)",
    );
    expect(q.query.range).toEqual({ start: '2025-05-01T00:00:00Z', end: '2025-06-01T00:00:00Z' });
  });

  it('cuts buckets in the session time zone', () => {
    const p = plan(
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-03-01' AND time_month < DATE '2025-05-01'",
      'Europe/Berlin',
    );
    expect(p.query).toMatchObject({
      timezone: 'Europe/Berlin',
      range: { start: '2025-03-01T00:00:00+01:00', end: '2025-05-01T00:00:00+02:00' },
    });
  });

  it('gives a total without a time column, and selects no bucket for an unaligned equality', () => {
    const p = plan(
      "SELECT MEASURE(value) FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-01' AND time_day < DATE '2025-02-01'",
    );
    expect(p.query.grain).toBeNull();
    expect(
      plan("SELECT time_month, value FROM kpi.default.revenue WHERE time_month = DATE '2025-01-15'").empty,
    ).toBe(true);
  });

  it('accepts sum(value) where it equals the KPI (sum, count) and refuses it elsewhere, naming MEASURE(value)', () => {
    const ok = plan(
      "SELECT region, sum(value) FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND time_month < DATE '2025-02-01' GROUP BY region",
    );
    expect(ok.query.dimensions).toEqual(['region']);
    const e = refusal(
      "SELECT region, sum(value) FROM kpi.default.churn_rate WHERE time_month >= DATE '2025-01-01' GROUP BY 1",
    );
    expect(e.errorName).toBe('NOT_SUPPORTED');
    expect(e.message).toMatch(/MEASURE\(value\)/);
    expect(e.location).toEqual({ line: 1, column: 16 });
    expect(
      refusal("SELECT sum(value) FROM kpi.default.mrr_active WHERE time_day >= DATE '2025-01-01'").message,
    ).toMatch(/MEASURE/);
    expect(
      refusal("SELECT avg(value) FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-01'").message,
    ).toMatch(/MEASURE/);
  });

  it.each([
    ['SELECT time_month, value FROM kpi.default.revenue', 'needs a time range'],
    [
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-15'",
      'cuts a month bucket',
    ],
    [
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' OR region = 'eu'",
      'mixes columns',
    ],
    [
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' AND value > 10",
      'condition on value',
    ],
    [
      "SELECT time_month, region, MEASURE(value) FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' GROUP BY 1",
      'must be an aggregate',
    ],
    [
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01' GROUP BY 1",
      'use MEASURE',
    ],
    [
      "SELECT time_day, time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-01-01'",
      'one time grain',
    ],
    [
      "SELECT date_trunc('quarter', time_day), MEASURE(value) FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-01' GROUP BY 1",
      'not defined at grain quarter',
    ],
    ["SELECT * FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-01'", 'ambiguous'],
    ["SELECT count(*) FROM kpi.default.revenue WHERE time_day >= DATE '2025-01-01'", 'MEASURE'],
    ['SELECT nope FROM kpi.default.revenue', "Column 'nope' cannot be resolved"],
    [
      "SELECT time_month, value FROM kpi.default.revenue WHERE time_month >= DATE '2025-02-30'",
      'not a valid',
    ],
  ])('refuses %s', (sql, message) => {
    expect(refusal(sql).message).toContain(message);
  });
});
