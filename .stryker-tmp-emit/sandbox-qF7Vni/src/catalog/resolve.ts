// @ts-nocheck
import type { Catalog, Connection, JoinDef, TableDef, TableRef } from './types.ts';

/** Own properties only: a name like `constructor` must not find Object.prototype members. */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

export function tableOf(catalog: Catalog, ref: TableRef): TableDef | undefined {
  const source = own(catalog.sources, ref.source);
  return source ? own(source.tables, ref.table) : undefined;
}

export function connectionOf(catalog: Catalog, ref: TableRef): Connection {
  const source = catalog.sources[ref.source];
  if (!source) throw new Error(`unknown source "${ref.source}"`);
  const connection = catalog.connections[source.connection];
  if (!connection) throw new Error(`source "${ref.source}" has no connection`);
  return connection;
}

/**
 * How a dimension is reached from a fact table: directly (no joins) or through declared
 * many-to-one joins (subscriptions.account_id → accounts.id → accounts.channel).
 */
export interface DimensionPath {
  readonly dimension: string;
  /** Joins to follow from the fact table, in order; empty when the column is on the table itself. */
  readonly joins: readonly JoinDef[];
  /** The table and column that hold the dimension's value. */
  readonly table: TableRef;
  readonly column: string;
}

/**
 * Finds the shortest path from `from` to a column named `dimension`, breadth-first over declared
 * joins, so a column on the table itself always wins over a joined one. Undefined when unreachable.
 */
export function resolveDimension(
  catalog: Catalog,
  from: TableRef,
  dimension: string,
): DimensionPath | undefined {
  const start = tableOf(catalog, from);
  if (!start) return undefined;
  const queue: Array<{ table: TableDef; joins: JoinDef[] }> = [{ table: start, joins: [] }];
  const seen = new Set<string>([`${start.source}.${start.name}`]);
  while (queue.length > 0) {
    const { table, joins } = queue.shift()!;
    if (Object.hasOwn(table.columns, dimension)) {
      return { dimension, joins, table: { source: table.source, table: table.name }, column: dimension };
    }
    for (const join of table.joins) {
      const key = `${join.to.source}.${join.to.table}`;
      const next = tableOf(catalog, join.to);
      if (next && !seen.has(key)) {
        seen.add(key);
        queue.push({ table: next, joins: [...joins, join] });
      }
    }
  }
  return undefined;
}
