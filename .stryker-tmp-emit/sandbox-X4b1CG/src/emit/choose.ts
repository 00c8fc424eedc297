/**
 * Which dialect runs a plan: the PostgreSQL dialect when every table it reads lives on one PostgreSQL
 * connection and the plan needs nothing PostgreSQL lacks, else Trino. (Issue 5 turns this into an
 * optimizer rule; the decision stays this function.)
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
import type { Catalog, Connection } from '../catalog/types.ts';
import { aggregatesOf, type Plan } from '../plan/nodes.ts';
import type { Dialect } from './dialect.ts';
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
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    const names = connectionsOf(plan, catalog);
    const only = (stryMutAct_9fa48("3") ? names.length !== 1 : stryMutAct_9fa48("2") ? false : stryMutAct_9fa48("1") ? true : (stryCov_9fa48("1", "2", "3"), names.length === 1)) ? catalog.connections[names[0]!]! : null;
    if (stryMutAct_9fa48("6") ? false : stryMutAct_9fa48("5") ? true : stryMutAct_9fa48("4") ? only : (stryCov_9fa48("4", "5", "6"), !only)) return stryMutAct_9fa48("7") ? {} : (stryCov_9fa48("7"), {
      dialect: trino,
      connection: null,
      reason: stryMutAct_9fa48("8") ? `` : (stryCov_9fa48("8"), `reads ${names.length} connections`)
    });
    if (stryMutAct_9fa48("11") ? only.engine !== 'postgres' || only.engine !== 'timescale' : stryMutAct_9fa48("10") ? false : stryMutAct_9fa48("9") ? true : (stryCov_9fa48("9", "10", "11"), (stryMutAct_9fa48("13") ? only.engine === 'postgres' : stryMutAct_9fa48("12") ? true : (stryCov_9fa48("12", "13"), only.engine !== (stryMutAct_9fa48("14") ? "" : (stryCov_9fa48("14"), 'postgres')))) && (stryMutAct_9fa48("16") ? only.engine === 'timescale' : stryMutAct_9fa48("15") ? true : (stryCov_9fa48("15", "16"), only.engine !== (stryMutAct_9fa48("17") ? "" : (stryCov_9fa48("17"), 'timescale')))))) {
      if (stryMutAct_9fa48("18")) {
        {}
      } else {
        stryCov_9fa48("18");
        return stryMutAct_9fa48("19") ? {} : (stryCov_9fa48("19"), {
          dialect: trino,
          connection: null,
          reason: stryMutAct_9fa48("20") ? `` : (stryCov_9fa48("20"), `${only.name} is ${only.engine}, reachable through trino`)
        });
      }
    }
    const needsTrino = plan.root.input.inputs.flatMap(aggregatesOf).find(stryMutAct_9fa48("21") ? () => undefined : (stryCov_9fa48("21"), a => stryMutAct_9fa48("24") ? a.fn !== 'approx_distinct' : stryMutAct_9fa48("23") ? false : stryMutAct_9fa48("22") ? true : (stryCov_9fa48("22", "23", "24"), a.fn === (stryMutAct_9fa48("25") ? "" : (stryCov_9fa48("25"), 'approx_distinct')))));
    if (stryMutAct_9fa48("27") ? false : stryMutAct_9fa48("26") ? true : (stryCov_9fa48("26", "27"), needsTrino)) {
      if (stryMutAct_9fa48("28")) {
        {}
      } else {
        stryCov_9fa48("28");
        return stryMutAct_9fa48("29") ? {} : (stryCov_9fa48("29"), {
          dialect: trino,
          connection: null,
          reason: stryMutAct_9fa48("30") ? `` : (stryCov_9fa48("30"), `${needsTrino.source} uses approx_distinct`)
        });
      }
    }
    return stryMutAct_9fa48("31") ? {} : (stryCov_9fa48("31"), {
      dialect: (stryMutAct_9fa48("34") ? only.engine !== 'timescale' : stryMutAct_9fa48("33") ? false : stryMutAct_9fa48("32") ? true : (stryCov_9fa48("32", "33", "34"), only.engine === (stryMutAct_9fa48("35") ? "" : (stryCov_9fa48("35"), 'timescale')))) ? timescale : postgres,
      connection: only,
      reason: stryMutAct_9fa48("36") ? `` : (stryCov_9fa48("36"), `every table is on ${only.name}`)
    });
  }
}
export const DIALECTS: Readonly<Record<'trino' | 'postgres' | 'timescale', Dialect>> = Object.freeze(stryMutAct_9fa48("37") ? {} : (stryCov_9fa48("37"), {
  trino,
  postgres,
  timescale
}));