/**
 * MetricQuery + KPI IR → logical plan. Derived KPIs are expanded (cycle-safe); every measure of the
 * expanded formula becomes one aggregate *instance* (measure × window), aggregated on its own at
 * (bucket, dimensions) and full-outer-joined with the others; the formula is projected on top.
 */
import { resolveDimension } from '../catalog/resolve.ts';
import type { Catalog, TableRef } from '../catalog/types.ts';
import {
  type AggregateFn,
  assertNever,
  GRAINS,
  type Grain,
  type KpiIR,
  type Measure,
  type RowExpr,
  type ValueType,
} from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import type { MetricQuery } from '../ir/metric-query.ts';
import { deepFreeze } from '../shared/freeze.ts';
import { bucketsBound, dateProblem, isTimeZone, parseInstant } from '../shared/time.ts';
import { checkComparisons } from './comparable.ts';
import { CompileError } from './errors.ts';
import { FormulaPlanner, type Registry } from './formula-planner.ts';
import {
  type Aggregate,
  aggregate,
  type Bucketing,
  type Dimension,
  filter,
  type JoinStep,
  join,
  type Plan,
  plan,
  project,
  type SharedValue,
  type Spine,
  scan,
  spine,
  type TimeWindow,
  type ValueExpr,
} from './nodes.ts';
import { joinPath, tableKey } from './paths.ts';
import { mapRowLeaves, tablesOf } from './row-expr.ts';

export { periodWindow } from './formula-planner.ts';
export type { Registry };

export interface PlanContext {
  readonly catalog: Catalog;
  readonly registry: Registry;
}

const COUNTS: readonly AggregateFn[] = ['count', 'count_distinct', 'approx_distinct'];

/** Validates and normalizes what was asked: zone, grain, half-open range as UTC ISO instants. */
export function normalizeQuery(query: MetricQuery): {
  timezone: string;
  range: TimeWindow;
  grain: Grain | null;
} {
  const timezone = query.timezone || 'UTC';
  if (!isTimeZone(timezone)) {
    throw new CompileError(
      'invalid-query',
      `time zone "${timezone}" is not an IANA zone such as UTC or Europe/Berlin`,
    );
  }
  if (query.grain !== null && !GRAINS.includes(query.grain)) {
    throw new CompileError(
      'invalid-query',
      `grain "${String(query.grain)}" is not one of ${GRAINS.join(', ')}`,
    );
  }
  for (const [bound, value] of [
    ['start', query.range.start],
    ['end', query.range.end],
  ] as const) {
    const problem = dateProblem(value);
    if (problem) throw new CompileError('invalid-query', `range ${bound} "${value.slice(0, 40)}" ${problem}`);
  }
  const start = parseInstant(query.range.start, timezone);
  const end = parseInstant(query.range.end, timezone);
  if (start === undefined || end === undefined) {
    throw new CompileError(
      'invalid-query',
      `range [${query.range.start}, ${query.range.end}) must be ISO 8601 timestamps (e.g. 2025-01-01T00:00:00Z)`,
    );
  }
  if (!(start < end)) {
    throw new CompileError(
      'invalid-query',
      `range start ${query.range.start} is not before its end ${query.range.end}`,
    );
  }
  const buckets = bucketsBound(query.grain, start, end);
  if (buckets > LIMITS.MAX_BUCKETS) {
    throw new CompileError(
      'limit-exceeded',
      `[${query.range.start}, ${query.range.end}) at ${query.grain} grain is about ${buckets} buckets; ${limitText('MAX_BUCKETS')} (use a coarser grain or a shorter range)`,
    );
  }
  return {
    timezone,
    grain: query.grain,
    range: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
  };
}

/** Builds the scan with every join the given column references need, and aliases for them. */
function buildScan(catalog: Catalog, fact: TableRef, reads: readonly TableRef[]) {
  const joins: JoinStep[] = [];
  const aliases = new Map<string, string>([[tableKey(fact), 't0']]);
  for (const target of reads) {
    if (aliases.has(tableKey(target))) continue;
    const path = joinPath(catalog, fact, target);
    if (!path) {
      throw new CompileError(
        'unreachable-column',
        `${tableKey(target)} is not reachable from ${tableKey(fact)} through declared joins`,
      );
    }
    let from: TableRef = fact;
    for (const step of path) {
      const to = { source: step.to.source, table: step.to.table };
      if (!aliases.has(tableKey(to))) {
        const alias = `t${aliases.size}`;
        aliases.set(tableKey(to), alias);
        joins.push({
          fromAlias: aliases.get(tableKey(from))!,
          column: step.column,
          table: to,
          toColumn: step.to.column,
          alias,
        });
      }
      from = to;
    }
  }
  return scan({ table: fact, alias: 't0', joins: Object.freeze(joins) });
}

/** Resolves DimensionRefs (and ColumnRefs of tables unreachable from `fact`) against the fact table. */
function resolveRow(catalog: Catalog, fact: TableRef, e: RowExpr): RowExpr {
  return mapRowLeaves(e, (leaf) => {
    if (leaf.kind === 'dimension') return dimensionColumn(catalog, fact, leaf.name);
    if (leaf.kind === 'column' && !joinPath(catalog, fact, leaf.table)) {
      // A KPI filter written against one table (`accounts.region`) applies to a measure on another
      // table by the column's name, when that name is reachable from it.
      const path = resolveDimension(catalog, fact, leaf.column);
      if (path) return { kind: 'column', table: path.table, column: path.column, type: leaf.type };
      throw new CompileError(
        'unreachable-column',
        `filter column ${tableKey(leaf.table)}.${leaf.column} is not reachable from ${tableKey(fact)}`,
      );
    }
    return leaf;
  });
}

