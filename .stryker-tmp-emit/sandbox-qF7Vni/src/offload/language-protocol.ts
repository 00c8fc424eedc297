/** The messages between the service and its language workers (plain, structured-cloneable data). */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { KpiIR } from '../ir/kpi.ts';

/** What a request submits: DSL text, or the seed's JSON KPIDefinition (one or an array). */
export type LanguageTask =
  | { readonly format: 'dsl'; readonly text: string; readonly file: string }
  | { readonly format: 'json'; readonly json: unknown };

export interface LanguageInit {
  readonly catalog: Catalog;
}

export interface LanguageAnswer {
  readonly kpis: readonly KpiIR[];
  readonly diagnostics: readonly Diagnostic[];
  /** Each KPI printed as DSL ('' when it cannot be printed): printing 500 KPIs is work too. */
  readonly printed: readonly string[];
}

/** Registry entries as sent to a worker (a Map clones too, but entries say what is meant). */
export type RegistryEntries = readonly (readonly [string, KpiIR])[];
