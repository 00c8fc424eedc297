/**
 * Hostile formula shapes for `npm run bench -- compile`: chains of 20, 100 and 1,000 additions and a
 * 30-level doubling DAG (e_i = e_{i-1} + e_{i-1}). Compile is linear, so time per term stays flat.
 */
// @ts-nocheck

import type { Catalog } from '../../src/catalog/types.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import type { FormulaExpr, KpiIR } from '../../src/ir/kpi.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { kpi, measure, query, ref, T } from '../unit/compile-kpis.ts';
import { percentile } from './types.ts';

const plus = (left: FormulaExpr, right: FormulaExpr): FormulaExpr => ({
  kind: 'binary',
  op: '+',
  left,
  right,
});

function chain(catalog: Catalog, n: number): [KpiIR, Map<string, KpiIR>] {
  let formula: FormulaExpr = ref('m');
  for (let i = 1; i < n; i++) formula = plus(formula, ref('m'));
  const k = kpi(`chain${n}`, formula, [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')]);
  return [k, new Map([[k.id, k]])];
}

function doubling(catalog: Catalog, n: number): [KpiIR, Map<string, KpiIR>] {
  const registry = new Map<string, KpiIR>([
    ['e0', kpi('e0', ref('m'), [measure(catalog, 'm', 'sum', T.subscriptions, 'amount')])],
  ]);
  for (let i = 1; i <= n; i++) {
    const prev: FormulaExpr = { kind: 'kpi_ref', id: `e${i - 1}` };
    registry.set(`e${i}`, kpi(`e${i}`, plus(prev, prev), [], { dependsOn: [`e${i - 1}`] }));
  }
  return [registry.get(`e${n}`)!, registry];
}

export function compileShapes(catalog: Catalog) {
  const cases: [string, KpiIR, Map<string, KpiIR>][] = [
    ['chain of 20 terms', ...chain(catalog, 20)],
    ['chain of 100 terms', ...chain(catalog, 100)],
    ['chain of 1,000 terms', ...chain(catalog, 1000)],
    ['doubling DAG, 30 levels (2^30 paths)', ...doubling(catalog, 30)],
  ];
  return cases.map(([name, k, registry]) => {
    const times: number[] = [];
    let sqlChars = 0;
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const p = planQuery(k, query(k.id, { grain: 'month' }), { catalog, registry });
      sqlChars = emitSql(p, postgres, catalog).sql.length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { case: name, 'p50 ms': Number(percentile(times, 50).toFixed(3)), 'SQL chars': sqlChars };
  });
}
