/**
 * Adapts the language facade (src/semantic) to the service's KpiLanguage, and lists the demo KPIs the
 * embedded default seeds a fresh store with (the demo DSL files and the seed's JSON examples).
 * Loaded dynamically so the service layer compiles and starts with a clear message without it.
 */
// @ts-nocheck

import { existsSync, readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { LanguagePool } from '../offload/language-pool.ts';
import type { Analysis, DefinitionSubmission, KpiLanguage, Registry } from './deps.ts';

export interface LanguageBinding {
  readonly language: KpiLanguage;
  readonly demoDefinitions: () => DefinitionSubmission[];
}

/** Accepts `{kpis}` or `{kpi}` results. */
function normalize(result: {
  kpis?: readonly KpiIR[];
  kpi?: KpiIR | null;
  diagnostics?: readonly Diagnostic[];
}): Analysis {
  return {
    kpis: result.kpis ?? (result.kpi ? [result.kpi] : []),
    diagnostics: result.diagnostics ?? [],
  };
}

/** DEMO_KPI_FILES entries may be paths, URLs or `{path|file, text|source}` objects. */
function demoText(entry: unknown): string | null {
  if (typeof entry === 'string') return existsSync(entry) ? readFileSync(entry, 'utf8') : entry;
  if (entry instanceof URL) return readFileSync(entry, 'utf8');
  if (entry && typeof entry === 'object') {
    const e = entry as Record<string, unknown>;
    const text = e.text ?? e.source;
    if (typeof text === 'string') return text;
    const path = e.path ?? e.file;
    if (typeof path === 'string' && existsSync(path)) return readFileSync(path, 'utf8');
  }
  return null;
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
  const semantic = await import('../semantic/index.ts' as string).catch((error: Error) => {
    throw new Error(`the KPI language (src/semantic) is not available: ${error.message}`);
  });
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
      analyzeDsl: (text, registry, file) => normalize(semantic.analyzeDsl(text, ctx(registry, file))),
      analyzeDefinitions: (json, registry) => normalize(semantic.analyzeDefinitions(json, ctx(registry))),
      parseFilter: (text, registry) => semantic.parseFilter(text, ctx(registry, 'filter')),
      printKpi: (ir) => semantic.printKpi(ir, catalog),
    },
    demoDefinitions: () => {
      const files = semantic.DEMO_KPI_FILES;
      const entries: unknown[] = Array.isArray(files) ? files : [];
      const submissions: DefinitionSubmission[] = [];
      for (const entry of entries) {
        const text = demoText(entry);
        if (text === null) continue;
        if (typeof entry === 'string' && entry.endsWith('.json')) {
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
