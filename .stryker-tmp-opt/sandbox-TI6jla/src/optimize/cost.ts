/**
 * The cost estimate that picks among exact plans for one measure instance: the raw plan, the rollup
 * alone, or rollup + raw pieces. In units of "the raw plan's cost" (reading the range's source rows):
 *
 *   relative = raw share of the range + rollup share × (rollup rows / source rows) × row cost
 *
 * Source rows are taken as spread evenly over time (the share is a share of the range's duration);
 * rollup rows per source row is the rollup's own count: rollup_state's agg_rows over its source_rows,
 * which every publish records from the partitions' fingerprints (computed by the source engine). A
 * rollup row costs more than a source row (it is read from the metrics store, often through Trino, and
 * is wider): the default factor is calibrated from the issue-16 measurement at scale 1 — 62,917 rollup
 * rows read in 166 ms against 100,000 source rows in 87 ms, ≈ 3× per row — rounded down so a rollup
 * that halves the rows still wins; a running service replaces it with the factor fitted to the
 * runtimes it observes (calibrate.ts). A plan below 1 beats raw. Unknown counts (a rollup built before
 * source rows were recorded) count as free.
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
import type { TimeWindow } from '../plan/nodes.ts';
import type { Tile } from './tiles.ts';
import type { RollupFacts, RowCost } from './types.ts';
export const DEFAULT_ROW_COST: RowCost = Object.freeze(stryMutAct_9fa48("0") ? {} : (stryCov_9fa48("0"), {
  factor: 2.5,
  basis: stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), 'default')
}));
export interface Estimate {
  /** Estimated cost relative to the raw plan's (1 = raw). */
  readonly relative: number;
  /** The rollup's rows (tie-break: the smaller rollup). */
  readonly rollupRows: number;
  /** For EXPLAIN. */
  readonly text: string;
}
const ms = stryMutAct_9fa48("2") ? () => undefined : (stryCov_9fa48("2"), (() => {
  const ms = (w: TimeWindow) => stryMutAct_9fa48("3") ? Date.parse(w.end) + Date.parse(w.start) : (stryCov_9fa48("3"), Date.parse(w.end) - Date.parse(w.start));
  return ms;
})());
const pct = stryMutAct_9fa48("4") ? () => undefined : (stryCov_9fa48("4"), (() => {
  const pct = (x: number) => stryMutAct_9fa48("5") ? `` : (stryCov_9fa48("5"), `${(stryMutAct_9fa48("6") ? x / 100 : (stryCov_9fa48("6"), x * 100)).toFixed((stryMutAct_9fa48("9") ? x > 0 || x < 0.01 : stryMutAct_9fa48("8") ? false : stryMutAct_9fa48("7") ? true : (stryCov_9fa48("7", "8", "9"), (stryMutAct_9fa48("12") ? x <= 0 : stryMutAct_9fa48("11") ? x >= 0 : stryMutAct_9fa48("10") ? true : (stryCov_9fa48("10", "11", "12"), x > 0)) && (stryMutAct_9fa48("15") ? x >= 0.01 : stryMutAct_9fa48("14") ? x <= 0.01 : stryMutAct_9fa48("13") ? true : (stryCov_9fa48("13", "14", "15"), x < 0.01)))) ? 2 : 0)}%`);
  return pct;
})());
export function estimate(range: TimeWindow, tiles: readonly Tile[], facts: RollupFacts | undefined, rowCost: RowCost = DEFAULT_ROW_COST): Estimate {
  if (stryMutAct_9fa48("16")) {
    {}
  } else {
    stryCov_9fa48("16");
    const total = ms(range);
    const rawShare = stryMutAct_9fa48("17") ? tiles.filter(t => t.from === 'raw').reduce((n, t) => n + ms(t), 0) * total : (stryCov_9fa48("17"), (stryMutAct_9fa48("18") ? tiles.reduce((n, t) => n + ms(t), 0) : (stryCov_9fa48("18"), tiles.filter(stryMutAct_9fa48("19") ? () => undefined : (stryCov_9fa48("19"), t => stryMutAct_9fa48("22") ? t.from !== 'raw' : stryMutAct_9fa48("21") ? false : stryMutAct_9fa48("20") ? true : (stryCov_9fa48("20", "21", "22"), t.from === (stryMutAct_9fa48("23") ? "" : (stryCov_9fa48("23"), 'raw'))))).reduce(stryMutAct_9fa48("24") ? () => undefined : (stryCov_9fa48("24"), (n, t) => stryMutAct_9fa48("25") ? n - ms(t) : (stryCov_9fa48("25"), n + ms(t))), 0))) / total);
    const rows = stryMutAct_9fa48("26") ? facts?.rows && Number.MAX_SAFE_INTEGER : (stryCov_9fa48("26"), (stryMutAct_9fa48("27") ? facts.rows : (stryCov_9fa48("27"), facts?.rows)) ?? Number.MAX_SAFE_INTEGER);
    const sourceRows = stryMutAct_9fa48("28") ? facts?.sourceRows && 0 : (stryCov_9fa48("28"), (stryMutAct_9fa48("29") ? facts.sourceRows : (stryCov_9fa48("29"), facts?.sourceRows)) ?? 0);
    const perSourceRow = (stryMutAct_9fa48("32") ? sourceRows > 0 || facts : stryMutAct_9fa48("31") ? false : stryMutAct_9fa48("30") ? true : (stryCov_9fa48("30", "31", "32"), (stryMutAct_9fa48("35") ? sourceRows <= 0 : stryMutAct_9fa48("34") ? sourceRows >= 0 : stryMutAct_9fa48("33") ? true : (stryCov_9fa48("33", "34", "35"), sourceRows > 0)) && facts)) ? stryMutAct_9fa48("36") ? facts.rows * sourceRows : (stryCov_9fa48("36"), facts.rows / sourceRows) : 0;
    const relative = stryMutAct_9fa48("37") ? rawShare - (1 - rawShare) * perSourceRow * rowCost.factor : (stryCov_9fa48("37"), rawShare + (stryMutAct_9fa48("38") ? (1 - rawShare) * perSourceRow / rowCost.factor : (stryCov_9fa48("38"), (stryMutAct_9fa48("39") ? (1 - rawShare) / perSourceRow : (stryCov_9fa48("39"), (stryMutAct_9fa48("40") ? 1 + rawShare : (stryCov_9fa48("40"), 1 - rawShare)) * perSourceRow)) * rowCost.factor)));
    const density = (stryMutAct_9fa48("44") ? sourceRows <= 0 : stryMutAct_9fa48("43") ? sourceRows >= 0 : stryMutAct_9fa48("42") ? false : stryMutAct_9fa48("41") ? true : (stryCov_9fa48("41", "42", "43", "44"), sourceRows > 0)) ? stryMutAct_9fa48("45") ? `` : (stryCov_9fa48("45"), `${facts!.rows} rollup rows / ${sourceRows} source rows × row cost ${rowCost.factor.toFixed(2)} (${rowCost.basis})`) : stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), 'rollup size unknown: source rows not recorded');
    return stryMutAct_9fa48("47") ? {} : (stryCov_9fa48("47"), {
      relative,
      rollupRows: rows,
      text: stryMutAct_9fa48("48") ? `` : (stryCov_9fa48("48"), `cost ${relative.toFixed(3)} of raw (raw ${pct(rawShare)} of the range; ${density})`)
    });
  }
}