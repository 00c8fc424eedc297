/**
 * Plan → SQL text + bound parameters for one dialect: the relations (each measure instance's aggregate
 * or stitch, the null-safe join, shared values, the final SELECT); the expressions inside them are
 * expressions.ts. The dialect supplies quoting, names, time arithmetic and spines. Shape of the output:
 *
 *   WITH spine AS (…), m0 AS (aggregate), m1 AS (…), joined AS (null-safe full outer join on keys)
 *   SELECT time, <dimensions>, <formula> AS value FROM joined ORDER BY time, <dimensions>
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
import { assertNever } from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import { CompileError } from '../plan/errors.ts';
import { type Aggregate, aggregatesOf, type Join, type Measure, type Plan, type TimeWindow, type ValueExpr, type WindowOp } from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { childrenOfValue } from '../plan/value-expr.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { Expressions } from './expressions.ts';
import { connectionsOf, spineSizeBound, stitchSql } from './measures.ts';
import { type Param, ParamSink } from './params.ts';
export interface EmitOptions {
  /**
   * `LIMIT n` on the outermost SELECT: the engine stops after n rows. The engine facade passes
   * MAX_RESULT_ROWS + 1, so an answer over the limit is seen without materializing all of it.
   */
  readonly rowLimit?: number;
}
export interface EmittedSql {
  readonly sql: string;
  readonly params: readonly Param[];
  readonly dialect: Dialect['name'];
}
class Emitter {
  readonly params = new ParamSink();
  private readonly x: Expressions;
  private readonly start: string;
  private readonly end: string;
  constructor(readonly d: Dialect, readonly catalog: Catalog, readonly plan: Plan) {
    if (stryMutAct_9fa48("0")) {
      {}
    } else {
      stryCov_9fa48("0");
      this.x = new Expressions(d, this.params);
      this.start = d.timestampParam(this.params.add(stryMutAct_9fa48("1") ? {} : (stryCov_9fa48("1"), {
        type: stryMutAct_9fa48("2") ? "" : (stryCov_9fa48("2"), 'timestamp'),
        value: plan.range.start
      })));
      this.end = d.timestampParam(this.params.add(stryMutAct_9fa48("3") ? {} : (stryCov_9fa48("3"), {
        type: stryMutAct_9fa48("4") ? "" : (stryCov_9fa48("4"), 'timestamp'),
        value: plan.range.end
      })));
    }
  }
  private startParam(): string {
    if (stryMutAct_9fa48("5")) {
      {}
    } else {
      stryCov_9fa48("5");
      return this.d.timestampParam(this.params.add(stryMutAct_9fa48("6") ? {} : (stryCov_9fa48("6"), {
        type: stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), 'timestamp'),
        value: this.plan.range.start
      })));
    }
  }
  /** A bound of a truncated aggregate's own window (a stitch piece's, else the query's range). */
  private boundParam(value: TimeWindow['start']): string {
    if (stryMutAct_9fa48("8")) {
      {}
    } else {
      stryCov_9fa48("8");
      return this.d.timestampParam(this.params.add(stryMutAct_9fa48("9") ? {} : (stryCov_9fa48("9"), {
        type: stryMutAct_9fa48("10") ? "" : (stryCov_9fa48("10"), 'timestamp'),
        value
      })));
    }
  }

  /** `FROM fact t0 LEFT JOIN dim t1 ON …` for the aggregate's scan. */
  private from(a: Aggregate): {
    from: string;
    alias: (t: TableRef) => string;
  } {
    if (stryMutAct_9fa48("11")) {
      {}
    } else {
      stryCov_9fa48("11");
      const s = a.input.input;
      const aliases = new Map<string, string>(stryMutAct_9fa48("12") ? [] : (stryCov_9fa48("12"), [stryMutAct_9fa48("13") ? [] : (stryCov_9fa48("13"), [tableKey(s.table), s.alias]), ...s.joins.map(stryMutAct_9fa48("14") ? () => undefined : (stryCov_9fa48("14"), j => [tableKey(j.table), j.alias] as const))]));
      const alias = (t: TableRef) => {
        if (stryMutAct_9fa48("15")) {
          {}
        } else {
          stryCov_9fa48("15");
          const found = aliases.get(tableKey(t));
          if (stryMutAct_9fa48("18") ? false : stryMutAct_9fa48("17") ? true : stryMutAct_9fa48("16") ? found : (stryCov_9fa48("16", "17", "18"), !found)) throw new CompileError(stryMutAct_9fa48("19") ? "" : (stryCov_9fa48("19"), 'invalid-query'), stryMutAct_9fa48("20") ? `` : (stryCov_9fa48("20"), `${tableKey(t)} is not joined in the scan of ${a.source}`));
          return found;
        }
      };
      const q = this.d.quote;
      const joins = s.joins.map(stryMutAct_9fa48("21") ? () => undefined : (stryCov_9fa48("21"), j => stryMutAct_9fa48("22") ? `` : (stryCov_9fa48("22"), ` LEFT JOIN ${this.d.table(this.catalog, j.table)} ${j.alias} ON ${j.alias}.${q(j.toColumn)} = ${j.fromAlias}.${q(j.column)}`))).join(stryMutAct_9fa48("23") ? "Stryker was here!" : (stryCov_9fa48("23"), ''));
      return stryMutAct_9fa48("24") ? {} : (stryCov_9fa48("24"), {
        from: stryMutAct_9fa48("25") ? `` : (stryCov_9fa48("25"), `${this.d.table(this.catalog, s.table)} ${s.alias}${joins}`),
        alias
      });
    }
  }

  /** [lo, hi) of a spine bucket after the measure's window ops (outermost first). */
  private membership(window: readonly WindowOp[]): {
    lo: string;
    hi: string;
  } {
    if (stryMutAct_9fa48("26")) {
      {}
    } else {
      stryCov_9fa48("26");
      let lo = stryMutAct_9fa48("27") ? "" : (stryCov_9fa48("27"), 's.lo');
      let hi = stryMutAct_9fa48("28") ? "" : (stryCov_9fa48("28"), 's.hi');
      const zone = this.plan.timezone;
      for (const w of window) {
        if (stryMutAct_9fa48("29")) {
          {}
        } else {
          stryCov_9fa48("29");
          switch (w.op) {
            case stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), 'shift'):
              if (stryMutAct_9fa48("30")) {} else {
                stryCov_9fa48("30");
                lo = this.d.shift(lo, stryMutAct_9fa48("32") ? +w.amount : (stryCov_9fa48("32"), -w.amount), w.unit, zone);
                hi = this.d.shift(hi, stryMutAct_9fa48("33") ? +w.amount : (stryCov_9fa48("33"), -w.amount), w.unit, zone);
                break;
              }
            case stryMutAct_9fa48("35") ? "" : (stryCov_9fa48("35"), 'trailing'):
              if (stryMutAct_9fa48("34")) {} else {
                stryCov_9fa48("34");
                lo = this.d.shift(hi, stryMutAct_9fa48("36") ? +w.amount : (stryCov_9fa48("36"), -w.amount), w.unit, zone);
                break;
              }
            case stryMutAct_9fa48("38") ? "" : (stryCov_9fa48("38"), 'to_date'):
              if (stryMutAct_9fa48("37")) {} else {
                stryCov_9fa48("37");
                lo = this.d.truncate(lo, w.period, zone);
                break;
              }
            case stryMutAct_9fa48("40") ? "" : (stryCov_9fa48("40"), 'cumulative'):
              if (stryMutAct_9fa48("39")) {} else {
                stryCov_9fa48("39");
                lo = this.startParam();
                break;
              }
            default:
              if (stryMutAct_9fa48("41")) {} else {
                stryCov_9fa48("41");
                assertNever(w, stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), 'window op'));
              }
          }
        }
      }
      return stryMutAct_9fa48("43") ? {} : (stryCov_9fa48("43"), {
        lo,
        hi
      });
    }
  }
  aggregate(a: Aggregate, timed: boolean): string {
    if (stryMutAct_9fa48("44")) {
      {}
    } else {
      stryCov_9fa48("44");
      const q = this.d.quote;
      const {
        from,
        alias
      } = this.from(a);
      const arg = a.arg ? this.x.row(a.arg, alias) : null;
      const dims = a.dimensions.map(stryMutAct_9fa48("45") ? () => undefined : (stryCov_9fa48("45"), (d, i) => stryMutAct_9fa48("46") ? {} : (stryCov_9fa48("46"), {
        sql: stryMutAct_9fa48("47") ? `` : (stryCov_9fa48("47"), `${alias(d.table)}.${q(d.column)}`),
        as: stryMutAct_9fa48("48") ? `` : (stryCov_9fa48("48"), `d${i}`)
      })));
      const conditions = a.input.conditions.map(stryMutAct_9fa48("49") ? () => undefined : (stryCov_9fa48("49"), c => this.x.row(c, alias)));
      const b = a.bucketing;
      switch (b.kind) {
        case stryMutAct_9fa48("51") ? "" : (stryCov_9fa48("51"), 'truncate'):
          if (stryMutAct_9fa48("50")) {} else {
            stryCov_9fa48("50");
            {
              if (stryMutAct_9fa48("52")) {
                {}
              } else {
                stryCov_9fa48("52");
                const time = stryMutAct_9fa48("53") ? `` : (stryCov_9fa48("53"), `${alias(b.time.table)}.${q(b.time.column)}`);
                const keys = stryMutAct_9fa48("54") ? [] : (stryCov_9fa48("54"), [...((stryMutAct_9fa48("57") ? timed || b.grain : stryMutAct_9fa48("56") ? false : stryMutAct_9fa48("55") ? true : (stryCov_9fa48("55", "56", "57"), timed && b.grain)) ? stryMutAct_9fa48("58") ? [] : (stryCov_9fa48("58"), [stryMutAct_9fa48("59") ? `` : (stryCov_9fa48("59"), `${this.d.truncate(time, b.grain, b.timezone)} AS bucket`)]) : stryMutAct_9fa48("60") ? ["Stryker was here"] : (stryCov_9fa48("60"), [])), ...dims.map(stryMutAct_9fa48("61") ? () => undefined : (stryCov_9fa48("61"), d => stryMutAct_9fa48("62") ? `` : (stryCov_9fa48("62"), `${d.sql} AS ${d.as}`)))]);
                const where = stryMutAct_9fa48("63") ? [] : (stryCov_9fa48("63"), [stryMutAct_9fa48("64") ? `` : (stryCov_9fa48("64"), `${time} >= ${this.boundParam(b.range.start)}`), stryMutAct_9fa48("65") ? `` : (stryCov_9fa48("65"), `${time} < ${this.boundParam(b.range.end)}`), ...conditions]);
                const groupBy = keys.length ? stryMutAct_9fa48("66") ? `` : (stryCov_9fa48("66"), ` GROUP BY ${keys.map(stryMutAct_9fa48("67") ? () => undefined : (stryCov_9fa48("67"), (_, i) => stryMutAct_9fa48("68") ? i - 1 : (stryCov_9fa48("68"), i + 1))).join(stryMutAct_9fa48("69") ? "" : (stryCov_9fa48("69"), ', '))}`) : stryMutAct_9fa48("70") ? "Stryker was here!" : (stryCov_9fa48("70"), '');
                return stryMutAct_9fa48("71") ? `` : (stryCov_9fa48("71"), `SELECT ${(stryMutAct_9fa48("72") ? [] : (stryCov_9fa48("72"), [...keys, stryMutAct_9fa48("73") ? `` : (stryCov_9fa48("73"), `${this.x.aggregateCall(a, arg)} AS ${q(a.name)}`)])).join(stryMutAct_9fa48("74") ? "" : (stryCov_9fa48("74"), ', '))} FROM ${from} WHERE ${where.join(stryMutAct_9fa48("75") ? "" : (stryCov_9fa48("75"), ' AND '))}${groupBy}`);
              }
            }
          }
        case stryMutAct_9fa48("77") ? "" : (stryCov_9fa48("77"), 'spine'):
          if (stryMutAct_9fa48("76")) {} else {
            stryCov_9fa48("76");
            {
              if (stryMutAct_9fa48("78")) {
                {}
              } else {
                stryCov_9fa48("78");
                // Facts first (filtered, dimensions and argument computed), then matched to the buckets whose
                // window they fall in: a range join, so one row may count in several buckets (rolling, validity).
                const cols = stryMutAct_9fa48("79") ? [] : (stryCov_9fa48("79"), [...(b.validity ? stryMutAct_9fa48("80") ? [] : (stryCov_9fa48("80"), [stryMutAct_9fa48("81") ? `` : (stryCov_9fa48("81"), `${alias(b.validity.table)}.${q(b.validity.startColumn)} AS vs`), stryMutAct_9fa48("82") ? `` : (stryCov_9fa48("82"), `${alias(b.validity.table)}.${q(b.validity.endColumn)} AS ve`)]) : stryMutAct_9fa48("83") ? [] : (stryCov_9fa48("83"), [stryMutAct_9fa48("84") ? `` : (stryCov_9fa48("84"), `${alias(b.time.table)}.${q(b.time.column)} AS ts`)])), ...dims.map(stryMutAct_9fa48("85") ? () => undefined : (stryCov_9fa48("85"), d => stryMutAct_9fa48("86") ? `` : (stryCov_9fa48("86"), `${d.sql} AS ${d.as}`))), ...(arg ? stryMutAct_9fa48("87") ? [] : (stryCov_9fa48("87"), [stryMutAct_9fa48("88") ? `` : (stryCov_9fa48("88"), `${arg} AS arg`)]) : stryMutAct_9fa48("89") ? ["Stryker was here"] : (stryCov_9fa48("89"), []))]);
                const {
                  lo,
                  hi
                } = this.membership(b.window);
                // Only rows some bucket can read: bounds from the spine (engines prune before the range join).
                const lowest = stryMutAct_9fa48("90") ? `` : (stryCov_9fa48("90"), `(SELECT min(${lo}) FROM spine s)`);
                const highest = stryMutAct_9fa48("91") ? `` : (stryCov_9fa48("91"), `(SELECT max(${this.membership(b.window).hi}) FROM spine s)`);
                const bounds = b.validity ? stryMutAct_9fa48("92") ? [] : (stryCov_9fa48("92"), [stryMutAct_9fa48("93") ? `` : (stryCov_9fa48("93"), `${alias(b.validity.table)}.${q(b.validity.startColumn)} < ${highest}`), stryMutAct_9fa48("94") ? `` : (stryCov_9fa48("94"), `(${alias(b.validity.table)}.${q(b.validity.endColumn)} IS NULL OR ${alias(b.validity.table)}.${q(b.validity.endColumn)} > ${lowest})`)]) : stryMutAct_9fa48("95") ? [] : (stryCov_9fa48("95"), [stryMutAct_9fa48("96") ? `` : (stryCov_9fa48("96"), `${alias(b.time.table)}.${q(b.time.column)} >= ${lowest}`), stryMutAct_9fa48("97") ? `` : (stryCov_9fa48("97"), `${alias(b.time.table)}.${q(b.time.column)} < ${highest}`)]);
                const facts = stryMutAct_9fa48("98") ? `` : (stryCov_9fa48("98"), `SELECT ${cols.join(stryMutAct_9fa48("99") ? "" : (stryCov_9fa48("99"), ', '))} FROM ${from} WHERE ${(stryMutAct_9fa48("100") ? [] : (stryCov_9fa48("100"), [...bounds, ...conditions])).join(stryMutAct_9fa48("101") ? "" : (stryCov_9fa48("101"), ' AND '))}`);
                const on = b.validity ? stryMutAct_9fa48("102") ? `` : (stryCov_9fa48("102"), `f.vs < ${hi} AND (f.ve IS NULL OR f.ve > ${lo})`) : stryMutAct_9fa48("103") ? `` : (stryCov_9fa48("103"), `f.ts >= ${lo} AND f.ts < ${hi}`);
                const keys = stryMutAct_9fa48("104") ? [] : (stryCov_9fa48("104"), [...(timed ? stryMutAct_9fa48("105") ? [] : (stryCov_9fa48("105"), [stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 's.bucket AS bucket')]) : stryMutAct_9fa48("107") ? ["Stryker was here"] : (stryCov_9fa48("107"), [])), ...dims.map(stryMutAct_9fa48("108") ? () => undefined : (stryCov_9fa48("108"), d => stryMutAct_9fa48("109") ? `` : (stryCov_9fa48("109"), `f.${d.as} AS ${d.as}`)))]);
                const groupBy = keys.length ? stryMutAct_9fa48("110") ? `` : (stryCov_9fa48("110"), ` GROUP BY ${keys.map(stryMutAct_9fa48("111") ? () => undefined : (stryCov_9fa48("111"), (_, i) => stryMutAct_9fa48("112") ? i - 1 : (stryCov_9fa48("112"), i + 1))).join(stryMutAct_9fa48("113") ? "" : (stryCov_9fa48("113"), ', '))}`) : stryMutAct_9fa48("114") ? "Stryker was here!" : (stryCov_9fa48("114"), '');
                return stryMutAct_9fa48("115") ? `` : (stryCov_9fa48("115"), `SELECT ${(stryMutAct_9fa48("116") ? [] : (stryCov_9fa48("116"), [...keys, stryMutAct_9fa48("117") ? `` : (stryCov_9fa48("117"), `${this.x.aggregateCall(a, arg ? stryMutAct_9fa48("118") ? "" : (stryCov_9fa48("118"), 'f.arg') : null)} AS ${q(a.name)}`)])).join(stryMutAct_9fa48("119") ? "" : (stryCov_9fa48("119"), ', '))} FROM spine s JOIN (${facts}) f ON ${on}${groupBy}`);
              }
            }
          }
        default:
          if (stryMutAct_9fa48("120")) {} else {
            stryCov_9fa48("120");
            return assertNever(b, stryMutAct_9fa48("121") ? "" : (stryCov_9fa48("121"), 'bucketing'));
          }
      }
    }
  }

  /** One measure instance's relation: its aggregate, or its stitched pieces re-aggregated. */
  measure(m: Measure, timed: boolean): string {
    if (stryMutAct_9fa48("122")) {
      {}
    } else {
      stryCov_9fa48("122");
      switch (m.kind) {
        case stryMutAct_9fa48("124") ? "" : (stryCov_9fa48("124"), 'aggregate'):
          if (stryMutAct_9fa48("123")) {} else {
            stryCov_9fa48("123");
            return this.aggregate(m, timed);
          }
        case stryMutAct_9fa48("126") ? "" : (stryCov_9fa48("126"), 'stitch'):
          if (stryMutAct_9fa48("125")) {} else {
            stryCov_9fa48("125");
            {
              if (stryMutAct_9fa48("127")) {
                {}
              } else {
                stryCov_9fa48("127");
                const keys = stryMutAct_9fa48("128") ? [] : (stryCov_9fa48("128"), [...(timed ? stryMutAct_9fa48("129") ? [] : (stryCov_9fa48("129"), [stryMutAct_9fa48("130") ? "" : (stryCov_9fa48("130"), 'bucket')]) : stryMutAct_9fa48("131") ? ["Stryker was here"] : (stryCov_9fa48("131"), [])), ...m.dimensions.map(stryMutAct_9fa48("132") ? () => undefined : (stryCov_9fa48("132"), (_, i) => stryMutAct_9fa48("133") ? `` : (stryCov_9fa48("133"), `d${i}`)))]);
                const pieces = m.pieces.map(stryMutAct_9fa48("134") ? () => undefined : (stryCov_9fa48("134"), piece => this.aggregate(piece, timed)));
                return stitchSql(m, pieces, keys, this.d.quote(m.name));
              }
            }
          }
        default:
          if (stryMutAct_9fa48("135")) {} else {
            stryCov_9fa48("135");
            return assertNever(m, stryMutAct_9fa48("136") ? "" : (stryCov_9fa48("136"), 'measure'));
          }
      }
    }
  }

  /**
   * Null-safe full outer join on (bucket, dimensions): every input's keys with its value and NULL for
   * the others, then one row per key. PostgreSQL cannot FULL JOIN on `IS NOT DISTINCT FROM`, and NULL
   * dimension values must match each other, so this union form is used for every dialect.
   */
  joined(j: Join): string {
    if (stryMutAct_9fa48("137")) {
      {}
    } else {
      stryCov_9fa48("137");
      const q = this.d.quote;
      const keys = stryMutAct_9fa48("138") ? [] : (stryCov_9fa48("138"), [...(j.timed ? stryMutAct_9fa48("139") ? [] : (stryCov_9fa48("139"), [stryMutAct_9fa48("140") ? "" : (stryCov_9fa48("140"), 'bucket')]) : stryMutAct_9fa48("141") ? ["Stryker was here"] : (stryCov_9fa48("141"), [])), ...j.dimensions.map(stryMutAct_9fa48("142") ? () => undefined : (stryCov_9fa48("142"), (_, i) => stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `d${i}`)))]);
      const names = j.inputs.map(stryMutAct_9fa48("144") ? () => undefined : (stryCov_9fa48("144"), a => q(a.name)));
      if (stryMutAct_9fa48("147") ? j.inputs.length === 1 || !j.spine : stryMutAct_9fa48("146") ? false : stryMutAct_9fa48("145") ? true : (stryCov_9fa48("145", "146", "147"), (stryMutAct_9fa48("149") ? j.inputs.length !== 1 : stryMutAct_9fa48("148") ? true : (stryCov_9fa48("148", "149"), j.inputs.length === 1)) && (stryMutAct_9fa48("150") ? j.spine : (stryCov_9fa48("150"), !j.spine)))) return stryMutAct_9fa48("151") ? `` : (stryCov_9fa48("151"), `SELECT * FROM ${names[0]}`);
      const nulls = j.inputs.map(stryMutAct_9fa48("152") ? () => undefined : (stryCov_9fa48("152"), (a, k) => stryMutAct_9fa48("153") ? `` : (stryCov_9fa48("153"), `${this.d.nullOf(a.type)} AS ${names[k]}`)));
      const branches = j.inputs.map(stryMutAct_9fa48("154") ? () => undefined : (stryCov_9fa48("154"), (a, i) => stryMutAct_9fa48("155") ? `` : (stryCov_9fa48("155"), `SELECT ${(stryMutAct_9fa48("156") ? [] : (stryCov_9fa48("156"), [...keys, ...names.map(stryMutAct_9fa48("157") ? () => undefined : (stryCov_9fa48("157"), (n, k) => (stryMutAct_9fa48("160") ? k !== i : stryMutAct_9fa48("159") ? false : stryMutAct_9fa48("158") ? true : (stryCov_9fa48("158", "159", "160"), k === i)) ? n : nulls[k]))])).join(stryMutAct_9fa48("161") ? "" : (stryCov_9fa48("161"), ', '))} FROM ${q(a.name)}`)));
      if (stryMutAct_9fa48("163") ? false : stryMutAct_9fa48("162") ? true : (stryCov_9fa48("162", "163"), j.spine)) branches.push(stryMutAct_9fa48("164") ? `` : (stryCov_9fa48("164"), `SELECT ${(stryMutAct_9fa48("165") ? [] : (stryCov_9fa48("165"), [...keys, ...nulls])).join(stryMutAct_9fa48("166") ? "" : (stryCov_9fa48("166"), ', '))} FROM spine`));
      const groupBy = keys.length ? stryMutAct_9fa48("167") ? `` : (stryCov_9fa48("167"), ` GROUP BY ${keys.join(stryMutAct_9fa48("168") ? "" : (stryCov_9fa48("168"), ', '))}`) : stryMutAct_9fa48("169") ? "Stryker was here!" : (stryCov_9fa48("169"), '');
      return stryMutAct_9fa48("170") ? `` : (stryCov_9fa48("170"), `SELECT ${(stryMutAct_9fa48("171") ? [] : (stryCov_9fa48("171"), [...keys, ...names.map(stryMutAct_9fa48("172") ? () => undefined : (stryCov_9fa48("172"), n => stryMutAct_9fa48("173") ? `` : (stryCov_9fa48("173"), `MAX(${n}) AS ${n}`)))])).join(stryMutAct_9fa48("174") ? "" : (stryCov_9fa48("174"), ', '))} FROM (${branches.join(stryMutAct_9fa48("175") ? "" : (stryCov_9fa48("175"), ' UNION ALL '))}) u${groupBy}`);
    }
  }

  /**
   * Values the formula reads more than once (shared derived KPIs) become columns computed once: one
   * CTE per dependency level over the joined rows, so the SQL grows with the DAG, not with its paths.
   * Returns the relation the final SELECT reads.
   */
  private sharedValues(ctes: string[]): string {
    if (stryMutAct_9fa48("176")) {
      {}
    } else {
      stryCov_9fa48("176");
      const shared = stryMutAct_9fa48("177") ? this.plan.root.shared && [] : (stryCov_9fa48("177"), this.plan.root.shared ?? (stryMutAct_9fa48("178") ? ["Stryker was here"] : (stryCov_9fa48("178"), [])));
      if (stryMutAct_9fa48("181") ? shared.length !== 0 : stryMutAct_9fa48("180") ? false : stryMutAct_9fa48("179") ? true : (stryCov_9fa48("179", "180", "181"), shared.length === 0)) return stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'joined');
      const levelOf = new Map<string, number>();
      const reads = (e: ValueExpr): number => {
        if (stryMutAct_9fa48("183")) {
          {}
        } else {
          stryCov_9fa48("183");
          if (stryMutAct_9fa48("186") ? e.kind !== 'col' : stryMutAct_9fa48("185") ? false : stryMutAct_9fa48("184") ? true : (stryCov_9fa48("184", "185", "186"), e.kind === (stryMutAct_9fa48("187") ? "" : (stryCov_9fa48("187"), 'col')))) return stryMutAct_9fa48("188") ? levelOf.get(e.name) && 0 : (stryCov_9fa48("188"), levelOf.get(e.name) ?? 0);
          return stryMutAct_9fa48("189") ? Math.min(0, ...childrenOfValue(e).map(reads)) : (stryCov_9fa48("189"), Math.max(0, ...childrenOfValue(e).map(reads)));
        }
      };
      const levels: string[][] = stryMutAct_9fa48("190") ? ["Stryker was here"] : (stryCov_9fa48("190"), []);
      for (const s of shared) {
        if (stryMutAct_9fa48("191")) {
          {}
        } else {
          stryCov_9fa48("191");
          const level = stryMutAct_9fa48("192") ? reads(s.value) - 1 : (stryCov_9fa48("192"), reads(s.value) + 1);
          levelOf.set(s.name, level);
          const columns = stryMutAct_9fa48("193") ? levels[level - 1] && [] : (stryCov_9fa48("193"), levels[stryMutAct_9fa48("194") ? level + 1 : (stryCov_9fa48("194"), level - 1)] ?? (stryMutAct_9fa48("195") ? ["Stryker was here"] : (stryCov_9fa48("195"), [])));
          columns.push(stryMutAct_9fa48("196") ? `` : (stryCov_9fa48("196"), `${this.x.value(s.value)} AS ${this.d.quote(s.name)}`));
          levels[stryMutAct_9fa48("197") ? level + 1 : (stryCov_9fa48("197"), level - 1)] = columns;
        }
      }
      let from = stryMutAct_9fa48("198") ? "" : (stryCov_9fa48("198"), 'joined');
      for (const [i, columns] of levels.entries()) {
        if (stryMutAct_9fa48("199")) {
          {}
        } else {
          stryCov_9fa48("199");
          const materialized = this.d.flags.materializedCte ? stryMutAct_9fa48("200") ? "" : (stryCov_9fa48("200"), 'MATERIALIZED ') : stryMutAct_9fa48("201") ? "Stryker was here!" : (stryCov_9fa48("201"), '');
          ctes.push(stryMutAct_9fa48("202") ? `` : (stryCov_9fa48("202"), `shared${stryMutAct_9fa48("203") ? i - 1 : (stryCov_9fa48("203"), i + 1)} AS ${materialized}(SELECT j.*, ${columns.join(stryMutAct_9fa48("204") ? "" : (stryCov_9fa48("204"), ', '))} FROM ${from} j)`));
          from = stryMutAct_9fa48("205") ? `` : (stryCov_9fa48("205"), `shared${stryMutAct_9fa48("206") ? i - 1 : (stryCov_9fa48("206"), i + 1)}`);
        }
      }
      return from;
    }
  }
  emit(): string {
    if (stryMutAct_9fa48("207")) {
      {}
    } else {
      stryCov_9fa48("207");
      const p = this.plan;
      const q = this.d.quote;
      const j = p.root.input;
      const ctes: string[] = stryMutAct_9fa48("208") ? ["Stryker was here"] : (stryCov_9fa48("208"), []);
      let theSpine = j.spine;
      for (const a of j.inputs.flatMap(aggregatesOf)) {
        if (stryMutAct_9fa48("209")) {
          {}
        } else {
          stryCov_9fa48("209");
          if (stryMutAct_9fa48("212") ? !theSpine || a.bucketing.kind === 'spine' : stryMutAct_9fa48("211") ? false : stryMutAct_9fa48("210") ? true : (stryCov_9fa48("210", "211", "212"), (stryMutAct_9fa48("213") ? theSpine : (stryCov_9fa48("213"), !theSpine)) && (stryMutAct_9fa48("215") ? a.bucketing.kind !== 'spine' : stryMutAct_9fa48("214") ? true : (stryCov_9fa48("214", "215"), a.bucketing.kind === (stryMutAct_9fa48("216") ? "" : (stryCov_9fa48("216"), 'spine')))))) theSpine = a.bucketing.spine;
        }
      }
      if (stryMutAct_9fa48("218") ? false : stryMutAct_9fa48("217") ? true : (stryCov_9fa48("217", "218"), theSpine)) {
        if (stryMutAct_9fa48("219")) {
          {}
        } else {
          stryCov_9fa48("219");
          const buckets = spineSizeBound(theSpine.grain, p.range.start, p.range.end);
          if (stryMutAct_9fa48("223") ? buckets <= this.d.flags.maxSpineBuckets : stryMutAct_9fa48("222") ? buckets >= this.d.flags.maxSpineBuckets : stryMutAct_9fa48("221") ? false : stryMutAct_9fa48("220") ? true : (stryCov_9fa48("220", "221", "222", "223"), buckets > this.d.flags.maxSpineBuckets)) {
            if (stryMutAct_9fa48("224")) {
              {}
            } else {
              stryCov_9fa48("224");
              unsupported(stryMutAct_9fa48("225") ? `` : (stryCov_9fa48("225"), `a spine of about ${buckets} ${theSpine.grain} buckets`), this.d.name, stryMutAct_9fa48("226") ? `` : (stryCov_9fa48("226"), `at most ${this.d.flags.maxSpineBuckets}; use a coarser grain or a shorter range`));
            }
          }
          const body = theSpine.grain ? this.d.spine(theSpine.grain, p.timezone, this.start, this.end) : stryMutAct_9fa48("227") ? `` : (stryCov_9fa48("227"), `SELECT ${this.start} AS bucket, ${this.start} AS lo, ${this.end} AS hi`);
          ctes.push(stryMutAct_9fa48("228") ? `` : (stryCov_9fa48("228"), `spine AS (${body})`));
        }
      }
      for (const m of j.inputs) ctes.push(stryMutAct_9fa48("229") ? `` : (stryCov_9fa48("229"), `${q(m.name)} AS (${this.measure(m, j.timed)})`));
      ctes.push(stryMutAct_9fa48("230") ? `` : (stryCov_9fa48("230"), `joined AS (${this.joined(j)})`));
      const from = this.sharedValues(ctes);
      const select = stryMutAct_9fa48("231") ? [] : (stryCov_9fa48("231"), [stryMutAct_9fa48("232") ? `` : (stryCov_9fa48("232"), `${j.timed ? this.d.epochMs(stryMutAct_9fa48("233") ? "" : (stryCov_9fa48("233"), 'j.bucket')) : stryMutAct_9fa48("234") ? "" : (stryCov_9fa48("234"), 'NULL')} AS ${q(stryMutAct_9fa48("235") ? "" : (stryCov_9fa48("235"), 'time'))}`), ...p.dimensions.map(stryMutAct_9fa48("236") ? () => undefined : (stryCov_9fa48("236"), (name, i) => stryMutAct_9fa48("237") ? `` : (stryCov_9fa48("237"), `j.d${i} AS ${q(name)}`))), stryMutAct_9fa48("238") ? `` : (stryCov_9fa48("238"), `${this.x.value(p.root.value)} AS ${q(stryMutAct_9fa48("239") ? "" : (stryCov_9fa48("239"), 'value'))}`)]);
      const order = stryMutAct_9fa48("240") ? [] : (stryCov_9fa48("240"), [...(j.timed ? stryMutAct_9fa48("241") ? [] : (stryCov_9fa48("241"), [stryMutAct_9fa48("242") ? "" : (stryCov_9fa48("242"), '1')]) : stryMutAct_9fa48("243") ? ["Stryker was here"] : (stryCov_9fa48("243"), [])), ...p.dimensions.map(stryMutAct_9fa48("244") ? () => undefined : (stryCov_9fa48("244"), (_, i) => String(stryMutAct_9fa48("245") ? i - 2 : (stryCov_9fa48("245"), i + 2))))]);
      return stryMutAct_9fa48("246") ? `` : (stryCov_9fa48("246"), `WITH ${ctes.join(stryMutAct_9fa48("247") ? "" : (stryCov_9fa48("247"), ',\n'))}\nSELECT ${select.join(stryMutAct_9fa48("248") ? "" : (stryCov_9fa48("248"), ', '))}\nFROM ${from} j${order.length ? stryMutAct_9fa48("249") ? `` : (stryCov_9fa48("249"), `\nORDER BY ${order.join(stryMutAct_9fa48("250") ? "" : (stryCov_9fa48("250"), ', '))}`) : stryMutAct_9fa48("251") ? "Stryker was here!" : (stryCov_9fa48("251"), '')}`);
    }
  }
}

