/**
 * One root cause instead of a cascade: a KPI that derives from a KPI with errors gets a
 * `broken-dependency` error of its own, which says nothing the root error does not. The terminal shows
 * the root errors and one note naming the KPIs that fail because of them; `--json` keeps every one.
 */
// @ts-nocheck

import type { Diagnostic } from '../ir/diagnostic.ts';

export interface RootCauses {
  readonly shown: readonly Diagnostic[];
  /** `3 more errors follow from these: b, c derive from KPIs with errors`, or null. */
  readonly note: string | null;
}

export function rootCauses(diagnostics: readonly Diagnostic[]): RootCauses {
  const cascade = diagnostics.filter((d) => d.code === 'broken-dependency');
  const roots = diagnostics.filter((d) => d.code !== 'broken-dependency');
  // Without a root among them (it was reported elsewhere), the cascade is all there is to show.
  if (cascade.length === 0 || !roots.some((d) => d.severity === 'error'))
    return { shown: diagnostics, note: null };
  const kpis = [...new Set(cascade.map((d) => /^kpi "([^"]+)"/.exec(d.message)?.[1]).filter(Boolean))];
  const n = cascade.length;
  return {
    shown: roots,
    note: `${n} more error${n === 1 ? '' : 's'} follow${n === 1 ? 's' : ''} from ${roots.length === 1 ? 'this' : 'these'}: ${kpis.join(', ')} derive${kpis.length === 1 ? 's' : ''} from KPIs with errors (--json lists them)`,
  };
}
