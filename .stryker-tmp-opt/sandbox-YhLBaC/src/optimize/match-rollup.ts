/**
 * Whether a rollup can stand in for one measure instance at all — everything but time coverage, which
 * tiles.ts decides — and, when it can, how to rewrite the instance over any window: the rollup's
 * aggregates for a window of complete rollup buckets, the raw aggregates for any other window, and how
 * both re-aggregate (the outputs line up by name, so a stitch combines them).
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
import type { AggregateFn, ColumnRef, RowExpr } from '../ir/kpi.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { type Aggregate, aggregate, type Combine, deepFreeze, filter, scan, type TimeWindow, type ValueExpr } from '../plan/nodes.ts';
import { tableKey } from '../plan/paths.ts';
import { BUCKET_COLUMN, measureColumn, rollupRef } from '../rollup/names.ts';
import { grainCovers, sameZone } from './align.ts';
import { columnsOf, rebaseColumns, sameExpr } from './rewrite.ts';
import type { OptimizeContext } from './types.ts';

/** One output of an instance: its rollup and raw aggregates over a window, and how they combine. */
export interface Output {
  readonly name: string;
  readonly combine: Combine;
  readonly rollup: (window: TimeWindow) => Aggregate;
  readonly raw: (window: TimeWindow) => Aggregate;
}
export interface Rewrite {
  readonly rollup: RollupDef;
  /** One output, or two for avg (`_sum`, `_n`). */
  readonly outputs: readonly Output[];
  /** Replacement for `col(instance)` in the formula, when the value is not one column any more. */
  readonly value: ValueExpr | null;
}
const NEVER: Partial<Record<AggregateFn, string>> = stryMutAct_9fa48("0") ? {} : (stryCov_9fa48("0"), {
  count_distinct: stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), 'count distinct cannot be re-aggregated from a rollup'),
  approx_distinct: stryMutAct_9fa48("2") ? "" : (stryCov_9fa48("2"), 'approximate distinct needs a sketch, which no rollup stores'),
  percentile: stryMutAct_9fa48("3") ? "" : (stryCov_9fa48("3"), 'a percentile cannot be re-aggregated from a rollup')
});
const col = stryMutAct_9fa48("4") ? () => undefined : (stryCov_9fa48("4"), (() => {
  const col = (name: string): ValueExpr => deepFreeze({
    kind: 'col',
    name
  }) as ValueExpr;
  return col;
})());
function plainColumn(a: Aggregate): ColumnRef | null | 'expr' {
  if (stryMutAct_9fa48("5")) {
    {}
  } else {
    stryCov_9fa48("5");
    if (stryMutAct_9fa48("8") ? a.arg !== null : stryMutAct_9fa48("7") ? false : stryMutAct_9fa48("6") ? true : (stryCov_9fa48("6", "7", "8"), a.arg === null)) return null;
    if (stryMutAct_9fa48("11") ? a.arg.kind === 'column' : stryMutAct_9fa48("10") ? false : stryMutAct_9fa48("9") ? true : (stryCov_9fa48("9", "10", "11"), a.arg.kind !== (stryMutAct_9fa48("12") ? "" : (stryCov_9fa48("12"), 'column')))) return stryMutAct_9fa48("13") ? "" : (stryCov_9fa48("13"), 'expr');
    return (stryMutAct_9fa48("16") ? tableKey(a.arg.table) !== tableKey(a.input.input.table) : stryMutAct_9fa48("15") ? false : stryMutAct_9fa48("14") ? true : (stryCov_9fa48("14", "15", "16"), tableKey(a.arg.table) === tableKey(a.input.input.table))) ? a.arg : stryMutAct_9fa48("17") ? "" : (stryCov_9fa48("17"), 'expr');
  }
}
const sourceTimeColumn = stryMutAct_9fa48("18") ? () => undefined : (stryCov_9fa48("18"), (() => {
  const sourceTimeColumn = (ctx: OptimizeContext, r: RollupDef): string => stryMutAct_9fa48("19") ? ctx.catalog.sources[r.table.source]?.tables[r.table.table]?.timeColumn && '' : (stryCov_9fa48("19"), (stryMutAct_9fa48("21") ? ctx.catalog.sources[r.table.source].tables[r.table.table]?.timeColumn : stryMutAct_9fa48("20") ? ctx.catalog.sources[r.table.source]?.tables[r.table.table].timeColumn : (stryCov_9fa48("20", "21"), ctx.catalog.sources[r.table.source]?.tables[r.table.table]?.timeColumn)) ?? (stryMutAct_9fa48("22") ? "Stryker was here!" : (stryCov_9fa48("22"), '')));
  return sourceTimeColumn;
})());

