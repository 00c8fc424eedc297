/**
 * A dialect is capability flags plus small hooks; everything else in emit/ is shared SQL. A construct a
 * dialect lacks is a CompileError naming the construct and the dialect, never SQL that answers wrongly.
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { Catalog, TableRef } from '../catalog/types.ts';
import type { Grain, ValueType } from '../ir/kpi.ts';
import { CompileError } from '../plan/errors.ts';
export type DialectName = 'trino' | 'postgres' | 'timescale';
export interface Dialect {
  readonly name: DialectName;
  readonly placeholders: 'question' | 'dollar';
  readonly flags: {
    /** Reads several catalogs (connections) in one query. */
    readonly federated: boolean;
    /** approx_distinct(x) exists. */
    readonly approxDistinct: boolean;
    /** An exact percentile aggregate exists (percentile_cont). */
    readonly exactPercentile: boolean;
    /** TimescaleDB's time_bucket exists. */
    readonly timeBucket: boolean;
    /** Most buckets a generated spine may have (Trino's sequence stops at 10,000). */
    readonly maxSpineBuckets: number;
    /**
     * `WITH x AS MATERIALIZED (…)`: PostgreSQL otherwise pulls a CTE read once into its reader and
     * substitutes its expressions, so a shared value read twice per level (e_i = e_{i-1} + e_{i-1})
     * would be expanded 2^n times inside the engine.
     */
    readonly materializedCte: boolean;
  };
  readonly doubleType: string;
  readonly stringType: string;
  quote(identifier: string): string;
  /** Fully qualified table name as this engine sees it. */
  table(catalog: Catalog, ref: TableRef): string;
  /** `ts` (an instant) truncated to `grain` in `zone`, as an instant. */
  truncate(ts: string, grain: Grain, zone: string): string;
  /** `ts` moved `amount` (may be negative) units in `zone`'s calendar, as an instant. */
  shift(ts: string, amount: number, unit: Grain, zone: string): string;
  /** A timestamp-with-time-zone parameter from its placeholder marker. */
  timestampParam(marker: string): string;
  /** A string parameter in a position without a column to infer its type from. */
  stringParam(marker: string): string;
  /** Relation (bucket, lo, hi) of the buckets of `grain` in `zone` overlapping [start, end). */
  spine(grain: Grain, zone: string, start: string, end: string): string;
  /** Milliseconds since the epoch of an instant, as bigint. */
  epochMs(ts: string): string;
  /** `x LIKE p` with the same (no escape character) meaning everywhere. */
  like(operand: string, pattern: string, negated: boolean): string;
  round(value: string, digits: string | null): string;
  /** A NULL of a value type, for the branches of the key union (PostgreSQL types untyped NULL as text). */
  nullOf(type: ValueType): string;
}
export const quoteIdentifier = (name: string): string => {
  if (stryMutAct_9fa48("38")) {
    {}
  } else {
    stryCov_9fa48("38");
    if (stryMutAct_9fa48("40") ? false : stryMutAct_9fa48("39") ? true : (stryCov_9fa48("39", "40"), name.includes(stryMutAct_9fa48("41") ? "" : (stryCov_9fa48("41"), '\u0000')))) throw new CompileError(stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), 'invalid-query'), stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), 'an identifier contains a NUL character'));
    return stryMutAct_9fa48("44") ? `` : (stryCov_9fa48("44"), `"${name.replaceAll(stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), '"'), stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), '""'))}"`);
  }
};
export function unsupported(construct: string, dialect: DialectName, hint: string): never {
  if (stryMutAct_9fa48("47")) {
    {}
  } else {
    stryCov_9fa48("47");
    throw new CompileError(stryMutAct_9fa48("48") ? "" : (stryCov_9fa48("48"), 'unsupported'), stryMutAct_9fa48("49") ? `` : (stryCov_9fa48("49"), `${construct} cannot be expressed in the ${dialect} dialect: ${hint}`));
  }
}