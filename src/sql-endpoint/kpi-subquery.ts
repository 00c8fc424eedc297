/**
 * A mapped KPI query as Trino SQL text: the engine's compiled statement (Trino dialect, values written
 * in place) wrapped in a SELECT that gives it the KPI table's columns — `time_<grain>` as
 * `timestamp(3) with time zone` in the query's zone, the dimensions, `value` — plus the query's own
 * DISTINCT, ORDER BY, OFFSET and LIMIT. Federated statements read it in place of the KPI table.
 */
import { quoteIdentifier, sqlString } from '../emit/literal.ts';
import { assertNever } from '../ir/kpi.ts';
import type { KpiSelectPlan, OutputColumn } from './kpi-select.ts';

/**
 * The compiled statement's columns are positional (see exec/engine.ts shapeRows): the bucket start as
 * epoch milliseconds (null without a grain), the dimensions in the query's order, then the value.
 */
function projection(column: OutputColumn, plan: KpiSelectPlan): string {
  const source = column.source;
  switch (source.kind) {
    case 'time':
      return `CAST(from_unixtime(k.t / 1e3, ${sqlString(plan.query.timezone)}) AS timestamp(3) with time zone)`;
    case 'dimension':
      return `CAST(k.d${plan.query.dimensions.indexOf(source.name)} AS ${column.type})`;
    case 'value':
      return `CAST(k.v AS ${column.type})`;
    default:
      return assertNever(source, 'output column');
  }
}

/** The SELECT that stands for the KPI query (a complete query specification, no parentheses). */
export function kpiSubquerySql(plan: KpiSelectPlan, compiledSql: string | null): string {
  const distinct = plan.distinct ? 'DISTINCT ' : '';
  if (compiledSql === null || plan.empty) {
    const nulls = plan.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdentifier(c.name)}`);
    return `SELECT ${distinct}${nulls.join(', ')} WHERE false`;
  }
  const names = ['t', ...plan.query.dimensions.map((_, i) => `d${i}`), 'v'];
  const items = plan.columns.map((c) => `${projection(c, plan)} AS ${quoteIdentifier(c.name)}`);
  const order =
    plan.orderBy.length > 0
      ? ` ORDER BY ${plan.orderBy
          .map((o) => `${o.index + 1}${o.descending ? ' DESC' : ''} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`)
          .join(', ')}`
      : '';
  const offset = plan.offset > 0 ? ` OFFSET ${plan.offset}` : '';
  const limit = plan.limit !== null ? ` LIMIT ${plan.limit}` : '';
  return `SELECT ${distinct}${items.join(', ')} FROM (${compiledSql}) AS k (${names.join(', ')})${order}${offset}${limit}`;
}
