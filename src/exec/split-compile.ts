/**
 * A split plan (the optimizer's choose-engine chose `split`, optimize/split.ts) compiled into parts: one
 * statement per aggregate — each plain instance, each stitch piece — in its own connection's dialect,
 * each answering (time, dimensions…, value) at the query's buckets over its own window. split-run.ts
 * runs them side by side and combines them in process.
 */
import { connectionOf } from '../catalog/resolve.ts';
import type { Catalog, Connection } from '../catalog/types.ts';
import { DIALECTS } from '../emit/choose.ts';
import { emitSql } from '../emit/emit.ts';
import { inlineParams } from '../emit/inline.ts';
import type { Param } from '../emit/params.ts';
import { LIMITS } from '../ir/limits.ts';
import { type Aggregate, aggregatesOf, join, type Plan, plan as planNode, project } from '../plan/nodes.ts';

export interface SplitPart {
  /** The measure instance (aggregate or stitch) whose rows it answers. */
  readonly instance: string;
  /** Its index among the stitch's pieces (0 for a plain aggregate). */
  readonly piece: number;
  readonly sql: string;
  readonly params: readonly Param[];
  readonly dialect: 'postgres' | 'timescale';
  readonly connection: Connection;
}

/** The plan of one aggregate alone: its rows at the query's buckets and dimensions, value = its column. */
function alone(p: Plan, a: Aggregate): Plan {
  const j = p.root.input;
  const input = join({ inputs: Object.freeze([a]), spine: null, timed: j.timed, dimensions: j.dimensions });
  return planNode({ ...p, root: project({ input, value: { kind: 'col', name: a.name }, type: a.type }) });
}

/**
 * The parts of a split plan, or null when a part's connection URL is not set here while Trino's is (the
 * plan then runs through Trino; with neither, as `auto` does for one direct engine, the parts are made). Each part stops one row past the answer's limit: a measure's rows are a subset of the
 * answer's keys, so a part over the limit means an answer over it.
 */
export function compileSplit(
  p: Plan,
  catalog: Catalog,
  env: Readonly<Record<string, string | undefined>>,
): readonly SplitPart[] | null {
  const parts: SplitPart[] = [];
  for (const m of p.root.input.inputs) {
    for (const [piece, a] of aggregatesOf(m).entries()) {
      const connection = connectionOf(catalog, a.input.input.table);
      if (!env[connection.env] && env.TRINO_URL) return null;
      const dialect = connection.engine === 'timescale' ? DIALECTS.timescale : DIALECTS.postgres;
      const { sql, params } = emitSql(alone(p, a), dialect, catalog, {
        rowLimit: LIMITS.MAX_RESULT_ROWS + 1,
      });
      parts.push(
        Object.freeze({
          instance: m.name,
          piece,
          sql,
          params,
          dialect: dialect.name as SplitPart['dialect'],
          connection,
        }),
      );
    }
  }
  return Object.freeze(parts);
}

/** The parts as one text to read (EXPLAIN, `kpi compile`): each statement with its values in place. */
export const splitText = (parts: readonly SplitPart[]): string =>
  parts
    .map(
      (x) =>
        `-- part ${x.instance}${x.piece > 0 || parts.some((y) => y.instance === x.instance && y.piece > 0) ? ` piece ${x.piece + 1}` : ''} on ${x.connection.name} (${x.dialect}), combined in process\n${inlineParams(x.sql, x.params, DIALECTS[x.dialect].placeholders)}`,
    )
    .join(';\n');
