/**
 * Adapts the language facade (src/semantic) to the service's KpiLanguage, and lists the demo KPIs the
 * embedded default seeds a fresh store with. Loaded dynamically so the service layer compiles on its own.
 */
import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import type { DefinitionSubmission } from './definitions-service.ts';
import type { KpiLanguage, Registry } from './deps.ts';

export interface LanguageBinding {
  readonly language: KpiLanguage;
  readonly demoDefinitions: () => DefinitionSubmission[];
}

export async function languageFor(catalog: Catalog): Promise<LanguageBinding> {
  const semantic = await import('../semantic/index.ts' as string).catch((error: Error) => {
    throw new Error(`the KPI language (src/semantic) is not available: ${error.message}`);
  });
  const ctx = (registry: Registry, file?: string) => ({ catalog, registry, file: file ?? 'request.kpi' });
  return {
    language: {
      analyzeDsl: (text, registry, file) => semantic.analyzeDsl(text, ctx(registry, file)),
      analyzeDefinitions: (json, registry) => semantic.analyzeDefinitions(json, ctx(registry)),
      parseFilter: (text, registry) => semantic.parseFilter(text, ctx(registry, 'filter')),
      printKpi: (ir) => semantic.printKpi(ir),
    },
    demoDefinitions: () =>
      ((semantic.DEMO_KPI_FILES ?? []) as string[]).map(
        (file): DefinitionSubmission => ({ format: 'dsl', text: readFileSync(file, 'utf8') }),
      ),
  };
}
