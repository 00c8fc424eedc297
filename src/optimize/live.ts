/**
 * The optimizer in a long-running process (the HTTP service). Rollups are built and refreshed by other
 * processes while it serves, so it keeps the context read from rollup_state fresh (on an interval and
 * on demand) and, after every run that read a rollup, checks that the answer still holds: the rollup is
 * still the build it planned on and its published watermark has not gone back. A cold build changes the
 * build id before it drops anything, so a run that overlapped a rebuild always fails the check and the
 * caller answers from the raw plan instead — never from a half-built rollup.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { Plan } from '../plan/nodes.ts';
import { walkPlan } from '../plan/visit.ts';
import { DRUID_ROLLUP_SOURCE, isRollupSource, withRollups } from '../rollup/names.ts';
import { definitionText, type RollupState } from '../rollup/state.ts';
import { RowCostCalibration, rowsRead } from './calibrate.ts';
import { contextFrom } from './context.ts';
import { costsMoved, EngineCostCalibration } from './engine-calibrate.ts';
import { DEFAULT_ENGINE_COSTS, engineEstimate, SPLIT_ENGINE } from './split.ts';
import type { FittedEngineCosts, OptimizeContext, RowCost } from './types.ts';

export type StateReader = () => Promise<ReadonlyMap<string, RollupState>>;

export interface LiveOptimizerOptions {
  readonly catalog: Catalog;
  readonly rollups: readonly RollupDef[];
  /** Reads rollup_state (the service passes its own metrics-store connection). */
  readonly readStates: StateReader;
  /** How often to re-read rollup_state for builds and refreshes made elsewhere; 0 = never. */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
  /** A row cost to keep (OPTIMIZER_ROW_COST): observed runtimes then change nothing. */
  readonly rowCost?: RowCost;
}

/** How far the fitted row cost must move (as a ratio) before plans are re-chosen with it. */
export const ROW_COST_STEP = 1.2;

/** The rollups a plan reads. */
export function rollupsRead(plan: Plan): string[] {
  const names = new Set<string>();
  walkPlan(plan.root, (node) => {
    if (node.kind === 'scan' && isRollupSource(node.table.source)) names.add(node.table.table);
  });
  return [...names];
}

/** The Druid-backed rollups (datasources, named like them) a plan reads. */
export function druidRollupsRead(plan: Plan): string[] {
  const names = new Set<string>();
  walkPlan(plan.root, (node) => {
    if (node.kind === 'scan' && node.table.source === DRUID_ROLLUP_SOURCE) names.add(node.table.table);
  });
  return [...names];
}

/** Whether a plan reads a Druid-backed rollup (Druid is an optional part: its failure falls back). */
export const readsDruid = (plan: Plan): boolean => druidRollupsRead(plan).length > 0;

/**
 * Druid failing (stopped, its broker down, a query failing there or in Trino's druid catalog) while a
 * plan read a Druid rollup: the sources still hold the answer. Not a timeout, a cancel or a limit.
 */
const druidFailure = (plan: Plan, error: unknown): boolean =>
  readsDruid(plan) &&
  ['engine-unavailable', 'engine-error'].includes(String((error as { code?: unknown }).code));

/**
 * The source tables a plan reads (`source.table`): those it scans raw and those behind the rollups it
 * reads — what a change of source data can change in its answer.
 */
export function tablesRead(plan: Plan, rollups: readonly RollupDef[]): string[] {
  const tables = new Set<string>();
  walkPlan(plan.root, (node) => {
    if (node.kind !== 'scan') return;
    if (!isRollupSource(node.table.source)) tables.add(`${node.table.source}.${node.table.table}`);
    else {
      const r = rollups.find((x) => x.name === node.table.table);
      if (r) tables.add(`${r.table.source}.${r.table.table}`);
    }
    for (const j of node.joins) tables.add(`${j.table.source}.${j.table.table}`);
  });
  return [...tables].sort();
}

/** A rollup's version an answer can rest on: `buildId.revision`; null when unpublished or unknown. */
export function rollupVersion(state: RollupState | undefined): string | null {
  return state?.watermark ? `${state.buildId}.${state.revision}` : null;
}

/**
 * Whether an answer computed from `rollups` as `ctx` knew them holds under `states` read after the run:
 * same definition, same build, same revision (no partition below the watermark was marked dirty or
 * repaired meanwhile), and a published watermark no earlier than the one planned on.
 */
