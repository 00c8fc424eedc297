/**
 * Which dialect runs a plan: the PostgreSQL dialect when every table it reads lives on one PostgreSQL
 * connection and the plan needs nothing PostgreSQL lacks; Druid SQL when every table is a Druid
 * datasource and Druid can express the plan; else Trino (which reads Druid through its `druid`
 * catalog). (Issue 5 turns this into an optimizer rule; the decision stays this function.)
 */
import type { Catalog, Connection } from '../catalog/types.ts';
import { aggregatesOf, type Plan } from '../plan/nodes.ts';
import type { Dialect, DialectName } from './dialect.ts';
import { druid } from './druid.ts';
import { emitSql } from './emit.ts';
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
  if (!only) {
    const viaDruid = names.some((n) => catalog.connections[n]?.engine === 'druid');
    return {
      dialect: trino,
      connection: null,
      reason: `reads ${names.length} connections${viaDruid ? " (Druid datasources through trino's druid catalog)" : ''}`,
    };
  }
  if (only.engine === 'druid') return druidOrTrino(plan, catalog, only);
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

/**
 * A plan over Druid datasources only runs as Druid SQL when the druid dialect can write it (one measure
 * per formula, no series of buckets: emitting it is the test); otherwise through Trino's druid catalog.
 */
function druidOrTrino(plan: Plan, catalog: Catalog, connection: Connection): DialectChoice {
  try {
    emitSql(plan, druid, catalog);
    return {
      dialect: druid,
      connection,
      reason: `every table is a Druid datasource on ${connection.name}: Druid SQL on /druid/v2/sql`,
    };
  } catch (error) {
    const why = (error as Error).message;
    return {
      dialect: trino,
      connection: null,
      reason: `Druid SQL cannot run it (${why}): through trino's druid catalog`,
    };
  }
}

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = Object.freeze({
  trino,
  postgres,
  timescale,
  druid,
});
