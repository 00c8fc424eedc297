/**
 * Every input — random token soup, mutated KPI files, random JSON — ends in diagnostics or success:
 * never an exception, never an internal error. At least 100,000 inputs per run (LANG_ROBUST_SCALE=10
 * for a larger run); seeded with LANG_SEED, and fast-check prints seed and path on failure.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import {
  analyzeDefinitions,
  analyzeDsl,
  analyzeFormula,
  DEMO_KPI_FILES,
  loadRegistry,
  parseFilter,
} from '../../src/semantic/index.ts';
import { mutated, tokenSoup } from './lang-arbitraries.ts';

const catalog = loadCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const seed = Number(process.env.LANG_SEED ?? 20251129);
const scale = Number(process.env.LANG_ROBUST_SCALE ?? 1);
const demoText = readFileSync(DEMO_KPI_FILES.find((f) => f.endsWith('.kpi'))!, 'utf8');
// One declaration a sample keeps each input small; a few whole-file mutations cover the rest.
const declarations = demoText.split(/\n(?=kpi |rollup )/).filter((d) => /^(kpi|rollup) /.test(d));
const seedJson = JSON.parse(readFileSync(DEMO_KPI_FILES.find((f) => f.endsWith('.json'))!, 'utf8'));

function wellFormed(diagnostics: readonly Diagnostic[], input: unknown): void {
  for (const d of diagnostics) {
    expect(d.code, `${d.message} for ${JSON.stringify(input)}`).not.toBe('internal');
    expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    expect(d.span.start.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
}

const ctx = { catalog, registry };
const run = <T>(arb: fc.Arbitrary<T>, runs: number, check: (v: T) => void) => {
  fc.assert(
    fc.property(arb, (v) => {
      check(v);
    }),
    { seed, numRuns: Math.max(1, Math.round(runs * scale)) },
  );
};

// Generous timeouts: the machine is shared; they bound a hang, they do not measure speed.
describe(`robustness on noisy input (seed ${seed})`, { timeout: Math.max(120_000, 300_000 * scale) }, () => {
  it('token soup into analyzeDsl', () =>
    run(tokenSoup, 55_000, (t) => wellFormed(analyzeDsl(t, ctx).diagnostics, t)));
  it('mutated KPI declarations into analyzeDsl', () =>
    run(mutated(declarations), 15_000, (t) => wellFormed(analyzeDsl(t, ctx).diagnostics, t)));
  it('mutated whole demo files into analyzeDsl', () =>
    run(mutated([demoText]), 300, (t) => wellFormed(analyzeDsl(t, ctx).diagnostics, t)));
  it('token soup and arbitrary strings into analyzeFormula and parseFilter', () =>
    run(fc.oneof(tokenSoup, fc.string({ maxLength: 30 })), 20_000, (t) => {
      wellFormed(analyzeFormula(t, ctx).diagnostics, t);
      wellFormed(parseFilter(t, ctx).diagnostics, t);
    }));
  it('arbitrary JSON and mutated seed definitions into analyzeDefinitions', () =>
    run(
      fc.oneof(
        fc.anything(),
        fc
          .tuple(
            fc.constantFrom(...(seedJson as object[])),
            fc.dictionary(
              fc.constantFrom(
                'id',
                'name',
                'formula',
                'dimensions',
                'aggregations',
                'filters',
                'thresholds',
                'schedule',
                'category',
              ),
              fc.jsonValue(),
            ),
          )
          .map(([d, patch]) => ({ ...d, ...patch })),
        fc.tuple(fc.constantFrom(...(seedJson as object[])), tokenSoup).map(([d, expression]) => ({
          ...d,
          formula: { ...(d as { formula: object }).formula, expression },
        })),
      ),
      12_000,
      (j) => wellFormed(analyzeDefinitions(j, ctx).diagnostics, j),
    ));
});
