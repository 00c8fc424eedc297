/**
 * The virtual `kpi` catalog: one schema, `default`, holding a table per KPI. A KPI table has one time
 * column per grain the KPI allows (`time_day`, `time_month`, … as `timestamp(3) with time zone`: the
 * bucket start), the KPI's dimensions, and `value` (the KPI at the grain of the time column used;
 * `bigint` or `decimal(p,s)` where the KPI is exact, `double` otherwise: value-type.ts).
 * Built from the live registry on every statement, so new and changed definitions appear at once.
 */
// @ts-nocheck

import type { Catalog, ColumnType } from '../catalog/types.ts';
import { GRAINS, type Grain, type KpiIR } from '../ir/kpi.ts';
import type { TrinoType } from './protocol.ts';
import { valueTypeOf } from './value-type.ts';

export const KPI_CATALOG = 'kpi';
export const KPI_SCHEMA = 'default';

/** Grains offered when a KPI declares none (minute and hour only when declared). */
const DEFAULT_GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

export type KpiColumn =
  | { readonly role: 'time'; readonly name: string; readonly grain: Grain; readonly type: TrinoType }
  | { readonly role: 'dimension'; readonly name: string; readonly type: TrinoType }
  | { readonly role: 'value'; readonly name: 'value'; readonly type: TrinoType };

export interface KpiTable {
  readonly kpi: KpiIR;
  readonly name: string;
  readonly columns: readonly KpiColumn[];
  readonly comment: string;
}

const timeColumnName = (grain: Grain) => `time_${grain}`;

export function grainsOf(kpi: KpiIR): readonly Grain[] {
  const declared = GRAINS.filter((g) => kpi.grains.includes(g));
  return declared.length > 0 ? declared : DEFAULT_GRAINS;
}

const TRINO_TYPE: Readonly<Record<ColumnType, TrinoType>> = {
  string: 'varchar',
  bigint: 'bigint',
  double: 'double',
  decimal: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp(3) with time zone',
  date: 'date',
};

/** A dimension's type: the type of the column of that name in the catalog (dimensions are plain columns). */
function dimensionType(catalog: Catalog, name: string): TrinoType {
  for (const source of Object.values(catalog.sources)) {
    for (const table of Object.values(source.tables)) {
      const type = table.columns[name];
      if (type) return TRINO_TYPE[type];
    }
  }
  return 'varchar';
}

export function kpiTable(kpi: KpiIR, catalog: Catalog, registry: ReadonlyMap<string, KpiIR>): KpiTable {
  const columns: KpiColumn[] = [
    ...grainsOf(kpi).map(
      (grain): KpiColumn => ({
        role: 'time',
        name: timeColumnName(grain),
        grain,
        type: 'timestamp(3) with time zone',
      }),
    ),
    ...kpi.dimensions.map(
      (d): KpiColumn => ({ role: 'dimension', name: d.toLowerCase(), type: dimensionType(catalog, d) }),
    ),
    { role: 'value', name: 'value', type: valueTypeOf(kpi, registry, catalog) },
  ];
  return { kpi, name: kpi.id.toLowerCase(), columns, comment: kpi.name };
}

/** Every KPI table, sorted by name. */
export function kpiTables(registry: ReadonlyMap<string, KpiIR>, catalog: Catalog): KpiTable[] {
  return [...registry.values()]
    .map((k) => kpiTable(k, catalog, registry))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function findKpiTable(
  registry: ReadonlyMap<string, KpiIR>,
  catalog: Catalog,
  name: string,
): KpiTable | null {
  for (const kpi of registry.values())
    if (kpi.id.toLowerCase() === name) return kpiTable(kpi, catalog, registry);
  return null;
}
