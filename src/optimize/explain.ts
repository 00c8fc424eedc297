/**
 * EXPLAIN: the plan as planned, each rule's notes and the plan after it (when it changed), the rollup
 * chosen per variable and why every other one was rejected, the engine, and the final SQL.
 */

import type { Catalog } from '../catalog/types.ts';
import type { Param } from '../emit/params.ts';
import { createEngine, type DialectPreference } from '../exec/engine.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { CompileError } from '../plan/errors.ts';
import { planQuery, type Registry } from '../plan/planner.ts';
import { printPlan } from '../plan/print.ts';
import { approximationsOf, describeApproximation } from './approximations.ts';
import { optimizerFor } from './context.ts';
import { type Optimized, optimize } from './optimize.ts';
import type { OptimizeContext } from './types.ts';

export interface Explained extends Optimized {
  readonly planned: Optimized['plan'];
  readonly sql: string;
  readonly params: readonly Param[];
  readonly dialect: string;
  readonly connection: string | null;
  readonly text: string;
}

export interface ExplainOptions {
  readonly catalog: Catalog;
  readonly registry: Registry;
  readonly context: OptimizeContext;
  /** Which connections this process reaches (auto runs direct only where it can). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dialect?: DialectPreference;
}

export function explain(o: ExplainOptions, query: MetricQuery): Explained {
  const kpi = o.registry.get(query.kpi);
  if (!kpi) throw new CompileError('unknown-kpi', `no KPI "${query.kpi}" is defined`);
  const planned = planQuery(kpi, query, { catalog: o.catalog, registry: o.registry });
  const r = optimize(planned, o.context);
  const engine = createEngine({
    catalog: o.catalog,
    registry: o.registry,
    env: o.env,
    dialect: o.dialect,
    optimizer: optimizerFor(o.context),
  });
  const c = engine.compile(query);
  void engine.close();
  const out: string[] = ['== plan as planned', printPlan(planned)];
  for (const s of r.steps) {
    out.push('', `== rule ${s.rule}`, ...s.notes.map((n) => `  ${n}`));
    out.push(s.after === s.before ? '  (plan unchanged)' : printPlan(s.after));
  }
  out.push('', '== rollups per variable');
  for (const ch of r.choices) {
    const stitched = (ch.pieces?.length ?? 0) > 1 || ch.windowed === true;
    out.push(
      `  ${ch.instance} ${ch.source}: ${ch.chosen ? `${stitched ? `stitched${ch.windowed ? ' base series, windows applied over it' : ''}, ` : ''}rollup ${ch.chosen}` : 'raw'}${ch.estimate ? ` (${ch.estimate})` : ''}`,
    );
    if (stitched) {
      for (const t of ch.pieces ?? []) {
        out.push(`    piece ${t.from === 'rollup' ? `rollup ${ch.chosen}` : 'raw'} [${t.start}, ${t.end})`);
      }
    }
    for (const why of ch.rejected) out.push(`    rejected ${why}`);
  }
  if (r.choices.length === 0) out.push('  (no measure instance)');
  out.push(
    '',
    `== engine ${c.dialect}${c.connection ? ` on ${c.connection.name}` : ''}${r.engine ? ` (${r.engine.reason})` : ''}`,
  );
  const approximate = approximationsOf(r.plan);
  if (approximate.length > 0)
    out.push('', '== approximate', ...approximate.map((x) => `  ${describeApproximation(x)}`));
  out.push('', `== SQL (${c.dialect})`, `${c.sql};`);
  if (c.params.length > 0) out.push(`-- params: ${JSON.stringify(c.params.map((p) => p.value))}`);
  return {
    ...r,
    planned,
    sql: c.sql,
    params: c.params,
    dialect: c.dialect,
    connection: c.connection?.name ?? null,
    text: out.join('\n'),
  };
}
