/**
 * Where a rollup can answer inside a query's range: the range cut into tiles, `rollup` for the
 * complete rollup buckets below the watermark and outside every dirty partition, `raw` for the rest
 * (the partial head and tail, the dirty partitions, everything after the watermark). A pure function
 * of the range and the rollup's facts; select-rollups turns the tiles into a stitched instance.
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
import type { TimeWindow } from '../plan/nodes.ts';
import { ceilBoundary, floorBoundary, onBoundary } from './align.ts';
export interface Tile extends TimeWindow {
  readonly from: 'rollup' | 'raw';
}

/** Most pieces one stitched instance may have (each is a scan): many dirty partitions go raw whole. */
export const MAX_PIECES = 9;
export interface TileInput {
  readonly range: TimeWindow;
  readonly grain: Grain;
  readonly timezone: string;
  /** Exclusive; null = never loaded. */
  readonly watermark: string | null;
  readonly dirty: readonly (readonly [string, string])[];
}
const iso = stryMutAct_9fa48("198") ? () => undefined : (stryCov_9fa48("198"), (() => {
  const iso = (ms: number) => new Date(ms).toISOString();
  return iso;
})());

/** The tiles of `range` in order (they tile it exactly), or why the rollup answers no part of it. */
export function tileRange(t: TileInput): {
  tiles: readonly Tile[];
} | {
  reason: string;
} {
  if (stryMutAct_9fa48("199")) {
    {}
  } else {
    stryCov_9fa48("199");
    if (stryMutAct_9fa48("202") ? false : stryMutAct_9fa48("201") ? true : stryMutAct_9fa48("200") ? t.watermark : (stryCov_9fa48("200", "201", "202"), !t.watermark)) return stryMutAct_9fa48("203") ? {} : (stryCov_9fa48("203"), {
      reason: stryMutAct_9fa48("204") ? "" : (stryCov_9fa48("204"), 'not built')
    });
    const start = Date.parse(t.range.start);
    const end = Date.parse(t.range.end);
    const watermark = Date.parse(t.watermark);
    const lo = ceilBoundary(start, t.grain, t.timezone);
    const hi = floorBoundary(stryMutAct_9fa48("205") ? Math.max(end, watermark) : (stryCov_9fa48("205"), Math.min(end, watermark)), t.grain, t.timezone);
    if (stryMutAct_9fa48("208") ? (!(lo < hi) || !onBoundary(iso(lo), t.grain, t.timezone)) && !onBoundary(iso(hi), t.grain, t.timezone) : stryMutAct_9fa48("207") ? false : stryMutAct_9fa48("206") ? true : (stryCov_9fa48("206", "207", "208"), (stryMutAct_9fa48("210") ? !(lo < hi) && !onBoundary(iso(lo), t.grain, t.timezone) : stryMutAct_9fa48("209") ? false : (stryCov_9fa48("209", "210"), (stryMutAct_9fa48("211") ? lo < hi : (stryCov_9fa48("211"), !(stryMutAct_9fa48("215") ? lo >= hi : stryMutAct_9fa48("214") ? lo <= hi : stryMutAct_9fa48("213") ? false : stryMutAct_9fa48("212") ? true : (stryCov_9fa48("212", "213", "214", "215"), lo < hi)))) || (stryMutAct_9fa48("216") ? onBoundary(iso(lo), t.grain, t.timezone) : (stryCov_9fa48("216"), !onBoundary(iso(lo), t.grain, t.timezone))))) || (stryMutAct_9fa48("217") ? onBoundary(iso(hi), t.grain, t.timezone) : (stryCov_9fa48("217"), !onBoundary(iso(hi), t.grain, t.timezone))))) {
      if (stryMutAct_9fa48("218")) {
        {}
      } else {
        stryCov_9fa48("218");
        return stryMutAct_9fa48("219") ? {} : (stryCov_9fa48("219"), {
          reason: (stryMutAct_9fa48("223") ? start < watermark : stryMutAct_9fa48("222") ? start > watermark : stryMutAct_9fa48("221") ? false : stryMutAct_9fa48("220") ? true : (stryCov_9fa48("220", "221", "222", "223"), start >= watermark)) ? stryMutAct_9fa48("224") ? `` : (stryCov_9fa48("224"), `stale for [${t.watermark}, ${t.range.end}): the whole range is after its watermark`) : stryMutAct_9fa48("225") ? `` : (stryCov_9fa48("225"), `no complete ${t.grain} bucket (in ${t.timezone}) of [${t.range.start}, ${t.range.end}) lies below its watermark ${t.watermark}`)
        });
      }
    }
    // The rollup's span minus the dirty partitions, each widened to whole rollup buckets.
    let spans: [number, number][] = stryMutAct_9fa48("226") ? [] : (stryCov_9fa48("226"), [stryMutAct_9fa48("227") ? [] : (stryCov_9fa48("227"), [lo, hi])]);
    const dirty = stryMutAct_9fa48("228") ? t.dirty.map(([s, e]) => [floorBoundary(Date.parse(s), t.grain, t.timezone), ceilBoundary(Date.parse(e), t.grain, t.timezone)]) : (stryCov_9fa48("228"), t.dirty.map(stryMutAct_9fa48("229") ? () => undefined : (stryCov_9fa48("229"), ([s, e]) => stryMutAct_9fa48("230") ? [] : (stryCov_9fa48("230"), [floorBoundary(Date.parse(s), t.grain, t.timezone), ceilBoundary(Date.parse(e), t.grain, t.timezone)]))).filter(stryMutAct_9fa48("231") ? () => undefined : (stryCov_9fa48("231"), ([s, e]) => stryMutAct_9fa48("234") ? s! < hi || e! > lo : stryMutAct_9fa48("233") ? false : stryMutAct_9fa48("232") ? true : (stryCov_9fa48("232", "233", "234"), (stryMutAct_9fa48("237") ? s! >= hi : stryMutAct_9fa48("236") ? s! <= hi : stryMutAct_9fa48("235") ? true : (stryCov_9fa48("235", "236", "237"), s! < hi)) && (stryMutAct_9fa48("240") ? e! <= lo : stryMutAct_9fa48("239") ? e! >= lo : stryMutAct_9fa48("238") ? true : (stryCov_9fa48("238", "239", "240"), e! > lo))))));
    for (const [ds, de] of dirty) {
      if (stryMutAct_9fa48("241")) {
        {}
      } else {
        stryCov_9fa48("241");
        spans = spans.flatMap(stryMutAct_9fa48("242") ? () => undefined : (stryCov_9fa48("242"), ([s, e]): [number, number][] => (stryMutAct_9fa48("245") ? de! <= s && ds! >= e : stryMutAct_9fa48("244") ? false : stryMutAct_9fa48("243") ? true : (stryCov_9fa48("243", "244", "245"), (stryMutAct_9fa48("248") ? de! > s : stryMutAct_9fa48("247") ? de! < s : stryMutAct_9fa48("246") ? false : (stryCov_9fa48("246", "247", "248"), de! <= s)) || (stryMutAct_9fa48("251") ? ds! < e : stryMutAct_9fa48("250") ? ds! > e : stryMutAct_9fa48("249") ? false : (stryCov_9fa48("249", "250", "251"), ds! >= e)))) ? stryMutAct_9fa48("252") ? [] : (stryCov_9fa48("252"), [stryMutAct_9fa48("253") ? [] : (stryCov_9fa48("253"), [s, e])]) : stryMutAct_9fa48("254") ? [] : (stryCov_9fa48("254"), [...((stryMutAct_9fa48("258") ? ds! <= s : stryMutAct_9fa48("257") ? ds! >= s : stryMutAct_9fa48("256") ? false : stryMutAct_9fa48("255") ? true : (stryCov_9fa48("255", "256", "257", "258"), ds! > s)) ? stryMutAct_9fa48("259") ? [] : (stryCov_9fa48("259"), [[s, ds!] as [number, number]]) : stryMutAct_9fa48("260") ? ["Stryker was here"] : (stryCov_9fa48("260"), [])), ...((stryMutAct_9fa48("264") ? de! >= e : stryMutAct_9fa48("263") ? de! <= e : stryMutAct_9fa48("262") ? false : stryMutAct_9fa48("261") ? true : (stryCov_9fa48("261", "262", "263", "264"), de! < e)) ? stryMutAct_9fa48("265") ? [] : (stryCov_9fa48("265"), [[de!, e] as [number, number]]) : stryMutAct_9fa48("266") ? ["Stryker was here"] : (stryCov_9fa48("266"), []))])));
      }
    }
    if (stryMutAct_9fa48("269") ? spans.length !== 0 : stryMutAct_9fa48("268") ? false : stryMutAct_9fa48("267") ? true : (stryCov_9fa48("267", "268", "269"), spans.length === 0)) {
      if (stryMutAct_9fa48("270")) {
        {}
      } else {
        stryCov_9fa48("270");
        const [s, e] = t.dirty.find(stryMutAct_9fa48("271") ? () => undefined : (stryCov_9fa48("271"), ([s, e]) => stryMutAct_9fa48("274") ? Date.parse(s) < hi || Date.parse(e) > lo : stryMutAct_9fa48("273") ? false : stryMutAct_9fa48("272") ? true : (stryCov_9fa48("272", "273", "274"), (stryMutAct_9fa48("277") ? Date.parse(s) >= hi : stryMutAct_9fa48("276") ? Date.parse(s) <= hi : stryMutAct_9fa48("275") ? true : (stryCov_9fa48("275", "276", "277"), Date.parse(s) < hi)) && (stryMutAct_9fa48("280") ? Date.parse(e) <= lo : stryMutAct_9fa48("279") ? Date.parse(e) >= lo : stryMutAct_9fa48("278") ? true : (stryCov_9fa48("278", "279", "280"), Date.parse(e) > lo)))))!;
        return stryMutAct_9fa48("281") ? {} : (stryCov_9fa48("281"), {
          reason: stryMutAct_9fa48("282") ? `` : (stryCov_9fa48("282"), `partition [${s}, ${e})${(stryMutAct_9fa48("286") ? dirty.length <= 1 : stryMutAct_9fa48("285") ? dirty.length >= 1 : stryMutAct_9fa48("284") ? false : stryMutAct_9fa48("283") ? true : (stryCov_9fa48("283", "284", "285", "286"), dirty.length > 1)) ? stryMutAct_9fa48("287") ? `` : (stryCov_9fa48("287"), ` and ${stryMutAct_9fa48("288") ? dirty.length + 1 : (stryCov_9fa48("288"), dirty.length - 1)} more`) : stryMutAct_9fa48("289") ? "Stryker was here!" : (stryCov_9fa48("289"), '')} is dirty: its source changed and it is being re-loaded`)
        });
      }
    }
    const tiles: Tile[] = stryMutAct_9fa48("290") ? ["Stryker was here"] : (stryCov_9fa48("290"), []);
    let at = start;
    for (const [s, e] of spans) {
      if (stryMutAct_9fa48("291")) {
        {}
      } else {
        stryCov_9fa48("291");
        if (stryMutAct_9fa48("295") ? at >= s : stryMutAct_9fa48("294") ? at <= s : stryMutAct_9fa48("293") ? false : stryMutAct_9fa48("292") ? true : (stryCov_9fa48("292", "293", "294", "295"), at < s)) tiles.push(stryMutAct_9fa48("296") ? {} : (stryCov_9fa48("296"), {
          from: stryMutAct_9fa48("297") ? "" : (stryCov_9fa48("297"), 'raw'),
          start: iso(at),
          end: iso(s)
        }));
        tiles.push(stryMutAct_9fa48("298") ? {} : (stryCov_9fa48("298"), {
          from: stryMutAct_9fa48("299") ? "" : (stryCov_9fa48("299"), 'rollup'),
          start: iso(s),
          end: iso(e)
        }));
        at = e;
      }
    }
    if (stryMutAct_9fa48("303") ? at >= end : stryMutAct_9fa48("302") ? at <= end : stryMutAct_9fa48("301") ? false : stryMutAct_9fa48("300") ? true : (stryCov_9fa48("300", "301", "302", "303"), at < end)) tiles.push(stryMutAct_9fa48("304") ? {} : (stryCov_9fa48("304"), {
      from: stryMutAct_9fa48("305") ? "" : (stryCov_9fa48("305"), 'raw'),
      start: iso(at),
      end: iso(end)
    }));
    if (stryMutAct_9fa48("309") ? tiles.length <= MAX_PIECES : stryMutAct_9fa48("308") ? tiles.length >= MAX_PIECES : stryMutAct_9fa48("307") ? false : stryMutAct_9fa48("306") ? true : (stryCov_9fa48("306", "307", "308", "309"), tiles.length > MAX_PIECES)) {
      if (stryMutAct_9fa48("310")) {
        {}
      } else {
        stryCov_9fa48("310");
        return stryMutAct_9fa48("311") ? {} : (stryCov_9fa48("311"), {
          reason: stryMutAct_9fa48("312") ? `` : (stryCov_9fa48("312"), `${dirty.length} dirty partitions cut the range into ${tiles.length} pieces (at most ${MAX_PIECES})`)
        });
      }
    }
    return stryMutAct_9fa48("313") ? {} : (stryCov_9fa48("313"), {
      tiles: Object.freeze(tiles.map(stryMutAct_9fa48("314") ? () => undefined : (stryCov_9fa48("314"), x => Object.freeze(x))))
    });
  }
}

