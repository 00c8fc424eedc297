/**
 * select-rollups: answer each measure instance (each variable of a KPI, matched on its own) from a
 * rollup where that provably gives the same answer, else leave it raw. Stricter than Calcite/Looker:
 * - every aggregate re-aggregates exactly: sum→sum of sums, count→sum of counts, min→min, max→max,
 *   avg→sum of sums / sum of counts; count distinct, approximate distinct, percentiles never;
 * - the instance is bucketed by truncation (windowed and interval-valid measures stay raw);
 * - same time zone; the query grain is a union of rollup buckets (or a total);
 * - query dimensions and every filtered column are rollup dimensions on the fact table itself;
 * - the rollup's own filter appears among the query's conditions.
 * Time coverage (tiles.ts): the rollup answers the complete rollup buckets of the range below its
 * watermark and outside its dirty partitions; the rest — partial head and tail, dirty partitions, the
 * fresh tail after the watermark — is read raw over exactly those windows, and the pieces are
 * re-aggregated per (bucket, dimensions) in a `stitch` node. A whole range the rollup covers reads the
 * rollup alone, as before. Among several matching rollups, and against the raw plan, the estimated
 * cheapest wins (cost.ts).
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
import { type Aggregate, join, type Measure, type Plan, plan as planNode, project, stitch, type ValueExpr } from '../../plan/nodes.ts';
import { tableKey } from '../../plan/paths.ts';
import { type Estimate, estimate } from '../cost.ts';
import { matchRollup, type Rewrite } from '../match-rollup.ts';
import { replaceColumns } from '../rewrite.ts';
import { type Tile, tileRange } from '../tiles.ts';
import type { OptimizeContext, RollupChoice, Rule, RuleResult } from '../types.ts';
interface Candidate {
  readonly rewrite: Rewrite;
  readonly tiles: readonly Tile[];
  readonly cost: Estimate;
}

/** Candidates for instance `a`, with every rejection reason of the others. */
function candidates(a: Aggregate, ctx: OptimizeContext): {
  found: Candidate[];
  rejected: string[];
} {
  if (stryMutAct_9fa48("49")) {
    {}
  } else {
    stryCov_9fa48("49");
    const found: Candidate[] = stryMutAct_9fa48("50") ? ["Stryker was here"] : (stryCov_9fa48("50"), []);
    const rejected: string[] = stryMutAct_9fa48("51") ? ["Stryker was here"] : (stryCov_9fa48("51"), []);
    for (const r of ctx.rollups) {
      if (stryMutAct_9fa48("52")) {
        {}
      } else {
        stryCov_9fa48("52");
        if (stryMutAct_9fa48("55") ? tableKey(r.table) === tableKey(a.input.input.table) : stryMutAct_9fa48("54") ? false : stryMutAct_9fa48("53") ? true : (stryCov_9fa48("53", "54", "55"), tableKey(r.table) !== tableKey(a.input.input.table))) continue;
        const m = matchRollup(a, r, ctx);
        if (stryMutAct_9fa48("57") ? false : stryMutAct_9fa48("56") ? true : (stryCov_9fa48("56", "57"), Array.isArray(m))) {
          if (stryMutAct_9fa48("58")) {
            {}
          } else {
            stryCov_9fa48("58");
            rejected.push(...m.map(stryMutAct_9fa48("59") ? () => undefined : (stryCov_9fa48("59"), why => stryMutAct_9fa48("60") ? `` : (stryCov_9fa48("60"), `rollup ${r.name}: ${why}`))));
            continue;
          }
        }
        const b = a.bucketing;
        if (stryMutAct_9fa48("63") ? b.kind === 'truncate' : stryMutAct_9fa48("62") ? false : stryMutAct_9fa48("61") ? true : (stryCov_9fa48("61", "62", "63"), b.kind !== (stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), 'truncate')))) continue; // matchRollup refuses these
        const facts = ctx.facts.get(r.name);
        const t = tileRange(stryMutAct_9fa48("65") ? {} : (stryCov_9fa48("65"), {
          range: b.range,
          grain: r.grain,
          timezone: r.timezone,
          watermark: stryMutAct_9fa48("66") ? facts?.watermark && null : (stryCov_9fa48("66"), (stryMutAct_9fa48("67") ? facts.watermark : (stryCov_9fa48("67"), facts?.watermark)) ?? null),
          dirty: stryMutAct_9fa48("68") ? facts?.dirty && [] : (stryCov_9fa48("68"), (stryMutAct_9fa48("69") ? facts.dirty : (stryCov_9fa48("69"), facts?.dirty)) ?? (stryMutAct_9fa48("70") ? ["Stryker was here"] : (stryCov_9fa48("70"), [])))
        }));
        if (stryMutAct_9fa48("72") ? false : stryMutAct_9fa48("71") ? true : (stryCov_9fa48("71", "72"), (stryMutAct_9fa48("73") ? "" : (stryCov_9fa48("73"), 'reason')) in t)) rejected.push(stryMutAct_9fa48("74") ? `` : (stryCov_9fa48("74"), `rollup ${r.name}: ${t.reason}`));else found.push(stryMutAct_9fa48("75") ? {} : (stryCov_9fa48("75"), {
          rewrite: m,
          tiles: t.tiles,
          cost: estimate(b.range, t.tiles, facts, ctx.rowCost)
        }));
      }
    }
    stryMutAct_9fa48("76") ? found : (stryCov_9fa48("76"), found.sort(stryMutAct_9fa48("77") ? () => undefined : (stryCov_9fa48("77"), (x, y) => stryMutAct_9fa48("80") ? (x.cost.relative - y.cost.relative || x.cost.rollupRows - y.cost.rollupRows) && x.rewrite.rollup.name.localeCompare(y.rewrite.rollup.name) : stryMutAct_9fa48("79") ? false : stryMutAct_9fa48("78") ? true : (stryCov_9fa48("78", "79", "80"), (stryMutAct_9fa48("82") ? x.cost.relative - y.cost.relative && x.cost.rollupRows - y.cost.rollupRows : stryMutAct_9fa48("81") ? false : (stryCov_9fa48("81", "82"), (stryMutAct_9fa48("83") ? x.cost.relative + y.cost.relative : (stryCov_9fa48("83"), x.cost.relative - y.cost.relative)) || (stryMutAct_9fa48("84") ? x.cost.rollupRows + y.cost.rollupRows : (stryCov_9fa48("84"), x.cost.rollupRows - y.cost.rollupRows)))) || x.rewrite.rollup.name.localeCompare(y.rewrite.rollup.name)))));
    return stryMutAct_9fa48("85") ? {} : (stryCov_9fa48("85"), {
      found,
      rejected
    });
  }
}

