/**
 * A SELECT on one KPI table → a MetricQuery plus what to do with its rows (which columns, in which
 * order, LIMIT/OFFSET). The grain is the time column used (`time_month`) or `date_trunc('month', …)`;
 * dimensions come from the select list or GROUP BY; `value` is the KPI at that grain and those
 * dimensions, `MEASURE(value)` the same inside a GROUP BY, and `sum/min/max(value)` only where they
 * equal it. Whatever cannot be mapped exactly is refused with a position — never a wrong number.
 */
import { assertNever, type Grain, type KpiIR } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { formatInZone } from '../shared/time.ts';
import { type Expr, exprText, type Select } from './ast.ts';
import { SqlError } from './errors.ts';
import type { KpiColumn, KpiTable } from './kpi-catalog.ts';
import { type Item, itemClassifier, sameItem } from './kpi-select-items.ts';
import type { TrinoType } from './protocol.ts';
import { addUnits, type TimeContext, truncate } from './time-values.ts';
import { mapWhere } from './where.ts';

export type OutputSource =
  | { readonly kind: 'time'; readonly grain: Grain }
  | { readonly kind: 'dimension'; readonly name: string }
  | { readonly kind: 'value' };

export interface OutputColumn {
  readonly name: string;
  readonly type: TrinoType;
  readonly source: OutputSource;
}

export interface KpiSelectPlan {
  readonly table: KpiTable;
  readonly query: MetricQuery;
  readonly columns: readonly OutputColumn[];
  readonly distinct: boolean;
  readonly orderBy: readonly {
    readonly index: number;
    readonly descending: boolean;
    readonly nullsFirst: boolean;
  }[];
  readonly offset: number;
  readonly limit: number | null;
  /** The WHERE selects no bucket: answer no rows without running anything. */
  readonly empty: boolean;
}

