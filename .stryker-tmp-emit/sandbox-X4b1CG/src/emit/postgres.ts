/**
 * PostgreSQL (and TimescaleDB, the same plus `time_bucket`): schema-qualified names on one connection,
 * `$n` parameters, `date_trunc(unit, ts, zone)` (PostgreSQL 12+), spines from `generate_series`.
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
import type { Grain, ValueType } from '../ir/kpi.ts';
import { type Dialect, quoteIdentifier, unsupported } from './dialect.ts';
import { sqlString } from './literal.ts';
const interval: Record<Grain, [number, string]> = stryMutAct_9fa48("82") ? {} : (stryCov_9fa48("82"), {
  minute: stryMutAct_9fa48("83") ? [] : (stryCov_9fa48("83"), [1, stryMutAct_9fa48("84") ? "" : (stryCov_9fa48("84"), 'minutes')]),
  hour: stryMutAct_9fa48("85") ? [] : (stryCov_9fa48("85"), [1, stryMutAct_9fa48("86") ? "" : (stryCov_9fa48("86"), 'hours')]),
  day: stryMutAct_9fa48("87") ? [] : (stryCov_9fa48("87"), [1, stryMutAct_9fa48("88") ? "" : (stryCov_9fa48("88"), 'days')]),
  week: stryMutAct_9fa48("89") ? [] : (stryCov_9fa48("89"), [7, stryMutAct_9fa48("90") ? "" : (stryCov_9fa48("90"), 'days')]),
  month: stryMutAct_9fa48("91") ? [] : (stryCov_9fa48("91"), [1, stryMutAct_9fa48("92") ? "" : (stryCov_9fa48("92"), 'months')]),
  quarter: stryMutAct_9fa48("93") ? [] : (stryCov_9fa48("93"), [3, stryMutAct_9fa48("94") ? "" : (stryCov_9fa48("94"), 'months')]),
  year: stryMutAct_9fa48("95") ? [] : (stryCov_9fa48("95"), [1, stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), 'years')])
});
const every = (n: number, unit: Grain) => {
  if (stryMutAct_9fa48("97")) {
    {}
  } else {
    stryCov_9fa48("97");
    const [k, u] = interval[unit];
    return stryMutAct_9fa48("98") ? `` : (stryCov_9fa48("98"), `INTERVAL '${stryMutAct_9fa48("99") ? n / k : (stryCov_9fa48("99"), n * k)} ${u}'`);
  }
};
const PG_TYPES: Record<ValueType, string> = stryMutAct_9fa48("100") ? {} : (stryCov_9fa48("100"), {
  bigint: stryMutAct_9fa48("101") ? "" : (stryCov_9fa48("101"), 'bigint'),
  double: stryMutAct_9fa48("102") ? "" : (stryCov_9fa48("102"), 'double precision'),
  decimal: stryMutAct_9fa48("103") ? "" : (stryCov_9fa48("103"), 'numeric'),
  number: stryMutAct_9fa48("104") ? "" : (stryCov_9fa48("104"), 'numeric'),
  string: stryMutAct_9fa48("105") ? "" : (stryCov_9fa48("105"), 'text'),
  boolean: stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 'boolean'),
  timestamp: stryMutAct_9fa48("107") ? "" : (stryCov_9fa48("107"), 'timestamptz'),
  date: stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), 'date'),
  interval: stryMutAct_9fa48("109") ? "" : (stryCov_9fa48("109"), 'interval'),
  null: stryMutAct_9fa48("110") ? "" : (stryCov_9fa48("110"), 'text')
});
function make(name: 'postgres' | 'timescale'): Dialect {
  if (stryMutAct_9fa48("111")) {
    {}
  } else {
    stryCov_9fa48("111");
    return Object.freeze((stryMutAct_9fa48("112") ? {} : (stryCov_9fa48("112"), {
      name,
      placeholders: 'dollar' as const,
      flags: Object.freeze(stryMutAct_9fa48("113") ? {} : (stryCov_9fa48("113"), {
        federated: stryMutAct_9fa48("114") ? true : (stryCov_9fa48("114"), false),
        approxDistinct: stryMutAct_9fa48("115") ? true : (stryCov_9fa48("115"), false),
        exactPercentile: stryMutAct_9fa48("116") ? false : (stryCov_9fa48("116"), true),
        timeBucket: stryMutAct_9fa48("119") ? name !== 'timescale' : stryMutAct_9fa48("118") ? false : stryMutAct_9fa48("117") ? true : (stryCov_9fa48("117", "118", "119"), name === (stryMutAct_9fa48("120") ? "" : (stryCov_9fa48("120"), 'timescale'))),
        maxSpineBuckets: Number.POSITIVE_INFINITY,
        materializedCte: stryMutAct_9fa48("121") ? false : (stryCov_9fa48("121"), true)
      })),
      doubleType: stryMutAct_9fa48("122") ? "" : (stryCov_9fa48("122"), 'double precision'),
      stringType: stryMutAct_9fa48("123") ? "" : (stryCov_9fa48("123"), 'text'),
      quote: quoteIdentifier,
      table(catalog, ref) {
        if (stryMutAct_9fa48("124")) {
          {}
        } else {
          stryCov_9fa48("124");
          const source = catalog.sources[ref.source]!;
          if (stryMutAct_9fa48("127") ? catalog.connections[source.connection]?.engine !== 'mongodb' : stryMutAct_9fa48("126") ? false : stryMutAct_9fa48("125") ? true : (stryCov_9fa48("125", "126", "127"), (stryMutAct_9fa48("128") ? catalog.connections[source.connection].engine : (stryCov_9fa48("128"), catalog.connections[source.connection]?.engine)) === (stryMutAct_9fa48("129") ? "" : (stryCov_9fa48("129"), 'mongodb')))) {
            if (stryMutAct_9fa48("130")) {
              {}
            } else {
              stryCov_9fa48("130");
              unsupported(stryMutAct_9fa48("131") ? `` : (stryCov_9fa48("131"), `table ${ref.source}.${ref.table}`), name, stryMutAct_9fa48("132") ? "" : (stryCov_9fa48("132"), 'it lives in MongoDB, reachable only through trino'));
            }
          }
          return (stryMutAct_9fa48("133") ? [] : (stryCov_9fa48("133"), [source.schema, ref.table])).map(quoteIdentifier).join(stryMutAct_9fa48("134") ? "" : (stryCov_9fa48("134"), '.'));
        }
      },
      truncate: stryMutAct_9fa48("135") ? () => undefined : (stryCov_9fa48("135"), (ts, grain, zone) => stryMutAct_9fa48("136") ? `` : (stryCov_9fa48("136"), `date_trunc('${grain}', ${ts}, ${sqlString(zone)})`)),
      shift: (ts, amount, unit, zone) => {
        if (stryMutAct_9fa48("137")) {
          {}
        } else {
          stryCov_9fa48("137");
          const z = sqlString(zone);
          const sign = (stryMutAct_9fa48("141") ? amount >= 0 : stryMutAct_9fa48("140") ? amount <= 0 : stryMutAct_9fa48("139") ? false : stryMutAct_9fa48("138") ? true : (stryCov_9fa48("138", "139", "140", "141"), amount < 0)) ? stryMutAct_9fa48("142") ? "" : (stryCov_9fa48("142"), '-') : stryMutAct_9fa48("143") ? "" : (stryCov_9fa48("143"), '+');
          return stryMutAct_9fa48("144") ? `` : (stryCov_9fa48("144"), `((${ts} AT TIME ZONE ${z}) ${sign} ${every(Math.abs(amount), unit)}) AT TIME ZONE ${z}`);
        }
      },
      timestampParam: stryMutAct_9fa48("145") ? () => undefined : (stryCov_9fa48("145"), marker => stryMutAct_9fa48("146") ? `` : (stryCov_9fa48("146"), `CAST(${marker} AS timestamptz)`)),
      stringParam: stryMutAct_9fa48("147") ? () => undefined : (stryCov_9fa48("147"), marker => stryMutAct_9fa48("148") ? `` : (stryCov_9fa48("148"), `CAST(${marker} AS text)`)),
      spine(grain, zone, start, end) {
        if (stryMutAct_9fa48("149")) {
          {}
        } else {
          stryCov_9fa48("149");
          const z = sqlString(zone);
          if (stryMutAct_9fa48("152") ? grain === 'minute' && grain === 'hour' : stryMutAct_9fa48("151") ? false : stryMutAct_9fa48("150") ? true : (stryCov_9fa48("150", "151", "152"), (stryMutAct_9fa48("154") ? grain !== 'minute' : stryMutAct_9fa48("153") ? false : (stryCov_9fa48("153", "154"), grain === (stryMutAct_9fa48("155") ? "" : (stryCov_9fa48("155"), 'minute')))) || (stryMutAct_9fa48("157") ? grain !== 'hour' : stryMutAct_9fa48("156") ? false : (stryCov_9fa48("156", "157"), grain === (stryMutAct_9fa48("158") ? "" : (stryCov_9fa48("158"), 'hour')))))) {
            if (stryMutAct_9fa48("159")) {
              {}
            } else {
              stryCov_9fa48("159");
              // timestamptz + interval of hours/minutes is a fixed length: DST neither skips nor doubles a bucket.
              return stryMutAct_9fa48("160") ? `` : (stryCov_9fa48("160"), `SELECT l AS bucket, greatest(l, ${start}) AS lo, least(l + ${every(1, grain)}, ${end}) AS hi FROM generate_series(date_trunc('${grain}', ${start}, ${z}), ${end}, ${every(1, grain)}) AS g(l) WHERE l < ${end}`);
            }
          }
          const at = stryMutAct_9fa48("161") ? () => undefined : (stryCov_9fa48("161"), (() => {
            const at = (l: string) => stryMutAct_9fa48("162") ? `` : (stryCov_9fa48("162"), `(${l}) AT TIME ZONE ${z}`);
            return at;
          })());
          return stryMutAct_9fa48("163") ? `` : (stryCov_9fa48("163"), `SELECT ${at(stryMutAct_9fa48("164") ? "" : (stryCov_9fa48("164"), 'l'))} AS bucket, greatest(${at(stryMutAct_9fa48("165") ? "" : (stryCov_9fa48("165"), 'l'))}, ${start}) AS lo, least(${at(stryMutAct_9fa48("166") ? `` : (stryCov_9fa48("166"), `l + ${every(1, grain)}`))}, ${end}) AS hi FROM generate_series(date_trunc('${grain}', ${start} AT TIME ZONE ${z}), ${end} AT TIME ZONE ${z}, ${every(1, grain)}) AS g(l) WHERE ${at(stryMutAct_9fa48("167") ? "" : (stryCov_9fa48("167"), 'l'))} < ${end}`);
        }
      },
      epochMs: stryMutAct_9fa48("168") ? () => undefined : (stryCov_9fa48("168"), ts => stryMutAct_9fa48("169") ? `` : (stryCov_9fa48("169"), `CAST(round(EXTRACT(EPOCH FROM ${ts}) * 1000) AS bigint)`)),
      // PostgreSQL's LIKE treats backslash as an escape by default; Trino has none. ESCAPE '' makes them agree.
      like: stryMutAct_9fa48("170") ? () => undefined : (stryCov_9fa48("170"), (operand, pattern, negated) => stryMutAct_9fa48("171") ? `` : (stryCov_9fa48("171"), `${operand}${negated ? stryMutAct_9fa48("172") ? "" : (stryCov_9fa48("172"), ' NOT') : stryMutAct_9fa48("173") ? "Stryker was here!" : (stryCov_9fa48("173"), '')} LIKE ${pattern} ESCAPE ''`)),
      round: stryMutAct_9fa48("174") ? () => undefined : (stryCov_9fa48("174"), (value, digits) => (stryMutAct_9fa48("177") ? digits !== null : stryMutAct_9fa48("176") ? false : stryMutAct_9fa48("175") ? true : (stryCov_9fa48("175", "176", "177"), digits === null)) ? stryMutAct_9fa48("178") ? `` : (stryCov_9fa48("178"), `round(CAST(${value} AS numeric))`) : stryMutAct_9fa48("179") ? `` : (stryCov_9fa48("179"), `round(CAST(${value} AS numeric), ${digits})`)),
      nullOf: stryMutAct_9fa48("180") ? () => undefined : (stryCov_9fa48("180"), type => stryMutAct_9fa48("181") ? `` : (stryCov_9fa48("181"), `CAST(NULL AS ${PG_TYPES[type]})`))
    })) satisfies Dialect);
  }
}
export const postgres = make(stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'postgres'));
export const timescale = make(stryMutAct_9fa48("183") ? "" : (stryCov_9fa48("183"), 'timescale'));