/** The instance's replacement: the rollup's aggregates, or one stitch per output. */
function rewriteWith(a: Aggregate, c: Candidate): Measure[] {
  if (stryMutAct_9fa48("86")) {
    {}
  } else {
    stryCov_9fa48("86");
    const [only] = c.tiles;
    if (stryMutAct_9fa48("89") ? c.tiles.length === 1 || only?.from === 'rollup' : stryMutAct_9fa48("88") ? false : stryMutAct_9fa48("87") ? true : (stryCov_9fa48("87", "88", "89"), (stryMutAct_9fa48("91") ? c.tiles.length !== 1 : stryMutAct_9fa48("90") ? true : (stryCov_9fa48("90", "91"), c.tiles.length === 1)) && (stryMutAct_9fa48("93") ? only?.from !== 'rollup' : stryMutAct_9fa48("92") ? true : (stryCov_9fa48("92", "93"), (stryMutAct_9fa48("94") ? only.from : (stryCov_9fa48("94"), only?.from)) === (stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), 'rollup')))))) return c.rewrite.outputs.map(stryMutAct_9fa48("96") ? () => undefined : (stryCov_9fa48("96"), o => o.rollup(only)));
    return c.rewrite.outputs.map(o => {
      if (stryMutAct_9fa48("97")) {
        {}
      } else {
        stryCov_9fa48("97");
        const pieces = Object.freeze(c.tiles.map(stryMutAct_9fa48("98") ? () => undefined : (stryCov_9fa48("98"), t => (stryMutAct_9fa48("101") ? t.from !== 'rollup' : stryMutAct_9fa48("100") ? false : stryMutAct_9fa48("99") ? true : (stryCov_9fa48("99", "100", "101"), t.from === (stryMutAct_9fa48("102") ? "" : (stryCov_9fa48("102"), 'rollup')))) ? o.rollup(t) : o.raw(t))));
        return stitch(stryMutAct_9fa48("103") ? {} : (stryCov_9fa48("103"), {
          name: o.name,
          source: a.source,
          combine: o.combine,
          pieces,
          dimensions: a.dimensions,
          type: pieces[0]!.type
        }));
      }
    });
  }
}
const span = stryMutAct_9fa48("104") ? () => undefined : (stryCov_9fa48("104"), (() => {
  const span = (t: Tile) => stryMutAct_9fa48("105") ? `` : (stryCov_9fa48("105"), `${t.from} [${t.start}, ${t.end})`);
  return span;
})());
export const selectRollups: Rule = stryMutAct_9fa48("106") ? {} : (stryCov_9fa48("106"), {
  name: stryMutAct_9fa48("107") ? "" : (stryCov_9fa48("107"), 'select-rollups'),
  apply(p: Plan, ctx: OptimizeContext): RuleResult {
    if (stryMutAct_9fa48("108")) {
      {}
    } else {
      stryCov_9fa48("108");
      const choices: RollupChoice[] = stryMutAct_9fa48("109") ? ["Stryker was here"] : (stryCov_9fa48("109"), []);
      const notes: string[] = stryMutAct_9fa48("110") ? ["Stryker was here"] : (stryCov_9fa48("110"), []);
      const measures: Measure[] = stryMutAct_9fa48("111") ? ["Stryker was here"] : (stryCov_9fa48("111"), []);
      const values = new Map<string, ValueExpr>();
      for (const m of p.root.input.inputs) {
        if (stryMutAct_9fa48("112")) {
          {}
        } else {
          stryCov_9fa48("112");
          if (stryMutAct_9fa48("115") ? m.kind !== 'stitch' : stryMutAct_9fa48("114") ? false : stryMutAct_9fa48("113") ? true : (stryCov_9fa48("113", "114", "115"), m.kind === (stryMutAct_9fa48("116") ? "" : (stryCov_9fa48("116"), 'stitch')))) {
            if (stryMutAct_9fa48("117")) {
              {}
            } else {
              stryCov_9fa48("117");
              measures.push(m); // already stitched (the rule ran before): nothing left to choose
              continue;
            }
          }
          const a = m;
          const {
            found,
            rejected
          } = candidates(a, ctx);
          const best = found[0];
          for (const c of stryMutAct_9fa48("118") ? found : (stryCov_9fa48("118"), found.slice(1))) {
            if (stryMutAct_9fa48("119")) {
              {}
            } else {
              stryCov_9fa48("119");
              const other = best!.rewrite.rollup.name;
              rejected.push(stryMutAct_9fa48("120") ? `` : (stryCov_9fa48("120"), `rollup ${c.rewrite.rollup.name}: matches, but ${(stryMutAct_9fa48("124") ? c.cost.relative <= best!.cost.relative : stryMutAct_9fa48("123") ? c.cost.relative >= best!.cost.relative : stryMutAct_9fa48("122") ? false : stryMutAct_9fa48("121") ? true : (stryCov_9fa48("121", "122", "123", "124"), c.cost.relative > best!.cost.relative)) ? stryMutAct_9fa48("125") ? `` : (stryCov_9fa48("125"), `${c.cost.text} > ${best!.cost.relative.toFixed(3)} of ${other}`) : stryMutAct_9fa48("126") ? `` : (stryCov_9fa48("126"), `${c.cost.rollupRows} rows > ${best!.cost.rollupRows} of ${other}`)}`));
            }
          }
          if (stryMutAct_9fa48("129") ? best || best.cost.relative >= 1 : stryMutAct_9fa48("128") ? false : stryMutAct_9fa48("127") ? true : (stryCov_9fa48("127", "128", "129"), best && (stryMutAct_9fa48("132") ? best.cost.relative < 1 : stryMutAct_9fa48("131") ? best.cost.relative > 1 : stryMutAct_9fa48("130") ? true : (stryCov_9fa48("130", "131", "132"), best.cost.relative >= 1)))) {
            if (stryMutAct_9fa48("133")) {
              {}
            } else {
              stryCov_9fa48("133");
              rejected.push(stryMutAct_9fa48("134") ? `` : (stryCov_9fa48("134"), `rollup ${best.rewrite.rollup.name}: matches, but ${best.cost.text} is no cheaper than raw (1.00)`));
            }
          }
          const use = (stryMutAct_9fa48("137") ? best || best.cost.relative < 1 : stryMutAct_9fa48("136") ? false : stryMutAct_9fa48("135") ? true : (stryCov_9fa48("135", "136", "137"), best && (stryMutAct_9fa48("140") ? best.cost.relative >= 1 : stryMutAct_9fa48("139") ? best.cost.relative <= 1 : stryMutAct_9fa48("138") ? true : (stryCov_9fa48("138", "139", "140"), best.cost.relative < 1)))) ? best : undefined;
          const stitched = stryMutAct_9fa48("143") ? use !== undefined || !(use.tiles.length === 1 && use.tiles[0]!.from === 'rollup') : stryMutAct_9fa48("142") ? false : stryMutAct_9fa48("141") ? true : (stryCov_9fa48("141", "142", "143"), (stryMutAct_9fa48("145") ? use === undefined : stryMutAct_9fa48("144") ? true : (stryCov_9fa48("144", "145"), use !== undefined)) && (stryMutAct_9fa48("146") ? use.tiles.length === 1 && use.tiles[0]!.from === 'rollup' : (stryCov_9fa48("146"), !(stryMutAct_9fa48("149") ? use.tiles.length === 1 || use.tiles[0]!.from === 'rollup' : stryMutAct_9fa48("148") ? false : stryMutAct_9fa48("147") ? true : (stryCov_9fa48("147", "148", "149"), (stryMutAct_9fa48("151") ? use.tiles.length !== 1 : stryMutAct_9fa48("150") ? true : (stryCov_9fa48("150", "151"), use.tiles.length === 1)) && (stryMutAct_9fa48("153") ? use.tiles[0]!.from !== 'rollup' : stryMutAct_9fa48("152") ? true : (stryCov_9fa48("152", "153"), use.tiles[0]!.from === (stryMutAct_9fa48("154") ? "" : (stryCov_9fa48("154"), 'rollup')))))))));
          choices.push(stryMutAct_9fa48("155") ? {} : (stryCov_9fa48("155"), {
            instance: a.name,
            source: a.source,
            chosen: stryMutAct_9fa48("156") ? use?.rewrite.rollup.name && null : (stryCov_9fa48("156"), (stryMutAct_9fa48("157") ? use.rewrite.rollup.name : (stryCov_9fa48("157"), use?.rewrite.rollup.name)) ?? null),
            rejected,
            ...(use ? stryMutAct_9fa48("158") ? {} : (stryCov_9fa48("158"), {
              pieces: use.tiles,
              estimate: use.cost.text
            }) : {})
          }));
          if (stryMutAct_9fa48("161") ? false : stryMutAct_9fa48("160") ? true : stryMutAct_9fa48("159") ? use : (stryCov_9fa48("159", "160", "161"), !use)) {
            if (stryMutAct_9fa48("162")) {
              {}
            } else {
              stryCov_9fa48("162");
              measures.push(a);
              notes.push(stryMutAct_9fa48("163") ? `` : (stryCov_9fa48("163"), `${a.name} (${a.source}): raw ${tableKey(a.input.input.table)}`));
              continue;
            }
          }
          measures.push(...rewriteWith(a, use));
          if (stryMutAct_9fa48("165") ? false : stryMutAct_9fa48("164") ? true : (stryCov_9fa48("164", "165"), use.rewrite.value)) values.set(a.name, use.rewrite.value);
          notes.push(stitched ? stryMutAct_9fa48("166") ? `` : (stryCov_9fa48("166"), `${a.name} (${a.source}): stitched, rollup ${use.rewrite.rollup.name} + raw ${tableKey(a.input.input.table)}: ${use.tiles.map(span).join(stryMutAct_9fa48("167") ? "" : (stryCov_9fa48("167"), ', '))}; ${use.cost.text}`) : stryMutAct_9fa48("168") ? `` : (stryCov_9fa48("168"), `${a.name} (${a.source}): rollup ${use.rewrite.rollup.name}; ${use.cost.text}`));
        }
      }
      const inputs = p.root.input.inputs;
      if (stryMutAct_9fa48("171") ? measures.length === inputs.length || measures.every((x, i) => x === inputs[i]) : stryMutAct_9fa48("170") ? false : stryMutAct_9fa48("169") ? true : (stryCov_9fa48("169", "170", "171"), (stryMutAct_9fa48("173") ? measures.length !== inputs.length : stryMutAct_9fa48("172") ? true : (stryCov_9fa48("172", "173"), measures.length === inputs.length)) && (stryMutAct_9fa48("174") ? measures.some((x, i) => x === inputs[i]) : (stryCov_9fa48("174"), measures.every(stryMutAct_9fa48("175") ? () => undefined : (stryCov_9fa48("175"), (x, i) => stryMutAct_9fa48("178") ? x !== inputs[i] : stryMutAct_9fa48("177") ? false : stryMutAct_9fa48("176") ? true : (stryCov_9fa48("176", "177", "178"), x === inputs[i]))))))) {
        if (stryMutAct_9fa48("179")) {
          {}
        } else {
          stryCov_9fa48("179");
          return stryMutAct_9fa48("180") ? {} : (stryCov_9fa48("180"), {
            plan: p,
            notes,
            choices
          });
        }
      }
      const j = join(stryMutAct_9fa48("181") ? {} : (stryCov_9fa48("181"), {
        ...p.root.input,
        inputs: Object.freeze(measures)
      }));
      const value = (stryMutAct_9fa48("185") ? values.size <= 0 : stryMutAct_9fa48("184") ? values.size >= 0 : stryMutAct_9fa48("183") ? false : stryMutAct_9fa48("182") ? true : (stryCov_9fa48("182", "183", "184", "185"), values.size > 0)) ? replaceColumns(p.root.value, values) : p.root.value;
      const shared = (stryMutAct_9fa48("188") ? values.size > 0 || p.root.shared : stryMutAct_9fa48("187") ? false : stryMutAct_9fa48("186") ? true : (stryCov_9fa48("186", "187", "188"), (stryMutAct_9fa48("191") ? values.size <= 0 : stryMutAct_9fa48("190") ? values.size >= 0 : stryMutAct_9fa48("189") ? true : (stryCov_9fa48("189", "190", "191"), values.size > 0)) && p.root.shared)) ? Object.freeze(p.root.shared.map(stryMutAct_9fa48("192") ? () => undefined : (stryCov_9fa48("192"), s => Object.freeze(stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
        ...s,
        value: replaceColumns(s.value, values)
      }))))) : p.root.shared;
      const root = project(stryMutAct_9fa48("194") ? {} : (stryCov_9fa48("194"), {
        ...p.root,
        input: j,
        value,
        ...(shared ? stryMutAct_9fa48("195") ? {} : (stryCov_9fa48("195"), {
          shared
        }) : {})
      }));
      return stryMutAct_9fa48("196") ? {} : (stryCov_9fa48("196"), {
        plan: planNode(stryMutAct_9fa48("197") ? {} : (stryCov_9fa48("197"), {
          ...p,
          root
        })),
        notes,
        choices
      });
    }
  }
});