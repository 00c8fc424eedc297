/** The state one KPI's formula lowering shares between its parts (lower-formula.ts, lower-aggregate.ts). */
import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type { Measure, Span } from '../ir/kpi.ts';
import type { LetDecl } from '../lang/ast.ts';
import type { ColumnAlias } from './lower-row.ts';

export interface LetBinding {
  readonly decl: LetDecl;
  /** Message prefix for diagnostics of a seed variable (its JSON path). */
  readonly prefix: string;
  state: 'pending' | 'busy' | 'done';
  measure: Measure | null;
}

export interface FormulaScope {
  readonly catalog: Catalog;
  readonly diagnostics: Diagnostic[];
  readonly kpiIds: ReadonlySet<string>;
  readonly lets: Map<string, LetBinding>;
  readonly aliases: ReadonlyMap<string, ColumnAlias>;
  readonly measures: Measure[];
  readonly dependsOn: string[];
  /** Where each KPI is first referenced (to point cycle diagnostics at it). */
  readonly refSpans: Map<string, Span>;
  readonly prefix: string;
}
