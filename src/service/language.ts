/**
 * Adapts the language facade (src/semantic) to the service's KpiLanguage, and lists the demo KPIs the
 * embedded default seeds a fresh store with (the demo DSL files and the seed's JSON examples).
 */
import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import { LanguagePool } from '../offload/language-pool.ts';
import { analyzeDefinitions, analyzeDsl, DEMO_KPI_FILES, parseFilter, printKpi } from '../semantic/index.ts';
import type { DefinitionSubmission, KpiLanguage, Registry } from './types.ts';

export interface LanguageBinding {
  readonly language: KpiLanguage;
  readonly demoDefinitions: () => DefinitionSubmission[];
}

export interface OffloadOptions {
  /** LANGUAGE_WORKERS: 0 analyzes request-supplied definitions on the event loop. */
  readonly workers: number;
  readonly maxQueue: number;
}

export async function languageFor(
  catalog: Catalog,
  offload: OffloadOptions = { workers: 0, maxQueue: 0 },
): Promise<LanguageBinding> {
  const ctx = (registry: Registry, file?: string) => ({ catalog, registry, file: file ?? 'request.kpi' });
  const pool =
    offload.workers > 0
      ? new LanguagePool({ catalog, workers: offload.workers, maxQueue: offload.maxQueue })
      : null;
  return {
    language: {
      ...(pool
        ? {
            analyzeRequest: (submission: DefinitionSubmission, registry: Registry) =>
              pool.analyze(
                submission.format === 'dsl'
                  ? { format: 'dsl', text: submission.text, file: 'request.kpi' }
                  : { format: 'json', json: submission.json },
                registry,
              ),
            close: () => pool.close(),
          }
        : {}),
      analyzeDsl: (text, registry, file) => analyzeDsl(text, ctx(registry, file)),
      analyzeDefinitions: (json, registry) => analyzeDefinitions(json, ctx(registry)),
      parseFilter: (text, registry) => parseFilter(text, ctx(registry, 'filter')),
      printKpi: (ir) => printKpi(ir, catalog),
    },
    demoDefinitions: () => {
      const submissions: DefinitionSubmission[] = [];
      for (const file of DEMO_KPI_FILES) {
        const text = readFileSync(file, 'utf8');
        if (file.endsWith('.json')) {
          // One by one: a KPI that is already defined is skipped, not the whole list.
          const seed: unknown = JSON.parse(text);
          for (const json of Array.isArray(seed) ? seed : [seed]) submissions.push({ format: 'json', json });
        } else {
          submissions.push({ format: 'dsl', text });
        }
      }
      return submissions;
    },
  };
}
