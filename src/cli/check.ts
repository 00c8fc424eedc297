/**
 * `kpi check FILE…|- [--json] [--print] [--no-demo]` — checks KPI definitions (DSL, or seed JSON: one
 * KPIDefinition or an array) and prints `file:line:col: error code: message` with the source line and
 * a caret under the problem. Exit 1 on errors. The demo KPIs are known by default, so a file may derive
 * from them (`--no-demo`, or a `--catalog` of one's own, to start empty).
 */

import { readFileSync } from 'node:fs';
import { readCliEnv } from '../config/cli-env.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { analyzeDefinitions, analyzeDsl, printKpi, printRollup } from '../semantic/index.ts';
import { type CommandSpec, flag, parseCommandArgs, stringOption, UsageError } from './args.ts';
import { loadCatalogOption } from './definitions.ts';
import { demoRegistry } from './demo-registry.ts';
import { renderDiagnostics, styleFor } from './render.ts';
import { rootCauses } from './root-causes.ts';

export const spec: CommandSpec = {
  name: 'kpi check',
  synopsis: 'FILE…|-',
  summary: 'Check KPI definitions (DSL, or the seed JSON) and print diagnostics; exit 1 on errors.',
  positionals: true,
  options: {
    json: { type: 'boolean', help: 'print {ok, files: [{file, kpis, rollups, diagnostics}]} for tools' },
    print: { type: 'boolean', help: 'also print each KPI as the DSL it analyzes to (seed JSON → DSL)' },
    'no-demo': { type: 'boolean', help: 'check without the demo KPIs known' },
  },
  notes:
    'example:\n  kpi check fixtures/demo-kpis.kpi my-kpis.kpi\n  echo "kpi x = sum(payments.subscriptions.amount)" | kpi check -',
};

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

type Analysis = ReturnType<typeof analyzeDsl>;
type Context = Parameters<typeof analyzeDsl>[1];

/** One file's text analyzed as seed JSON (a .json file, or text starting with { or [) or as DSL. */
function analyzeText(file: string, text: string, ctx: Context): Analysis {
  const trimmed = text.trimStart();
  if (!(file.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('['))) {
    return analyzeDsl(text, ctx);
  }
  try {
    return analyzeDefinitions(JSON.parse(text), ctx);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const at = { line: 1, column: 1, offset: 0 };
    const d: Diagnostic = {
      severity: 'error',
      code: 'invalid-json',
      message: e.message,
      span: { start: at, end: at },
    };
    return { kpis: [], rollups: [], diagnostics: [d] };
  }
}

export async function checkCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  if (args.positional.length === 0)
    throw new UsageError('kpi check: name the files to check, or - for stdin (see kpi check --help)');
  const catalogFile = stringOption(args, 'catalog');
  const catalog = loadCatalogOption(catalogFile);
  // The demo KPIs are known (from the build's cache: their files are not parsed again).
  const registry: Map<string, KpiIR> =
    flag(args, 'no-demo') || catalogFile ? new Map() : (await demoRegistry(catalog)).registry;
  const reports: {
    file: string;
    kpis: string[];
    rollups: string[];
    diagnostics: readonly Diagnostic[];
    source?: string;
  }[] = [];
  for (const file of args.positional) {
    let text: string;
    try {
      text = readInput(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const name = file === '-' ? '<stdin>' : file;
    const result = analyzeText(file, text, { catalog, registry, file: name });
    for (const k of result.kpis) registry.set(k.id, k);
    if (flag(args, 'print') && !flag(args, 'json')) {
      for (const k of result.kpis) console.log(printKpi(k, catalog));
      for (const r of result.rollups) console.log(printRollup(r));
    }
    reports.push({
      file: name,
      kpis: result.kpis.map((k) => k.id),
      rollups: result.rollups.map((r) => r.name),
      diagnostics: result.diagnostics,
      source: text,
    });
  }
  const errors = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  if (flag(args, 'json')) {
    const files = reports.map(({ source: _, ...r }) => r);
    console.log(JSON.stringify({ ok: errors === 0, files }, null, 2));
  } else {
    const style = styleFor(process.stdout, readCliEnv().colour);
    let shownErrors = 0;
    for (const r of reports) {
      const { shown, note } = rootCauses(r.diagnostics);
      shownErrors += shown.filter((d) => d.severity === 'error').length;
      if (shown.length > 0) console.log(renderDiagnostics(r.file, shown, r.source, style));
      if (note) console.log(`${r.file}: note: ${note}`);
    }
    const kpis = reports.reduce((n, r) => n + r.kpis.length, 0);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const following = errors - shownErrors;
    console.error(
      `${errors === 0 ? 'ok' : `${plural(shownErrors, 'error')}${following > 0 ? ` (and ${following} that follow from them)` : ''}`}: ${plural(kpis, 'KPI')} checked`,
    );
  }
  return errors > 0 ? 1 : 0;
}
