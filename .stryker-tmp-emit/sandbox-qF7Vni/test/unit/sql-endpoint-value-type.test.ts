/**
 * The type of a KPI table's `value` (src/sql-endpoint/value-type.ts): `decimal(p,s)` or `bigint` where
 * the KPI is exact, `double` otherwise; decimals serialized and ordered as Trino does, never through a
 * double's rounding.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCatalog, DEMO_CATALOG_PATH, loadCatalog } from '../../src/catalog/load.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { decimalText } from '../../src/sql-endpoint/kpi-rows.ts';
import { column } from '../../src/sql-endpoint/protocol.ts';
import { compareDecimals } from '../../src/sql-endpoint/row-order.ts';
import { DEFAULT_DECIMAL_SCALE, valueTypeOf } from '../../src/sql-endpoint/value-type.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const typeOf = (formula: string, c = catalog) => {
  const r = analyzeFormula(formula, { catalog: c, registry });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return valueTypeOf(r.kpis[0]!, registry, c);
};

describe('the type of value', () => {
  it('is decimal(38,s) for sums of decimal(p,s) columns, as Trino types sum(decimal)', () => {
    // payments.subscriptions.amount is numeric(12,2): the catalog says decimal(12,2).
    expect(valueTypeOf(registry.get('revenue')!, registry, catalog)).toBe('decimal(38,2)');
    expect(valueTypeOf(registry.get('mrr_active')!, registry, catalog)).toBe('decimal(38,2)');
    expect(valueTypeOf(registry.get('revenue_rolling_7d')!, registry, catalog)).toBe('decimal(38,2)');
    expect(valueTypeOf(registry.get('revenue_mtd')!, registry, catalog)).toBe('decimal(38,2)');
    expect(typeOf("sum(finance.expenses.amount where category = 'marketing')")).toBe('decimal(38,2)');
  });

  it('keeps the column’s type for min and max, adds scales for products, takes the larger for sums', () => {
    expect(typeOf('max(payments.subscriptions.amount)')).toBe('decimal(12,2)');
    expect(typeOf('sum(payments.subscriptions.amount) - sum(finance.expenses.amount)')).toBe('decimal(38,2)');
    expect(typeOf('sum(payments.subscriptions.amount) * 3')).toBe('decimal(38,2)');
    expect(typeOf('max(payments.subscriptions.amount) * max(finance.expenses.amount)')).toBe('decimal(24,4)');
    expect(typeOf('-min(payments.subscriptions.amount)')).toBe('decimal(12,2)');
    expect(typeOf('revenue + mrr_active')).toBe('decimal(38,2)');
  });

  it('is bigint for counts and sums of integers', () => {
    expect(valueTypeOf(registry.get('new_subscriptions')!, registry, catalog)).toBe('bigint');
    expect(valueTypeOf(registry.get('distinct_active_accounts')!, registry, catalog)).toBe('bigint');
    expect(typeOf('sum(analytics.sessions.duration_s)')).toBe('bigint');
    expect(typeOf('count(payments.subscriptions) - count(users.accounts.id)')).toBe('bigint');
  });

  it('is double for ratios, averages, percentiles, growth rates and non-integer literals', () => {
    for (const id of ['churn_rate', 'arpa', 'cac_marketing', 'avg_session_duration', 'mrr_growth_mom']) {
      expect([id, valueTypeOf(registry.get(id)!, registry, catalog)]).toEqual([id, 'double']);
    }
    expect(typeOf('sum(payments.subscriptions.amount) * 1.5')).toBe('double');
    expect(typeOf('sum(payments.subscriptions.amount) / 2')).toBe('double');
    expect(typeOf('percentile(payments.subscriptions.amount, 0.5)')).toBe('double');
  });

  it('reads a decimal column without precision and scale as decimal(38, DEFAULT_DECIMAL_SCALE)', () => {
    const file = JSON.parse(JSON.stringify(catalogFile()));
    file.sources.payments.tables.subscriptions.columns.amount = 'decimal';
    expect(typeOf('sum(payments.subscriptions.amount)', buildCatalog(file))).toBe(
      `decimal(38,${DEFAULT_DECIMAL_SCALE})`,
    );
  });

  it('refuses a catalog decimal type out of Trino’s range', () => {
    for (const bad of ['decimal(39,2)', 'decimal(5,6)', 'decimal(0,0)', 'decimal(12)', 'numeric(12,2)']) {
      const file = JSON.parse(JSON.stringify(catalogFile()));
      file.sources.payments.tables.subscriptions.columns.amount = bad;
      expect(() => buildCatalog(file), bad).toThrow();
    }
  });

  it('is described with Trino’s type signature', () => {
    expect(column('value', 'decimal(38,2)')).toEqual({
      name: 'value',
      type: 'decimal(38,2)',
      typeSignature: {
        rawType: 'decimal',
        arguments: [
          { kind: 'LONG', value: 38 },
          { kind: 'LONG', value: 2 },
        ],
      },
    });
  });
});

describe('decimal values', () => {
  it('are strings with exactly the scale’s digits, from the engine’s text, never rounded through a double', () => {
    expect(decimalText(66804.91, '66804.91', 2)).toBe('66804.91');
    expect(decimalText(50, '50', 2)).toBe('50.00');
    expect(decimalText(1.5, '1.500', 2)).toBe('1.50');
    expect(decimalText(-3, '-3.0', 2)).toBe('-3.00');
    // Past 2^53 a double cannot hold the cents; the engine's text does.
    expect(decimalText(Number('12345678901234567.89'), '12345678901234567.89', 2)).toBe(
      '12345678901234567.89',
    );
    expect(decimalText(7, '7', 0)).toBe('7');
  });

  it('from a double (a rollup stored as doubles) are exact below 2^52 / 10^scale', () => {
    const bound = 2 ** 52 / 100;
    fc.assert(
      fc.property(
        fc.bigInt({ min: -BigInt(Math.floor(bound)) * 100n, max: BigInt(Math.floor(bound)) * 100n }),
        (cents) => {
          const sign = cents < 0n ? '-' : '';
          const abs = cents < 0n ? -cents : cents;
          const text = `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
          expect(decimalText(Number(text), undefined, 2)).toBe(text === '-0.00' ? '0.00' : text);
        },
      ),
      { seed: 12, numRuns: 2_000 },
    );
  });

  it('are ordered by value, as Trino orders decimals', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 6 }),
        (a, b, scale) => {
          const text = (v: bigint) => {
            const abs = v < 0n ? -v : v;
            const s = abs.toString().padStart(scale + 1, '0');
            const body = scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
            return `${v < 0n ? '-' : ''}${body}`;
          };
          expect(compareDecimals(text(a), text(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
        },
      ),
      { seed: 7, numRuns: 2_000 },
    );
    expect(compareDecimals('100.00', '99.99')).toBe(1);
    expect(compareDecimals('-0.5', '0.25')).toBe(-1);
  });
});

function catalogFile() {
  return JSON.parse(readFileSync(DEMO_CATALOG_PATH, 'utf8'));
}
