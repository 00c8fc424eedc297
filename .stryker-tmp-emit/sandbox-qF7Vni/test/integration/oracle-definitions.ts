/**
 * The KPIs the oracle tests query: the demo definitions (the seed's mrr and cac verbatim, and
 * fixtures/demo-kpis.kpi) through the real language front end, plus a few test-only KPIs in the DSL.
 */
// @ts-nocheck

import type { Catalog } from '../../src/catalog/types.ts';
import { formatDiagnostic } from '../../src/ir/diagnostic.ts';
import type { KpiIR } from '../../src/ir/kpi.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry } from '../../src/semantic/index.ts';

export const TEST_KPIS = `
kpi accounts_created = count(users.accounts)
kpi accounts_growth = growth(accounts_created, 1 month)
kpi events_7d = rolling(count(analytics.events), 7 days)
kpi session_seconds_per_account = sum(analytics.sessions.duration_s) / count(users.accounts.id)
kpi avg_plan_amount = avg(payments.subscriptions.amount)
`;

export function oracleRegistry(catalog: Catalog): Map<string, KpiIR> {
  const { registry, diagnostics } = loadRegistry(DEMO_KPI_FILES, catalog);
  const extra = analyzeDsl(TEST_KPIS, { catalog, registry });
  const problems = [...diagnostics, ...extra.diagnostics].filter((d) => d.severity === 'error');
  if (problems.length) throw new Error(problems.map((d) => formatDiagnostic('oracle', d)).join('\n'));
  for (const k of extra.kpis) registry.set(k.id, k);
  return registry;
}
