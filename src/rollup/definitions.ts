/**
 * Rollup definitions in their JSON form (fixtures/demo-rollups.json), validated with zod and against the
 * catalog, turned into the frozen `RollupDef` of src/ir/rollup.ts (the DSL's `rollup … on …` gives the same).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Catalog, TableDef } from '../catalog/types.ts';
import { GRAINS, type Grain } from '../ir/kpi.ts';
import type { RollupDef, RollupMeasure } from '../ir/rollup.ts';
import { deepFreeze } from '../shared/freeze.ts';

export const DEMO_ROLLUPS_PATH = fileURLToPath(new URL('../../fixtures/demo-rollups.json', import.meta.url));

/** Measures a rollup can store and re-aggregate exactly. */
export const ROLLUP_FNS = ['sum', 'count', 'min', 'max'] as const;

/** approx_distinct(col) in a rollup is an HLL sketch per bucket, which only Druid stores. */
export const SKETCH_ONLY_IN_DRUID =
  'approx_distinct(col) is stored as an HLL sketch per bucket, which only a Druid rollup holds (target: druid)';

const NAME = /^[a-z][a-z0-9_]{0,40}$/;
const MEASURE = /^(sum|count|min|max|approx_distinct)\((\*|[a-z_][a-z0-9_]*)\)$/i;

const RollupJson = z.object({
  name: z.string().regex(NAME, 'lower-case identifier, at most 41 characters'),
  on: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/i, 'source.table'),
  grain: z.enum(GRAINS as unknown as [Grain, ...Grain[]]),
  timezone: z.string().default('UTC'),
  dimensions: z.array(z.string()).default([]),
  measures: z
    .array(
      z
        .string()
        .regex(
          MEASURE,
          'sum(col), count(*), count(col), min(col), max(col) or approx_distinct(col) (Druid only)',
        ),
    )
    .min(1),
  /** Days before the load watermark a refresh re-checks for source changes (default 7). */
  mutableWindowDays: z.number().int().min(0).max(36_600).optional(),
  /** Where the rollup is stored: the metrics store (default) or a Druid datasource. */
  target: z.enum(['timescale', 'druid']).default('timescale'),
});
const RollupsJson = z.object({ rollups: z.array(RollupJson) });

export class RollupDefinitionError extends Error {
  override readonly name = 'RollupDefinitionError';
}

function tableOf(catalog: Catalog, on: string): TableDef {
  const [source = '', table = ''] = on.split('.');
  const t = catalog.sources[source]?.tables[table];
  if (!t) throw new RollupDefinitionError(`rollup source table ${on} is not in the catalog`);
  return t;
}

export function parseRollups(json: unknown, catalog: Catalog): readonly RollupDef[] {
  const parsed = RollupsJson.safeParse(json);
  if (!parsed.success) throw new RollupDefinitionError(`rollup definitions: ${parsed.error.message}`);
  const names = new Set<string>();
  return Object.freeze(
    parsed.data.rollups.map((r) => {
      if (names.has(r.name)) throw new RollupDefinitionError(`rollup ${r.name} is defined twice`);
      names.add(r.name);
      const t = tableOf(catalog, r.on);
      for (const d of r.dimensions) {
        if (!(d in t.columns))
          throw new RollupDefinitionError(`rollup ${r.name}: ${r.on} has no column ${d}`);
      }
      const measures: RollupMeasure[] = r.measures.map((m) => {
        const [, fn = '', col = ''] = MEASURE.exec(m) ?? [];
        const column = col === '*' ? null : col;
        if (column !== null && !(column in t.columns)) {
          throw new RollupDefinitionError(`rollup ${r.name}: ${r.on} has no column ${column}`);
        }
        if (column === null && fn.toLowerCase() !== 'count') {
          throw new RollupDefinitionError(`rollup ${r.name}: only count takes *`);
        }
        if (fn.toLowerCase() === 'approx_distinct' && r.target !== 'druid') {
          throw new RollupDefinitionError(`rollup ${r.name}: ${SKETCH_ONLY_IN_DRUID}`);
        }
        return { fn: fn.toLowerCase() as RollupMeasure['fn'], column };
      });
      return deepFreeze<RollupDef>({
        name: r.name,
        table: { source: t.source, table: t.name },
        grain: r.grain,
        timezone: r.timezone,
        dimensions: r.dimensions,
        measures,
        filter: null,
        ...(r.mutableWindowDays === undefined ? {} : { mutableWindowDays: r.mutableWindowDays }),
        ...(r.target === 'druid' ? { target: 'druid' as const } : {}),
      });
    }),
  );
}

export function loadRollups(catalog: Catalog, path: string = DEMO_ROLLUPS_PATH): readonly RollupDef[] {
  return parseRollups(JSON.parse(readFileSync(path, 'utf8')), catalog);
}