export function mapKpiSelect(
  select: Select,
  table: KpiTable,
  tableAlias: string | null,
  registry: ReadonlyMap<string, KpiIR>,
  ctx: TimeContext,
): KpiSelectPlan {
  const { byName, resolve, classify } = itemClassifier(table, tableAlias, registry);

  // The select list.
  const outputs: { item: Item; name: string; expr: Expr | null }[] = [];
  for (const it of select.items) {
    if (it.expr === null) {
      const times = table.columns.filter((c) => c.role === 'time');
      if (times.length !== 1) {
        throw new SqlError(
          'NOT_SUPPORTED',
          `SELECT * on KPI ${table.name} is ambiguous (one time column per grain: ${times.map((c) => c.name).join(', ')}); name one time column, the dimensions you want and value`,
          it.pos,
        );
      }
      for (const c of table.columns) {
        outputs.push({
          item: classify({ kind: 'column', parts: [c.name], pos: it.pos }),
          name: c.name,
          expr: null,
        });
      }
      continue;
    }
    const item = classify(it.expr);
    const name = it.alias ?? (it.expr.kind === 'column' ? it.expr.parts.at(-1)! : `_col${outputs.length}`);
    outputs.push({ item, name, expr: it.expr });
  }

  const aggregated =
    select.groupBy.length > 0 || outputs.some((o) => o.item.kind === 'value' && o.item.aggregate !== 'none');
  const keys: Item[] = [];
  if (aggregated) {
    for (const g of select.groupBy) {
      if (g.kind === 'number') {
        const o = outputs[Number(g.text) - 1];
        if (!o || !/^\d+$/.test(g.text))
          throw new SqlError(
            'INVALID_COLUMN_REFERENCE',
            `GROUP BY position ${g.text} is not in the select list`,
            g.pos,
          );
        keys.push(o.item);
        continue;
      }
      // As in Trino, a name in GROUP BY is an input column first, an output alias only otherwise.
      const alias =
        g.kind === 'column' && g.parts.length === 1 && !byName.has(g.parts[0]!)
          ? outputs.find((o) => o.name === g.parts[0])
          : undefined;
      keys.push(alias ? alias.item : classify(g));
    }
    for (const k of keys) {
      if (k.kind === 'value')
        throw new SqlError(
          'NOT_SUPPORTED',
          'GROUP BY value: value is the measure; group by time columns and dimensions',
          select.pos,
        );
    }
    for (const o of outputs) {
      if (o.item.kind === 'value') {
        if (o.item.aggregate === 'none') {
          throw new SqlError(
            'EXPRESSION_NOT_AGGREGATE',
            `value must be aggregated in a GROUP BY query: use MEASURE(value)`,
            o.expr?.pos ?? select.pos,
          );
        }
        continue;
      }
      const covered = keys.some((k) => sameItem(k, o.item));
      if (!covered) {
        throw new SqlError(
          'EXPRESSION_NOT_AGGREGATE',
          `'${o.expr ? exprText(o.expr) : o.name}' must be an aggregate expression or appear in GROUP BY clause`,
          o.expr?.pos ?? select.pos,
        );
      }
    }
  } else {
    for (const o of outputs) {
      if (o.item.kind === 'time' && o.expr?.kind === 'call') {
        throw new SqlError(
          'NOT_SUPPORTED',
          `${exprText(o.expr)} needs GROUP BY with MEASURE(value): the KPI is computed per ${o.item.grain}`,
          o.expr.pos,
        );
      }
    }
    keys.push(...outputs.map((o) => o.item).filter((i) => i.kind !== 'value'));
  }
  if (select.having)
    throw new SqlError(
      'NOT_SUPPORTED',
      'HAVING on a KPI table is not supported; filter in an outer query',
      select.having.pos,
    );

  const grains = [
    ...new Set(keys.filter((k) => k.kind === 'time').map((k) => (k as { grain: Grain }).grain)),
  ];
  if (grains.length > 1) {
    throw new SqlError(
      'NOT_SUPPORTED',
      `a KPI query has one time grain; this one uses ${grains.join(' and ')}`,
      select.pos,
    );
  }
  const grain = grains[0] ?? null;
  const dimensions = [
    ...new Set(
      keys.filter((k) => k.kind === 'dimension').map((k) => (k as { column: KpiColumn }).column.name),
    ),
  ].map((n) => table.kpi.dimensions.find((d) => d.toLowerCase() === n) ?? n);

  // The range: bounds from WHERE, checked to cut no bucket of the query's grain.
  const where = mapWhere(select.where, resolve, ctx);
  if (where.start === null) {
    const column = grain
      ? `time_${grain}`
      : (table.columns.find((c) => c.role === 'time')?.name ?? 'time_day');
    throw new SqlError(
      'NOT_SUPPORTED',
      `a query on kpi.default.${table.name} needs a time range: add WHERE ${column} >= DATE '…' [AND ${column} < DATE '…']`,
      select.where?.pos ?? select.pos,
    );
  }
  const stepGrain = grain ?? where.boundGrain ?? 'day';
  const end = where.end ?? addUnits(truncate(ctx.now.getTime(), stepGrain, ctx.zone), stepGrain, 1, ctx.zone);
  if (grain && !where.empty) {
    for (const [what, at] of [
      ['start', where.start],
      ['end', end],
    ] as const) {
      if (truncate(at, grain, ctx.zone) !== at) {
        throw new SqlError(
          'NOT_SUPPORTED',
          `the range ${what} ${formatInZone(at, ctx.zone)} cuts a ${grain} bucket in two; bound time_${grain} (or use ${grain} boundaries)`,
          select.where?.pos ?? select.pos,
        );
      }
    }
  }

  const valueType = table.columns.find((c) => c.role === 'value')!.type;
  const columns = outputs.map(({ item, name }): OutputColumn => {
    switch (item.kind) {
      case 'time':
        return { name, type: 'timestamp(3) with time zone', source: { kind: 'time', grain: item.grain } };
      case 'dimension': {
        const dimension = dimensions.find((d) => d.toLowerCase() === item.column.name) ?? item.column.name;
        return { name, type: item.column.type, source: { kind: 'dimension', name: dimension } };
      }
      case 'value':
        return { name, type: valueType, source: { kind: 'value' } };
      default:
        return assertNever(item, 'select item');
    }
  });

  const orderBy = select.orderBy.map((o) => {
    const e = o.expr;
    let index = -1;
    if (e.kind === 'number' && /^\d+$/.test(e.text)) index = Number(e.text) - 1;
    else if (e.kind === 'column' && e.parts.length === 1)
      index = outputs.findIndex((x) => x.name === e.parts[0]);
    if (index < 0) index = outputs.findIndex((x) => x.expr && exprText(x.expr) === exprText(e));
    if (index < 0 || index >= outputs.length) {
      throw new SqlError(
        'NOT_SUPPORTED',
        `ORDER BY ${exprText(e)}: order a KPI query by its output columns`,
        e.pos,
      );
    }
    return { index, descending: o.descending, nullsFirst: o.nullsFirst };
  });

  const query: MetricQuery = Object.freeze({
    kpi: table.kpi.id,
    grain,
    range: { start: formatInZone(where.start, ctx.zone), end: formatInZone(end, ctx.zone) },
    timezone: ctx.zone,
    dimensions,
    filters: where.filters,
  });
  return {
    table,
    query,
    columns,
    distinct: select.distinct,
    orderBy,
    offset: select.offset ?? 0,
    limit: select.limit,
    empty: where.empty || where.start >= end,
  };
}
