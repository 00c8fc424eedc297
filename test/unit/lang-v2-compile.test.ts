/**
 * The v2 language's IR is what the compiler expects: every demo KPI plans and emits SQL, for every
 * declared dimension, in Trino (and PostgreSQL when it reads one connection).
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { planQuery } from '../../src/plan/planner.ts';
import * as lang from '../../src/semantic/v2/index.ts';
import { query } from './compile-kpis.ts';

const catalog = loadCatalog();
const { registry, diagnostics } = lang.loadRegistry(lang.DEMO_KPI_FILES, catalog);

describe('v2 demo KPIs compile', () => {
  it('load cleanly', () => expect(diagnostics).toEqual([]));

  for (const id of registry.keys()) {
    it(`${id} plans and emits SQL by each declared dimension`, () => {
      const k = registry.get(id)!;
      for (const dims of [[], ...k.dimensions.map((d) => [d])]) {
        const grain = k.grains[0] ?? 'month';
        const plan = planQuery(k, query(id, { grain, dimensions: dims }), { catalog, registry });
        const sql = emitSql(plan, chooseDialect(plan, catalog).dialect, catalog);
        expect(sql.sql).toMatch(/select/i);
      }
    });
  }
});
