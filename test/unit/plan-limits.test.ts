/**
 * Compile is linear in the formula and in its derivation DAG, and every documented limit answers a
 * CompileError naming it (never a stack overflow or a hang). Work is measured by counting visits of
 * formula nodes (deterministic), not by timing.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { trino } from '../../src/emit/trino.ts';
import { compileQuery } from '../../src/exec/compile.ts';
import type { FormulaExpr, KpiIR } from '../../src/ir/kpi.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { CompileError } from '../../src/plan/errors.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { col, kpi, measure, query, ref, T } from './compile-kpis.ts';

const catalog = loadCatalog();
const base = () => kpi('e0', ref('m'), [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
const kpiRef = (id: string): FormulaExpr => ({ kind: 'kpi_ref', id });
const plus = (left: FormulaExpr, right: FormulaExpr): FormulaExpr => ({
  kind: 'binary',
  op: '+',
  left,
  right,
});

/** Wraps every node of a formula so reading its `kind` (once per visit) is counted. */
function counted(e: FormulaExpr, visits: { n: number }): FormulaExpr {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    copy[k] = v && typeof v === 'object' && 'kind' in (v as object) ? counted(v as FormulaExpr, visits) : v;
  }
  return new Proxy(copy, {
    get(target, key) {
      if (key === 'kind') visits.n++;
      return target[key as string];
    },
  }) as unknown as FormulaExpr;
}

/** e_i = e_{i-1} + e_{i-1}: a DAG of n + 1 KPIs whose expansion as a tree has 2^n leaves. */
function doublingRegistry(n: number, visits = { n: 0 }): Map<string, KpiIR> {
  const registry = new Map<string, KpiIR>([['e0', base()]]);
  for (let i = 1; i <= n; i++) {
    const formula = counted(plus(kpiRef(`e${i - 1}`), kpiRef(`e${i - 1}`)), visits);
    registry.set(`e${i}`, kpi(`e${i}`, formula, [], { dependsOn: [`e${i - 1}`] }));
  }
  return registry;
}

function compile(id: string, registry: ReadonlyMap<string, KpiIR>, grain: 'month' | null = 'month') {
  const p = planQuery(registry.get(id)!, query(id, { grain }), { catalog, registry });
  return { plan: p, trino: emitSql(p, trino, catalog), postgres: emitSql(p, postgres, catalog) };
}

