/**
 * Checks of a whole program (src/semantic/program.ts): ids and rollup names once per file, cycles of
 * derived KPIs (through the registry too, each cycle reported once), KPIs deriving from failed ones, and
 * the program's own diagnostics of seed JSON definitions carried back to their JSON paths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/ir/limits.ts';
import { analyzeDefinitions, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';
import { analyze, at, demoCatalog as catalog, check, line } from '../support/kpi-check.ts';

const seed = JSON.parse(readFileSync(new URL('../../fixtures/seed-kpis.json', import.meta.url), 'utf8'));

describe('names defined twice', () => {
  it('refuses a second KPI of the same id at its id and keeps the first', () => {
    const text = 'kpi a = count(users.accounts)\nkpi a = count(payments.subscriptions)';
    const r = analyze(text);
    expect(r.diagnostics.map(line)).toEqual([
      `${at(text, 'a =', 1)} error duplicate-kpi: kpi "a" is defined twice in this file`,
    ]);
    expect(r.kpis.map((k) => `${k.id} ${k.measures[0]!.table.table}`)).toEqual(['a accounts']);
  });

  it('refuses a second rollup of the same name at its name and keeps the first', () => {
    const rollup = (grain: string) =>
      `rollup daily on payments.subscriptions { grain: ${grain}; dimensions: region; measures: sum(amount) }`;
    const text = `${rollup('day')}\n${rollup('month')}`;
    const r = analyze(text);
    expect(r.diagnostics.map(line)).toEqual([
      `${at(text, 'daily', 1)} error duplicate-rollup: rollup "daily" is defined twice`,
    ]);
    expect(r.rollups.map((x) => `${x.name} ${x.grain}`)).toEqual(['daily day']);
  });
});

describe('cycles of derived KPIs', () => {
  it('finds a cycle through the second KPI a formula names, not only the first', () => {
    // a names base (no cycle) before b: the search must go on to b.
    const text = 'kpi base = count(users.accounts)\nkpi a = base + b\nkpi b = a * 2';
    const r = analyze(text);
    expect(r.diagnostics.map(line)).toEqual([
      `${at(text, 'b\n')} error kpi-cycle: derived KPIs form a cycle: a → b → a`,
    ]);
    expect(r.kpis.map((k) => k.id)).toEqual(['base']);
  });

  it('follows KPIs of the registry: a file redefining mrr_active in terms of arpa closes a cycle', () => {
    // In the demo registry arpa = mrr_active / count(users.accounts.id).
    const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
    expect(registry.get('arpa')?.dependsOn).toEqual(['mrr_active']);
    const text = 'kpi mrr_active = arpa * 2';
    expect(check(text, { registry })).toEqual([
      `${at(text, 'arpa')} error kpi-cycle: derived KPIs form a cycle: mrr_active → arpa → mrr_active`,
    ]);
  });

  it('reports two cycles whose names run together the same (a, bc and ab, c) each once', () => {
    const text = 'kpi a = bc + 1\nkpi bc = a + 1\nkpi ab = c + 1\nkpi c = ab + 1';
    expect(check(text)).toEqual([
      `${at(text, 'bc')} error kpi-cycle: derived KPIs form a cycle: a → bc → a`,
      `${at(text, 'c + 1', 1)} error kpi-cycle: derived KPIs form a cycle: ab → c → ab`,
    ]);
  });

  it('fails a KPI deriving from a cycle with broken-dependency, not with its dimensions', () => {
    // x reads users.accounts through a, which has region: only the failed dependency is x's problem.
    const text =
      'kpi a = b + count(users.accounts)\nkpi b = a * 2\nkpi x {\n  formula: a * 2\n  dimensions: region\n}';
    const r = analyze(text);
    expect(r.diagnostics.map(line)).toEqual([
      `${at(text, 'b +')} error kpi-cycle: derived KPIs form a cycle: a → b → a`,
      `${at(text, 'a * 2', 1)} error broken-dependency: kpi "x" derives from "a", which has errors`,
    ]);
    expect(r.kpis).toEqual([]);
  });
});

describe('KPIs deriving from a later KPI of the file', () => {
  it('fail when the later one has errors, as when it comes first', () => {
    const text = 'kpi x = a * 2\nkpi a = sum(payments.subscriptions.amout)';
    const r = analyze(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['broken-dependency', 'unknown-column']);
    expect(r.diagnostics.map(line)[0]).toBe(
      `${at(text, 'a * 2')} error broken-dependency: kpi "x" derives from "a", which has errors`,
    );
    expect(r.kpis).toEqual([]);
    // The same KPIs in the other order: the same verdicts.
    const reversed = analyze('kpi a = sum(payments.subscriptions.amout)\nkpi x = a * 2');
    expect(reversed.diagnostics.map((d) => d.code)).toEqual(['unknown-column', 'broken-dependency']);
    expect(reversed.kpis).toEqual([]);
  });

  it('fail when the later one is in a cycle, and through a chain of later ones', () => {
    const cycle = analyze('kpi x = a * 2\nkpi a = b + count(users.accounts)\nkpi b = a * 2');
    expect(cycle.diagnostics.map((d) => d.code)).toEqual(['broken-dependency', 'kpi-cycle']);
    expect(cycle.kpis).toEqual([]);
    const chain = analyze('kpi x = y + 1\nkpi y = z + 1\nkpi z = count(users.acounts)');
    expect(chain.diagnostics.map((d) => d.code)).toEqual([
      'broken-dependency',
      'broken-dependency',
      'unknown-table',
    ]);
    expect(chain.kpis).toEqual([]);
  });

  it('fail when the one they derive from is too deep to analyze', () => {
    const text = `kpi b = 1${' + 1'.repeat(LIMITS.MAX_EXPRESSION_DEPTH + 10)}\nkpi f = b * 2`;
    const r = analyze(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['too-deep', 'broken-dependency']);
    expect(r.diagnostics.map(line)[1]).toBe(
      `${at(text, 'b * 2')} error broken-dependency: kpi "f" derives from "b", which has errors`,
    );
    expect(r.kpis).toEqual([]);
  });

  it('pass when the later one passes, in the order of the file', () => {
    const r = analyze('kpi x = y + 1\nkpi y = count(users.accounts)\nkpi w = x * 2');
    expect(r.diagnostics).toEqual([]);
    expect(r.kpis.map((k) => k.id)).toEqual(['x', 'y', 'w']);
  });
});

describe('program diagnostics of seed JSON definitions', () => {
  const derived = (extra: object) => ({
    id: 'derived',
    name: 'Derived',
    description: 'twice mrr',
    category: 'business',
    formula: { type: 'composite', expression: 'mrr * 2', variables: [] },
    aggregations: ['month'],
    dimensions: [],
    ...extra,
  });

  it('names the JSON path of a dimension no table of the KPI reaches', () => {
    const r = analyzeDefinitions([seed[0], derived({ dimensions: ['device'] })], { catalog });
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'unreachable-dimension: $[1].dimensions: dimension "device" cannot be reached from payments.subscriptions: it has no such column and none of its joins lead to one',
    ]);
    expect(r.kpis.map((k) => k.id)).toEqual(['mrr']);
  });

  it('names the JSON path of an id defined twice, and keeps the first definition', () => {
    const r = analyzeDefinitions([derived({}), seed[0], derived({ name: 'Again' })], { catalog });
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'duplicate-kpi: $[2].id: kpi "derived" is defined twice in this file',
    ]);
    expect(r.diagnostics[0]!.span.start.line).toBe(1);
    expect(r.kpis.map((k) => `${k.id} ${k.name}`).sort()).toEqual(['derived Derived', `mrr ${seed[0].name}`]);
  });

  it('names the JSON path of the expression deriving from a failed definition', () => {
    const bad = structuredClone(seed[0]);
    bad.formula.variables[0].source.column = 'amout';
    const r = analyzeDefinitions([bad, derived({})], { catalog });
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'unknown-column: $[0].formula.variables[0]: payments.subscriptions has no column "amout"',
      'broken-dependency: $[1].formula.expression: kpi "derived" derives from "mrr", which has errors',
    ]);
    expect(r.kpis).toEqual([]);
  });
});