/** Why rollup `r` can never answer instance `a`, whatever the range; else how to rewrite it. */
export function matchRollup(a: Aggregate, r: RollupDef, ctx: OptimizeContext): Rewrite | string[] {
  if (stryMutAct_9fa48("23")) {
    {}
  } else {
    stryCov_9fa48("23");
    const reasons: string[] = stryMutAct_9fa48("24") ? ["Stryker was here"] : (stryCov_9fa48("24"), []);
    const s = a.input.input;
    if (stryMutAct_9fa48("27") ? tableKey(s.table) === tableKey(r.table) : stryMutAct_9fa48("26") ? false : stryMutAct_9fa48("25") ? true : (stryCov_9fa48("25", "26", "27"), tableKey(s.table) !== tableKey(r.table))) return stryMutAct_9fa48("28") ? [] : (stryCov_9fa48("28"), [stryMutAct_9fa48("29") ? `` : (stryCov_9fa48("29"), `reads ${tableKey(s.table)}, not ${tableKey(r.table)}`)]);
    const b = a.bucketing;
    if (stryMutAct_9fa48("32") ? b.kind === 'truncate' : stryMutAct_9fa48("31") ? false : stryMutAct_9fa48("30") ? true : (stryCov_9fa48("30", "31", "32"), b.kind !== (stryMutAct_9fa48("33") ? "" : (stryCov_9fa48("33"), 'truncate')))) {
      if (stryMutAct_9fa48("34")) {
        {}
      } else {
        stryCov_9fa48("34");
        reasons.push(stryMutAct_9fa48("35") ? `` : (stryCov_9fa48("35"), `measure \`${a.source}\` is windowed or interval-valid (evaluated over a spine: each bucket reads a window of source rows, which stitched plans do not split into rollup and raw pieces)`));
      }
    } else {
      if (stryMutAct_9fa48("36")) {
        {}
      } else {
        stryCov_9fa48("36");
        if (stryMutAct_9fa48("39") ? tableKey(b.time.table) !== tableKey(s.table) && b.time.column !== sourceTimeColumn(ctx, r) : stryMutAct_9fa48("38") ? false : stryMutAct_9fa48("37") ? true : (stryCov_9fa48("37", "38", "39"), (stryMutAct_9fa48("41") ? tableKey(b.time.table) === tableKey(s.table) : stryMutAct_9fa48("40") ? false : (stryCov_9fa48("40", "41"), tableKey(b.time.table) !== tableKey(s.table))) || (stryMutAct_9fa48("43") ? b.time.column === sourceTimeColumn(ctx, r) : stryMutAct_9fa48("42") ? false : (stryCov_9fa48("42", "43"), b.time.column !== sourceTimeColumn(ctx, r))))) {
          if (stryMutAct_9fa48("44")) {
            {}
          } else {
            stryCov_9fa48("44");
            reasons.push(stryMutAct_9fa48("45") ? `` : (stryCov_9fa48("45"), `measure \`${a.source}\` is bucketed on \`${b.time.column}\`, the rollup on its time column`));
          }
        }
        if (stryMutAct_9fa48("48") ? false : stryMutAct_9fa48("47") ? true : stryMutAct_9fa48("46") ? sameZone(b.timezone, r.timezone) : (stryCov_9fa48("46", "47", "48"), !sameZone(b.timezone, r.timezone))) {
          if (stryMutAct_9fa48("49")) {
            {}
          } else {
            stryCov_9fa48("49");
            reasons.push(stryMutAct_9fa48("50") ? `` : (stryCov_9fa48("50"), `query time zone ${b.timezone} is not the rollup's ${r.timezone}`));
          }
        }
        if (stryMutAct_9fa48("53") ? false : stryMutAct_9fa48("52") ? true : stryMutAct_9fa48("51") ? grainCovers(r.grain, b.grain) : (stryCov_9fa48("51", "52", "53"), !grainCovers(r.grain, b.grain))) reasons.push(stryMutAct_9fa48("54") ? `` : (stryCov_9fa48("54"), `query grain ${b.grain} is not a union of ${r.grain} buckets`));
      }
    }
    if (stryMutAct_9fa48("57") ? a.fraction !== null && NEVER[a.fn] : stryMutAct_9fa48("56") ? false : stryMutAct_9fa48("55") ? true : (stryCov_9fa48("55", "56", "57"), (stryMutAct_9fa48("59") ? a.fraction === null : stryMutAct_9fa48("58") ? false : (stryCov_9fa48("58", "59"), a.fraction !== null)) || NEVER[a.fn])) reasons.push(stryMutAct_9fa48("60") ? NEVER[a.fn] && `${a.fn} cannot be re-aggregated` : (stryCov_9fa48("60"), NEVER[a.fn] ?? (stryMutAct_9fa48("61") ? `` : (stryCov_9fa48("61"), `${a.fn} cannot be re-aggregated`))));
    const arg = plainColumn(a);
    if (stryMutAct_9fa48("64") ? arg !== 'expr' : stryMutAct_9fa48("63") ? false : stryMutAct_9fa48("62") ? true : (stryCov_9fa48("62", "63", "64"), arg === (stryMutAct_9fa48("65") ? "" : (stryCov_9fa48("65"), 'expr')))) reasons.push(stryMutAct_9fa48("66") ? `` : (stryCov_9fa48("66"), `the argument of \`${a.source}\` is an expression, not a stored column`));
    const has = stryMutAct_9fa48("67") ? () => undefined : (stryCov_9fa48("67"), (() => {
      const has = (fn: AggregateFn, column: string | null) => stryMutAct_9fa48("68") ? r.measures.every(m => m.fn === fn && m.column === column) : (stryCov_9fa48("68"), r.measures.some(stryMutAct_9fa48("69") ? () => undefined : (stryCov_9fa48("69"), m => stryMutAct_9fa48("72") ? m.fn === fn || m.column === column : stryMutAct_9fa48("71") ? false : stryMutAct_9fa48("70") ? true : (stryCov_9fa48("70", "71", "72"), (stryMutAct_9fa48("74") ? m.fn !== fn : stryMutAct_9fa48("73") ? true : (stryCov_9fa48("73", "74"), m.fn === fn)) && (stryMutAct_9fa48("76") ? m.column !== column : stryMutAct_9fa48("75") ? true : (stryCov_9fa48("75", "76"), m.column === column))))));
      return has;
    })());
    if (stryMutAct_9fa48("79") ? arg !== 'expr' || !NEVER[a.fn] : stryMutAct_9fa48("78") ? false : stryMutAct_9fa48("77") ? true : (stryCov_9fa48("77", "78", "79"), (stryMutAct_9fa48("81") ? arg === 'expr' : stryMutAct_9fa48("80") ? true : (stryCov_9fa48("80", "81"), arg !== (stryMutAct_9fa48("82") ? "" : (stryCov_9fa48("82"), 'expr')))) && (stryMutAct_9fa48("83") ? NEVER[a.fn] : (stryCov_9fa48("83"), !NEVER[a.fn])))) {
      if (stryMutAct_9fa48("84")) {
        {}
      } else {
        stryCov_9fa48("84");
        const c = stryMutAct_9fa48("85") ? arg?.column && null : (stryCov_9fa48("85"), (stryMutAct_9fa48("86") ? arg.column : (stryCov_9fa48("86"), arg?.column)) ?? null);
        const needed: [AggregateFn, string | null][] = (stryMutAct_9fa48("89") ? a.fn !== 'avg' : stryMutAct_9fa48("88") ? false : stryMutAct_9fa48("87") ? true : (stryCov_9fa48("87", "88", "89"), a.fn === (stryMutAct_9fa48("90") ? "" : (stryCov_9fa48("90"), 'avg')))) ? stryMutAct_9fa48("91") ? [] : (stryCov_9fa48("91"), [stryMutAct_9fa48("92") ? [] : (stryCov_9fa48("92"), [stryMutAct_9fa48("93") ? "" : (stryCov_9fa48("93"), 'sum'), c]), stryMutAct_9fa48("94") ? [] : (stryCov_9fa48("94"), [stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), 'count'), c])]) : stryMutAct_9fa48("96") ? [] : (stryCov_9fa48("96"), [stryMutAct_9fa48("97") ? [] : (stryCov_9fa48("97"), [a.fn, c])]);
        for (const [fn, column] of needed) {
          if (stryMutAct_9fa48("98")) {
            {}
          } else {
            stryCov_9fa48("98");
            if (stryMutAct_9fa48("101") ? false : stryMutAct_9fa48("100") ? true : stryMutAct_9fa48("99") ? has(fn, column) : (stryCov_9fa48("99", "100", "101"), !has(fn, column))) reasons.push(stryMutAct_9fa48("102") ? `` : (stryCov_9fa48("102"), `measure ${fn}(${stryMutAct_9fa48("103") ? column && '*' : (stryCov_9fa48("103"), column ?? (stryMutAct_9fa48("104") ? "" : (stryCov_9fa48("104"), '*')))}) is not in the rollup`));
          }
        }
      }
    }
    for (const d of a.dimensions) {
      if (stryMutAct_9fa48("105")) {
        {}
      } else {
        stryCov_9fa48("105");
        if (stryMutAct_9fa48("108") ? tableKey(d.table) !== tableKey(s.table) && !r.dimensions.includes(d.column) : stryMutAct_9fa48("107") ? false : stryMutAct_9fa48("106") ? true : (stryCov_9fa48("106", "107", "108"), (stryMutAct_9fa48("110") ? tableKey(d.table) === tableKey(s.table) : stryMutAct_9fa48("109") ? false : (stryCov_9fa48("109", "110"), tableKey(d.table) !== tableKey(s.table))) || (stryMutAct_9fa48("111") ? r.dimensions.includes(d.column) : (stryCov_9fa48("111"), !r.dimensions.includes(d.column))))) {
          if (stryMutAct_9fa48("112")) {
            {}
          } else {
            stryCov_9fa48("112");
            reasons.push(stryMutAct_9fa48("113") ? `` : (stryCov_9fa48("113"), `dimension \`${d.name}\` is not in the rollup`));
          }
        }
      }
    }
    let conditions: readonly RowExpr[] = a.input.conditions;
    if (stryMutAct_9fa48("115") ? false : stryMutAct_9fa48("114") ? true : (stryCov_9fa48("114", "115"), r.filter)) {
      if (stryMutAct_9fa48("116")) {
        {}
      } else {
        stryCov_9fa48("116");
        const i = conditions.findIndex(stryMutAct_9fa48("117") ? () => undefined : (stryCov_9fa48("117"), c => sameExpr(c, r.filter)));
        if (stryMutAct_9fa48("121") ? i >= 0 : stryMutAct_9fa48("120") ? i <= 0 : stryMutAct_9fa48("119") ? false : stryMutAct_9fa48("118") ? true : (stryCov_9fa48("118", "119", "120", "121"), i < 0)) reasons.push(stryMutAct_9fa48("122") ? "" : (stryCov_9fa48("122"), "the rollup's filter is not implied by the query's filters"));else conditions = stryMutAct_9fa48("123") ? conditions : (stryCov_9fa48("123"), conditions.filter(stryMutAct_9fa48("124") ? () => undefined : (stryCov_9fa48("124"), (_, j) => stryMutAct_9fa48("127") ? j === i : stryMutAct_9fa48("126") ? false : stryMutAct_9fa48("125") ? true : (stryCov_9fa48("125", "126", "127"), j !== i))));
      }
    }
    for (const c of conditions) {
      if (stryMutAct_9fa48("128")) {
        {}
      } else {
        stryCov_9fa48("128");
        const {
          columns,
          dimensions
        } = columnsOf(c);
        for (const d of dimensions) reasons.push(stryMutAct_9fa48("129") ? `` : (stryCov_9fa48("129"), `filtered dimension \`${d}\` is not in the rollup`));
        for (const ref of columns) {
          if (stryMutAct_9fa48("130")) {
            {}
          } else {
            stryCov_9fa48("130");
            if (stryMutAct_9fa48("133") ? tableKey(ref.table) !== tableKey(s.table) && !r.dimensions.includes(ref.column) : stryMutAct_9fa48("132") ? false : stryMutAct_9fa48("131") ? true : (stryCov_9fa48("131", "132", "133"), (stryMutAct_9fa48("135") ? tableKey(ref.table) === tableKey(s.table) : stryMutAct_9fa48("134") ? false : (stryCov_9fa48("134", "135"), tableKey(ref.table) !== tableKey(s.table))) || (stryMutAct_9fa48("136") ? r.dimensions.includes(ref.column) : (stryCov_9fa48("136"), !r.dimensions.includes(ref.column))))) {
              if (stryMutAct_9fa48("137")) {
                {}
              } else {
                stryCov_9fa48("137");
                reasons.push(stryMutAct_9fa48("138") ? `` : (stryCov_9fa48("138"), `filtered column \`${ref.column}\` is not in the rollup`));
              }
            }
          }
        }
      }
    }
    if (stryMutAct_9fa48("141") ? (reasons.length > 0 || b.kind !== 'truncate') && arg === 'expr' : stryMutAct_9fa48("140") ? false : stryMutAct_9fa48("139") ? true : (stryCov_9fa48("139", "140", "141"), (stryMutAct_9fa48("143") ? reasons.length > 0 && b.kind !== 'truncate' : stryMutAct_9fa48("142") ? false : (stryCov_9fa48("142", "143"), (stryMutAct_9fa48("146") ? reasons.length <= 0 : stryMutAct_9fa48("145") ? reasons.length >= 0 : stryMutAct_9fa48("144") ? false : (stryCov_9fa48("144", "145", "146"), reasons.length > 0)) || (stryMutAct_9fa48("148") ? b.kind === 'truncate' : stryMutAct_9fa48("147") ? false : (stryCov_9fa48("147", "148"), b.kind !== (stryMutAct_9fa48("149") ? "" : (stryCov_9fa48("149"), 'truncate')))))) || (stryMutAct_9fa48("151") ? arg !== 'expr' : stryMutAct_9fa48("150") ? false : (stryCov_9fa48("150", "151"), arg === (stryMutAct_9fa48("152") ? "" : (stryCov_9fa48("152"), 'expr')))))) return stryMutAct_9fa48("153") ? [] : (stryCov_9fa48("153"), [...new Set(reasons)]);

    // The rollup side: scan the rollup, every column of the fact table rebased onto it.
    const to = rollupRef(r);
    const input = filter(stryMutAct_9fa48("154") ? {} : (stryCov_9fa48("154"), {
      input: scan(stryMutAct_9fa48("155") ? {} : (stryCov_9fa48("155"), {
        table: to,
        alias: s.alias,
        joins: Object.freeze(stryMutAct_9fa48("156") ? ["Stryker was here"] : (stryCov_9fa48("156"), []))
      })),
      conditions: Object.freeze(conditions.map(stryMutAct_9fa48("157") ? () => undefined : (stryCov_9fa48("157"), c => rebaseColumns(c, s.table, to))))
    }));
    const dimensions = Object.freeze(a.dimensions.map(stryMutAct_9fa48("158") ? () => undefined : (stryCov_9fa48("158"), d => deepFreeze(stryMutAct_9fa48("159") ? {} : (stryCov_9fa48("159"), {
      ...d,
      table: to
    })))));
    const stored = stryMutAct_9fa48("160") ? () => undefined : (stryCov_9fa48("160"), (() => {
      const stored = (fn: AggregateFn, column: string | null): ColumnRef => deepFreeze({
        kind: 'column',
        table: to,
        column: measureColumn({
          fn,
          column
        }),
        type: fn === 'count' ? 'bigint' : fn === 'sum' ? 'decimal' : arg?.type ?? 'decimal'
      }) as ColumnRef;
      return stored;
    })());
    const c = stryMutAct_9fa48("161") ? arg?.column && null : (stryCov_9fa48("161"), (stryMutAct_9fa48("162") ? arg.column : (stryCov_9fa48("162"), arg?.column)) ?? null);
    const onRollup = stryMutAct_9fa48("163") ? () => undefined : (stryCov_9fa48("163"), (() => {
      const onRollup = (fields: Partial<Aggregate>) => stryMutAct_9fa48("164") ? () => undefined : (stryCov_9fa48("164"), (w: TimeWindow): Aggregate => aggregate(stryMutAct_9fa48("165") ? {} : (stryCov_9fa48("165"), {
        ...a,
        input,
        dimensions,
        bucketing: deepFreeze(stryMutAct_9fa48("166") ? {} : (stryCov_9fa48("166"), {
          ...b,
          time: stryMutAct_9fa48("167") ? {} : (stryCov_9fa48("167"), {
            table: to,
            column: BUCKET_COLUMN
          }),
          range: w
        })),
        ...fields
      })));
      return onRollup;
    })());
    const onRaw = stryMutAct_9fa48("168") ? () => undefined : (stryCov_9fa48("168"), (() => {
      const onRaw = (fields: Partial<Aggregate>) => stryMutAct_9fa48("169") ? () => undefined : (stryCov_9fa48("169"), (w: TimeWindow): Aggregate => aggregate(stryMutAct_9fa48("170") ? {} : (stryCov_9fa48("170"), {
        ...a,
        bucketing: deepFreeze(stryMutAct_9fa48("171") ? {} : (stryCov_9fa48("171"), {
          ...b,
          range: w
        })),
        ...fields
      })));
      return onRaw;
    })());
    if (stryMutAct_9fa48("174") ? a.fn !== 'avg' : stryMutAct_9fa48("173") ? false : stryMutAct_9fa48("172") ? true : (stryCov_9fa48("172", "173", "174"), a.fn === (stryMutAct_9fa48("175") ? "" : (stryCov_9fa48("175"), 'avg')))) {
      if (stryMutAct_9fa48("176")) {
        {}
      } else {
        stryCov_9fa48("176");
        const sum = {
          name: `${a.name}_sum`,
          fn: 'sum',
          type: 'decimal'
        } as const;
        const n = {
          name: `${a.name}_n`,
          type: 'bigint'
        } as const;
        return stryMutAct_9fa48("177") ? {} : (stryCov_9fa48("177"), {
          rollup: r,
          outputs: stryMutAct_9fa48("178") ? [] : (stryCov_9fa48("178"), [stryMutAct_9fa48("179") ? {} : (stryCov_9fa48("179"), {
            name: sum.name,
            combine: stryMutAct_9fa48("180") ? "" : (stryCov_9fa48("180"), 'sum'),
            rollup: onRollup(stryMutAct_9fa48("181") ? {} : (stryCov_9fa48("181"), {
              ...sum,
              arg: stored(stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'sum'), c)
            })),
            raw: onRaw(sum)
          }), stryMutAct_9fa48("183") ? {} : (stryCov_9fa48("183"), {
            name: n.name,
            combine: stryMutAct_9fa48("184") ? "" : (stryCov_9fa48("184"), 'sum'),
            rollup: onRollup(stryMutAct_9fa48("185") ? {} : (stryCov_9fa48("185"), {
              ...n,
              fn: stryMutAct_9fa48("186") ? "" : (stryCov_9fa48("186"), 'sum'),
              arg: stored(stryMutAct_9fa48("187") ? "" : (stryCov_9fa48("187"), 'count'), c)
            })),
            raw: onRaw(stryMutAct_9fa48("188") ? {} : (stryCov_9fa48("188"), {
              ...n,
              fn: stryMutAct_9fa48("189") ? "" : (stryCov_9fa48("189"), 'count')
            }))
          })]),
          value: deepFreeze({
            kind: 'binary',
            op: '/',
            left: col(sum.name),
            right: col(n.name)
          }) as ValueExpr
        });
      }
    }
    // count → sum of counts; a total with no bucket and no dimension still reads 0 when nothing matched.
    const total = stryMutAct_9fa48("192") ? a.fn === 'count' && b.grain === null || a.dimensions.length === 0 : stryMutAct_9fa48("191") ? false : stryMutAct_9fa48("190") ? true : (stryCov_9fa48("190", "191", "192"), (stryMutAct_9fa48("194") ? a.fn === 'count' || b.grain === null : stryMutAct_9fa48("193") ? true : (stryCov_9fa48("193", "194"), (stryMutAct_9fa48("196") ? a.fn !== 'count' : stryMutAct_9fa48("195") ? true : (stryCov_9fa48("195", "196"), a.fn === (stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'count')))) && (stryMutAct_9fa48("199") ? b.grain !== null : stryMutAct_9fa48("198") ? true : (stryCov_9fa48("198", "199"), b.grain === null)))) && (stryMutAct_9fa48("201") ? a.dimensions.length !== 0 : stryMutAct_9fa48("200") ? true : (stryCov_9fa48("200", "201"), a.dimensions.length === 0)));
    const combine: Combine = (stryMutAct_9fa48("204") ? a.fn !== 'min' : stryMutAct_9fa48("203") ? false : stryMutAct_9fa48("202") ? true : (stryCov_9fa48("202", "203", "204"), a.fn === (stryMutAct_9fa48("205") ? "" : (stryCov_9fa48("205"), 'min')))) ? stryMutAct_9fa48("206") ? "" : (stryCov_9fa48("206"), 'min') : (stryMutAct_9fa48("209") ? a.fn !== 'max' : stryMutAct_9fa48("208") ? false : stryMutAct_9fa48("207") ? true : (stryCov_9fa48("207", "208", "209"), a.fn === (stryMutAct_9fa48("210") ? "" : (stryCov_9fa48("210"), 'max')))) ? stryMutAct_9fa48("211") ? "" : (stryCov_9fa48("211"), 'max') : stryMutAct_9fa48("212") ? "" : (stryCov_9fa48("212"), 'sum');
    return stryMutAct_9fa48("213") ? {} : (stryCov_9fa48("213"), {
      rollup: r,
      outputs: stryMutAct_9fa48("214") ? [] : (stryCov_9fa48("214"), [stryMutAct_9fa48("215") ? {} : (stryCov_9fa48("215"), {
        name: a.name,
        combine,
        rollup: onRollup(stryMutAct_9fa48("216") ? {} : (stryCov_9fa48("216"), {
          fn: (stryMutAct_9fa48("219") ? a.fn !== 'count' : stryMutAct_9fa48("218") ? false : stryMutAct_9fa48("217") ? true : (stryCov_9fa48("217", "218", "219"), a.fn === (stryMutAct_9fa48("220") ? "" : (stryCov_9fa48("220"), 'count')))) ? stryMutAct_9fa48("221") ? "" : (stryCov_9fa48("221"), 'sum') : a.fn,
          arg: stored(a.fn, c)
        })),
        raw: onRaw({})
      })]),
      value: total ? deepFreeze({
        kind: 'zero_fill',
        operand: col(a.name)
      }) as ValueExpr : null
    });
  }
}