function dimensionColumn(catalog: Catalog, fact: TableRef, name: string): RowExpr {
  const path = resolveDimension(catalog, fact, name);
  if (!path) {
    throw new CompileError(
      'unreachable-dimension',
      `dimension "${name}" is not reachable from ${tableKey(fact)}: no column of that name on it or on a table it joins to`,
    );
  }
  const table = catalog.sources[path.table.source]!.tables[path.table.table]!;
  return { kind: 'column', table: path.table, column: path.column, type: table.columns[path.column]! };
}

function measureType(m: Measure): ValueType {
  if (COUNTS.includes(m.fn)) return 'bigint';
  if (m.fn === 'avg' || m.fn === 'percentile') return 'double';
  return m.type;
}

function valueType(e: ValueExpr, cols: ReadonlyMap<string, ValueType>): ValueType {
  switch (e.kind) {
    case 'col':
      return cols.get(e.name) ?? 'number';
    case 'literal':
      return e.type;
    case 'zero_fill':
      return valueType(e.operand, cols);
    case 'binary': {
      if (e.op === '/') return 'double';
      if (['=', '!=', '<', '<=', '>', '>=', 'and', 'or'].includes(e.op)) return 'boolean';
      // Each side once: evaluating a side twice made a chain of N additions cost 2^N.
      const left = valueType(e.left, cols);
      return left === valueType(e.right, cols) ? left : 'number';
    }
    case 'unary':
      return e.op === 'not' ? 'boolean' : valueType(e.operand, cols);
    case 'in':
    case 'between':
    case 'is_null':
    case 'like':
      return 'boolean';
    case 'call':
    case 'case':
      return 'number';
    default:
      return assertNever(e, 'value expression');
  }
}

/**
 * Plans `query` against `kpi`. Throws CompileError (unknown KPI or measure, cycles, unreachable
 * dimensions, invalid range or zone).
 */
export function planQuery(kpi: KpiIR, query: MetricQuery, ctx: PlanContext): Plan {
  const { timezone, range, grain } = normalizeQuery(query);
  const formulas = new FormulaPlanner(ctx.registry);
  const planned = formulas.finish(
    formulas.plan(kpi.formula, { kpi, filters: kpi.filters, window: [], stack: [kpi.id] }, 0),
  );
  let value = planned.value;
  if (formulas.instances.length === 0) {
    throw new CompileError('invalid-query', `KPI "${kpi.id}" has no measure to aggregate`);
  }
  const needsSpine = formulas.instances.some((i) => i.window.length > 0 || i.measure.validity);
  const theSpine: Spine | null = needsSpine ? spine({ grain, timezone, range }) : null;

  const aggregates: Aggregate[] = formulas.instances.map((inst) => {
    const { measure } = inst;
    const fact = measure.table;
    const dims: Dimension[] = query.dimensions.map((name) => {
      const col = dimensionColumn(ctx.catalog, fact, name) as Extract<RowExpr, { kind: 'column' }>;
      return { name, table: col.table, column: col.column };
    });
    const conditions = [...(measure.filter ? [measure.filter] : []), ...inst.filters, ...query.filters].map(
      (c) => resolveRow(ctx.catalog, fact, c),
    );
    for (const c of conditions) checkComparisons(c);
    const reads = [
      ...conditions.flatMap(tablesOf),
      ...(measure.arg ? tablesOf(resolveRow(ctx.catalog, fact, measure.arg)) : []),
      ...dims.map((d) => d.table),
    ];
    const time = { table: fact, column: measure.timeColumn };
    const bucketing: Bucketing =
      theSpine && (inst.window.length > 0 || measure.validity)
        ? {
            kind: 'spine',
            spine: theSpine,
            window: inst.window,
            time,
            validity: measure.validity ? { table: fact, ...measure.validity } : null,
          }
        : { kind: 'truncate', time, grain, timezone, range };
    return aggregate(
      deepFreeze({
        input: filter({ input: buildScan(ctx.catalog, fact, reads), conditions }),
        name: inst.name,
        source: `${inst.kpi.id}.${measure.name}`,
        fn: measure.fn,
        arg: measure.arg ? resolveRow(ctx.catalog, fact, measure.arg) : null,
        fraction: measure.fraction ?? null,
        bucketing,
        dimensions: dims,
        type: measureType(measure),
      }),
    );
  });

  // A bare count reads 0, not NULL, in a bucket that exists but has no rows: that is what counting
  // nothing means. Anything else keeps NULL for a missing side (a ratio must not pretend a 0).
  const only = aggregates.length === 1 ? aggregates[0]! : null;
  if (only && value.kind === 'col' && COUNTS.includes(only.fn)) value = { kind: 'zero_fill', operand: value };

  const cols = new Map(aggregates.map((a) => [a.name, a.type] as const));
  const shared: SharedValue[] = planned.shared.map((d) => {
    const type = valueType(d.value, cols);
    cols.set(d.name, type);
    return { name: d.name, value: d.value, type };
  });
  return plan({
    kpi: kpi.id,
    grain,
    timezone,
    range,
    dimensions: Object.freeze([...query.dimensions]),
    root: project({
      input: join({
        inputs: Object.freeze(aggregates),
        // Without dimensions every bucket of the range appears (a missing period reads NULL, it is not
        // skipped); with dimensions the spine would invent rows with NULL dimension values.
        spine: theSpine && query.dimensions.length === 0 ? theSpine : null,
        timed: grain !== null,
        dimensions: Object.freeze([...query.dimensions]),
      }),
      ...(shared.length > 0 ? { shared: deepFreeze(shared) } : {}),
      value: deepFreeze(value),
      type: valueType(value, cols),
    }),
  });
}
