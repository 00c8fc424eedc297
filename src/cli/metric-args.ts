/** The options `compile` and `query` share, turned into a MetricQuery. */
import type { DialectPreference } from '../exec/engine.ts';
import { GRAINS, type Grain } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { type Definitions, loadDefinitions } from './definitions.ts';

export const METRIC_USAGE = `--kpi ID | --dsl TEXT  [--defs FILE]
  --grain minute|hour|day|week|month|quarter|year|none  --from ISO --to ISO  [--tz ZONE]
  [--dims a,b] [--where "region = 'eu'"] [--dialect auto|trino|postgres|timescale]`;

export interface MetricArgs {
  readonly definitions: Definitions;
  readonly query: MetricQuery;
  readonly dialect: DialectPreference;
}

export async function metricArgs(args: ParsedArgs, defaultDialect: DialectPreference): Promise<MetricArgs> {
  const v = args.values;
  const grainText = v.grain ?? 'none';
  if (grainText !== 'none' && !GRAINS.includes(grainText as Grain)) {
    throw new UsageError(`--grain ${grainText} is not one of ${GRAINS.join(', ')}, none`);
  }
  if (!v.from || !v.to) throw new UsageError('give --from and --to (half-open range [from, to))');
  const dialect = (v.dialect ?? defaultDialect) as DialectPreference;
  if (!['auto', 'trino', 'postgres', 'timescale'].includes(dialect)) {
    throw new UsageError(`--dialect ${dialect} is not one of auto, trino, postgres, timescale`);
  }
  const definitions = await loadDefinitions({ kpi: v.kpi, dsl: v.dsl, defs: v.defs });
  const dimensions = (v.dims ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  return {
    definitions,
    dialect,
    query: {
      kpi: definitions.kpi.id,
      grain: grainText === 'none' ? null : (grainText as Grain),
      range: { start: v.from, end: v.to },
      timezone: v.tz ?? process.env.SCHEDULER_TIMEZONE ?? 'UTC',
      dimensions,
      filters: v.where ? [definitions.parseFilter(v.where)] : [],
    },
  };
}
