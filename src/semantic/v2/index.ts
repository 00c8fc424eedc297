/**
 * The language facade (second implementation, `v2`): DSL text or seed JSON in, KPI IR and rollups
 * plus diagnostics out. Same contract as src/semantic/index.ts. Never throws on any input.
 * May import: lang/v2, catalog/, ir/. Never: plan/, emit/, exec/, api/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tableOf } from '../../catalog/resolve.ts';
import type { Catalog, TableRef } from '../../catalog/types.ts';
import type { Diagnostic } from '../../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../../ir/kpi.ts';
import type { RollupDef } from '../../ir/rollup.ts';
import type { Ident, KpiDecl } from '../../lang/v2/ast.ts';
import { parseExpression, parseProgram } from '../../lang/v2/parse.ts';
import { kpiSpecOfDecl } from './dsl.ts';
import { kpiSpecOfJson } from './json.ts';
import type { KpiSpec } from './kpi.ts';
import { printKpi as printWith } from './print.ts';
import { type AnalyzeContext, type AnalyzeResult, analyzeEntries, type Entry } from './program.ts';
import { NO_SPAN, Reporter } from './report.ts';
import { lowerRollup } from './rollup.ts';
import { lowerRow } from './row.ts';

export type { RollupDef } from '../../ir/rollup.ts';
export { printFormula, printMeasure, printRollup, printRowExpr } from './print.ts';
export type { AnalyzeContext, AnalyzeResult } from './program.ts';

/** The demo definitions: the seed's JSON examples (mrr, cac, verbatim) and the demo DSL KPIs. */
export const DEMO_KPI_FILES: readonly string[] = [
  fileURLToPath(new URL('../../../fixtures/lang-v2/seed-kpis.json', import.meta.url)),
  fileURLToPath(new URL('../../../fixtures/lang-v2/demo-kpis.kpi', import.meta.url)),
];

// The printer omits a measure's time column when it is its table's default; it learns the
// defaults from the catalogs it has seen analyzed (printKpi's contract takes no catalog).
const catalogs: Catalog[] = [];
function remember(catalog: Catalog): void {
  if (!catalogs.includes(catalog)) catalogs.unshift(catalog);
  if (catalogs.length > 4) catalogs.pop();
}
const defaultTimeColumn = (t: TableRef): string | undefined =>
  catalogs.map((c) => tableOf(c, t)?.timeColumn).find((x) => x !== undefined);

function guarded(run: () => AnalyzeResult): AnalyzeResult {
  try {
    return run();
  } catch (e) {
    return {
      kpis: [],
      rollups: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'internal',
          message: `internal error in the KPI language: ${(e as Error).message}`,
          span: NO_SPAN,
        },
      ],
    };
  }
}

export function analyzeDsl(text: string, ctx: AnalyzeContext): AnalyzeResult {
  return guarded(() => {
    remember(ctx.catalog);
    const parsed = parseProgram(String(text));
    const r = new Reporter();
    r.add(parsed.diagnostics);
    const entries: Entry[] = [];
    const rollups: RollupDef[] = [];
    parsed.decls.forEach((d, i) => {
      const clean = parsed.clean[i];
      if (d.k === 'rollup') {
        const rd = clean ? lowerRollup(d, ctx.catalog, r) : null;
        if (rd) rollups.push(rd);
        return;
      }
      entries.push({ spec: clean ? kpiSpecOfDecl(d as KpiDecl, r) : null, id: d.id.text ? d.id : null, r });
    });
    const kpis = analyzeEntries(entries, ctx, () => NO_SPAN);
    return { kpis, rollups, diagnostics: sortDiagnostics(r.list) };
  });
}

function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.span.start.offset - b.span.start.offset);
}

