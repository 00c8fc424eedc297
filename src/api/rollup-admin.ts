/**
 * Adapts rollup build/refresh/status (src/rollup) to the service's RollupAdmin: one build or refresh
 * per rollup at a time in this process (another process racing it loses cleanly: RollupConflictError),
 * and the optimizer re-reads rollup_state as soon as one finishes.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import type { LiveOptimizer } from '../optimize/live.ts';
import {
  buildRollup,
  type LoadReport,
  RollupConflictError,
  RollupNotBuiltError,
  type RollupState,
  refreshRollup,
  rollupStatus,
} from '../rollup/build.ts';
import { definitionText } from '../rollup/ddl.ts';
import type { RollupAdmin, RollupInfo, RollupLoad } from './deps.ts';
import { ApiError } from './errors.ts';

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
      materialization: current.materialization,
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
});

export function rollupAdmin(
  catalog: Catalog,
  live: LiveOptimizer,
  env: { readonly TRINO_URL?: string | undefined; readonly TIMESCALE_URL?: string | undefined },
): RollupAdmin {
  const running = new Map<string, string>();
  const rollupEnv = { TRINO_URL: env.TRINO_URL, TIMESCALE_URL: env.TIMESCALE_URL };

  const find = (name: string): RollupDef => {
    const r = live.rollups.find((x) => x.name === name);
    if (!r) throw new ApiError(404, 'not-found', `rollup "${name}" is not defined`);
    return r;
  };

  async function exclusive(name: string, what: string, work: (r: RollupDef) => Promise<LoadReport>) {
    const r = find(name);
    const busy = running.get(name);
    if (busy) throw new ApiError(409, 'rollup-busy', `rollup "${name}" is being ${busy} already`);
    running.set(name, what);
    try {
      return loadOf(await work(r));
    } catch (error) {
      if (error instanceof RollupConflictError) throw new ApiError(409, 'rollup-conflict', error.message);
      if (error instanceof RollupNotBuiltError) throw new ApiError(409, 'rollup-not-built', error.message);
      throw error;
    } finally {
      running.delete(name);
      await live.reload().catch(() => {});
    }
  }

  return {
    async list() {
      const states = await live.readStates();
      return live.rollups.map((r) => infoOf(r, states.get(r.name)));
    },
    async status(name) {
      const r = find(name);
      const s = await rollupStatus(catalog, r, rollupEnv);
      return { ...infoOf(r, s.state), sourceHigh: s.sourceHigh, stale: s.stale };
    },
    build: (name) => exclusive(name, 'built', (r) => buildRollup(catalog, r, rollupEnv)),
    refresh: (name) => exclusive(name, 'refreshed', (r) => refreshRollup(catalog, r, rollupEnv)),
  };
}
