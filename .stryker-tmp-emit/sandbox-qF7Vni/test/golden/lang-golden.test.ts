/**
 * Language goldens: fixtures/golden/lang/*.kpi|*.json next to *.out holding the diagnostics
 * (`file:line:col: …`) and the printed IR of what analyzed. `UPDATE_GOLDEN=1` rewrites the .out files.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { formatDiagnostic } from '../../src/ir/diagnostic.ts';
import {
  analyzeDefinitions,
  analyzeDsl,
  loadRegistry,
  printKpi,
  printRollup,
} from '../../src/semantic/index.ts';
import { expectFolderMatchesManifest, expectGoldenFile, manifest } from './golden-files.ts';

const DIR = fileURLToPath(new URL('../../fixtures/golden/lang/', import.meta.url));
const catalog = loadCatalog();
// Goldens may derive from the seed's mrr and cac and from the demo KPIs.
const { registry } = loadRegistry(
  [
    fileURLToPath(new URL('../../fixtures/seed-kpis.json', import.meta.url)),
    fileURLToPath(new URL('../../fixtures/demo-kpis.kpi', import.meta.url)),
  ],
  catalog,
);

function render(file: string): string {
  const text = readFileSync(join(DIR, file), 'utf8');
  const ctx = { catalog, registry, file };
  const result = file.endsWith('.json') ? analyzeDefinitions(JSON.parse(text), ctx) : analyzeDsl(text, ctx);
  const parts = ['--- diagnostics', ...result.diagnostics.map((d) => formatDiagnostic(file, d))];
  parts.push('--- printed');
  for (const k of result.kpis) parts.push(printKpi(k, catalog).trimEnd());
  for (const r of result.rollups) parts.push(printRollup(r).trimEnd());
  return `${parts.join('\n')}\n`;
}

// The cases are the manifest's inputs, not whatever the folder holds: a deleted fixture fails.
const inputs = manifest('lang').filter((f) => f.endsWith('.kpi') || f.endsWith('.json'));

describe('language goldens (fixtures/golden/lang)', () => {
  it('holds exactly the fixtures manifest.json lists', () => expectFolderMatchesManifest('lang'));
  it.each(inputs)('%s', (file) => {
    expectGoldenFile(join(DIR, file.replace(/\.(kpi|json)$/, '.out')), render(file));
  });
});
