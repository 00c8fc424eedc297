/**
 * A language worker (see README.md): analyzes request-supplied DSL or JSON definitions against the
 * catalog and the registry of defined KPIs, off the service's event loop. The registry arrives with a
 * task only when it changed since this worker's last task.
 */
// @ts-nocheck

import { parentPort, workerData } from 'node:worker_threads';
import type { KpiIR } from '../ir/kpi.ts';
import { analyzeDefinitions, analyzeDsl, printKpi } from '../semantic/index.ts';
import type { LanguageAnswer, LanguageInit, LanguageTask, RegistryEntries } from './language-protocol.ts';
import { sizeDiagnostic } from './size.ts';

const { catalog } = workerData as LanguageInit;
let registry: ReadonlyMap<string, KpiIR> = new Map();

parentPort!.on('message', (message: { input: LanguageTask; context?: RegistryEntries }) => {
  try {
    if (message.context) registry = new Map(message.context);
    const task = message.input;
    const ctx = { catalog, registry, file: task.format === 'dsl' ? task.file : 'request.kpi' };
    const result = task.format === 'dsl' ? analyzeDsl(task.text, ctx) : analyzeDefinitions(task.json, ctx);
    const tooLarge = sizeDiagnostic(result.kpis);
    if (tooLarge) {
      const refused: LanguageAnswer = { kpis: [], diagnostics: [tooLarge], printed: [] };
      parentPort!.postMessage({ ok: true, value: refused });
      return;
    }
    const printed = result.kpis.map((kpi) => {
      try {
        return printKpi(kpi, catalog);
      } catch {
        return '';
      }
    });
    const answer: LanguageAnswer = { kpis: result.kpis, diagnostics: result.diagnostics, printed };
    parentPort!.postMessage({ ok: true, value: answer });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: (error as Error)?.message ?? String(error) });
  }
});
