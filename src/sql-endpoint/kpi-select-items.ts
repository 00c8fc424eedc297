/**
 * The items of a SELECT on one KPI table: each select-list or GROUP BY expression classified as a time
 * bucket (a time column or `date_trunc` over one), a dimension, or the value (bare, MEASURE, or a
 * re-aggregation that equals the KPI). Anything else is refused with its position.
 */
import type { Grain, KpiIR } from '../ir/kpi.ts';
import { type Expr, exprText } from './ast.ts';
import { SqlError } from './errors.ts';
import { grainsOf, KPI_CATALOG, KPI_SCHEMA, type KpiColumn, type KpiTable } from './kpi-catalog.ts';

const GRAIN_ORDER: readonly Grain[] = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

export type Item =
  | { readonly kind: 'time'; readonly grain: Grain; readonly column: KpiColumn }
  | { readonly kind: 'dimension'; readonly column: KpiColumn }
  | { readonly kind: 'value'; readonly aggregate: 'none' | 'measure' | 'sum' | 'min' | 'max' };

/** Whether `fn(value)` over finer rows of this KPI equals the KPI at the coarser group. */
export function reaggregates(
  kpi: KpiIR,
  fn: 'sum' | 'min' | 'max',
  registry: ReadonlyMap<string, KpiIR>,
  depth = 0,
): boolean {
  const f = kpi.formula;
  if (f.kind === 'kpi_ref') {
    const inner = registry.get(f.id);
    return !!inner && kpi.filters.length === 0 && depth < 20 && reaggregates(inner, fn, registry, depth + 1);
  }
  if (f.kind !== 'measure_ref') return false;
  const m = kpi.measures.find((x) => x.name === f.name);
  if (!m || m.validity || m.period) return false;
  return fn === 'sum' ? m.fn === 'sum' || m.fn === 'count' : m.fn === fn;
}

export interface ItemClassifier {
  /** The table's columns by name. */
  readonly byName: ReadonlyMap<string, KpiColumn>;
  /** A column reference → the table's column, or COLUMN_NOT_FOUND at its position. */
  resolve(e: Extract<Expr, { kind: 'column' }>): KpiColumn;
  classify(e: Expr): Item;
}

export function itemClassifier(
  table: KpiTable,
  tableAlias: string | null,
  registry: ReadonlyMap<string, KpiIR>,
): ItemClassifier {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const resolve = (e: Extract<Expr, { kind: 'column' }>): KpiColumn => {
    const parts = e.parts;
    const name = parts.at(-1)!;
    const qualifier = parts.slice(0, -1);
    const okQualifier =
      qualifier.length === 0 ||
      (qualifier.length === 1 && qualifier[0] === (tableAlias ?? table.name)) ||
      (!tableAlias && qualifier.join('.') === `${KPI_SCHEMA}.${table.name}`) ||
      (!tableAlias && qualifier.join('.') === `${KPI_CATALOG}.${KPI_SCHEMA}.${table.name}`);
    const column = okQualifier ? byName.get(name) : undefined;
    if (!column) {
      throw new SqlError(
        'COLUMN_NOT_FOUND',
        `Column '${parts.join('.')}' cannot be resolved (kpi.default.${table.name} has ${table.columns.map((c) => c.name).join(', ')})`,
        e.pos,
      );
    }
    return column;
  };

  const isValue = (e: Expr | undefined) => e?.kind === 'column' && resolve(e).role === 'value';
  const classify = (e: Expr): Item => {
    if (e.kind === 'column') {
      const column = resolve(e);
      if (column.role === 'time') return { kind: 'time', grain: column.grain, column };
      if (column.role === 'dimension') return { kind: 'dimension', column };
      return { kind: 'value', aggregate: 'none' };
    }
    if (e.kind === 'call') {
      const [first, second] = e.args;
      if (
        e.name === 'date_trunc' &&
        e.args.length === 2 &&
        first?.kind === 'string' &&
        second?.kind === 'column'
      ) {
        const column = resolve(second);
        const grain = first.value.toLowerCase() as Grain;
        if (column.role !== 'time')
          throw new SqlError(
            'NOT_SUPPORTED',
            `date_trunc over ${column.name}: only time columns have buckets`,
            e.pos,
          );
        if (!GRAIN_ORDER.includes(grain) || GRAIN_ORDER.indexOf(grain) < GRAIN_ORDER.indexOf(column.grain)) {
          throw new SqlError(
            'NOT_SUPPORTED',
            `date_trunc('${first.value}', ${column.name}): the unit must be ${column.grain} or coarser`,
            e.pos,
          );
        }
        if (!grainsOf(table.kpi).includes(grain)) {
          throw new SqlError(
            'NOT_SUPPORTED',
            `KPI ${table.name} is not defined at grain ${grain} (it has ${grainsOf(table.kpi).join(', ')})`,
            e.pos,
          );
        }
        return { kind: 'time', grain, column };
      }
      if (e.name === 'measure' && e.args.length === 1 && isValue(first))
        return { kind: 'value', aggregate: 'measure' };
      if (
        (e.name === 'sum' || e.name === 'min' || e.name === 'max') &&
        e.args.length === 1 &&
        isValue(first) &&
        !e.distinct
      ) {
        if (!reaggregates(table.kpi, e.name, registry)) {
          throw new SqlError(
            'NOT_SUPPORTED',
            `${e.name}(value) does not equal KPI ${table.name} at a coarser grain or fewer dimensions; use MEASURE(value), which computes the KPI for each group`,
            e.pos,
          );
        }
        return { kind: 'value', aggregate: e.name };
      }
      if (e.star || e.args.some((a) => a.kind === 'column' && isValue(a))) {
        throw new SqlError(
          'NOT_SUPPORTED',
          `${exprText(e)} cannot be answered from KPI ${table.name}; use MEASURE(value)`,
          e.pos,
        );
      }
    }
    throw new SqlError(
      'NOT_SUPPORTED',
      `${exprText(e)} is not supported on a KPI table: select time columns, dimensions, value or MEASURE(value)`,
      e.pos,
    );
  };
  return { byName, resolve, classify };
}

export function sameItem(a: Item, b: Item): boolean {
  if (a.kind === 'time' && b.kind === 'time') return a.grain === b.grain;
  if (a.kind === 'dimension' && b.kind === 'dimension') return a.column.name === b.column.name;
  return false;
}
