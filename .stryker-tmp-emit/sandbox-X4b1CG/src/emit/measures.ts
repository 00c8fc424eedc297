/**
 * What emission needs to know of a plan's measure instances beyond one aggregate's SQL: the
 * connections they read, the spine size bound, and how a stitched instance's pieces are re-aggregated.
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
import { connectionOf } from '../catalog/resolve.ts';
import type { Catalog } from '../catalog/types.ts';
import type { Grain } from '../ir/kpi.ts';
import { aggregatesOf, type Plan, type Stitch } from '../plan/nodes.ts';
import { bucketsBound } from '../plan/time.ts';

/** The connections a plan reads (fact tables and every joined table, every piece of a stitch). */
export function connectionsOf(plan: Plan, catalog: Catalog): string[] {
  if (stryMutAct_9fa48("50")) {
    {}
  } else {
    stryCov_9fa48("50");
    const names = new Set<string>();
    for (const m of plan.root.input.inputs) {
      if (stryMutAct_9fa48("51")) {
        {}
      } else {
        stryCov_9fa48("51");
        for (const a of aggregatesOf(m)) {
          if (stryMutAct_9fa48("52")) {
            {}
          } else {
            stryCov_9fa48("52");
            const s = a.input.input;
            for (const t of stryMutAct_9fa48("53") ? [] : (stryCov_9fa48("53"), [s.table, ...s.joins.map(stryMutAct_9fa48("54") ? () => undefined : (stryCov_9fa48("54"), j => j.table))])) names.add(connectionOf(catalog, t).name);
          }
        }
      }
    }
    return stryMutAct_9fa48("55") ? [...names] : (stryCov_9fa48("55"), (stryMutAct_9fa48("56") ? [] : (stryCov_9fa48("56"), [...names])).sort());
  }
}

/** An upper bound on the number of buckets of `grain` overlapping [start, end). */
export function spineSizeBound(grain: Grain | null, start: string, end: string): number {
  if (stryMutAct_9fa48("57")) {
    {}
  } else {
    stryCov_9fa48("57");
    return bucketsBound(grain, Date.parse(start), Date.parse(end));
  }
}

/**
 * A stitched instance: its pieces' rows (each already at the query's buckets and dimensions, over
 * disjoint windows) re-aggregated per key. The keys are compared with GROUP BY, where NULL dimension
 * values fall in one group, as the raw aggregate's own GROUP BY does.
 */
export function stitchSql(s: Stitch, pieces: readonly string[], keys: readonly string[], name: string): string {
  if (stryMutAct_9fa48("58")) {
    {}
  } else {
    stryCov_9fa48("58");
    const fn = (stryMutAct_9fa48("61") ? s.combine !== 'sum' : stryMutAct_9fa48("60") ? false : stryMutAct_9fa48("59") ? true : (stryCov_9fa48("59", "60", "61"), s.combine === (stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), 'sum')))) ? stryMutAct_9fa48("63") ? "" : (stryCov_9fa48("63"), 'SUM') : (stryMutAct_9fa48("66") ? s.combine !== 'min' : stryMutAct_9fa48("65") ? false : stryMutAct_9fa48("64") ? true : (stryCov_9fa48("64", "65", "66"), s.combine === (stryMutAct_9fa48("67") ? "" : (stryCov_9fa48("67"), 'min')))) ? stryMutAct_9fa48("68") ? "" : (stryCov_9fa48("68"), 'MIN') : stryMutAct_9fa48("69") ? "" : (stryCov_9fa48("69"), 'MAX');
    const groupBy = keys.length ? stryMutAct_9fa48("70") ? `` : (stryCov_9fa48("70"), ` GROUP BY ${keys.map(stryMutAct_9fa48("71") ? () => undefined : (stryCov_9fa48("71"), (_, i) => stryMutAct_9fa48("72") ? i - 1 : (stryCov_9fa48("72"), i + 1))).join(stryMutAct_9fa48("73") ? "" : (stryCov_9fa48("73"), ', '))}`) : stryMutAct_9fa48("74") ? "Stryker was here!" : (stryCov_9fa48("74"), '');
    const union = pieces.map(stryMutAct_9fa48("75") ? () => undefined : (stryCov_9fa48("75"), p => stryMutAct_9fa48("76") ? `` : (stryCov_9fa48("76"), `(${p})`))).join(stryMutAct_9fa48("77") ? "" : (stryCov_9fa48("77"), ' UNION ALL '));
    return stryMutAct_9fa48("78") ? `` : (stryCov_9fa48("78"), `SELECT ${(stryMutAct_9fa48("79") ? [] : (stryCov_9fa48("79"), [...keys, stryMutAct_9fa48("80") ? `` : (stryCov_9fa48("80"), `${fn}(${name}) AS ${name}`)])).join(stryMutAct_9fa48("81") ? "" : (stryCov_9fa48("81"), ', '))} FROM (${union}) p${groupBy}`);
  }
}