/** Compiles a plan to SQL in one dialect, or throws CompileError naming what the dialect cannot do. */
export function emitSql(plan: Plan, dialect: Dialect, catalog: Catalog, options: EmitOptions = {}): EmittedSql {
  if (stryMutAct_9fa48("252")) {
    {}
  } else {
    stryCov_9fa48("252");
    if (stryMutAct_9fa48("255") ? false : stryMutAct_9fa48("254") ? true : stryMutAct_9fa48("253") ? dialect.flags.federated : (stryCov_9fa48("253", "254", "255"), !dialect.flags.federated)) {
      if (stryMutAct_9fa48("256")) {
        {}
      } else {
        stryCov_9fa48("256");
        const connections = connectionsOf(plan, catalog);
        if (stryMutAct_9fa48("260") ? connections.length <= 1 : stryMutAct_9fa48("259") ? connections.length >= 1 : stryMutAct_9fa48("258") ? false : stryMutAct_9fa48("257") ? true : (stryCov_9fa48("257", "258", "259", "260"), connections.length > 1)) {
          if (stryMutAct_9fa48("261")) {
            {}
          } else {
            stryCov_9fa48("261");
            unsupported(stryMutAct_9fa48("262") ? `` : (stryCov_9fa48("262"), `a query over connections ${connections.join(stryMutAct_9fa48("263") ? "" : (stryCov_9fa48("263"), ', '))}`), dialect.name, stryMutAct_9fa48("264") ? "" : (stryCov_9fa48("264"), 'one PostgreSQL connection cannot read another; use trino'));
          }
        }
      }
    }
    const e = new Emitter(dialect, catalog, plan);
    const limit = options.rowLimit;
    const text = (stryMutAct_9fa48("267") ? limit !== undefined : stryMutAct_9fa48("266") ? false : stryMutAct_9fa48("265") ? true : (stryCov_9fa48("265", "266", "267"), limit === undefined)) ? e.emit() : stryMutAct_9fa48("268") ? `` : (stryCov_9fa48("268"), `${e.emit()}\nLIMIT ${Math.trunc(limit)}`);
    if (stryMutAct_9fa48("272") ? text.length <= LIMITS.MAX_SQL_CHARS : stryMutAct_9fa48("271") ? text.length >= LIMITS.MAX_SQL_CHARS : stryMutAct_9fa48("270") ? false : stryMutAct_9fa48("269") ? true : (stryCov_9fa48("269", "270", "271", "272"), text.length > LIMITS.MAX_SQL_CHARS)) {
      if (stryMutAct_9fa48("273")) {
        {}
      } else {
        stryCov_9fa48("273");
        throw new CompileError(stryMutAct_9fa48("274") ? "" : (stryCov_9fa48("274"), 'limit-exceeded'), stryMutAct_9fa48("275") ? `` : (stryCov_9fa48("275"), `the SQL for KPI "${plan.kpi}" would be ${text.length} characters; ${limitText(stryMutAct_9fa48("276") ? "" : (stryCov_9fa48("276"), 'MAX_SQL_CHARS'))}`));
      }
    }
    const {
      sql,
      params
    } = e.params.finish(text, dialect.placeholders);
    return stryMutAct_9fa48("277") ? {} : (stryCov_9fa48("277"), {
      sql,
      params,
      dialect: dialect.name
    });
  }
}