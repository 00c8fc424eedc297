/**
 * Trino refuses statement text longer than its query.max-length (1,000,000 characters by default).
 * Compile refuses such a statement first, naming MAX_TRINO_QUERY_CHARS (400 at the HTTP edge), and
 * the limit is Trino's own: a statement of exactly the limit runs on the real Trino, one character
 * more is refused by Trino itself when sent past the compiler.
 */
// @ts-nocheck

import { afterAll, describe, expect, inject, it } from 'vitest';
import { toApiError } from '../../src/api/errors.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine } from '../../src/exec/engine.ts';
import { runTrino, trinoStatement } from '../../src/exec/trino-http.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { demoKpis, eq, registryOf, str } from '../unit/compile-kpis.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();
const engine = createEngine({
  catalog,
  registry: registryOf(demoKpis(catalog)),
  env,
  dialect: 'trino',
  timeoutMs: 300_000,
});
afterAll(() => engine.close());

const withRegion = (value: string): MetricQuery => ({
  kpi: 'mrr',
  grain: 'month',
  range: { start: '2025-01-01T00:00:00Z', end: '2025-04-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [eq({ kind: 'dimension', name: 'region' }, str(value))],
});
const statementLength = (value: string) => {
  const c = engine.compile(withRegion(value));
  return trinoStatement(c.sql, c.params).length;
};

describe(`Trino statements longer than MAX_TRINO_QUERY_CHARS (${LIMITS.MAX_TRINO_QUERY_CHARS})`, () => {
  // The statement grows by one character per character of the filter value: solve for the limit.
  const base = statementLength('x');
  expect(statementLength('xx')).toBe(base + 1);
  const atLimit = 'x'.repeat(1 + LIMITS.MAX_TRINO_QUERY_CHARS - base);

  it('runs a statement of exactly the limit on the real Trino', async () => {
    expect(statementLength(atLimit)).toBe(LIMITS.MAX_TRINO_QUERY_CHARS);
    const result = await engine.run(withRegion(atLimit));
    // No region has that name: every month is empty.
    expect(result.rows.every((r) => r.value === null)).toBe(true);
  }, 300_000);

  it('refuses one character more at compile, naming the limit (400), where Trino would fail the query', async () => {
    const over = `${atLimit}x`;
    let refused: unknown = null;
    try {
      engine.compile(withRegion(over));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(CompileError);
    expect((refused as CompileError).code).toBe('limit-exceeded');
    expect((refused as Error).message).toContain(`MAX_TRINO_QUERY_CHARS = ${LIMITS.MAX_TRINO_QUERY_CHARS}`);
    const api = toApiError(refused);
    expect(api.status).toBe(400);
    // Sent past the compiler, the same statement is Trino's own failure.
    const c = engine.compile(withRegion(atLimit));
    const params = c.params.map((p) => (p.value === atLimit ? { ...p, value: over } : p));
    expect(trinoStatement(c.sql, params).length).toBe(LIMITS.MAX_TRINO_QUERY_CHARS + 1);
    await expect(runTrino(c.sql, params, { url: env.TRINO_URL!, timeoutMs: 300_000 })).rejects.toThrow(
      /QUERY_TEXT_TOO_LARGE|too large|max-length/i,
    );
  }, 300_000);
});
