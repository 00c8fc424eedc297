/**
 * Which dialect runs a plan: the PostgreSQL dialect when every table it reads lives on one PostgreSQL
 * connection and the plan needs nothing PostgreSQL lacks, else Trino. (Issue 5 turns this into an
 * optimizer rule; the decision stays this function.)
 */
import type { Catalog, Connection } from '../catalog/types.ts';
import { aggregatesOf, type Plan } from '../plan/nodes.ts';
import type { Dialect, DialectName } from './dialect.ts';
import { druid } from './druid.ts';
import { connectionsOf } from './measures.ts';
import { postgres, timescale } from './postgres.ts';
import { trino } from './trino.ts';

export interface DialectChoice {
  readonly dialect: Dialect;
  /** The connection a direct dialect runs on; null for Trino. */
  readonly connection: Connection | null;
  readonly reason: string;
}

export function chooseDialect(plan: Plan, catalog: Catalog): DialectChoice {
  const names = connectionsOf(plan, catalog);
  const only = names.length === 1 ? catalog.connections[names[0]!]! : null;
  if (!only) return { dialect: trino, connection: null, reason: `reads ${names.length} connections` };
  if (only.engine !== 'postgres' && only.engine !== 'timescale') {
    return {
      dialect: trino,
      connection: null,
      reason: `${only.name} is ${only.engine}, reachable through trino`,
    };
  }
  const needsTrino = plan.root.input.inputs.flatMap(aggregatesOf).find((a) => a.fn === 'approx_distinct');
  if (needsTrino) {
    return { dialect: trino, connection: null, reason: `${needsTrino.source} uses approx_distinct` };
  }
  return {
    dialect: only.engine === 'timescale' ? timescale : postgres,
    connection: only,
    reason: `every table is on ${only.name}`,
  };
}

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = Object.freeze({
  trino,
  postgres,
  timescale,
  druid,
});
