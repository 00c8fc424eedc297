/** A `kpi … { … }` block → KpiSpec: each property checked for its shape, unknown ones named. */
import { GRAINS, type Grain, type KpiCategory, type KpiIR, type Thresholds } from '../../ir/kpi.ts';
import type { Expr, Ident, KpiDecl, Property } from '../../lang/v2/ast.ts';
import { CATEGORIES, grainOf, type KpiSpec } from './kpi.ts';
import type { Reporter } from './report.ts';
import { didYouMean } from './suggest.ts';

export const KPI_PROPERTIES = [
  'name',
  'category',
  'description',
  'formula',
  'dimensions',
  'grains',
  'filters',
  'schedule',
  'timezone',
  'thresholds',
  'approximate',
  'format',
  'metadata',
] as const;

/** A bare word or a string, as a name (`dimensions: region, 'plan type'`). */
export function word(e: Expr, r: Reporter, what: string): Ident | null {
  if (e.k === 'name' && e.parts.length === 1 && !e.star) return e.parts[0]!;
  if (e.k === 'string') return { text: e.value, span: e.span };
  r.error('invalid-property', `${what} is a name`, e.span);
  return null;
}

function single(p: Property, r: Reporter): Expr | null {
  if (p.values.length !== 1) {
    r.error('invalid-property', `"${p.key.text}" takes one value`, p.span);
    return null;
  }
  return p.values[0]!;
}

function text(p: Property, r: Reporter): string | null {
  const v = single(p, r);
  if (!v) return null;
  if (v.k === 'string') return v.value;
  r.error('invalid-property', `"${p.key.text}" is a string, e.g. ${p.key.text}: 'text'`, v.span);
  return null;
}

function thresholds(p: Property, r: Reporter): Thresholds | null {
  const out: { warning?: Thresholds['warning']; critical?: Thresholds['critical'] } = {};
  for (const v of p.values) {
    const ok =
      v.k === 'binary' &&
      (v.op === '>' || v.op === '>=' || v.op === '<' || v.op === '<=') &&
      v.left.k === 'name' &&
      v.left.parts.length === 1;
    const level = ok && v.left.k === 'name' ? v.left.parts[0]!.text.toLowerCase() : '';
    const right = ok ? v.right : null;
    const value =
      right?.k === 'number'
        ? right.value
        : right?.k === 'unary' && right.op === '-' && right.operand.k === 'number'
          ? -right.operand.value
          : null;
    if (
      !ok ||
      (level !== 'warning' && level !== 'critical') ||
      value === null ||
      !Number.isFinite(value) ||
      v.k !== 'binary'
    ) {
      r.error('invalid-property', 'a threshold reads like: warning > 250, critical > 400', v.span);
      return null;
    }
    if (out[level]) r.error('invalid-property', `${level} is given twice`, v.span);
    out[level] = { op: v.op as '>' | '>=' | '<' | '<=', value };
  }
  return out;
}

export function kpiSpecOfDecl(d: KpiDecl, r: Reporter): KpiSpec | null {
  const before = r.errorCount;
  const props = new Map<string, Property>();
  for (const p of d.properties) {
    const key = p.key.text.toLowerCase();
    if (!(KPI_PROPERTIES as readonly string[]).includes(key)) {
      r.error(
        'unknown-property',
        `unknown property "${p.key.text}"`,
        p.key.span,
        didYouMean(key, KPI_PROPERTIES),
      );
      continue;
    }
    if (props.has(key)) {
      r.error('duplicate-property', `"${key}" is given twice`, p.key.span);
      continue;
    }
    props.set(key, p);
  }
  let formula: Expr | null = d.formula;
  const fp = props.get('formula');
  if (fp && formula)
    r.error('duplicate-property', 'the formula is given twice (after "=" and as "formula:")', fp.key.span);
  if (fp) formula = single(fp, r);
  if (!formula) {
    r.error('missing-formula', `KPI "${d.id.text}" has no formula: add formula: …`, d.id.span);
    return null;
  }
  let name = d.title ?? d.id.text;
  const np = props.get('name');
  if (np) name = text(np, r) ?? name;
  let category: KpiCategory = 'custom';
  const cp = props.get('category');
  if (cp) {
    const v = single(cp, r);
    const w = v ? word(v, r, 'the category') : null;
    if (w && (CATEGORIES as readonly string[]).includes(w.text.toLowerCase()))
      category = w.text.toLowerCase() as KpiCategory;
    else if (w) {
      r.error(
        'invalid-property',
        `category is one of ${CATEGORIES.join(', ')}`,
        w.span,
        didYouMean(w.text, CATEGORIES),
      );
    }
  }
  const dp = props.get('description');
  const description = dp ? (text(dp, r) ?? '') : '';
  const dimensions = (props.get('dimensions')?.values ?? [])
    .map((v) => word(v, r, 'a dimension'))
    .filter((w): w is Ident => w !== null);
  const grains = (props.get('grains')?.values ?? [])
    .map((v) => word(v, r, 'a grain'))
    .map((w) => (w ? grainOf(w, r) : null))
    .filter((g): g is Grain => g !== null);
  let schedule: KpiIR['schedule'] | undefined;
  const sp = props.get('schedule');
  if (sp) {
    const v = single(sp, r);
    const w = v ? word(v, r, 'the schedule') : null;
    const f = w?.text.toLowerCase() ?? '';
    if (w && (f === 'realtime' || (GRAINS as readonly string[]).includes(f))) {
      schedule = { frequency: f as 'realtime' | Grain };
    } else if (w) {
      r.error(
        'invalid-property',
        `schedule is realtime or one of ${GRAINS.join(', ')}`,
        w.span,
        didYouMean(f, ['realtime', ...GRAINS]),
      );
    }
  }
  const tz = props.get('timezone');
  if (tz) {
    const zone = text(tz, r);
    if (zone !== null && !schedule)
      r.error('invalid-property', 'timezone belongs to a schedule: add schedule: …', tz.key.span);
    else if (zone !== null && schedule) schedule = { ...schedule, timezone: zone };
  }
  const tp = props.get('thresholds');
  const th = tp ? thresholds(tp, r) : null;
  let approximate = false;
  const ap = props.get('approximate');
  if (ap) {
    const v = single(ap, r);
    if (v?.k === 'bool') approximate = v.value;
    else if (v) r.error('invalid-property', 'approximate is true or false', v.span);
  }
  let format: string | undefined;
  const fo = props.get('format');
  if (fo) {
    const v = single(fo, r);
    const w = v ? word(v, r, 'the format') : null;
    if (w) format = w.text;
  }
  let metadata: Record<string, unknown> | undefined;
  const mp = props.get('metadata');
  if (mp) {
    const raw = text(mp, r);
    try {
      const parsed: unknown = raw === null ? undefined : JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        metadata = parsed as Record<string, unknown>;
      else if (raw !== null) throw new Error('not an object');
    } catch {
      r.error(
        'invalid-property',
        'metadata is a JSON object in a string, e.g. metadata: \'{"owner": "finance"}\'',
        mp.span,
      );
    }
  }
  if (r.errorCount > before) return null;
  return {
    id: d.id,
    name,
    category,
    description,
    formula,
    measures: d.measures.map((m) => ({ name: m.name, expr: m.expr })),
    dimensions,
    grains,
    filters: props.get('filters')?.values ?? [],
    ...(schedule ? { schedule } : {}),
    ...(th && (th.warning || th.critical) ? { thresholds: th } : {}),
    approximate,
    ...(format !== undefined ? { format } : {}),
    ...(metadata ? { metadata } : {}),
  };
}
