/** `kpi rollup build|refresh|verify|status|ddl NAME|all`, `kpi rollup capture install|remove NAME|all`. */

import { readStackEnv } from '../config/stack-env.ts';
import { buildRollup } from '../rollup/build.ts';
import { installCapture, removeCapture } from '../rollup/capture.ts';
import { ddlPreview } from '../rollup/ddl.ts';
import { loadRollups } from '../rollup/definitions.ts';
import type { LoadReport } from '../rollup/load-report.ts';
import { refreshRollup, verifyRollup } from '../rollup/refresh.ts';
import { rollupStatus } from '../rollup/status.ts';
import { type CommandSpec, flag, parseCommandArgs, stringOption, suggest, UsageError } from './args.ts';
import { loadCatalogOption } from './definitions.ts';

const ACTIONS = ['build', 'refresh', 'verify', 'status', 'ddl', 'capture'] as const;

export const spec: CommandSpec = {
  name: 'kpi rollup',
  synopsis: 'build|refresh|verify|status|ddl NAME|all  |  capture install|remove NAME|all',
  summary: 'Build, refresh or show the status of rollups in the metrics store (TIMESCALE_URL or .stack/env).',
  positionals: true,
  options: {
    rollups: {
      type: 'string',
      value: 'FILE',
      help: 'rollup definitions (JSON; default fixtures/demo-rollups.json)',
    },
    policy: { type: 'boolean', help: 'build/ddl: also the refresh policy a real TimescaleDB runs by itself' },
    window: {
      type: 'string',
      value: 'DAYS',
      help: "refresh: days before the watermark to re-check (default: the rollup's mutableWindowDays, else 7)",
    },
  },
  notes: `actions:
  build    drop and recreate the rollup, load every source row, refresh (cold)
  refresh  load the source rows after the watermark, re-check the mutable window (or the
           change-capture log) and re-load the partitions whose source changed
  verify   compare every partition with the source, re-load those that differ (listed)
  status   watermark, rows, and whether it may differ from the source (STALE, and why)
  ddl      print the DDL
  capture  install|remove change-capture triggers on the rollup's PostgreSQL source table`,
};

const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;

function loadLine(action: string, rep: LoadReport): string {
  const c = rep.checked;
  const repaired =
    rep.repaired.length === 0
      ? 'nothing repaired'
      : `repaired ${rep.repaired.length} partitions: ${rep.repaired.map(([s, e]) => `[${s}, ${e})`).join(' ')}`;
  return `${rep.name}: ${action} loaded ${rep.factRows} fact rows for [${rep.from ?? '-∞'}, ${rep.to}) in ${ms(rep.loadMs)}, refresh ${ms(rep.refreshMs)}${rep.ddlMs ? `, ddl ${ms(rep.ddlMs)}` : ''}; ${rep.aggRows} rows (${rep.materialization}); checked ${c.partitions} partitions (${c.mode}${c.from ? ` from ${c.from}` : ''}, ${c.rowsScanned} source rows) in ${ms(c.ms)}; ${repaired}${rep.reason ? ` — because ${rep.reason}` : ''}`;
}

export async function rollupCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(spec, argv);
  const capture = args.positional[0] === 'capture';
  const [action, name, ...extra] = capture ? args.positional.slice(1) : args.positional;
  if (capture && action !== 'install' && action !== 'remove')
    throw new UsageError('kpi rollup capture: install or remove, then a rollup name or all');
  if (!action || (!capture && !ACTIONS.includes(action as (typeof ACTIONS)[number]))) {
    const guess = action ? suggest(action, ACTIONS) : undefined;
    throw new UsageError(
      `kpi rollup: ${action ? `unknown action "${action}"${guess ? ` (did you mean ${guess}?)` : ''}` : 'give an action'}: build, refresh, verify, status, ddl or capture (see kpi rollup --help)`,
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
  const windowText = stringOption(args, 'window');
  const window = windowText === undefined ? undefined : Number(windowText);
  if (window !== undefined && !(Number.isInteger(window) && window >= 0))
    throw new UsageError(`kpi rollup: --window takes a whole number of days (got "${windowText}")`);
  const env = readStackEnv();
  for (const r of chosen) {
    if (capture) {
      const table = await (action === 'install' ? installCapture : removeCapture)(catalog, r, env);
      console.log(
        `${r.name}: change capture ${action === 'install' ? 'installed on' : 'removed from'} ${table}`,
      );
    } else if (action === 'ddl') {
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
        }; source up to ${s.sourceHigh ?? 'empty'}${s.stale ? ` — STALE: ${s.reasons.join('; ')}` : ' — fresh'}${
          s.state?.verifiedAt ? `; verified ${s.state.verifiedAt}` : ''
        }`,
      );
    } else {
      const rep =
        action === 'build'
          ? await buildRollup(catalog, r, env, { policy: flag(args, 'policy') })
          : action === 'verify'
            ? await verifyRollup(catalog, r, env)
            : await refreshRollup(catalog, r, env, window === undefined ? {} : { mutableWindowDays: window });
      console.log(loadLine(action, rep));
    }
  }
  return 0;
}
