/**
 * Adapts rollup build/refresh/status (src/rollup) to the service's RollupAdmin: one build or refresh
 * per rollup at a time in this process (another process racing it loses cleanly: RollupConflictError),
 * and the optimizer re-reads rollup_state as soon as one finishes.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { LiveOptimizer } from '../optimize/live.ts';
import { buildRollup } from '../rollup/build.ts';
import { latestCapture } from '../rollup/capture.ts';
import type { RollupEnv } from '../rollup/connect.ts';
import { type LoadReport, RollupConflictError, RollupNotBuiltError } from '../rollup/load-report.ts';
import { refreshRollup, verifyRollup } from '../rollup/refresh.ts';
import { definitionText, type RollupState } from '../rollup/state.ts';
import { rollupStatus } from '../rollup/status.ts';
import { Conflict, NotFound, problemOf } from './errors.ts';
import type { RollupAction, RollupAdmin, RollupInfo, RollupJob, RollupLoad } from './types.ts';

function infoOf(r: RollupDef, state: RollupState | null | undefined): RollupInfo {
  const current = state && state.definition === definitionText(r) ? state : null;
  return {
    name: r.name,
    on: `${r.table.source}.${r.table.table}`,
    grain: r.grain,
    timezone: r.timezone,
    dimensions: r.dimensions,
    measures: r.measures.map((m) => `${m.fn}(${m.column ?? '*'})`),
    state: current && {
      watermark: current.watermark,
      loadedTo: current.loadedTo,
      builtAt: current.builtAt,
      factRows: current.factRows,
      aggRows: current.aggRows,
      sourceRows: current.sourceRows,
      materialization: current.materialization,
      revision: current.revision,
      checkedAt: current.checkedAt,
      verifiedAt: current.verifiedAt,
      dirtyPartitions: current.dirty,
      sourceIdentity: current.sourceIdentity,
      captureSeen: current.captureSeen,
    },
  };
}

const loadOf = (r: LoadReport): RollupLoad => ({
  name: r.name,
  from: r.from,
  to: r.to,
  factRows: r.factRows,
  aggRows: r.aggRows,
  ms: Math.round(r.ddlMs + r.loadMs + r.refreshMs),
  materialization: r.materialization,
  checked: { ...r.checked, ms: Math.round(r.checked.ms) },
  repaired: r.repaired,
  reason: r.reason,
});

export function rollupAdmin(catalog: Catalog, live: LiveOptimizer, env: RollupEnv): RollupAdmin {
  const running = new Set<string>();
  /** The last build or refresh of each rollup in this process (what an async request polls). */
  const jobs = new Map<string, RollupJob>();
  // The source URLs too: PostgreSQL sources are then fingerprinted (and their change capture read) directly.
  const rollupEnv: RollupEnv = { ...env };

  const find = (name: string): RollupDef => {
    const r = live.rollups.find((x) => x.name === name);
    if (!r) throw new NotFound('not-found', `rollup "${name}" is not defined`);
    return r;
  };

  /** Claims the rollup (409 while another build or refresh of it runs here) and starts the work. */
  function launch(name: string, action: RollupAction): { job: RollupJob; done: Promise<RollupLoad> } {
    const r = find(name);
    if (running.has(name)) {
      const current = jobs.get(name);
      throw new Conflict(
        'rollup-busy',
        `rollup "${name}" has a ${current?.action ?? 'load'} running already`,
      );
    }
    running.add(name);
    const job: RollupJob = {
      action,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    jobs.set(name, job);
    const work =
      action === 'build'
        ? buildRollup(catalog, r, rollupEnv)
        : action === 'verify'
          ? verifyRollup(catalog, r, rollupEnv)
          : refreshRollup(catalog, r, rollupEnv);
    const done = work
      .then(loadOf, (error: unknown) => {
        if (error instanceof RollupConflictError) throw new Conflict('rollup-conflict', error.message);
        if (error instanceof RollupNotBuiltError) throw new Conflict('rollup-not-built', error.message);
        throw error;
      })
      .then(
        (result) => {
          jobs.set(name, { ...job, state: 'done', finishedAt: new Date().toISOString(), result });
          return result;
        },
        (error: unknown) => {
          const e = problemOf(error);
          jobs.set(name, {
            ...job,
            state: 'failed',
            finishedAt: new Date().toISOString(),
            error: { code: e.code, message: e.message },
          });
          throw error;
        },
      )
      .finally(async () => {
        running.delete(name);
        await live.reload().catch(() => {});
      });
    done.catch(() => {}); // an async job's failure is reported through its status, not thrown
    return { job, done };
  }

  return {
    async list() {
      const states = await live.readStates();
      return live.rollups.map((r) => infoOf(r, states.get(r.name)));
    },
    async status(name) {
      const r = find(name);
      const s = await rollupStatus(catalog, r, rollupEnv);
      return {
        ...infoOf(r, s.state),
        sourceHigh: s.sourceHigh,
        stale: s.stale,
        staleReasons: s.reasons,
        job: jobs.get(name) ?? null,
      };
    },
    build: (name) => launch(name, 'build').done,
    refresh: (name) => launch(name, 'refresh').done,
    verify: (name) => launch(name, 'verify').done,
    async captured() {
      const pending: { name: string; table: string; first: boolean }[] = [];
      for (const r of live.rollups) {
        const state = live.stateOf(r.name);
        if (!state?.watermark || running.has(r.name)) continue;
        const latest = await latestCapture(catalog, r, rollupEnv).catch(() => null);
        if (latest !== null && (state.captureSeen === null || Number(latest) > Number(state.captureSeen)))
          pending.push({
            name: r.name,
            table: `${r.table.source}.${r.table.table}`,
            first: state.captureSeen === null,
          });
      }
      return pending;
    },
    start: (name, action) => launch(name, action).job,
  };
}
