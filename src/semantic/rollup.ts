/** `rollup NAME on source.table { grain: day; timezone: 'UTC'; dimensions: …; measures: …; filter: … }` */
import type { Catalog } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import { type AggregateFn, GRAINS, type Grain, type RowExpr } from '../ir/kpi.ts';
import type { RollupDef, RollupMeasure } from '../ir/rollup.ts';
import type { RollupDecl } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error, timeZoneProblem } from './diagnostics.ts';
import { RowLowering } from './lower-row.ts';
import { findDimension, resolveQualified, unknownColumn } from './resolve-names.ts';
import { isBoolean } from './types.ts';

const PROPERTIES = ['grain', 'timezone', 'dimensions', 'measures', 'filter', 'target'];
const TARGETS = ['timescale', 'druid'];
const FUNCTIONS: readonly AggregateFn[] = [
  'sum',
  'count',
  'min',
  'max',
  'avg',
  'count_distinct',
  'approx_distinct',
];

export function analyzeRollup(r: RollupDecl, catalog: Catalog, out: Diagnostic[]): RollupDef | null {
  const before = out.length;
  const resolved = resolveQualified(catalog, r.table, out);
  if (!resolved) return null;
  if (resolved.kind !== 'table') {
    out.push(error('bad-name', 'a rollup is on a table: rollup NAME on source.table { … }', r.tableSpan));
    return null;
  }
  const table = resolved.table;
  const def = catalog.sources[table.source]!.tables[table.table]!;
  let grain: Grain | null = null;
  let timezone = 'UTC';
  const dimensions: string[] = [];
  const measures: RollupMeasure[] = [];
  let filter: RowExpr | null = null;
  let druid = false;
  for (const p of r.properties) {
    const k = p.key.text.toLowerCase();
    const first = p.values[0]!;
    switch (k) {
      case 'grain': {
        const w = first.k === 'name' && first.parts.length === 1 ? first.parts[0]!.text.toLowerCase() : '';
        if (GRAINS.includes(w as Grain)) grain = w as Grain;
        else
          out.push(
            error(
              'unknown-grain',
              `a rollup grain is one of ${GRAINS.join(', ')}`,
              first.span,
              didYouMean(w, GRAINS),
            ),
          );
        break;
      }
      case 'timezone':
        if (first.k === 'string') {
          const problem = timeZoneProblem(first.value, first.span);
          if (problem) out.push(problem);
          else timezone = first.value;
        } else out.push(error('bad-property', "timezone is a string such as 'UTC'", first.span));
        break;
      case 'dimensions':
        for (const v of p.values) {
          const w = v.k === 'name' && v.parts.length === 1 ? v.parts[0]! : null;
          if (!w) out.push(error('bad-property', 'dimensions are column names', v.span));
          else if (!findDimension(catalog, table, w.text)) {
            out.push(
              error(
                'unreachable-dimension',
                `dimension "${w.text}" cannot be reached from ${table.source}.${table.table}`,
                w.span,
                didYouMean(w.text, Object.keys(def.columns)),
              ),
            );
          } else dimensions.push(w.text);
        }
        break;
      case 'measures':
        for (const v of p.values) {
          let fn = v.k === 'call' ? (v.fn.text.toLowerCase() as AggregateFn) : null;
          if (v.k === 'call' && v.distinct && fn === 'count') fn = 'count_distinct';
          if (
            v.k !== 'call' ||
            !fn ||
            !FUNCTIONS.includes(fn) ||
            v.where ||
            v.on ||
            v.active ||
            v.within ||
            v.args.length > 1
          ) {
            out.push(
              error(
                'bad-property',
                `a rollup measure is ${FUNCTIONS.join(', ')} of a column, or count(*)`,
                v.span,
              ),
            );
            continue;
          }
          // As in a KPI formula: count(distinct …) counts distinct values; a sum or an average of distinct
          // values is another measure, which a rollup storing sum(col) would silently answer instead.
          if (v.distinct && fn !== 'count_distinct' && fn !== 'approx_distinct') {
            out.push(error('bad-arguments', '"distinct" only goes in count(distinct …)', v.span));
            continue;
          }
          if (v.star) {
            if (fn !== 'count') out.push(error('bad-arguments', `${fn}(*) is not an aggregate`, v.span));
            else measures.push({ fn, column: null });
            continue;
          }
          const a = v.args[0];
          const col = a && a.k === 'name' && a.parts.length === 1 ? a.parts[0]! : null;
          if (!col) {
            out.push(error('bad-property', 'a rollup measure aggregates one column of its table', v.span));
            continue;
          }
          if (!Object.hasOwn(def.columns, col.text)) out.push(unknownColumn(def, col));
          else measures.push({ fn, column: col.text });
        }
        break;
      case 'target': {
        const w = first.k === 'name' && first.parts.length === 1 ? first.parts[0]!.text.toLowerCase() : '';
        if (TARGETS.includes(w)) druid = w === 'druid';
        else
          out.push(
            error(
              'bad-property',
              `a rollup target is ${TARGETS.join(' or ')}`,
              first.span,
              didYouMean(w, TARGETS),
            ),
          );
        break;
      }
      case 'filter': {
        const f = new RowLowering(catalog, out).lower(first, { mode: 'table', table, filter: true });
        if (f && !isBoolean(f.type))
          out.push(error('type-mismatch', 'a filter is a true/false condition', first.span));
        else if (f) filter = f.ir;
        break;
      }
      default:
        out.push(
          error(
            'unknown-property',
            `a rollup has no property "${p.key.text}"`,
            p.key.span,
            didYouMean(k, PROPERTIES),
          ),
        );
    }
  }
  if (!druid && measures.some((m) => m.fn === 'approx_distinct'))
    out.push(
      error(
        'bad-property',
        'approx_distinct(col) is stored as an HLL sketch per bucket, which only a Druid rollup holds (target: druid)',
        r.name.span,
      ),
    );
  if (!grain && out.length === before)
    out.push(error('missing-grain', `rollup ${r.name.text} needs a grain, e.g. grain: day`, r.name.span));
  if (out.length > before || !grain) return null;
  return {
    name: r.name.text,
    table,
    grain,
    timezone,
    dimensions,
    measures,
    filter,
    ...(druid ? { target: 'druid' as const } : {}),
  };
}
