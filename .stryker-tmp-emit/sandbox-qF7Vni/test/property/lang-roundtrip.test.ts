/**
 * Every generated valid program parses, checks, prints and re-parses to the same IR.
 * Seeded: set LANG_SEED to replay a failure (fast-check prints the seed and path when one fails).
 */
// @ts-nocheck

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { analyzeDsl, printKpi } from '../../src/semantic/index.ts';
import { program } from './lang-arbitraries.ts';

const catalog = loadCatalog();
const seed = Number(process.env.LANG_SEED ?? 20251129);
const runs = Number(process.env.LANG_ROUNDTRIP_RUNS ?? 1500);

describe(`round trip of generated KPI programs (seed ${seed})`, () => {
  it('parse → check → print → re-parse gives the same IR, and printing is stable', () => {
    fc.assert(
      fc.property(program(catalog), (text) => {
        const first = analyzeDsl(text, { catalog });
        const errors = first.diagnostics.filter((d) => d.severity === 'error');
        expect(errors, text).toEqual([]);
        const registry = new Map(first.kpis.map((k) => [k.id, k]));
        for (const kpi of first.kpis) {
          for (const printed of [printKpi(kpi, catalog), printKpi(kpi)]) {
            const again = analyzeDsl(printed, { catalog, registry });
            expect(
              again.diagnostics.filter((d) => d.severity === 'error'),
              printed,
            ).toEqual([]);
            expect(again.kpis[0], printed).toEqual(kpi);
            expect(printKpi(again.kpis[0]!, catalog)).toBe(printKpi(kpi, catalog));
          }
        }
      }),
      { seed, numRuns: runs },
    );
  });
});
