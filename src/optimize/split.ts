/**
 * Split plans: a plan that spans several connections — a stitch's rollup piece on the metrics store and
 * its raw tail on PostgreSQL, or two variables on two source databases — can run each aggregate
 * (each stitch piece) directly on its own engine and be combined in process (exec/split-run.ts: the
 * stitch's sum/min/max per key, the null-safe join on (bucket, dimensions), the formula) instead of one
 * Trino statement, which pays Trino's fixed planning cost however few rows it reads. Pure: whether a
 * plan can be split (`splitRefusal`) and what each way costs by estimate (`engineEstimate`).
 */
import { connectionOf } from '../catalog/resolve.ts';
import type { Catalog, EngineKind } from '../catalog/types.ts';
import { inProcessRefusal } from '../plan/evaluate.ts';
import { type Aggregate, aggregatesOf, type Plan } from '../plan/nodes.ts';
import { aggregateRowsRead } from './calibrate.ts';
import type { EngineCosts, OptimizeContext } from './types.ts';

export type { EngineCosts } from './types.ts';

/** Engines a split part runs on directly (one SQL statement each, through pg). */
const DIRECT: readonly EngineKind[] = ['postgres', 'timescale'];
const NUMERIC = new Set(['bigint', 'double', 'decimal', 'number', 'null']);

/** The one direct connection `a` reads, or why it has none. */
function directConnection(a: Aggregate, catalog: Catalog): { connection: string } | { reason: string } {
  const s = a.input.input;
  const connections = new Set([s.table, ...s.joins.map((j) => j.table)].map((t) => connectionOf(catalog, t)));
  if (connections.size !== 1)
    return { reason: `${a.source} joins tables of ${connections.size} connections` };
  const [c] = [...connections];
  if (!DIRECT.includes(c!.engine)) return { reason: `${a.source} reads ${c!.name} (${c!.engine})` };
  return { connection: c!.name };
}

/** Why `plan` cannot run as a split plan, or null when every aggregate can run on its own engine. */
export function splitRefusal(plan: Plan, catalog: Catalog): string | null {
  const j = plan.root.input;
  if (j.spine) return 'a spine of buckets (windowed or interval-valid measure) is generated in SQL';
  // A windowed stitch applies its windows over a spine in SQL; the in-process combine has no spine.
  const windowed = j.inputs.find((m) => m.kind === 'stitch' && m.over);
  if (windowed) return `${windowed.source} is windowed (its windows are applied over a spine in SQL)`;
  for (const a of j.inputs.flatMap(aggregatesOf)) {
    if (a.bucketing.kind !== 'truncate') return `${a.source} is windowed or interval-valid`;
    if (a.fn === 'approx_distinct') return `${a.source} uses approx_distinct`;
    if (!NUMERIC.has(a.type)) return `${a.source} is a ${a.type}, combined only in SQL`;
    const c = directConnection(a, catalog);
    if ('reason' in c) return c.reason;
  }
  for (const s of plan.root.shared ?? []) {
    const why = inProcessRefusal(s.value);
    if (why) return `the formula uses ${why}`;
  }
  const why = inProcessRefusal(plan.root.value);
  return why ? `the formula uses ${why}` : null;
}

/**
 * Milliseconds by estimate. One Trino statement pays Trino's fixed cost (planning, connector
 * metadata, scheduling) and reads every row through its connectors; a split plan pays a round trip per
 * part on engines that read their own rows. Defaults from docs/development.md's rollup bench at scale 1
 * (revenue day history, 911 days): raw via Trino 1,176 ms and direct on PostgreSQL 426 ms for 1M
 * subscriptions; the rollup via Trino 315 ms and direct on the metrics store 24 ms for 12,937 rows.
 */

export const DEFAULT_ENGINE_COSTS: EngineCosts = Object.freeze({
  trinoFixedMs: 300,
  trinoRowMs: 0.0009,
  directFixedMs: 5,
  directRowMs: Object.freeze({ postgres: 0.0004, timescale: 0.002 }),
});

export interface EngineEstimate {
  readonly trinoMs: number;
  readonly splitMs: number;
  readonly parts: number;
  /** Reads whose rows could not be estimated (counted as 0 rows both ways). */
  readonly unknown: number;
  /** For EXPLAIN. */
  readonly text: string;
}

/**
 * Both ways for a plan splitRefusal accepted (`catalog`: the sources and the rollups). Parts on one connection count one after the other
 * (the metrics store serves one connection); connections run side by side. Rows a read cannot be
 * estimated for (no rollup of its table records counts) count as equal both ways, so the fixed costs
 * decide.
 */
export function engineEstimate(
  plan: Plan,
  catalog: Catalog,
  ctx: OptimizeContext,
  costs: EngineCosts = DEFAULT_ENGINE_COSTS,
): EngineEstimate {
  const perConnection = new Map<string, number>();
  let trinoRows = 0;
  let parts = 0;
  let unknown = 0;
  for (const a of plan.root.input.inputs.flatMap(aggregatesOf)) {
    const c = connectionOf(catalog, a.input.input.table);
    const rows = aggregateRowsRead(a, ctx);
    const n = rows ? rows.raw + rows.rollup : 0;
    if (!rows) unknown++;
    trinoRows += n;
    parts++;
    const perRow = costs.directRowMs[c.engine === 'timescale' ? 'timescale' : 'postgres'];
    perConnection.set(c.name, (perConnection.get(c.name) ?? 0) + costs.directFixedMs + n * perRow);
  }
  const trinoMs = costs.trinoFixedMs + trinoRows * costs.trinoRowMs;
  const splitMs = Math.max(0, ...perConnection.values());
  const rows = `${Math.round(trinoRows)} rows by estimate${unknown ? ` (${unknown} of ${parts} reads unknown)` : ''}`;
  return {
    trinoMs,
    splitMs,
    parts,
    unknown,
    text: `split ${splitMs.toFixed(1)} ms vs one trino statement ${trinoMs.toFixed(1)} ms by estimate (${parts} parts on ${[...perConnection.keys()].sort().join(', ')}; ${rows})`,
  };
}

/** The engine name choose-engine gives a split plan (exec/compile.ts compiles it into parts). */
export const SPLIT_ENGINE = 'split';