/** Milliseconds of the range read raw: the cost that grows with source rows. */
export const rawSpanMs = stryMutAct_9fa48("315") ? () => undefined : (stryCov_9fa48("315"), (() => {
  const rawSpanMs = (tiles: readonly Tile[]): number => stryMutAct_9fa48("316") ? tiles.reduce((n, x) => n + Date.parse(x.end) - Date.parse(x.start), 0) : (stryCov_9fa48("316"), tiles.filter(stryMutAct_9fa48("317") ? () => undefined : (stryCov_9fa48("317"), x => stryMutAct_9fa48("320") ? x.from !== 'raw' : stryMutAct_9fa48("319") ? false : stryMutAct_9fa48("318") ? true : (stryCov_9fa48("318", "319", "320"), x.from === (stryMutAct_9fa48("321") ? "" : (stryCov_9fa48("321"), 'raw'))))).reduce(stryMutAct_9fa48("322") ? () => undefined : (stryCov_9fa48("322"), (n, x) => stryMutAct_9fa48("323") ? n + Date.parse(x.end) + Date.parse(x.start) : (stryCov_9fa48("323"), (stryMutAct_9fa48("324") ? n - Date.parse(x.end) : (stryCov_9fa48("324"), n + Date.parse(x.end))) - Date.parse(x.start))), 0));
  return rawSpanMs;
})());