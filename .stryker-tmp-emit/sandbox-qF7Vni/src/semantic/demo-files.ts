/** The demo definitions: the seed's JSON examples (mrr, cac, verbatim) and the demo DSL KPIs, in order. */
// @ts-nocheck

import { fileURLToPath } from 'node:url';

export const DEMO_KPI_FILES: readonly string[] = [
  fileURLToPath(new URL('../../fixtures/seed-kpis.json', import.meta.url)),
  fileURLToPath(new URL('../../fixtures/demo-kpis.kpi', import.meta.url)),
];
