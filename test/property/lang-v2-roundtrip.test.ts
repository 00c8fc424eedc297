/**
 * Every generated valid program parses, checks, prints and re-analyzes to the same IR, and printing
 * is a fixed point. Seeded: FC_SEED=n reproduces a run (the seed is printed on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import * as lang from '../../src/semantic/v2/index.ts';
import { kpiProgram } from './lang-v2-gen.ts';

const catalog = loadCatalog();
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe(`v2 round trip (FC_SEED=${seed})`, () => {
  it('generated programs check clean and survive print → analyze unchanged', () => {
    fc.assert(
      fc.property(kpiProgram, (text) => {
        const first = lang.analyzeDsl(text, { catalog });
        expect(
          first.diagnostics.filter((d) => d.severity === 'error'),
          text,
        ).toEqual([]);
        expect(first.kpis).toHaveLength(1);
        const printed = lang.printKpi(first.kpis[0]!);
        const second = lang.analyzeDsl(printed, { catalog });
        expect(second.diagnostics, printed).toEqual([]);
        expect(second.kpis).toEqual(first.kpis);
        expect(lang.printKpi(second.kpis[0]!)).toBe(printed);
      }),
      { seed, numRuns: 1500 },
    );
  });
});
