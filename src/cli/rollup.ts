/** `kpi rollup build|refresh|status NAME|all` — rollups in the metrics store (see src/rollup). */
import { buildRollup, refreshRollup, rollupStatus } from '../rollup/build.ts';
import { ddlPreview } from '../rollup/ddl.ts';
import { loadRollups } from '../rollup/definitions.ts';
import { readStackEnv } from '../stack/env.ts';
import { type CommandSpec, flag, parseCommandArgs, stringOption, suggest, UsageError } from './args.ts';
import { loadCatalogOption } from './definitions.ts';

const ACTIONS = ['build', 'refresh', 'status', 'ddl'] as const;

export const spec: CommandSpec = {
  name: 'kpi rollup',
  synopsis: 'build|refresh|status|ddl NAME|all',
  summary: 'Build, refresh or show the status of rollups in the metrics store (TIMESCALE_URL or .stack/env).',
  positionals: true,
  options: {
    rollups: {
      type: 'string',
      value: 'FILE',
      help: 'rollup definitions (JSON; default fixtures/demo-rollups.json)',
    },
    policy: { type: 'boolean', help: 'build/ddl: also the refresh policy a real TimescaleDB runs by itself' },
  },
  notes: `actions:
  build    drop and recreate the rollup, load every source row, refresh (cold)
  refresh  load the source rows after the watermark and refresh the changed buckets
  status   watermark, rows, whether source rows are newer (stale)
  ddl      print the DDL`,
};

const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;

export async function rollupCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  const [action, name, ...extra] = args.positional;
  if (!action || !ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    const guess = action ? suggest(action, ACTIONS) : undefined;
    throw new UsageError(
      `kpi rollup: ${action ? `unknown action "${action}"${guess ? ` (did you mean ${guess}?)` : ''}` : 'give an action'}: build, refresh, status or ddl (see kpi rollup --help)`,
    );
  }
  if (!name) throw new UsageError(`kpi rollup ${action}: name a rollup, or all`);
  if (extra.length > 0) throw new UsageError(`kpi rollup: unexpected argument "${extra[0]}"`);
  const catalog = loadCatalogOption(stringOption(args, 'catalog'));
  const all = loadRollups(catalog, stringOption(args, 'rollups'));
  const chosen = name === 'all' ? all : all.filter((r) => r.name === name);
  if (chosen.length === 0) {
    const guess = suggest(
      name,
      all.map((r) => r.name),
    );
    throw new UsageError(
      `no rollup "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${all.map((r) => r.name).join(', ')}`,
    );
  }
  const env = readStackEnv();
  for (const r of chosen) {
    if (action === 'ddl') {
      console.log(ddlPreview(catalog, r, { policy: flag(args, 'policy') }));
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
          ? await buildRollup(catalog, r, env, { policy: flag(args, 'policy') })
          : await refreshRollup(catalog, r, env);
      console.log(
        `${r.name}: ${action} loaded ${rep.factRows} fact rows for [${rep.from ?? '-∞'}, ${rep.to}) in ${ms(rep.loadMs)}, refresh ${ms(rep.refreshMs)}${rep.ddlMs ? `, ddl ${ms(rep.ddlMs)}` : ''}; ${rep.aggRows} rows (${rep.materialization})`,
      );
    }
  }
  return 0;
}