export function answerHolds(
  ctx: OptimizeContext,
  rollups: readonly string[],
  states: ReadonlyMap<string, RollupState>,
): boolean {
  return rollups.every((name) => {
    const planned = ctx.facts.get(name);
    const now = states.get(name);
    const def = ctx.rollups.find((r) => r.name === name);
    if (!planned?.watermark || !now?.watermark || !def) return false;
    return (
      now.buildId === planned.buildId &&
      now.revision === (planned.revision ?? now.revision) &&
      now.definition === definitionText(def) &&
      Date.parse(now.watermark) >= Date.parse(planned.watermark)
    );
  });
}

export interface CheckedRun<R> {
  readonly result: R;
  /** Whether the plan read rollups (only then is its answer checked). */
  readonly readRollups: boolean;
  /** True when the rollup answer was void and the raw plan answered. */
  readonly voided: boolean;
  /** Why the rollup plan was not run at all (`unusable`), when it was not. */
  readonly reason?: string;
}

/**
 * Runs a plan that may read rollups, then checks its answer (`holds`, read after the run); a void answer
 * — or a failure while its rollup changed, or a failure of Druid under a Druid-backed rollup — is
 * replaced by the raw plan's. An abort is never retried.
 */
export async function runChecked<R>(o: {
  readonly plan: Plan;
  readonly run: () => Promise<R>;
  readonly runRaw: () => Promise<R>;
  readonly holds: () => Promise<boolean>;
  /**
   * Asked before the run: why the rollups cannot give the whole answer now (Druid not serving every
   * published segment), or null. A reason sends the plan to the raw plan without running it.
   */
  readonly unusable?: () => Promise<string | null>;
  readonly signal?: AbortSignal | undefined;
}): Promise<CheckedRun<R>> {
  if (rollupsRead(o.plan).length === 0) return { result: await o.run(), readRollups: false, voided: false };
  const reason = o.unusable ? await o.unusable() : null;
  if (reason) return { result: await o.runRaw(), readRollups: true, voided: true, reason };
  const holds = () => o.holds().catch(() => false);
  try {
    const result = await o.run();
    if (await holds()) return { result, readRollups: true, voided: false };
  } catch (error) {
    if (o.signal?.aborted) throw error;
    if (!druidFailure(o.plan, error) && (await holds())) throw error;
  }
  return { result: await o.runRaw(), readRollups: true, voided: true };
}

/** Facts as comparable text: a reload that changes nothing keeps the generation (and memoized plans). */
const factsKey = (ctx: OptimizeContext) =>
  JSON.stringify([...ctx.facts].sort(([a], [b]) => (a < b ? -1 : 1)));

/** Rollups whose published data may differ between two readings of rollup_state. */
export function changedRollups(
  before: ReadonlyMap<string, RollupState>,
  after: ReadonlyMap<string, RollupState>,
): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => {
    const a = before.get(name);
    const b = after.get(name);
    if (!a || !b) return true;
    return (
      a.buildId !== b.buildId ||
      a.revision !== b.revision ||
      a.definition !== b.definition ||
      (a.watermark !== null && (b.watermark === null || Date.parse(b.watermark) < Date.parse(a.watermark)))
    );
  });
}

export class LiveOptimizer {
  private ctx: OptimizeContext;
  private gen = 0;
  private timer: NodeJS.Timeout | undefined;
  private states: ReadonlyMap<string, RollupState> = new Map();
  private read = false;
  private readonly listeners: Array<(rollups: readonly string[]) => void> = [];
  private readonly calibration = new RowCostCalibration();
  private rowCost: RowCost | undefined;
  private readonly engines = new EngineCostCalibration();
  private engineCosts: FittedEngineCosts | undefined;

  private constructor(private readonly o: LiveOptimizerOptions) {
    this.rowCost = o.rowCost;
    this.ctx = contextFrom(o.catalog, o.rollups, new Map(), this.rowCost);
  }

  /** Reads the context once (an unreadable store means no rollups for now) and starts the interval. */
  static async start(o: LiveOptimizerOptions): Promise<LiveOptimizer> {
    const live = new LiveOptimizer(o);
    await live.reload().catch((error) => o.onError?.(error));
    if (o.intervalMs) {
      live.timer = setInterval(() => live.reload().catch((error) => o.onError?.(error)), o.intervalMs);
      live.timer.unref();
    }
    return live;
  }

