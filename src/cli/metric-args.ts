/** The options `compile`, `query` and `explain` share, turned into a MetricQuery. */
import { readCliEnv } from '../config/cli-env.ts';
import type { DialectPreference } from '../exec/engine.ts';
import { GRAINS, type Grain } from '../ir/kpi.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { dateProblem } from '../shared/time.ts';
import { type OptionSpecs, type ParsedArgs, stringOption, suggest, UsageError } from './args.ts';
import { type Definitions, loadDefinitions } from './definitions.ts';

export const METRIC_OPTIONS: OptionSpecs = {
  kpi: { type: 'string', value: 'ID', help: 'the KPI to ask (a demo KPI, or one from --defs)' },
  dsl: {
    type: 'string',
    value: 'TEXT',
    help: 'an inline KPI instead: a bare formula, or `kpi x = …` definitions',
  },
  defs: {
    type: 'string',
    value: 'FILE',
    help: 'more definitions (DSL or the seed JSON) besides the demo ones',
  },
  grain: { type: 'string', value: 'GRAIN', help: `${GRAINS.join('|')}|none (default none: one total)` },
  from: { type: 'string', value: 'ISO', help: 'range start, inclusive (a date is midnight in --tz)' },
  to: { type: 'string', value: 'ISO', help: 'range end, exclusive' },
  tz: {
    type: 'string',
    value: 'ZONE',
    help: 'IANA time zone the buckets are cut in (default SCHEDULER_TIMEZONE or UTC)',
  },
  dims: { type: 'string', value: 'A,B', help: 'dimensions to break the KPI down by' },
  where: { type: 'string', value: 'FILTER', help: `a filter on dimensions, e.g. "region = 'eu'"` },
  dialect: { type: 'string', value: 'NAME', help: 'auto|trino|postgres|timescale' },
};

const DIALECTS = ['auto', 'trino', 'postgres', 'timescale'] as const;

export interface MetricArgs {
  readonly definitions: Definitions;
  readonly query: MetricQuery;
  readonly dialect: DialectPreference;
}

const oneOf = (option: string, value: string, allowed: readonly string[]): UsageError => {
  const guess = suggest(value, allowed);
  return new UsageError(
    `--${option} ${value} is not one of ${allowed.join(', ')}${guess ? ` (did you mean ${guess}?)` : ''}`,
  );
};

export async function metricArgs(args: ParsedArgs, defaultDialect: DialectPreference): Promise<MetricArgs> {
  const grainText = stringOption(args, 'grain') ?? 'none';
  if (grainText !== 'none' && !GRAINS.includes(grainText as Grain)) {
    throw oneOf('grain', grainText, [...GRAINS, 'none']);
  }
  const from = stringOption(args, 'from');
  const to = stringOption(args, 'to');
  if (!from || !to) throw new UsageError('give --from and --to (half-open range [from, to))');
  for (const [option, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    // 2025-02-30 must not silently become 2025-03-02.
    const problem = dateProblem(value);
    if (problem) throw new UsageError(`${option} ${value.slice(0, 40)} ${problem}`);
  }
  const dialect = (stringOption(args, 'dialect') ?? defaultDialect) as DialectPreference;
  if (!DIALECTS.includes(dialect)) throw oneOf('dialect', dialect, DIALECTS);
  const definitions = await loadDefinitions({
    kpi: stringOption(args, 'kpi'),
    dsl: stringOption(args, 'dsl'),
    defs: stringOption(args, 'defs'),
    catalog: stringOption(args, 'catalog'),
    where: stringOption(args, 'where'),
  });
  const dimensions = (stringOption(args, 'dims') ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  checkDimensions(definitions, dimensions);
  const where = stringOption(args, 'where');
  return {
    definitions,
    dialect,
    query: {
      kpi: definitions.kpi.id,
      grain: grainText === 'none' ? null : (grainText as Grain),
      range: { start: from, end: to },
      timezone: stringOption(args, 'tz') ?? readCliEnv().defaultTimezone,
      dimensions,
      filters: where ? [definitions.parseFilter(where)] : [],
    },
  };
}

/**
 * A dimension that is no column anywhere in the catalog is a typo: say so with the KPI's own dimensions
 * (the planner decides reachability for real columns the KPI does not declare).
 */
function checkDimensions(definitions: Definitions, dimensions: readonly string[]): void {
  const columns = new Set<string>();
  for (const source of Object.values(definitions.catalog.sources)) {
    for (const table of Object.values(source.tables))
      for (const c of Object.keys(table.columns)) columns.add(c);
  }
  const declared = definitions.kpi.dimensions;
  for (const d of dimensions) {
    if (declared.includes(d) || columns.has(d)) continue;
    const guess = suggest(d, declared.length > 0 ? declared : columns);
    throw new UsageError(
      `--dims: KPI "${definitions.kpi.id}" has no dimension "${d}"${guess ? ` (did you mean "${guess}"?)` : ''}; ` +
        (declared.length > 0 ? `its dimensions: ${declared.join(', ')}` : 'it declares no dimensions'),
    );
  }
}