/** One seed KPIDefinition or an array of them; messages name the JSON path (`[1].formula…`). */
export function analyzeDefinitions(json: unknown, ctx: AnalyzeContext): AnalyzeResult {
  return guarded(() => {
    remember(ctx.catalog);
    const list = Array.isArray(json) ? json : [json];
    const root = new Reporter();
    const entries: Entry[] = list.map((item, i) => {
      const r = Array.isArray(json) ? root.child(`[${i}] `) : root;
      const { spec, id } = kpiSpecOfJson(item, r);
      return { spec, id, r };
    });
    const kpis = analyzeEntries(entries, ctx, () => NO_SPAN);
    return { kpis, rollups: [], diagnostics: root.list };
  });
}

/** An inline formula: an ad-hoc KPI with id `adhoc` (a whole `kpi …` text is analyzed as DSL). */
export function analyzeFormula(text: string, ctx: AnalyzeContext): AnalyzeResult {
  if (/^\s*(?:--[^\n]*\n\s*)*kpi\b/i.test(String(text))) return analyzeDsl(text, ctx);
  return guarded(() => {
    remember(ctx.catalog);
    const parsed = parseExpression(String(text));
    const r = new Reporter();
    r.add(parsed.diagnostics);
    if (!parsed.expr) return { kpis: [], rollups: [], diagnostics: r.list };
    const id: Ident = { text: 'adhoc', span: parsed.expr.span };
    const spec: KpiSpec = {
      id,
      name: 'adhoc',
      category: 'custom',
      description: '',
      formula: parsed.expr,
      measures: [],
      dimensions: [],
      grains: [],
      filters: [],
      approximate: false,
    };
    const kpis = analyzeEntries([{ spec, id, r }], ctx, () => NO_SPAN);
    return { kpis, rollups: [], diagnostics: r.list };
  });
}

/** A row filter over dimensions: `region = 'eu' and plan_type in ('pro', 'enterprise')`. */
export function parseFilter(
  text: string,
  ctx: AnalyzeContext,
): { expr: RowExpr | null; diagnostics: readonly Diagnostic[] } {
  try {
    const parsed = parseExpression(String(text));
    if (!parsed.expr) return { expr: null, diagnostics: parsed.diagnostics };
    const r = new Reporter();
    const lowered = lowerRow(parsed.expr, { catalog: ctx.catalog, r, table: null });
    if (lowered && lowered.type !== 'boolean' && lowered.type !== 'any') {
      r.error('type-mismatch', "a filter is a condition, e.g. region = 'eu'", parsed.expr.span);
    }
    return { expr: r.errorCount === 0 && lowered ? lowered.ir : null, diagnostics: r.list };
  } catch (e) {
    return {
      expr: null,
      diagnostics: [{ severity: 'error', code: 'internal', message: (e as Error).message, span: NO_SPAN }],
    };
  }
}

/** IR → DSL that analyzes back to the same IR. */
export function printKpi(kpi: KpiIR): string {
  return printWith(kpi, defaultTimeColumn);
}

/**
 * Reads `.kpi` and `.json` files in order (later files may use earlier KPIs); a file's KPIs join
 * the registry only when they check. Diagnostics keep the file name in their message.
 */
export function loadRegistry(
  files: readonly string[] = DEMO_KPI_FILES,
  catalog: Catalog,
): { registry: Map<string, KpiIR>; rollups: RollupDef[]; diagnostics: Diagnostic[] } {
  const registry = new Map<string, KpiIR>();
  const rollups: RollupDef[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'io',
        message: `${file}: ${(e as Error).message}`,
        span: NO_SPAN,
      });
      continue;
    }
    let result: AnalyzeResult;
    if (file.endsWith('.json')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        diagnostics.push({
          severity: 'error',
          code: 'invalid-json',
          message: `${file}: ${(e as Error).message}`,
          span: NO_SPAN,
        });
        continue;
      }
      result = analyzeDefinitions(json, { catalog, registry, file });
    } else {
      result = analyzeDsl(text, { catalog, registry, file });
    }
    for (const k of result.kpis) registry.set(k.id, k);
    rollups.push(...result.rollups);
    diagnostics.push(...result.diagnostics.map((d) => ({ ...d, message: `${file}: ${d.message}` })));
  }
  return { registry, rollups, diagnostics };
}
