/**
 * The analyzer's diagnostics of DSL text as one line each, `line:col severity code: message (hint)`, so a
 * test compares code, message, hint and position in one assertion; and `at`, the position of a piece of
 * the text, so the expected positions come from the input and not from the analyzer's output.
 */
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import type { KpiIR } from '../../src/ir/kpi.ts';
import { type AnalyzeResult, analyzeDsl } from '../../src/semantic/index.ts';

export const demoCatalog = loadCatalog();

export function line(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.span.start.line}:${d.span.start.column} ${d.severity} ${d.code}: ${d.message}${hint}`;
}

export interface CheckContext {
  readonly catalog?: Catalog;
  readonly registry?: ReadonlyMap<string, KpiIR>;
}

export function analyze(text: string, ctx: CheckContext = {}): AnalyzeResult {
  return analyzeDsl(text, {
    catalog: ctx.catalog ?? demoCatalog,
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  });
}

/** Every diagnostic of `text`, as lines. */
export function check(text: string, ctx: CheckContext = {}): string[] {
  return analyze(text, ctx).diagnostics.map(line);
}

/** The one KPI `text` analyzes to (undefined when it failed). */
export function kpiOf(text: string, ctx: CheckContext = {}): KpiIR | undefined {
  return analyze(text, ctx).kpis[0];
}

/** `line:col` (1-based) where the `nth` (0-based) occurrence of `piece` starts in `text`. */
export function at(text: string, piece: string, nth = 0): string {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(piece, offset + 1);
    if (offset < 0) throw new Error(`"${piece}" occurs fewer than ${nth + 1} times in the text`);
  }
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}
