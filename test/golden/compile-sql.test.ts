import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { type Diagnostic, formatDiagnostic } from '../../src/ir/diagnostic.ts';
import { analyzeFormula, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { featureKpis } from '../unit/compile-kpis.ts';
import { type GoldenEnv, readGoldens, render, writeGolden } from './compile-golden.ts';
import { expectFolderMatchesManifest, UPDATE_GOLDEN } from './golden-files.ts';

const catalog = loadCatalog();
// The real front end: demo definitions (seed mrr and cac, fixtures/demo-kpis.kpi) and inline DSL; plus a
// few KPIs built as IR for what the DSL keeps from reaching the planner (KPI-level filters, cycles).
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
for (const k of featureKpis(catalog)) {
  if (['eu_purchases', 'eu_arpa', 'loop_a', 'loop_b'].includes(k.id)) registry.set(k.id, k);
}
const fail = (what: string, diagnostics: readonly Diagnostic[]) => {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => formatDiagnostic(what, d)).join('\n'));
};
const env: GoldenEnv = {
  catalog,
  registry,
  dsl: (text) => {
    const r = analyzeFormula(text, { catalog, registry });
    fail('dsl', r.diagnostics);
    return r.kpis[0]!;
  },
  filter: (text) => {
    const r = parseFilter(text, { catalog, registry });
    fail('where', r.diagnostics);
    return r.expr!;
  },
};

const cases = readGoldens();

describe('golden SQL per dialect (fixtures/golden/sql)', () => {
  it('holds exactly the fixtures manifest.json lists', () => expectFolderMatchesManifest('sql'));
  it.each(cases.map((c) => [c.file, c] as const))('%s', (_, c) => {
    if (c.sections.query === undefined) throw new Error(`${c.file} is missing or has no --- query section`);
    const actual = render(c, env);
    if (UPDATE_GOLDEN) {
      writeGolden(c, actual);
      return;
    }
    for (const section of ['plan', 'trino', 'postgres']) {
      expect(actual[section], `${c.file} --- ${section}`).toBe(c.sections[section]);
    }
  });
});
