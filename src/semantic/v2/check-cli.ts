/**
 * `node --import tsx src/semantic/v2/check-cli.ts FILE|- [--json]` — checks KPI definitions with the
 * v2 language: `.kpi` DSL or seed JSON (one KPIDefinition or an array; detected by content for stdin).
 * Prints `file:line:col: error code: message (hint)` per problem; exit 1 when there are errors.
 * `checkCommand` has the dispatcher's signature so src/cli/main.ts can list it.
 */
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../catalog/load.ts';
import { type Diagnostic, formatDiagnostic } from '../../ir/diagnostic.ts';
import { type AnalyzeResult, analyzeDefinitions, analyzeDsl, DEMO_KPI_FILES, loadRegistry } from './index.ts';

export async function checkCommand(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: kpi check FILE|- [--json]');
    return 2;
  }
  const catalog = loadCatalog();
  const registry = loadRegistry(DEMO_KPI_FILES, catalog).registry;
  const report: { file: string; kpis: string[]; diagnostics: Diagnostic[] }[] = [];
  let errors = 0;
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
      console.error(`${name}: ${(e as Error).message}`);
      errors++;
      continue;
    }
    const trimmed = text.trimStart();
    let result: AnalyzeResult;
    if (file.endsWith('.json') || (file === '-' && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
      try {
        result = analyzeDefinitions(JSON.parse(text), { catalog, registry, file: name });
      } catch (e) {
        const span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
        result = {
          kpis: [],
          rollups: [],
          diagnostics: [{ severity: 'error', code: 'invalid-json', message: (e as Error).message, span }],
        };
      }
    } else {
      result = analyzeDsl(text, { catalog, registry, file: name });
    }
    errors += result.diagnostics.filter((d) => d.severity === 'error').length;
    report.push({ file: name, kpis: result.kpis.map((k) => k.id), diagnostics: [...result.diagnostics] });
    if (!json) for (const d of result.diagnostics) console.log(formatDiagnostic(name, d));
  }
  if (json) console.log(JSON.stringify({ ok: errors === 0, files: report }, null, 2));
  else if (errors === 0) console.error(`ok: ${report.reduce((n, r) => n + r.kpis.length, 0)} KPIs checked`);
  return errors > 0 ? 1 : 0;
}

if (process.argv[1]?.endsWith('check-cli.ts')) {
  checkCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
