/**
 * Golden fixtures of the v2 language: each fixtures/golden/lang-v2/<case>.kpi|.json input sits next to
 * <case>.out — the printed IR of what checked, the rollups, then the diagnostics. Printed KPIs must
 * also analyze back to the same IR. `UPDATE_GOLDEN=1` rewrites the .out files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { formatDiagnostic } from '../../src/ir/diagnostic.ts';
import * as lang from '../../src/semantic/v2/index.ts';

const dir = fileURLToPath(new URL('../../fixtures/golden/lang-v2/', import.meta.url));
const catalog = loadCatalog();
const update = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(dir).filter((f) => f.endsWith('.kpi') || f.endsWith('.json'));

describe('v2 language golden fixtures', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));

  for (const file of cases) {
    it(file, () => {
      const text = readFileSync(dir + file, 'utf8');
      const ctx = { catalog, file };
      const result = file.endsWith('.json')
        ? lang.analyzeDefinitions(JSON.parse(text), ctx)
        : lang.analyzeDsl(text, ctx);
      const out = [
        ...result.kpis.map((k) => lang.printKpi(k)),
        ...result.rollups.map((r) => lang.printRollup(r)),
        ...(result.diagnostics.length > 0
          ? [`-- diagnostics\n${result.diagnostics.map((d) => formatDiagnostic(file, d)).join('\n')}\n`]
          : []),
      ].join('\n');
      const expectedPath = `${dir}${file.replace(/\.(kpi|json)$/, '.out')}`;
      if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, out);
      expect(out).toBe(readFileSync(expectedPath, 'utf8'));
      // Round trip: what was printed analyzes back to the same IR.
      const registry = new Map(result.kpis.map((k) => [k.id, k]));
      for (const k of result.kpis) {
        const again = lang.analyzeDsl(lang.printKpi(k), { catalog, registry });
        expect(again.diagnostics).toEqual([]);
        expect(again.kpis).toEqual([k]);
      }
      expect(result.diagnostics.some((d) => d.code === 'internal')).toBe(false);
    });
  }
});
