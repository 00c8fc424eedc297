/**
 * Whole-input analysis: every KPI lowered on its own, then the checks that need them all —
 * duplicate ids, derived-KPI cycles (the cycle printed), dependencies on broken KPIs, and that each
 * declared dimension (and filter dimension) is reachable from every table the KPI reads, its
 * derived KPIs' tables included.
 */
import { resolveDimension as resolveAny } from '../../catalog/resolve.ts';
import type { TableRef as Ref } from '../../catalog/types.ts';

/** resolveDimension, but a dimension named like an Object.prototype member is never a column. */
const resolveDimension = (c: Parameters<typeof resolveAny>[0], t: Ref, d: string) =>
  d in Object.prototype ? undefined : resolveAny(c, t, d);

import type { Catalog, TableRef } from '../../catalog/types.ts';
import type { Diagnostic } from '../../ir/diagnostic.ts';
import type { KpiIR, RowExpr, Span } from '../../ir/kpi.ts';
import type { RollupDef } from '../../ir/rollup.ts';
import type { Ident } from '../../lang/v2/ast.ts';
import { type KpiSpec, type Lowered, lowerKpi } from './kpi.ts';
import { reachableTables } from './names.ts';
import type { Reporter } from './report.ts';
import { didYouMean } from './suggest.ts';

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

/** A KPI to analyze, with the reporter its messages go to (JSON input prefixes a path). */
export interface Entry {
  readonly spec: KpiSpec | null;
  readonly id: Ident | null;
  readonly r: Reporter;
}

function tablesOf(
  id: string,
  all: ReadonlyMap<string, KpiIR>,
  memo: Map<string, TableRef[]>,
  seen = new Set<string>(),
): TableRef[] {
  const cached = memo.get(id);
  if (cached) return cached;
  const k = all.get(id);
  if (!k || seen.has(id)) return [];
  seen.add(id);
  const out: TableRef[] = k.measures.map((m) => m.table);
  for (const d of k.dependsOn) out.push(...tablesOf(d, all, memo, seen));
  const keys = new Set<string>();
  const unique = out.filter((t) => {
    const key = `${t.source}.${t.table}`;
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  });
  memo.set(id, unique);
  return unique;
}

/** Ids that sit on a cycle of derived KPIs (Tarjan's strongly connected components). */
function cyclic(all: ReadonlyMap<string, KpiIR>): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out = new Set<string>();
  let next = 0;
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of all.get(v)?.dependsOn ?? []) {
      if (!all.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || all.get(v)?.dependsOn.includes(v)) for (const x of scc) out.add(x);
    }
  };
  for (const id of all.keys()) if (!index.has(id)) strong(id);
  return out;
}

function findCycle(start: string, all: ReadonlyMap<string, KpiIR>): string[] | null {
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (path.includes(id)) return id === start ? [...path, id] : null;
    if (done.has(id)) return null;
    path.push(id);
    for (const d of all.get(id)?.dependsOn ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    done.add(id);
    return null;
  };
  return visit(start);
}

function filterDimensions(e: RowExpr, out: string[]): string[] {
  switch (e.kind) {
    case 'dimension':
      out.push(e.name);
      break;
    case 'binary':
      filterDimensions(e.left, out);
      filterDimensions(e.right, out);
      break;
    case 'unary':
      filterDimensions(e.operand, out);
      break;
    case 'call':
      for (const a of e.args) filterDimensions(a, out);
      break;
    case 'case':
      for (const w of e.whens) {
        filterDimensions(w.when, out);
        filterDimensions(w.then, out);
      }
      if (e.else) filterDimensions(e.else, out);
      break;
    case 'in':
      filterDimensions(e.operand, out);
      for (const v of e.values) filterDimensions(v, out);
      break;
    case 'between':
      filterDimensions(e.operand, out);
      filterDimensions(e.low, out);
      filterDimensions(e.high, out);
      break;
    case 'is_null':
    case 'like':
      filterDimensions(e.operand, out);
      if (e.kind === 'like') filterDimensions(e.pattern, out);
      break;
    default:
      break;
  }
  return out;
}

export function analyzeEntries(
  entries: readonly Entry[],
  ctx: AnalyzeContext,
  errorSpanFor: (e: Entry) => Span,
): KpiIR[] {
  const registry = ctx.registry ?? new Map<string, KpiIR>();
  const fileIds = new Set(entries.map((e) => e.id?.text).filter((x): x is string => !!x));
  const isKpi = (id: string) => fileIds.has(id) || registry.has(id);
  const kpiIds = () => [...fileIds, ...registry.keys()];
  const seen = new Map<string, Entry>();
  const lowered: (Lowered | null)[] = entries.map((e) => {
    if (e.id) {
      if (seen.has(e.id.text)) {
        e.r.error('duplicate-kpi', `KPI "${e.id.text}" is defined twice in this input`, e.id.span);
        return null;
      }
      seen.set(e.id.text, e);
    }
    return e.spec ? lowerKpi(e.spec, { catalog: ctx.catalog, r: e.r, isKpi, kpiIds }) : null;
  });
  // The world the new KPIs live in: the registry overlaid with this input's KPIs.
  const all = new Map(registry);
  for (const l of lowered) if (l) all.set(l.kpi.id, l.kpi);
  const loweredIds = new Set(lowered.map((l) => l?.kpi.id));
  const broken = new Set([...fileIds].filter((id) => !loweredIds.has(id)));
  const onCycle = cyclic(all);
  const memo = new Map<string, TableRef[]>();
  const reach = new Map<string, boolean>();
  const reachable = (t: TableRef, dim: string): boolean => {
    const key = `${t.source}.${t.table}.${dim}`;
    const known = reach.get(key);
    if (known !== undefined) return known;
    const found = resolveDimension(ctx.catalog, t, dim) !== undefined;
    reach.set(key, found);
    return found;
  };
  const ok: KpiIR[] = [];
  lowered.forEach((l, i) => {
    if (!l) return;
    const entry = entries[i]!;
    const r = entry.r;
    const before = r.errorCount;
    const k = l.kpi;
    const cycle = onCycle.has(k.id) ? findCycle(k.id, all) : null;
    if (cycle && !(cycle.length === 2 && cycle[0] === cycle[1])) {
      r.error('kpi-cycle', `derived KPIs form a cycle: ${cycle.join(' → ')}`, l.idSpan);
    }
    for (const d of k.dependsOn) {
      if (broken.has(d))
        r.error('broken-dependency', `KPI "${k.id}" uses "${d}", which has errors`, l.idSpan);
    }
    if (r.errorCount === before) {
      const tables = tablesOf(k.id, all, memo);
      const check = (dim: string, span: Span, what: string) => {
        for (const t of tables) {
          if (!reachable(t, dim)) {
            const near = reachableTables(ctx.catalog, t).flatMap((x) => Object.keys(x.columns));
            r.error(
              'unreachable-dimension',
              `${what} "${dim}" cannot be reached from ${t.source}.${t.table}: it has no such column and no declared join leads to one`,
              span,
              didYouMean(dim, near),
            );
            return;
          }
        }
      };
      k.dimensions.forEach((d, j) => {
        check(d, l.dimensionSpans[j] ?? l.idSpan, 'dimension');
      });
      for (const f of k.filters)
        for (const d of filterDimensions(f, [])) check(d, l.idSpan, 'filter dimension');
    }
    if (r.errorCount === before) ok.push(k);
  });
  void errorSpanFor;
  return ok;
}
