/** `rollup NAME on source.table { grain: day; timezone: 'UTC'; dimensions: …; measures: …; filter: … }` → RollupDef. */
import { resolveDimension as resolveAny } from '../../catalog/resolve.ts';
import type { TableRef as Ref } from '../../catalog/types.ts';

/** resolveDimension, but a dimension named like an Object.prototype member is never a column. */
const resolveDimension = (c: Parameters<typeof resolveAny>[0], t: Ref, d: string) =>
  d in Object.prototype ? undefined : resolveAny(c, t, d);

import type { Catalog } from '../../catalog/types.ts';
import type { AggregateFn, Grain, RowExpr } from '../../ir/kpi.ts';
import type { RollupDef, RollupMeasure } from '../../ir/rollup.ts';
import type { RollupDecl } from '../../lang/v2/ast.ts';
import { word } from './dsl.ts';
import { grainOf } from './kpi.ts';
import { resolveTable } from './names.ts';
import type { Reporter } from './report.ts';
import { lowerRow } from './row.ts';
import { didYouMean } from './suggest.ts';

const PROPS = ['grain', 'timezone', 'dimensions', 'measures', 'filter'];
const FNS = ['sum', 'count', 'avg', 'min', 'max', 'approx_distinct'];

export function lowerRollup(d: RollupDecl, catalog: Catalog, r: Reporter): RollupDef | null {
  const before = r.errorCount;
  const table = resolveTable(catalog, d.table, r);
  if (!table) return null;
  const ref = { source: table.source, table: table.name };
  let grain: Grain | null = null;
  let timezone = 'UTC';
  const dimensions: string[] = [];
  const measures: RollupMeasure[] = [];
  let filter: RowExpr | null = null;
  for (const p of d.properties) {
    const key = p.key.text.toLowerCase();
    if (!PROPS.includes(key)) {
      r.error(
        'unknown-property',
        `unknown rollup property "${p.key.text}"`,
        p.key.span,
        didYouMean(key, PROPS),
      );
      continue;
    }
    const v0 = p.values[0]!;
    if (key === 'grain') {
      const w = word(v0, r, 'the grain');
      grain = w ? grainOf(w, r) : null;
    } else if (key === 'timezone') {
      if (v0.k === 'string') timezone = v0.value;
      else r.error('invalid-property', "timezone is a string, e.g. 'UTC'", v0.span);
    } else if (key === 'dimensions') {
      for (const v of p.values) {
        const w = word(v, r, 'a dimension');
        if (!w) continue;
        if (!resolveDimension(catalog, ref, w.text)) {
          r.error(
            'unreachable-dimension',
            `dimension "${w.text}" cannot be reached from ${ref.source}.${ref.table}`,
            w.span,
          );
        } else dimensions.push(w.text);
      }
    } else if (key === 'measures') {
      for (const v of p.values) {
        const fn0 = v.k === 'call' ? v.name.text.toLowerCase() : '';
        if (v.k !== 'call' || !FNS.includes(fn0) || v.where || v.clauses.length > 0 || v.args.length > 1) {
          r.error('invalid-property', 'a rollup measure is fn(column) or count(*), e.g. sum(amount)', v.span);
          continue;
        }
        const fn = (v.distinct ? 'count_distinct' : fn0) as AggregateFn;
        if (v.star || v.args.length === 0) {
          if (fn !== 'count') r.error('invalid-property', 'only count(*) counts rows', v.span);
          else measures.push({ fn, column: null });
          continue;
        }
        const a = v.args[0]!;
        const col = a.k === 'name' && a.parts.length === 1 ? a.parts[0]! : null;
        if (!col || !Object.hasOwn(table.columns, col.text)) {
          r.error(
            'unknown-column',
            `table ${ref.source}.${ref.table} has no column "${col?.text ?? ''}"`,
            a.span,
            col ? didYouMean(col.text, Object.keys(table.columns)) : undefined,
          );
          continue;
        }
        measures.push({ fn, column: col.text });
      }
    } else {
      const f = lowerRow(v0, { catalog, r, table });
      if (f && f.type !== 'boolean') r.error('type-mismatch', 'a filter is a condition', v0.span);
      else if (f) filter = f.ir;
    }
  }
  if (!grain && r.errorCount === before)
    r.error('invalid-property', `rollup "${d.name.text}" needs a grain`, d.name.span);
  if (r.errorCount > before || !grain) return null;
  return Object.freeze({
    name: d.name.text,
    table: Object.freeze(ref),
    grain,
    timezone,
    dimensions: Object.freeze(dimensions) as string[],
    measures: Object.freeze(measures.map((m) => Object.freeze(m))) as RollupMeasure[],
    filter,
  });
}
