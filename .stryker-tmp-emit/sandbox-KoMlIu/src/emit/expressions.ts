/**
 * Expressions in SQL for one dialect: row expressions over a scan's aliases (measure arguments,
 * filters), value expressions over the joined measures (the formula), and aggregate calls. Literals
 * are bound as parameters through the emitter's sink; division is safe (NULL on zero) and never
 * truncates. The relations around them (aggregates, stitches, the join, the final SELECT) are emit.ts.
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
import type { TableRef } from '../catalog/types.ts';
import { assertNever, type RowExpr } from '../ir/kpi.ts';
import { CompileError } from '../plan/errors.ts';
import type { Aggregate, ValueExpr } from '../plan/nodes.ts';
import { type Dialect, unsupported } from './dialect.ts';
import { sqlNumber } from './literal.ts';
import type { ParamSink } from './params.ts';
const BINARY_SQL: Record<string, string> = stryMutAct_9fa48("0") ? {} : (stryCov_9fa48("0"), {
  '+': stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), '+'),
  '-': stryMutAct_9fa48("2") ? "" : (stryCov_9fa48("2"), '-'),
  '*': stryMutAct_9fa48("3") ? "" : (stryCov_9fa48("3"), '*'),
  '=': stryMutAct_9fa48("4") ? "" : (stryCov_9fa48("4"), '='),
  '!=': stryMutAct_9fa48("5") ? "" : (stryCov_9fa48("5"), '<>'),
  '<': stryMutAct_9fa48("6") ? "" : (stryCov_9fa48("6"), '<'),
  '<=': stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), '<='),
  '>': stryMutAct_9fa48("8") ? "" : (stryCov_9fa48("8"), '>'),
  '>=': stryMutAct_9fa48("9") ? "" : (stryCov_9fa48("9"), '>='),
  and: stryMutAct_9fa48("10") ? "" : (stryCov_9fa48("10"), 'AND'),
  or: stryMutAct_9fa48("11") ? "" : (stryCov_9fa48("11"), 'OR')
});
export class Expressions {
  constructor(readonly d: Dialect, readonly params: ParamSink) {}
  literal(value: string | number | boolean | null, context: 'row' | 'value'): string {
    if (stryMutAct_9fa48("12")) {
      {}
    } else {
      stryCov_9fa48("12");
      if (stryMutAct_9fa48("15") ? value !== null : stryMutAct_9fa48("14") ? false : stryMutAct_9fa48("13") ? true : (stryCov_9fa48("13", "14", "15"), value === null)) return stryMutAct_9fa48("16") ? "" : (stryCov_9fa48("16"), 'NULL');
      if (stryMutAct_9fa48("19") ? typeof value !== 'boolean' : stryMutAct_9fa48("18") ? false : stryMutAct_9fa48("17") ? true : (stryCov_9fa48("17", "18", "19"), typeof value === (stryMutAct_9fa48("20") ? "" : (stryCov_9fa48("20"), 'boolean')))) return value ? stryMutAct_9fa48("21") ? "" : (stryCov_9fa48("21"), 'TRUE') : stryMutAct_9fa48("22") ? "" : (stryCov_9fa48("22"), 'FALSE');
      if (stryMutAct_9fa48("25") ? typeof value !== 'number' : stryMutAct_9fa48("24") ? false : stryMutAct_9fa48("23") ? true : (stryCov_9fa48("23", "24", "25"), typeof value === (stryMutAct_9fa48("26") ? "" : (stryCov_9fa48("26"), 'number')))) {
        if (stryMutAct_9fa48("27")) {
          {}
        } else {
          stryCov_9fa48("27");
          const text = sqlNumber(value);
          return Number.isInteger(value) ? text : stryMutAct_9fa48("28") ? `` : (stryCov_9fa48("28"), `CAST(${text} AS ${this.d.doubleType})`);
        }
      }
      const marker = this.params.add(stryMutAct_9fa48("29") ? {} : (stryCov_9fa48("29"), {
        type: stryMutAct_9fa48("30") ? "" : (stryCov_9fa48("30"), 'string'),
        value
      }));
      return (stryMutAct_9fa48("33") ? context !== 'value' : stryMutAct_9fa48("32") ? false : stryMutAct_9fa48("31") ? true : (stryCov_9fa48("31", "32", "33"), context === (stryMutAct_9fa48("34") ? "" : (stryCov_9fa48("34"), 'value')))) ? this.d.stringParam(marker) : marker;
    }
  }

  /** Safe division: a zero divisor gives NULL; both sides as double so integers never truncate. */
  divide(left: string, right: string): string {
    if (stryMutAct_9fa48("35")) {
      {}
    } else {
      stryCov_9fa48("35");
      const t = this.d.doubleType;
      return stryMutAct_9fa48("36") ? `` : (stryCov_9fa48("36"), `CAST(${left} AS ${t}) / NULLIF(CAST(${right} AS ${t}), 0)`);
    }
  }
  row(e: RowExpr, alias: (t: TableRef) => string): string {
    if (stryMutAct_9fa48("37")) {
      {}
    } else {
      stryCov_9fa48("37");
      const r = stryMutAct_9fa48("38") ? () => undefined : (stryCov_9fa48("38"), (() => {
        const r = (x: RowExpr) => this.row(x, alias);
        return r;
      })());
      switch (e.kind) {
        case stryMutAct_9fa48("40") ? "" : (stryCov_9fa48("40"), 'literal'):
          if (stryMutAct_9fa48("39")) {} else {
            stryCov_9fa48("39");
            return this.literal(e.value, stryMutAct_9fa48("41") ? "" : (stryCov_9fa48("41"), 'row'));
          }
        case stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), 'duration'):
          if (stryMutAct_9fa48("42")) {} else {
            stryCov_9fa48("42");
            return unsupported(stryMutAct_9fa48("44") ? "" : (stryCov_9fa48("44"), 'a duration inside a row expression'), this.d.name, stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'durations belong to windows'));
          }
        case stryMutAct_9fa48("47") ? "" : (stryCov_9fa48("47"), 'column'):
          if (stryMutAct_9fa48("46")) {} else {
            stryCov_9fa48("46");
            return stryMutAct_9fa48("48") ? `` : (stryCov_9fa48("48"), `${alias(e.table)}.${this.d.quote(e.column)}`);
          }
        case stryMutAct_9fa48("50") ? "" : (stryCov_9fa48("50"), 'dimension'):
          if (stryMutAct_9fa48("49")) {} else {
            stryCov_9fa48("49");
            throw new CompileError(stryMutAct_9fa48("51") ? "" : (stryCov_9fa48("51"), 'invalid-query'), stryMutAct_9fa48("52") ? `` : (stryCov_9fa48("52"), `dimension "${e.name}" was not resolved by the planner`));
          }
        case stryMutAct_9fa48("54") ? "" : (stryCov_9fa48("54"), 'binary'):
          if (stryMutAct_9fa48("53")) {} else {
            stryCov_9fa48("53");
            return this.binary(e.op, r(e.left), r(e.right));
          }
        case stryMutAct_9fa48("56") ? "" : (stryCov_9fa48("56"), 'unary'):
          if (stryMutAct_9fa48("55")) {} else {
            stryCov_9fa48("55");
            return (stryMutAct_9fa48("59") ? e.op !== 'not' : stryMutAct_9fa48("58") ? false : stryMutAct_9fa48("57") ? true : (stryCov_9fa48("57", "58", "59"), e.op === (stryMutAct_9fa48("60") ? "" : (stryCov_9fa48("60"), 'not')))) ? stryMutAct_9fa48("61") ? `` : (stryCov_9fa48("61"), `(NOT ${r(e.operand)})`) : stryMutAct_9fa48("62") ? `` : (stryCov_9fa48("62"), `(-${r(e.operand)})`);
          }
        case stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), 'call'):
          if (stryMutAct_9fa48("63")) {} else {
            stryCov_9fa48("63");
            return this.call(e.fn, e.args.map(r));
          }
        case stryMutAct_9fa48("66") ? "" : (stryCov_9fa48("66"), 'case'):
          if (stryMutAct_9fa48("65")) {} else {
            stryCov_9fa48("65");
            return stryMutAct_9fa48("67") ? `` : (stryCov_9fa48("67"), `CASE ${e.whens.map(stryMutAct_9fa48("68") ? () => undefined : (stryCov_9fa48("68"), w => stryMutAct_9fa48("69") ? `` : (stryCov_9fa48("69"), `WHEN ${r(w.when)} THEN ${r(w.then)}`))).join(stryMutAct_9fa48("70") ? "" : (stryCov_9fa48("70"), ' '))}${e.else ? stryMutAct_9fa48("71") ? `` : (stryCov_9fa48("71"), ` ELSE ${r(e.else)}`) : stryMutAct_9fa48("72") ? "Stryker was here!" : (stryCov_9fa48("72"), '')} END`);
          }
        case stryMutAct_9fa48("74") ? "" : (stryCov_9fa48("74"), 'in'):
          if (stryMutAct_9fa48("73")) {} else {
            stryCov_9fa48("73");
            return stryMutAct_9fa48("75") ? `` : (stryCov_9fa48("75"), `(${r(e.operand)}${e.negated ? stryMutAct_9fa48("76") ? "" : (stryCov_9fa48("76"), ' NOT') : stryMutAct_9fa48("77") ? "Stryker was here!" : (stryCov_9fa48("77"), '')} IN (${e.values.map(r).join(stryMutAct_9fa48("78") ? "" : (stryCov_9fa48("78"), ', '))}))`);
          }
        case stryMutAct_9fa48("80") ? "" : (stryCov_9fa48("80"), 'between'):
          if (stryMutAct_9fa48("79")) {} else {
            stryCov_9fa48("79");
            return stryMutAct_9fa48("81") ? `` : (stryCov_9fa48("81"), `(${r(e.operand)}${e.negated ? stryMutAct_9fa48("82") ? "" : (stryCov_9fa48("82"), ' NOT') : stryMutAct_9fa48("83") ? "Stryker was here!" : (stryCov_9fa48("83"), '')} BETWEEN ${r(e.low)} AND ${r(e.high)})`);
          }
        case stryMutAct_9fa48("85") ? "" : (stryCov_9fa48("85"), 'is_null'):
          if (stryMutAct_9fa48("84")) {} else {
            stryCov_9fa48("84");
            return stryMutAct_9fa48("86") ? `` : (stryCov_9fa48("86"), `(${r(e.operand)} IS${e.negated ? stryMutAct_9fa48("87") ? "" : (stryCov_9fa48("87"), ' NOT') : stryMutAct_9fa48("88") ? "Stryker was here!" : (stryCov_9fa48("88"), '')} NULL)`);
          }
        case stryMutAct_9fa48("90") ? "" : (stryCov_9fa48("90"), 'like'):
          if (stryMutAct_9fa48("89")) {} else {
            stryCov_9fa48("89");
            return stryMutAct_9fa48("91") ? `` : (stryCov_9fa48("91"), `(${this.d.like(r(e.operand), r(e.pattern), e.negated)})`);
          }
        default:
          if (stryMutAct_9fa48("92")) {} else {
            stryCov_9fa48("92");
            return assertNever(e, stryMutAct_9fa48("93") ? "" : (stryCov_9fa48("93"), 'row expression'));
          }
      }
    }
  }
  value(e: ValueExpr): string {
    if (stryMutAct_9fa48("94")) {
      {}
    } else {
      stryCov_9fa48("94");
      const v = stryMutAct_9fa48("95") ? () => undefined : (stryCov_9fa48("95"), (() => {
        const v = (x: ValueExpr) => this.value(x);
        return v;
      })());
      switch (e.kind) {
        case stryMutAct_9fa48("97") ? "" : (stryCov_9fa48("97"), 'literal'):
          if (stryMutAct_9fa48("96")) {} else {
            stryCov_9fa48("96");
            return this.literal(e.value, stryMutAct_9fa48("98") ? "" : (stryCov_9fa48("98"), 'value'));
          }
        case stryMutAct_9fa48("100") ? "" : (stryCov_9fa48("100"), 'col'):
          if (stryMutAct_9fa48("99")) {} else {
            stryCov_9fa48("99");
            return stryMutAct_9fa48("101") ? `` : (stryCov_9fa48("101"), `j.${this.d.quote(e.name)}`);
          }
        case stryMutAct_9fa48("103") ? "" : (stryCov_9fa48("103"), 'zero_fill'):
          if (stryMutAct_9fa48("102")) {} else {
            stryCov_9fa48("102");
            return stryMutAct_9fa48("104") ? `` : (stryCov_9fa48("104"), `COALESCE(${v(e.operand)}, 0)`);
          }
        case stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 'binary'):
          if (stryMutAct_9fa48("105")) {} else {
            stryCov_9fa48("105");
            return this.binary(e.op, v(e.left), v(e.right));
          }
        case stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), 'unary'):
          if (stryMutAct_9fa48("107")) {} else {
            stryCov_9fa48("107");
            return (stryMutAct_9fa48("111") ? e.op !== 'not' : stryMutAct_9fa48("110") ? false : stryMutAct_9fa48("109") ? true : (stryCov_9fa48("109", "110", "111"), e.op === (stryMutAct_9fa48("112") ? "" : (stryCov_9fa48("112"), 'not')))) ? stryMutAct_9fa48("113") ? `` : (stryCov_9fa48("113"), `(NOT ${v(e.operand)})`) : stryMutAct_9fa48("114") ? `` : (stryCov_9fa48("114"), `(-${v(e.operand)})`);
          }
        case stryMutAct_9fa48("116") ? "" : (stryCov_9fa48("116"), 'call'):
          if (stryMutAct_9fa48("115")) {} else {
            stryCov_9fa48("115");
            return this.call(e.fn, e.args.map(v));
          }
        case stryMutAct_9fa48("118") ? "" : (stryCov_9fa48("118"), 'case'):
          if (stryMutAct_9fa48("117")) {} else {
            stryCov_9fa48("117");
            return stryMutAct_9fa48("119") ? `` : (stryCov_9fa48("119"), `CASE ${e.whens.map(stryMutAct_9fa48("120") ? () => undefined : (stryCov_9fa48("120"), w => stryMutAct_9fa48("121") ? `` : (stryCov_9fa48("121"), `WHEN ${v(w.when)} THEN ${v(w.then)}`))).join(stryMutAct_9fa48("122") ? "" : (stryCov_9fa48("122"), ' '))}${e.else ? stryMutAct_9fa48("123") ? `` : (stryCov_9fa48("123"), ` ELSE ${v(e.else)}`) : stryMutAct_9fa48("124") ? "Stryker was here!" : (stryCov_9fa48("124"), '')} END`);
          }
        case stryMutAct_9fa48("126") ? "" : (stryCov_9fa48("126"), 'in'):
          if (stryMutAct_9fa48("125")) {} else {
            stryCov_9fa48("125");
            return stryMutAct_9fa48("127") ? `` : (stryCov_9fa48("127"), `(${v(e.operand)}${e.negated ? stryMutAct_9fa48("128") ? "" : (stryCov_9fa48("128"), ' NOT') : stryMutAct_9fa48("129") ? "Stryker was here!" : (stryCov_9fa48("129"), '')} IN (${e.values.map(v).join(stryMutAct_9fa48("130") ? "" : (stryCov_9fa48("130"), ', '))}))`);
          }
        case stryMutAct_9fa48("132") ? "" : (stryCov_9fa48("132"), 'between'):
          if (stryMutAct_9fa48("131")) {} else {
            stryCov_9fa48("131");
            return stryMutAct_9fa48("133") ? `` : (stryCov_9fa48("133"), `(${v(e.operand)}${e.negated ? stryMutAct_9fa48("134") ? "" : (stryCov_9fa48("134"), ' NOT') : stryMutAct_9fa48("135") ? "Stryker was here!" : (stryCov_9fa48("135"), '')} BETWEEN ${v(e.low)} AND ${v(e.high)})`);
          }
        case stryMutAct_9fa48("137") ? "" : (stryCov_9fa48("137"), 'is_null'):
          if (stryMutAct_9fa48("136")) {} else {
            stryCov_9fa48("136");
            return stryMutAct_9fa48("138") ? `` : (stryCov_9fa48("138"), `(${v(e.operand)} IS${e.negated ? stryMutAct_9fa48("139") ? "" : (stryCov_9fa48("139"), ' NOT') : stryMutAct_9fa48("140") ? "Stryker was here!" : (stryCov_9fa48("140"), '')} NULL)`);
          }
        case stryMutAct_9fa48("142") ? "" : (stryCov_9fa48("142"), 'like'):
          if (stryMutAct_9fa48("141")) {} else {
            stryCov_9fa48("141");
            return stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `(${this.d.like(v(e.operand), v(e.pattern), e.negated)})`);
          }
        default:
          if (stryMutAct_9fa48("144")) {} else {
            stryCov_9fa48("144");
            return assertNever(e, stryMutAct_9fa48("145") ? "" : (stryCov_9fa48("145"), 'value expression'));
          }
      }
    }
  }
  binary(op: string, l: string, r: string): string {
    if (stryMutAct_9fa48("146")) {
      {}
    } else {
      stryCov_9fa48("146");
      if (stryMutAct_9fa48("149") ? op !== '/' : stryMutAct_9fa48("148") ? false : stryMutAct_9fa48("147") ? true : (stryCov_9fa48("147", "148", "149"), op === (stryMutAct_9fa48("150") ? "" : (stryCov_9fa48("150"), '/')))) return stryMutAct_9fa48("151") ? `` : (stryCov_9fa48("151"), `(${this.divide(l, r)})`);
      if (stryMutAct_9fa48("154") ? op !== '%' : stryMutAct_9fa48("153") ? false : stryMutAct_9fa48("152") ? true : (stryCov_9fa48("152", "153", "154"), op === (stryMutAct_9fa48("155") ? "" : (stryCov_9fa48("155"), '%')))) return stryMutAct_9fa48("156") ? `` : (stryCov_9fa48("156"), `(${l} % NULLIF(${r}, 0))`);
      const sql = BINARY_SQL[op];
      if (stryMutAct_9fa48("159") ? false : stryMutAct_9fa48("158") ? true : stryMutAct_9fa48("157") ? sql : (stryCov_9fa48("157", "158", "159"), !sql)) throw new CompileError(stryMutAct_9fa48("160") ? "" : (stryCov_9fa48("160"), 'unsupported'), stryMutAct_9fa48("161") ? `` : (stryCov_9fa48("161"), `operator ${op} is unknown to the ${this.d.name} dialect`));
      return stryMutAct_9fa48("162") ? `` : (stryCov_9fa48("162"), `(${l} ${sql} ${r})`);
    }
  }
  call(fn: string, args: string[]): string {
    if (stryMutAct_9fa48("163")) {
      {}
    } else {
      stryCov_9fa48("163");
      switch (fn) {
        case stryMutAct_9fa48("165") ? "" : (stryCov_9fa48("165"), 'round'):
          if (stryMutAct_9fa48("164")) {} else {
            stryCov_9fa48("164");
            return this.d.round(args[0]!, stryMutAct_9fa48("166") ? args[1] && null : (stryCov_9fa48("166"), args[1] ?? null));
          }
        case stryMutAct_9fa48("167") ? "" : (stryCov_9fa48("167"), 'coalesce'):
        case stryMutAct_9fa48("168") ? "" : (stryCov_9fa48("168"), 'nullif'):
        case stryMutAct_9fa48("169") ? "" : (stryCov_9fa48("169"), 'abs'):
        case stryMutAct_9fa48("170") ? "" : (stryCov_9fa48("170"), 'least'):
        case stryMutAct_9fa48("172") ? "" : (stryCov_9fa48("172"), 'greatest'):
          if (stryMutAct_9fa48("171")) {} else {
            stryCov_9fa48("171");
            return stryMutAct_9fa48("173") ? `` : (stryCov_9fa48("173"), `${fn}(${args.join(stryMutAct_9fa48("174") ? "" : (stryCov_9fa48("174"), ', '))})`);
          }
        default:
          if (stryMutAct_9fa48("175")) {} else {
            stryCov_9fa48("175");
            throw new CompileError(stryMutAct_9fa48("176") ? "" : (stryCov_9fa48("176"), 'unsupported'), stryMutAct_9fa48("177") ? `` : (stryCov_9fa48("177"), `function ${fn} is unknown to the ${this.d.name} dialect`));
          }
      }
    }
  }
  aggregateCall(a: Aggregate, arg: string | null): string {
    if (stryMutAct_9fa48("178")) {
      {}
    } else {
      stryCov_9fa48("178");
      const x = stryMutAct_9fa48("179") ? arg && '*' : (stryCov_9fa48("179"), arg ?? (stryMutAct_9fa48("180") ? "" : (stryCov_9fa48("180"), '*')));
      switch (a.fn) {
        case stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'sum'):
          if (stryMutAct_9fa48("181")) {} else {
            stryCov_9fa48("181");
            return stryMutAct_9fa48("183") ? `` : (stryCov_9fa48("183"), `SUM(${x})`);
          }
        case stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'count'):
          if (stryMutAct_9fa48("184")) {} else {
            stryCov_9fa48("184");
            return stryMutAct_9fa48("186") ? `` : (stryCov_9fa48("186"), `COUNT(${x})`);
          }
        case stryMutAct_9fa48("188") ? "" : (stryCov_9fa48("188"), 'count_distinct'):
          if (stryMutAct_9fa48("187")) {} else {
            stryCov_9fa48("187");
            return stryMutAct_9fa48("189") ? `` : (stryCov_9fa48("189"), `COUNT(DISTINCT ${x})`);
          }
        case stryMutAct_9fa48("191") ? "" : (stryCov_9fa48("191"), 'avg'):
          if (stryMutAct_9fa48("190")) {} else {
            stryCov_9fa48("190");
            // SUM of a decimal or integer is exact in every engine, so the quotient is the same double
            // everywhere (AVG's own summation order differs between Trino and PostgreSQL).
            return stryMutAct_9fa48("192") ? `` : (stryCov_9fa48("192"), `CAST(SUM(${x}) AS ${this.d.doubleType}) / COUNT(${x})`);
          }
        case stryMutAct_9fa48("194") ? "" : (stryCov_9fa48("194"), 'min'):
          if (stryMutAct_9fa48("193")) {} else {
            stryCov_9fa48("193");
            return stryMutAct_9fa48("195") ? `` : (stryCov_9fa48("195"), `MIN(${x})`);
          }
        case stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'max'):
          if (stryMutAct_9fa48("196")) {} else {
            stryCov_9fa48("196");
            return stryMutAct_9fa48("198") ? `` : (stryCov_9fa48("198"), `MAX(${x})`);
          }
        case stryMutAct_9fa48("200") ? "" : (stryCov_9fa48("200"), 'approx_distinct'):
          if (stryMutAct_9fa48("199")) {} else {
            stryCov_9fa48("199");
            if (stryMutAct_9fa48("203") ? false : stryMutAct_9fa48("202") ? true : stryMutAct_9fa48("201") ? this.d.flags.approxDistinct : (stryCov_9fa48("201", "202", "203"), !this.d.flags.approxDistinct)) {
              if (stryMutAct_9fa48("204")) {
                {}
              } else {
                stryCov_9fa48("204");
                unsupported(stryMutAct_9fa48("205") ? "" : (stryCov_9fa48("205"), 'approx_distinct'), this.d.name, stryMutAct_9fa48("206") ? "" : (stryCov_9fa48("206"), 'no sketch aggregate; run it through trino'));
              }
            }
            return stryMutAct_9fa48("207") ? `` : (stryCov_9fa48("207"), `approx_distinct(${x})`);
          }
        case stryMutAct_9fa48("209") ? "" : (stryCov_9fa48("209"), 'percentile'):
          if (stryMutAct_9fa48("208")) {} else {
            stryCov_9fa48("208");
            {
              if (stryMutAct_9fa48("210")) {
                {}
              } else {
                stryCov_9fa48("210");
                const f = sqlNumber(stryMutAct_9fa48("211") ? a.fraction && 0.5 : (stryCov_9fa48("211"), a.fraction ?? 0.5));
                if (stryMutAct_9fa48("213") ? false : stryMutAct_9fa48("212") ? true : (stryCov_9fa48("212", "213"), this.d.flags.exactPercentile)) return stryMutAct_9fa48("214") ? `` : (stryCov_9fa48("214"), `percentile_cont(${f}) WITHIN GROUP (ORDER BY ${x})`);
                unsupported(stryMutAct_9fa48("215") ? "" : (stryCov_9fa48("215"), 'an exact percentile'), this.d.name, stryMutAct_9fa48("216") ? `` : (stryCov_9fa48("216"), `only approx_percentile exists there (measure ${a.source})`));
                break;
              }
            }
          }
        default:
          if (stryMutAct_9fa48("217")) {} else {
            stryCov_9fa48("217");
            return assertNever(a.fn, stryMutAct_9fa48("218") ? "" : (stryCov_9fa48("218"), 'aggregate function'));
          }
      }
      return stryMutAct_9fa48("219") ? "Stryker was here!" : (stryCov_9fa48("219"), '');
    }
  }
}