  /** Changes whenever the context does: plans (and cache keys) made under another generation are stale. */
  get generation(): number {
    return this.gen;
  }

  get context(): OptimizeContext {
    return this.ctx;
  }

  get rollups(): readonly RollupDef[] {
    return this.o.rollups;
  }

  /** The rollup_state last read, by name. */
  stateOf(name: string): RollupState | undefined {
    return this.states.get(name);
  }

  /**
   * Called with the rollups whose published data may have changed (rebuilt, unpublished, a partition
   * marked dirty or repaired) whenever a reading of rollup_state shows it — what cached answers that
   * read them must follow.
   */
  onRollupsChanged(listener: (rollups: readonly string[]) => void): void {
    this.listeners.push(listener);
  }

  /** rollup_state now (and the context follows it). */
  async readStates(): Promise<ReadonlyMap<string, RollupState>> {
    const states = await this.o.readStates();
    this.adopt(states);
    return states;
  }

  async reload(): Promise<void> {
    await this.readStates();
  }

  /** After a run of `plan` planned on `ctx`: does its answer hold? Also picks up what it read. */
  async holds(ctx: OptimizeContext, plan: Plan): Promise<boolean> {
    const read = rollupsRead(plan);
    if (read.length === 0) return true;
    return answerHolds(ctx, read, await this.readStates());
  }

  /**
   * After a run of `plan` (planned on `ctx`) that took `ms`: one observation for the row cost. When the
   * fitted cost has moved by more than ROW_COST_STEP since plans were last chosen with it, the context
   * takes it and the generation moves (engines and memoized plans are rebuilt; cached answers stay).
   */
  observe(ctx: OptimizeContext, plan: Plan, ms: number, ranOn?: string): void {
    this.observeEngine(ctx, plan, ms, ranOn);
    // A split run's wall time is the slowest of several engines' parts, not one engine reading these
    // rows: it says nothing of what a rollup row costs against a source row.
    if (this.o.rowCost || ranOn === SPLIT_ENGINE) return;
    const rows = rowsRead(plan, ctx);
    if (!rows) return;
    this.calibration.observe(rows, ms);
    const next = this.calibration.current();
    if (!next) return;
    const was = this.rowCost?.factor;
    if (was !== undefined && Math.abs(Math.log(next.factor / was)) <= Math.log(ROW_COST_STEP)) return;
    this.rowCost = next;
    this.ctx = Object.freeze({ ...this.ctx, rowCost: next });
    this.gen++;
  }

  /** The engine costs (split vs one Trino statement) follow what runs on each engine take. */
  private observeEngine(ctx: OptimizeContext, plan: Plan, ms: number, ranOn: string | undefined): void {
    if (ranOn === undefined || ranOn === 'druid') return;
    if (ranOn === 'trino') {
      const rows = rowsRead(plan, ctx);
      if (rows) this.engines.observeTrino(rows.raw + rows.rollup, ms);
    } else {
      const e = engineEstimate(plan, withRollups(ctx.catalog, ctx.rollups), ctx, DEFAULT_ENGINE_COSTS);
      if (e.unknown === 0) this.engines.observeDirect(e.splitMs, ms);
    }
    const next = this.engines.current();
    if (!next) return;
    const was = this.engineCosts?.costs;
    if (was && !costsMoved(was, next.costs, ROW_COST_STEP)) return;
    this.engineCosts = next;
    this.ctx = Object.freeze({ ...this.ctx, engineCosts: next });
    this.gen++;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private adopt(states: ReadonlyMap<string, RollupState>): void {
    // The first reading changes nothing an answer could have rested on.
    const changed = this.read ? changedRollups(this.states, states) : [];
    this.read = true;
    this.states = states;
    if (changed.length > 0) for (const listener of this.listeners) listener(changed);
    const read = contextFrom(this.o.catalog, this.o.rollups, states, this.rowCost);
    const next = this.engineCosts ? { ...read, engineCosts: this.engineCosts } : read;
    if (factsKey(next) !== factsKey(this.ctx)) {
      this.ctx = next;
      this.gen++;
    }
  }
}
