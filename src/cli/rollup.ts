/** `kpi rollup build|refresh|status NAME|all` — rollups in the metrics store (see src/rollup). */
import { loadCatalog } from '../catalog/load.ts';
import { buildRollup, refreshRollup, rollupStatus } from '../rollup/build.ts';
import { ddlPreview } from '../rollup/ddl.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStackEnv } from '../stack/env.ts';
import { parseArgs, UsageError } from './args.ts';

export const usage = `kpi rollup build|refresh|status|ddl NAME|all [--rollups FILE] [--policy]
  build    drop and recreate the rollup, load every source row, refresh (cold)
  refresh  load the source rows after the watermark and refresh the changed buckets
  status   watermark, rows, whether source rows are newer (stale)
  ddl      print the DDL (with --policy, the refresh policy a real TimescaleDB runs by itself)`;

const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;

export async function rollupCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['policy']);
  const [action, name] = args.positional;
  if (!action || !name || !['build', 'refresh', 'status', 'ddl'].includes(action))
    throw new UsageError(usage);
  const catalog = loadCatalog();
  const all = loadRollups(catalog, args.values.rollups ?? undefined);
  const chosen = name === 'all' ? all : all.filter((r) => r.name === name);
  if (chosen.length === 0) {
    throw new UsageError(`no rollup "${name}"; known: ${all.map((r) => r.name).join(', ')}`);
  }
  const env = readStackEnv();
  for (const r of chosen) {
    if (action === 'ddl') {
      console.log(ddlPreview(catalog, r, { policy: args.values.policy === 'true' }));
    } else if (action === 'status') {
      const s = await rollupStatus(catalog, r, env);
      console.log(
        `${r.name}: ${s.state?.watermark ? `watermark ${s.state.watermark}, ${s.state.aggRows} rows (${s.state.materialization})` : 'not built'}${
          s.state && !s.matchesDefinition ? ', built from another definition' : ''
        }${
          s.state?.loadedTo && s.state.loadedTo !== s.state.watermark
            ? `, facts loaded up to ${s.state.loadedTo} but not published (the next refresh finishes it)`
            : ''
        }; source up to ${s.sourceHigh ?? 'empty'}${s.stale ? ' — STALE' : ' — fresh'}`,
      );
    } else {
      const rep =
        action === 'build'
          ? await buildRollup(catalog, r, env, { policy: args.values.policy === 'true' })
          : await refreshRollup(catalog, r, env);
      console.log(
        `${r.name}: ${action} loaded ${rep.factRows} fact rows for [${rep.from ?? '-∞'}, ${rep.to}) in ${ms(rep.loadMs)}, refresh ${ms(rep.refreshMs)}${rep.ddlMs ? `, ddl ${ms(rep.ddlMs)}` : ''}; ${rep.aggRows} rows (${rep.materialization})`,
      );
    }
  }
  return 0;
}