function limitError(f: () => unknown): CompileError {
  try {
    f();
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error('expected a CompileError');
}

describe('compile is linear', () => {
  it('types a chain of additions once per node (45 terms compile; 2^45 type checks never would)', () => {
    let formula: FormulaExpr = ref('m');
    for (let i = 1; i < 45; i++) formula = plus(formula, ref('m'));
    const k = kpi('chain', formula, [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
    const { plan, postgres: sql } = compile('chain', new Map([['chain', k]]));
    expect(plan.root.type).toBe('decimal');
    expect(sql.sql.match(/"m0"/g)!.length).toBeGreaterThanOrEqual(45);
  }, 20_000);

  it('plans a shared sub-KPI once: e_i = e_{i-1} + e_{i-1} visits O(n) formula nodes and emits O(n) SQL', () => {
    const visits18 = { n: 0 };
    const small = compile('e18', doublingRegistry(18, visits18));
    const visits36 = { n: 0 };
    const large = compile('e36', doublingRegistry(36, visits36));
    // Each KPI's formula has 3 nodes; planning looks at each a fixed number of times (at most twice:
    // the planner's switch, then the composite walker's), so twice the KPIs cost exactly twice the
    // visits. The tree expansion would visit 2^n.
    expect(visits18.n).toBeGreaterThanOrEqual(18 * 3);
    expect(visits18.n).toBeLessThanOrEqual(18 * 3 * 2);
    expect(visits36.n).toBe(2 * visits18.n);
    expect(small.plan.root.input.inputs).toHaveLength(1);
    expect(small.plan.root.shared).toHaveLength(17);
    for (const d of ['trino', 'postgres'] as const) {
      const grow = large[d].sql.length - small[d].sql.length;
      // Linear: 18 more levels add about what the first 18 took, never 2^18 times as much.
      expect(grow).toBeLessThan(small[d].sql.length);
      expect(large[d].sql.length).toBeLessThan(40_000);
    }
    expect(small.postgres.sql).toContain(
      'shared17 AS MATERIALIZED (SELECT j.*, (j."v15" + j."v15") AS "v16" FROM shared16 j)',
    );
    expect(small.postgres.sql).toContain('(j."v16" + j."v16") AS "value"\nFROM shared17 j');
  });

  it('reads a KPI used once in place, so plans without sharing are unchanged', () => {
    const registry = new Map<string, KpiIR>([
      ['e0', base()],
      ['e1', kpi('e1', plus(kpiRef('e0'), { kind: 'literal', value: 1, type: 'bigint' }), [])],
      ['e2', kpi('e2', plus(kpiRef('e1'), kpiRef('e0')), [])],
    ]);
    const { plan, postgres: sql } = compile('e2', registry);
    expect(plan.root.shared).toBeUndefined();
    expect(sql.sql).toContain('SELECT');
    expect(sql.sql).not.toContain('shared1');
  });

  it('shares the operand of nested growth() instead of doubling it per level', () => {
    const visits = { n: 0 };
    let formula: FormulaExpr = kpiRef('e0');
    for (let i = 0; i < 24; i++)
      formula = { kind: 'growth', expr: formula, offset: { amount: 1, unit: 'month' } };
    const registry = new Map<string, KpiIR>([
      ['e0', base()],
      ['g', kpi('g', counted(formula, visits), [])],
    ]);
    const { plan, postgres: sql } = compile('g', registry);
    expect(plan.root.input.inputs).toHaveLength(25); // e0 shifted by 0…24 months
    expect(visits.n).toBeLessThan(24 * 26);
    expect(sql.sql.length).toBeLessThan(200_000);
  });
});

describe('documented limits', () => {
  it(`refuses a chain of derived KPIs deeper than MAX_DERIVATION_DEPTH (${LIMITS.MAX_DERIVATION_DEPTH}) with the limit named, even 3,000 deep`, () => {
    const chain = (n: number) => {
      const registry = new Map<string, KpiIR>([['e0', base()]]);
      for (let i = 1; i <= n; i++) registry.set(`e${i}`, kpi(`e${i}`, kpiRef(`e${i - 1}`), []));
      return registry;
    };
    const atLimit = compile(`e${LIMITS.MAX_DERIVATION_DEPTH - 1}`, chain(LIMITS.MAX_DERIVATION_DEPTH - 1));
    expect(atLimit.plan.root.input.inputs).toHaveLength(1);
    for (const n of [LIMITS.MAX_DERIVATION_DEPTH, 3_000]) {
      const e = limitError(() => compile(`e${n}`, chain(n)));
      expect(e.code).toBe('limit-exceeded');
      expect(e.message).toContain(`MAX_DERIVATION_DEPTH = ${LIMITS.MAX_DERIVATION_DEPTH}`);
    }
  });

  it('refuses a formula nested deeper than MAX_EXPRESSION_DEPTH instead of overflowing the stack', () => {
    let formula: FormulaExpr = ref('m');
    for (let i = 0; i < 50_000; i++) formula = { kind: 'unary', op: '-', operand: formula };
    const k = kpi('deep', formula, [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
    const e = limitError(() => compile('deep', new Map([['deep', k]])));
    expect(e.code).toBe('limit-exceeded');
    expect(e.message).toContain('MAX_EXPRESSION_DEPTH');
  });

  it('refuses SQL longer than MAX_SQL_CHARS', () => {
    const values: FormulaExpr[] = Array.from({ length: 300_000 }, (_, i) => ({
      kind: 'literal',
      value: 1_000_000 + i,
      type: 'bigint',
    }));
    const formula: FormulaExpr = { kind: 'in', operand: ref('m'), values, negated: false };
    const k = kpi('wide', formula, [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
    const e = limitError(() => compile('wide', new Map([['wide', k]])));
    expect(e.code).toBe('limit-exceeded');
    expect(e.message).toContain(`MAX_SQL_CHARS = ${LIMITS.MAX_SQL_CHARS}`);
  });

  it('allows a statement of exactly MAX_SQL_CHARS characters and refuses one of MAX_SQL_CHARS + 1', () => {
    // A formula `m IN (1000000, 1000001, …)`: each value adds ", 1000xyz" (9 characters), and the row
    // limit's digits fine-tune the length. The limit is checked on the text before its parameter markers
    // (params.ts: NUL, index, NUL) become Trino's `?`, so a marker counts its index's digits plus one.
    const wide = (n: number) => {
      const values: FormulaExpr[] = Array.from({ length: n }, (_, i) => ({
        kind: 'literal',
        value: 1_000_000 + i,
        type: 'bigint',
      }));
      const formula: FormulaExpr = { kind: 'in', operand: ref('m'), values, negated: false };
      const k = kpi('wide', formula, [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
      return planQuery(k, query('wide'), { catalog, registry: new Map([['wide', k]]) });
    };
    const checkedLength = (n: number, rowLimit: number) => {
      const { sql, params } = emitSql(wide(n), trino, catalog, { rowLimit });
      return sql.length + params.reduce((sum: number, _, i) => sum + String(i).length + 1, 0);
    };
    const t0 = checkedLength(10, 1);
    const n = 10 + Math.floor((LIMITS.MAX_SQL_CHARS - t0) / 9);
    const rest = LIMITS.MAX_SQL_CHARS - (t0 + 9 * (n - 10));
    expect(checkedLength(n, 10 ** rest)).toBe(LIMITS.MAX_SQL_CHARS);
    const e = limitError(() => emitSql(wide(n), trino, catalog, { rowLimit: 10 ** (rest + 1) }));
    expect(e.message).toContain(`would be ${LIMITS.MAX_SQL_CHARS + 1} characters`);
  });
});

describe('limits that keep the event loop and the engines bounded', () => {
  const above = (i: number) =>
    measure(catalog, `m${i}`, 'sum', T.subscriptions, 'amount', {
      filter: {
        kind: 'binary',
        op: '>',
        left: col(catalog, T.subscriptions, 'amount'),
        right: { kind: 'literal', value: i, type: 'bigint' },
      },
    });
  const wide = (n: number) => {
    const measures = Array.from({ length: n }, (_, i) => above(i));
    const formula = measures.slice(1).reduce<FormulaExpr>((f, m) => plus(f, ref(m.name)), ref('m0'));
    return new Map([['wide', kpi('wide', formula, measures)]]);
  };

  it(`compiles MAX_MEASURES (${LIMITS.MAX_MEASURES}) distinct aggregates and refuses one more before emitting SQL`, () => {
    expect(compile('wide', wide(LIMITS.MAX_MEASURES)).plan.root.input.inputs).toHaveLength(
      LIMITS.MAX_MEASURES,
    );
    const e = limitError(() => compile('wide', wide(LIMITS.MAX_MEASURES + 1)));
    expect(e.code).toBe('limit-exceeded');
    expect(e.message).toContain(`MAX_MEASURES = ${LIMITS.MAX_MEASURES}`);
  });

  const registry = new Map([['e0', base()]]);
  const regionIs = (value: string): MetricQuery => ({
    ...query('e0'),
    filters: [
      {
        kind: 'binary',
        op: '=',
        left: { kind: 'dimension', name: 'region' },
        right: { kind: 'literal', value, type: 'string' },
      },
    ],
  });

  it('ends every compiled query in LIMIT MAX_RESULT_ROWS + 1, on every dialect', () => {
    for (const dialect of ['trino', 'postgres'] as const) {
      const c = compileQuery({ catalog, registry, env: {}, dialect }, query('e0'));
      expect(c.sql.endsWith(`\nLIMIT ${LIMITS.MAX_RESULT_ROWS + 1}`)).toBe(true);
    }
  });

  it('refuses a Trino statement longer than MAX_TRINO_QUERY_CHARS (bound values included); PostgreSQL binds them', () => {
    const value = 'x'.repeat(LIMITS.MAX_TRINO_QUERY_CHARS);
    const e = limitError(() =>
      compileQuery({ catalog, registry, env: {}, dialect: 'trino' }, regionIs(value)),
    );
    expect(e.code).toBe('limit-exceeded');
    expect(e.message).toContain(`MAX_TRINO_QUERY_CHARS = ${LIMITS.MAX_TRINO_QUERY_CHARS}`);
    const pg = compileQuery({ catalog, registry, env: {}, dialect: 'postgres' }, regionIs(value));
    expect(pg.params.some((p) => p.value === value)).toBe(true);
  });
});
