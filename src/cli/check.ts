/**
 * `kpi check FILE…|- [--json] [--print] [--no-demo]` — checks KPI definitions (DSL, or seed JSON: one
 * KPIDefinition or an array) and prints `file:line:col: error code: message`. Exit 1 on errors.
 * The demo KPIs are known by default, so a file may derive from them (`--no-demo` to start empty).
 */
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../catalog/load.ts';
import { type Diagnostic, formatDiagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';
import {
  analyzeDefinitions,
  analyzeDsl,
  DEMO_KPI_FILES,
  loadRegistry,
  printKpi,
  printRollup,
} from '../semantic/index.ts';
import { parseArgs, UsageError } from './args.ts';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

export async function checkCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'print', 'no-demo', 'help']);
  if (args.values.help || args.positional.length === 0) {
    throw new UsageError(
      'usage: kpi check FILE…|- [--json] [--print] [--no-demo] [--catalog catalog.json]\n  --print  also print each KPI as the DSL it analyzes to (seed JSON → DSL)',
    );
  }
  const catalog = loadCatalog(args.values.catalog);
  const registry: Map<string, KpiIR> = args.values['no-demo']
    ? new Map()
    : loadRegistry(DEMO_KPI_FILES, catalog).registry;
  const reports: { file: string; kpis: string[]; rollups: string[]; diagnostics: readonly Diagnostic[] }[] =
    [];
  for (const file of args.positional) {
    let text: string;
    try {
      text = readInput(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const name = file === '-' ? '<stdin>' : file;
    const trimmed = text.trimStart();
    const ctx = { catalog, registry, file: name };
    let result: ReturnType<typeof analyzeDsl>;
    if (file.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        const d: Diagnostic = {
          severity: 'error',
          code: 'invalid-json',
          message: (e as Error).message,
          span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
        };
        reports.push({ file: name, kpis: [], rollups: [], diagnostics: [d] });
        continue;
      }
      result = analyzeDefinitions(json, ctx);
    } else {
      result = analyzeDsl(text, ctx);
    }
    for (const k of result.kpis) registry.set(k.id, k);
    if (args.values.print && !args.values.json) {
      for (const k of result.kpis) console.log(printKpi(k, catalog));
      for (const r of result.rollups) console.log(printRollup(r));
    }
    reports.push({
      file: name,
      kpis: result.kpis.map((k) => k.id),
      rollups: result.rollups.map((r) => r.name),
      diagnostics: result.diagnostics,
    });
  }
  const errors = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  if (args.values.json) {
    console.log(JSON.stringify({ ok: errors === 0, files: reports }, null, 2));
  } else {
    for (const r of reports) for (const d of r.diagnostics) console.log(formatDiagnostic(r.file, d));
    const kpis = reports.reduce((n, r) => n + r.kpis.length, 0);
    console.error(
      `${errors === 0 ? 'ok' : `${errors} error${errors === 1 ? '' : 's'}`}: ${kpis} KPI${kpis === 1 ? '' : 's'} checked`,
    );
  }
  return errors > 0 ? 1 : 0;
}
