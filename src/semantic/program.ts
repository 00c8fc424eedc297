/**
 * A whole program: every KPI and rollup of a file, checked together with the registry — KPI ids,
 * derived-KPI cycles, and declared dimensions reachable from every table a KPI reads (its own and
 * those of the KPIs it derives from).
 */
import type { Catalog, TableRef } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR, Span } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { RollupDecl } from '../lang/ast.ts';
import { deepFreeze } from '../shared/freeze.ts';
import { didYouMean } from '../shared/suggest.ts';
import { analyzeKpi, type KpiAnalysis, type KpiSource } from './analyze-kpi.ts';
import { error } from './diagnostics.ts';
import { catalogColumns, findDimension } from './resolve-names.ts';
import { analyzeRollup } from './rollup.ts';

export interface AnalyzeContext {
  readonly catalog: Catalog;
  readonly registry?: ReadonlyMap<string, KpiIR>;
  readonly file?: string;
}

export interface AnalyzeResult {
  readonly kpis: readonly KpiIR[];
  readonly rollups: readonly RollupDef[];
  readonly diagnostics: readonly Diagnostic[];
}

const key = (t: TableRef) => `${t.source}.${t.table}`;

export function analyzeProgram(
  sources: readonly KpiSource[],
  rollups: readonly RollupDecl[],
  ctx: AnalyzeContext,
  /** KPIs of the file that did not parse: known by name, failed already. */
  brokenIds: readonly string[] = [],
): AnalyzeResult {
  const registry = ctx.registry ?? new Map<string, KpiIR>();
  const out: Diagnostic[] = [];
  const ids = new Set<string>(registry.keys());
  const declared = new Set<string>();
  const unique: KpiSource[] = [];
  for (const s of sources) {
    const id = s.decl.id.text;
    if (declared.has(id)) {
      const d = error('duplicate-kpi', `kpi "${id}" is defined twice in this file`, s.decl.id.span);
      // A JSON definition's at its own path (`$[1].id`), not at a line of the DSL text made from it.
      out.push(s.relocate?.(d) ?? d);
      continue;
    }
    declared.add(id);
    ids.add(id);
    unique.push(s);
  }

  for (const id of brokenIds) {
    ids.add(id);
    declared.add(id);
  }
  const analyses = new Map<string, KpiAnalysis>();
  const relocators = new Map<string, (d: Diagnostic) => Diagnostic>();
  for (const s of unique) {
    const start = out.length;
    analyses.set(s.decl.id.text, analyzeKpi(s, ctx.catalog, ids, out));
    if (s.relocate) {
      relocators.set(s.decl.id.text, s.relocate);
      for (let i = start; i < out.length; i++) out[i] = s.relocate(out[i]!);
    }
  }

  // The graph of derived KPIs: this file's definitions replace the registry's.
  const depsOf = (id: string): readonly string[] =>
    declared.has(id) ? (analyses.get(id)?.ir?.dependsOn ?? []) : (registry.get(id)?.dependsOn ?? []);
  const inCycle = new Set<string>();
  const reported = new Set<string>();
  for (const s of unique) {
    const id = s.decl.id.text;
    const cycle = findCycle(id, depsOf);
    if (!cycle) continue;
    inCycle.add(id);
    const signature = [...cycle.slice(0, -1)].sort().join(',');
    if (reported.has(signature)) continue;
    reported.add(signature);
    const span = analyses.get(id)?.refSpans.get(cycle[1]!) ?? s.decl.id.span;
    const d = error('kpi-cycle', `derived KPIs form a cycle: ${cycle.join(' → ')}`, span);
    out.push(relocators.get(id)?.(d) ?? d);
  }

  // Tables each KPI reads, through the KPIs it derives from.
  const tablesMemo = new Map<string, TableRef[]>();
  const tablesOf = (id: string, path: Set<string> = new Set()): TableRef[] => {
    const memo = tablesMemo.get(id);
    if (memo) return memo;
    if (path.has(id)) return [];
    path.add(id);
    const ir = declared.has(id) ? analyses.get(id)?.ir : registry.get(id);
    const found = new Map<string, TableRef>();
    for (const m of ir?.measures ?? []) found.set(key(m.table), m.table);
    for (const dep of ir?.dependsOn ?? []) for (const t of tablesOf(dep, path)) found.set(key(t), t);
    path.delete(id);
    const result = [...found.values()];
    tablesMemo.set(id, result);
    return result;
  };

  // Whether each KPI of the file passes, judged dependencies first: a KPI may derive from one declared
  // later in the file, and that one's errors must fail it too (judged in file order, they did not).
  const byId = new Map(unique.map((s) => [s.decl.id.text, s]));
  const passes = new Map<string, boolean>();
  const unparsed = new Set(brokenIds);
  const judge = (s: KpiSource): boolean => {
    const id = s.decl.id.text;
    const known = passes.get(id);
    if (known !== undefined) return known;
    const a = analyses.get(id)!;
    // Set before the dependencies are judged: a way back to this KPI is a cycle, failed above.
    passes.set(id, false);
    if (!a.ir || inCycle.has(id)) return false;
    const brokenDeps = a.ir.dependsOn.filter((dep) => {
      const own = byId.get(dep);
      return own ? !judge(own) : unparsed.has(dep);
    });
    let ok = true;
    const start = out.length;
    const tables = tablesOf(id);
    for (const [dimension, span] of a.dimensionSpans) {
      for (const t of tables) {
        if (!findDimension(ctx.catalog, t, dimension)) {
          const columns = new Set<string>();
          for (const x of tables)
            for (const c of Object.keys(ctx.catalog.sources[x.source]?.tables[x.table]?.columns ?? {}))
              columns.add(c);
          // A name no table of the catalog has is a typo more likely than a modelling problem.
          const known = catalogColumns(ctx.catalog).has(dimension);
          out.push(
            known
              ? error(
                  'unreachable-dimension',
                  `dimension "${dimension}" cannot be reached from ${key(t)}: it has no such column and none of its joins lead to one`,
                  span,
                  didYouMean(dimension, columns),
                )
              : error(
                  'unknown-dimension',
                  `unknown dimension "${dimension}": no table in the catalog has such a column`,
                  span,
                  didYouMean(dimension, columns),
                ),
          );
          ok = false;
          break;
        }
      }
    }
    for (const dep of brokenDeps) {
      out.push(
        error(
          'broken-dependency',
          `kpi "${id}" derives from "${dep}", which has errors`,
          a.refSpans.get(dep) ?? s.decl.id.span,
        ),
      );
      ok = false;
    }
    const relocate = relocators.get(id);
    if (relocate) for (let i = start; i < out.length; i++) out[i] = relocate(out[i]!);
    passes.set(id, ok);
    return ok;
  };
  const kpis = unique.filter(judge).map((s) => deepFreeze(analyses.get(s.decl.id.text)!.ir!));

  const rollupDefs: RollupDef[] = [];
  const rollupNames = new Set<string>();
  for (const r of rollups) {
    if (rollupNames.has(r.name.text)) {
      out.push(error('duplicate-rollup', `rollup "${r.name.text}" is defined twice`, r.name.span));
      continue;
    }
    rollupNames.add(r.name.text);
    const def = analyzeRollup(r, ctx.catalog, out);
    if (def) rollupDefs.push(deepFreeze(def));
  }
  out.sort((x, y) => x.span.start.offset - y.span.start.offset);
  return { kpis, rollups: rollupDefs, diagnostics: out };
}

/** The first cycle through `start` (as `a → b → a`), or null. */
export function findCycle(start: string, depsOf: (id: string) => readonly string[]): string[] | null {
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (id === start && path.length > 0) return [...path, id];
    if (path.includes(id) || done.has(id)) return null;
    path.push(id);
    for (const dep of depsOf(id)) {
      const c = visit(dep);
      if (c) return c;
    }
    path.pop();
    done.add(id);
    return null;
  };
  return visit(start);
}

export type { Span };
