/**
 * Join paths from a fact table to the tables its expressions read. Only declared joins are followed, and
 * they are many-to-one (fact → dimension), so joining them never multiplies fact rows.
 */
// @ts-nocheck

import { tableOf } from '../catalog/resolve.ts';
import type { Catalog, JoinDef, TableRef } from '../catalog/types.ts';

export const tableKey = (t: TableRef): string => `${t.source}.${t.table}`;

/** Shortest chain of declared joins from `from` to `to`; [] when equal; undefined when unreachable. */
export function joinPath(catalog: Catalog, from: TableRef, to: TableRef): readonly JoinDef[] | undefined {
  if (tableKey(from) === tableKey(to)) return [];
  const start = tableOf(catalog, from);
  if (!start) return undefined;
  const queue: Array<{ ref: TableRef; joins: JoinDef[] }> = [{ ref: from, joins: [] }];
  const seen = new Set([tableKey(from)]);
  while (queue.length > 0) {
    const { ref, joins } = queue.shift()!;
    for (const j of tableOf(catalog, ref)?.joins ?? []) {
      const next = { source: j.to.source, table: j.to.table };
      const key = tableKey(next);
      if (seen.has(key)) continue;
      if (key === tableKey(to)) return [...joins, j];
      seen.add(key);
      queue.push({ ref: next, joins: [...joins, j] });
    }
  }
  return undefined;
}
