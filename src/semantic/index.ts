/**
 * semantic — the language facade: DSL text or seed JSON in, KPI IR (and rollups) plus diagnostics out.
 * Never throws on any input: every problem is a Diagnostic.
 * May import: lang/, catalog/, ir/. Never: plan/, emit/, exec/, api/.
 */
import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, RowExpr } from '../ir/kpi.ts';
import type { KpiDecl, RollupDecl } from '../lang/ast.ts';
import { parseExpression, parseProgram } from '../lang/parse.ts';
import type { KpiSource } from './analyze-kpi.ts';
import { error, NO_SPAN } from './diagnostics.ts';
import { definitionSource } from './json.ts';
import { RowLowering } from './lower-row.ts';
import { printKpi as print } from './print.ts';
import { type AnalyzeContext, type AnalyzeResult, analyzeProgram } from './program.ts';
import { isBoolean, typeWords } from './types.ts';

export type { RollupDef } from '../ir/rollup.ts';
export { DEMO_KPI_FILES } from './demo-files.ts';
export { printExpr, printMeasure, printRollup } from './print.ts';
export type { AnalyzeContext, AnalyzeResult } from './program.ts';

/** Turns an unexpected failure into a diagnostic, so callers never see an exception. */
function guarded(run: () => AnalyzeResult): AnalyzeResult {
  try {
    return run();
  } catch (e) {
    return {
      kpis: [],
      rollups: [],
      diagnostics: [
        error('internal', `internal error in the KPI language: ${(e as Error).message}`, NO_SPAN),
      ],
    };
  }
}

export function analyzeDsl(text: string, ctx: AnalyzeContext): AnalyzeResult {
  return guarded(() => {
    const parsed = parseProgram(String(text));
    const decls = parsed.value ?? [];
    const kpis = decls.filter((d): d is KpiDecl => d.k === 'kpi').map((decl) => ({ decl }));
    const rollups = decls.filter((d): d is RollupDecl => d.k === 'rollup');
    const result = analyzeProgram(kpis, rollups, ctx, parsed.brokenIds);
    if (parsed.diagnostics.length === 0) return result;
    const diagnostics = [...parsed.diagnostics, ...result.diagnostics].sort(
      (a, b) => a.span.start.offset - b.span.start.offset,
    );
    return { ...result, diagnostics };
  });
}

/** An inline formula: an ad-hoc KPI with id `adhoc`. */
export function analyzeFormula(text: string, ctx: AnalyzeContext): AnalyzeResult {
  return guarded(() => {
    const parsed = parseExpression(String(text));
    if (!parsed.value) return { kpis: [], rollups: [], diagnostics: parsed.diagnostics };
    const decl: KpiDecl = {
      k: 'kpi',
      id: { text: 'adhoc', span: parsed.value.span },
      title: null,
      lets: [],
      properties: [],
      formula: parsed.value,
      span: parsed.value.span,
    };
    return analyzeProgram([{ decl }], [], ctx);
  });
}

/** One seed KPIDefinition or an array of them (later ones may derive from earlier ones). */
export function analyzeDefinitions(json: unknown, ctx: AnalyzeContext): AnalyzeResult {
  return guarded(() => {
    const list = Array.isArray(json) ? json : [json];
    const out: Diagnostic[] = [];
    const sources: KpiSource[] = [];
    list.forEach((item, i) => {
      const s = definitionSource(item, Array.isArray(json) ? `$[${i}]` : '$', ctx.catalog, out);
      if (s) sources.push(s);
    });
    const result = analyzeProgram(sources, [], ctx);
    return { ...result, diagnostics: [...out, ...result.diagnostics] };
  });
}

/** A query filter such as `region = 'eu' and plan_type in ('pro', 'enterprise')`: bare names are dimensions. */
export function parseFilter(
  text: string,
  ctx: AnalyzeContext,
): { expr: RowExpr | null; diagnostics: readonly Diagnostic[] } {
  try {
    const parsed = parseExpression(String(text));
    if (!parsed.value) return { expr: null, diagnostics: parsed.diagnostics };
    const diagnostics: Diagnostic[] = [];
    const r = new RowLowering(ctx.catalog, diagnostics).lower(parsed.value, {
      mode: 'dimension',
      tables: [],
    });
    if (r && !isBoolean(r.type)) {
      diagnostics.push(
        error(
          'type-mismatch',
          `a filter is a true/false condition, not ${typeWords(r.type)}`,
          parsed.value.span,
        ),
      );
      return { expr: null, diagnostics };
    }
    return { expr: r && diagnostics.length === 0 ? Object.freeze(r.ir) : null, diagnostics };
  } catch (e) {
    return {
      expr: null,
      diagnostics: [
        error('internal', `internal error in the KPI language: ${(e as Error).message}`, NO_SPAN),
      ],
    };
  }
}

/** DSL text that analyzes back to the same IR. With a catalog, default time columns are left out. */
export function printKpi(kpi: KpiIR, catalog?: Catalog): string {
  return print(kpi, catalog);
}

/**
 * Reads .kpi and .json definition files in order into one registry (later files may derive from
 * earlier ones). Diagnostics carry the file they came from.
 */
export function loadRegistry(
  files: readonly string[],
  catalog: Catalog,
  registry: Map<string, KpiIR> = new Map(),
): { registry: Map<string, KpiIR>; diagnostics: Diagnostic[]; rollups: AnalyzeResult['rollups'] } {
  const diagnostics: Diagnostic[] = [];
  const rollups: AnalyzeResult['rollups'][number][] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diagnostics.push({
        ...error('unreadable-file', `cannot read ${file}: ${(e as Error).message}`, NO_SPAN),
        file,
      });
      continue;
    }
    let result: AnalyzeResult;
    if (file.endsWith('.json')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        diagnostics.push({ ...error('invalid-json', (e as Error).message, NO_SPAN), file });
        continue;
      }
      result = analyzeDefinitions(json, { catalog, registry, file });
    } else {
      result = analyzeDsl(text, { catalog, registry, file });
    }
    for (const k of result.kpis) registry.set(k.id, k);
    rollups.push(...result.rollups);
    diagnostics.push(...result.diagnostics.map((d) => ({ ...d, file })));
  }
  return { registry, diagnostics, rollups };
}
