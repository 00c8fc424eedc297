/** emit — public surface: dialects, SQL emission, dialect choice, literals and parameters. */
export { chooseDialect, DIALECTS, type DialectChoice } from './choose.ts';
export type { Dialect, DialectName } from './dialect.ts';
export { DRUID_PERIOD, druid } from './druid.ts';
export { type EmittedSql, emitSql } from './emit.ts';
export { quoteIdentifier, quoteQualified, sqlNumber, sqlString, trinoLiteral } from './literal.ts';
export { connectionsOf } from './measures.ts';
export { type Param, ParamSink } from './params.ts';
export { postgres, timescale } from './postgres.ts';
export { trino } from './trino.ts';
