/**
 * Trino: catalog-qualified names (`"payments"."public"."subscriptions"`), `?` parameters (sent with
 * EXECUTE IMMEDIATE … USING), zone-aware `date_trunc`/`date_add` on `timestamp with time zone`, spines
 * from `sequence` (Trino caps a sequence at 10,000 entries). The executor sets the session zone to UTC,
 * so time columns without a zone (MongoDB dates) are read as UTC instants.
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
import type { Grain } from '../ir/kpi.ts';
import { type Dialect, quoteIdentifier } from './dialect.ts';
import { sqlString } from './literal.ts';
const step: Record<Grain, string> = stryMutAct_9fa48("184") ? {} : (stryCov_9fa48("184"), {
  minute: stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), "INTERVAL '1' MINUTE"),
  hour: stryMutAct_9fa48("186") ? "" : (stryCov_9fa48("186"), "INTERVAL '1' HOUR"),
  day: stryMutAct_9fa48("187") ? "" : (stryCov_9fa48("187"), "INTERVAL '1' DAY"),
  week: stryMutAct_9fa48("188") ? "" : (stryCov_9fa48("188"), "INTERVAL '7' DAY"),
  month: stryMutAct_9fa48("189") ? "" : (stryCov_9fa48("189"), "INTERVAL '1' MONTH"),
  quarter: stryMutAct_9fa48("190") ? "" : (stryCov_9fa48("190"), "INTERVAL '3' MONTH"),
  year: stryMutAct_9fa48("191") ? "" : (stryCov_9fa48("191"), "INTERVAL '1' YEAR")
});
export const trino: Dialect = Object.freeze((stryMutAct_9fa48("192") ? {} : (stryCov_9fa48("192"), {
  name: 'trino' as const,
  placeholders: 'question' as const,
  flags: Object.freeze(stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
    federated: stryMutAct_9fa48("194") ? false : (stryCov_9fa48("194"), true),
    approxDistinct: stryMutAct_9fa48("195") ? false : (stryCov_9fa48("195"), true),
    exactPercentile: stryMutAct_9fa48("196") ? true : (stryCov_9fa48("196"), false),
    timeBucket: stryMutAct_9fa48("197") ? true : (stryCov_9fa48("197"), false),
    maxSpineBuckets: 10_000,
    materializedCte: stryMutAct_9fa48("198") ? true : (stryCov_9fa48("198"), false)
  })),
  doubleType: stryMutAct_9fa48("199") ? "" : (stryCov_9fa48("199"), 'double'),
  stringType: stryMutAct_9fa48("200") ? "" : (stryCov_9fa48("200"), 'varchar'),
  quote: quoteIdentifier,
  table(catalog, ref) {
    if (stryMutAct_9fa48("201")) {
      {}
    } else {
      stryCov_9fa48("201");
      const source = catalog.sources[ref.source]!;
      const connection = catalog.connections[source.connection]!;
      return (stryMutAct_9fa48("202") ? [] : (stryCov_9fa48("202"), [connection.trinoCatalog, source.schema, ref.table])).map(quoteIdentifier).join(stryMutAct_9fa48("203") ? "" : (stryCov_9fa48("203"), '.'));
    }
  },
  truncate: stryMutAct_9fa48("204") ? () => undefined : (stryCov_9fa48("204"), (ts, grain, zone) => stryMutAct_9fa48("205") ? `` : (stryCov_9fa48("205"), `date_trunc('${grain}', ${ts} AT TIME ZONE ${sqlString(zone)})`)),
  shift: stryMutAct_9fa48("206") ? () => undefined : (stryCov_9fa48("206"), (ts, amount, unit, zone) => stryMutAct_9fa48("207") ? `` : (stryCov_9fa48("207"), `date_add('${unit}', ${amount}, ${ts} AT TIME ZONE ${sqlString(zone)})`)),
  timestampParam: stryMutAct_9fa48("208") ? () => undefined : (stryCov_9fa48("208"), marker => stryMutAct_9fa48("209") ? `` : (stryCov_9fa48("209"), `CAST(${marker} AS timestamp(3) with time zone)`)),
  stringParam: stryMutAct_9fa48("210") ? () => undefined : (stryCov_9fa48("210"), marker => marker),
  spine(grain, zone, start, end) {
    if (stryMutAct_9fa48("211")) {
      {}
    } else {
      stryCov_9fa48("211");
      const z = sqlString(zone);
      if (stryMutAct_9fa48("214") ? grain === 'minute' && grain === 'hour' : stryMutAct_9fa48("213") ? false : stryMutAct_9fa48("212") ? true : (stryCov_9fa48("212", "213", "214"), (stryMutAct_9fa48("216") ? grain !== 'minute' : stryMutAct_9fa48("215") ? false : (stryCov_9fa48("215", "216"), grain === (stryMutAct_9fa48("217") ? "" : (stryCov_9fa48("217"), 'minute')))) || (stryMutAct_9fa48("219") ? grain !== 'hour' : stryMutAct_9fa48("218") ? false : (stryCov_9fa48("218", "219"), grain === (stryMutAct_9fa48("220") ? "" : (stryCov_9fa48("220"), 'hour')))))) {
        if (stryMutAct_9fa48("221")) {
          {}
        } else {
          stryCov_9fa48("221");
          // Fixed-length steps between instants (UTC wall time): no local hour is skipped or doubled at DST.
          const first = stryMutAct_9fa48("222") ? `` : (stryCov_9fa48("222"), `CAST(date_trunc('${grain}', ${start} AT TIME ZONE ${z}) AT TIME ZONE 'UTC' AS timestamp(3))`);
          const last = stryMutAct_9fa48("223") ? `` : (stryCov_9fa48("223"), `CAST(${end} AT TIME ZONE 'UTC' AS timestamp(3))`);
          const at = stryMutAct_9fa48("224") ? () => undefined : (stryCov_9fa48("224"), (() => {
            const at = (l: string) => stryMutAct_9fa48("225") ? `` : (stryCov_9fa48("225"), `with_timezone(${l}, 'UTC')`);
            return at;
          })());
          return stryMutAct_9fa48("226") ? `` : (stryCov_9fa48("226"), `SELECT ${at(stryMutAct_9fa48("227") ? "" : (stryCov_9fa48("227"), 'l'))} AS bucket, greatest(${at(stryMutAct_9fa48("228") ? "" : (stryCov_9fa48("228"), 'l'))}, ${start}) AS lo, least(${at(stryMutAct_9fa48("229") ? `` : (stryCov_9fa48("229"), `l + ${step[grain]}`))}, ${end}) AS hi FROM UNNEST(sequence(${first}, ${last}, ${step[grain]})) AS g(l) WHERE ${at(stryMutAct_9fa48("230") ? "" : (stryCov_9fa48("230"), 'l'))} < ${end}`);
        }
      }
      // Calendar steps between local wall times, each read back as an instant in the zone (23/25 h days).
      const first = stryMutAct_9fa48("231") ? `` : (stryCov_9fa48("231"), `CAST(date_trunc('${grain}', ${start} AT TIME ZONE ${z}) AS timestamp(3))`);
      const last = stryMutAct_9fa48("232") ? `` : (stryCov_9fa48("232"), `CAST(${end} AT TIME ZONE ${z} AS timestamp(3))`);
      const at = stryMutAct_9fa48("233") ? () => undefined : (stryCov_9fa48("233"), (() => {
        const at = (l: string) => stryMutAct_9fa48("234") ? `` : (stryCov_9fa48("234"), `with_timezone(${l}, ${z})`);
        return at;
      })());
      return stryMutAct_9fa48("235") ? `` : (stryCov_9fa48("235"), `SELECT ${at(stryMutAct_9fa48("236") ? "" : (stryCov_9fa48("236"), 'l'))} AS bucket, greatest(${at(stryMutAct_9fa48("237") ? "" : (stryCov_9fa48("237"), 'l'))}, ${start}) AS lo, least(${at(stryMutAct_9fa48("238") ? `` : (stryCov_9fa48("238"), `l + ${step[grain]}`))}, ${end}) AS hi FROM UNNEST(sequence(${first}, ${last}, ${step[grain]})) AS g(l) WHERE ${at(stryMutAct_9fa48("239") ? "" : (stryCov_9fa48("239"), 'l'))} < ${end}`);
    }
  },
  epochMs: stryMutAct_9fa48("240") ? () => undefined : (stryCov_9fa48("240"), ts => stryMutAct_9fa48("241") ? `` : (stryCov_9fa48("241"), `CAST(round(to_unixtime(${ts}) * 1000) AS bigint)`)),
  like: stryMutAct_9fa48("242") ? () => undefined : (stryCov_9fa48("242"), (operand, pattern, negated) => stryMutAct_9fa48("243") ? `` : (stryCov_9fa48("243"), `${operand}${negated ? stryMutAct_9fa48("244") ? "" : (stryCov_9fa48("244"), ' NOT') : stryMutAct_9fa48("245") ? "Stryker was here!" : (stryCov_9fa48("245"), '')} LIKE ${pattern}`)),
  round: stryMutAct_9fa48("246") ? () => undefined : (stryCov_9fa48("246"), (value, digits) => (stryMutAct_9fa48("249") ? digits !== null : stryMutAct_9fa48("248") ? false : stryMutAct_9fa48("247") ? true : (stryCov_9fa48("247", "248", "249"), digits === null)) ? stryMutAct_9fa48("250") ? `` : (stryCov_9fa48("250"), `round(${value})`) : stryMutAct_9fa48("251") ? `` : (stryCov_9fa48("251"), `round(${value}, ${digits})`)),
  // Trino coerces an untyped NULL to the other branches' type.
  nullOf: stryMutAct_9fa48("252") ? () => undefined : (stryCov_9fa48("252"), () => stryMutAct_9fa48("253") ? "" : (stryCov_9fa48("253"), 'NULL'))
})) satisfies Dialect);