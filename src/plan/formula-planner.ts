/**
 * Formula expansion for the planner: a KPI formula and the derived KPIs it reads → one value
 * expression over aggregate instances (measure × filters × window), each shared sub-formula once.
 */
import {
  assertNever,
  type Duration,
  type FormulaExpr,
  type Grain,
  type KpiIR,
  type Measure,
  type RowExpr,
} from '../ir/kpi.ts';
import { LIMITS, limitText } from '../ir/limits.ts';
import { CompileError } from './errors.ts';
import type { ValueExpr, WindowOp } from './nodes.ts';
import { stableJson } from './print.ts';
import { forEachChild, mapChildren } from './value-expr.ts';

export type Registry = ReadonlyMap<string, KpiIR>;

/** A measure in the context of the KPI that declared it and every KPI that referenced that one. */
export interface Instance {
  readonly name: string;
  readonly kpi: KpiIR;
  readonly measure: Measure;
  readonly filters: readonly RowExpr[];
  readonly window: readonly WindowOp[];
}

/** What a sub-formula's value depends on besides itself: the filters and windows around it. */
interface Context {
  readonly kpi: KpiIR;
  readonly filters: readonly RowExpr[];
  readonly window: readonly WindowOp[];
  /** The chain of KPI ids being expanded (cycle detection and MAX_DERIVATION_DEPTH). */
  readonly stack: readonly string[];
}

/**
 * Expands a formula and the derived KPIs it reads into one value expression over aggregate instances.
 * A derived KPI (and a window's operand) is planned once per (filters, window) and read by name
 * wherever it recurs, so `e_i = e_{i-1} + e_{i-1}` costs N steps, not 2^N; `finish()` inlines the
 * names read only once, so ordinary plans look as if every KPI had been expanded in place.
 */
export class FormulaPlanner {
  readonly instances: Instance[] = [];
  private readonly byKey = new Map<string, Instance>();
  /** Named values in dependency order: each reads only instances and earlier names. */
  private readonly definitions: { readonly name: string; readonly value: ValueExpr }[] = [];
  private readonly memo = new Map<string, ValueExpr>();
  private readonly nodeIds = new WeakMap<object, number>();
  private nextNodeId = 0;
  private readonly filterKeys = new WeakMap<readonly RowExpr[], string>();
  private readonly measureIndex = new WeakMap<KpiIR, ReadonlyMap<string, Measure>>();
  private readonly measureKeys = new WeakMap<Measure, string>();

  constructor(private readonly registry: Registry) {}

  plan(e: FormulaExpr, c: Context, depth: number): ValueExpr {
    if (depth > LIMITS.MAX_EXPRESSION_DEPTH) {
      throw new CompileError(
        'limit-exceeded',
        `KPI "${c.stack[0]}" expands to a formula nested more than ${LIMITS.MAX_EXPRESSION_DEPTH} deep; ${limitText('MAX_EXPRESSION_DEPTH')}`,
      );
    }
    const rec = (x: FormulaExpr, w: readonly WindowOp[] = c.window) =>
      this.plan(x, w === c.window ? c : { ...c, window: w }, depth + 1);
    switch (e.kind) {
      case 'literal':
        return e;
      case 'measure_ref':
        return { kind: 'col', name: this.instance(c.kpi, e.name, c.filters, c.window).name };
      case 'kpi_ref': {
        const target = this.registry.get(e.id);
        if (!target)
          throw new CompileError('unknown-kpi', `KPI "${c.kpi.id}" refers to unknown KPI "${e.id}"`);
        if (c.stack.includes(e.id)) {
          throw new CompileError(
            'kpi-cycle',
            `KPI references form a cycle: ${[...c.stack, e.id].join(' → ')}`,
          );
        }
        if (c.stack.length >= LIMITS.MAX_DERIVATION_DEPTH) {
          throw new CompileError(
            'limit-exceeded',
            `KPI "${c.stack[0]}" derives from KPIs more than ${LIMITS.MAX_DERIVATION_DEPTH} levels deep (… → ${c.stack.at(-1)} → ${e.id}); ${limitText('MAX_DERIVATION_DEPTH')}`,
          );
        }
        const inner: Context = {
          kpi: target,
          filters: target.filters.length ? [...c.filters, ...target.filters] : c.filters,
          window: c.window,
          stack: [...c.stack, e.id],
        };
        return this.shared(`kpi:${e.id}|${this.contextKey(c)}`, () =>
          this.plan(target.formula, inner, depth + 1),
        );
      }
      case 'previous':
        return rec(e.expr, [...c.window, { op: 'shift', ...positive(e.offset, 'previous') }]);
      case 'growth': {
        // (e − previous(e)) / previous(e); the emitter's safe division makes a 0 or missing previous NULL.
        // `previous` is read twice and nested growths re-read their operand under each window: share both.
        const shifted = [...c.window, { op: 'shift', ...positive(e.offset, 'growth') } as const];
        const operand = (w: readonly WindowOp[]) =>
          this.shared(`node:${this.nodeId(e.expr)}|${this.contextKey({ ...c, window: w })}`, () =>
            rec(e.expr, w),
          );
        const current = operand(c.window);
        const previous = operand(shifted);
        return {
          kind: 'binary',
          op: '/',
          left: { kind: 'binary', op: '-', left: current, right: previous },
          right: previous,
        };
      }
      case 'rolling':
        return rec(e.expr, [...c.window, { op: 'trailing', ...positive(e.window, 'rolling') }]);
      case 'to_date':
        return rec(e.expr, [
          ...c.window,
          e.period === null ? { op: 'cumulative' } : { op: 'to_date', period: e.period },
        ]);
      // The shared shapes stay spelled out here rather than going through ir/composite.ts: planning
      // recurses once per formula level up to MAX_EXPRESSION_DEPTH, and the walker's extra frame per
      // level costs the stack's margin. Measured on a 1,995-deep formula (node --stack-size, KB): spelled
      // out it plans in 800 KB; through mapComposite, even with `rec` handed over unwrapped, it needs
      // more than 800 of the default 984 — too little room left for the caller's own frames.
      case 'binary':
        return { kind: 'binary', op: e.op, left: rec(e.left), right: rec(e.right) };
      case 'unary':
        return { kind: 'unary', op: e.op, operand: rec(e.operand) };
      case 'call':
        return { kind: 'call', fn: e.fn, args: e.args.map((a) => rec(a)) };
      case 'case':
        return {
          kind: 'case',
          // biome-ignore lint/suspicious/noThenProperty: the IR names CASE branches when/then
          whens: e.whens.map((w) => ({ when: rec(w.when), then: rec(w.then) })),
          else: e.else ? rec(e.else) : null,
        };
      case 'in':
        return {
          kind: 'in',
          operand: rec(e.operand),
          values: e.values.map((v) => rec(v)),
          negated: e.negated,
        };
      case 'between':
        return {
          kind: 'between',
          operand: rec(e.operand),
          low: rec(e.low),
          high: rec(e.high),
          negated: e.negated,
        };
      case 'is_null':
        return { kind: 'is_null', operand: rec(e.operand), negated: e.negated };
      case 'like':
        return { kind: 'like', operand: rec(e.operand), pattern: rec(e.pattern), negated: e.negated };
      default:
        return assertNever(e, 'formula expression');
    }
  }

  /** Plans a sub-formula once per key; a value worth sharing is named and read through `col`. */
  private shared(key: string, compute: () => ValueExpr): ValueExpr {
    const known = this.memo.get(key);
    if (known) return known;
    const value = compute();
    let ref = value;
    if (value.kind !== 'col' && value.kind !== 'literal') {
      const name = `v${this.definitions.length}`;
      this.definitions.push({ name, value });
      ref = { kind: 'col', name };
    }
    this.memo.set(key, ref);
    return ref;
  }

  private nodeId(node: object): number {
    const known = this.nodeIds.get(node);
    if (known !== undefined) return known;
    const id = this.nextNodeId++;
    this.nodeIds.set(node, id);
    return id;
  }

  private contextKey(c: Context, withKpi = true): string {
    let filters = this.filterKeys.get(c.filters);
    if (filters === undefined) {
      filters = stableJson(c.filters);
      this.filterKeys.set(c.filters, filters);
    }
    return `${withKpi ? c.kpi.id : ''}|${filters}|${stableJson(c.window)}`;
  }

  private measuresOf(kpi: KpiIR): ReadonlyMap<string, Measure> {
    let byName = this.measureIndex.get(kpi);
    if (!byName) {
      byName = new Map(kpi.measures.map((m) => [m.name, m] as const));
      this.measureIndex.set(kpi, byName);
    }
    return byName;
  }

  /** What a measure computes, without its name. */
  private measureKey(m: Measure): string {
    let key = this.measureKeys.get(m);
    if (key === undefined) {
      key = stableJson({ ...m, name: undefined });
      this.measureKeys.set(m, key);
    }
    return key;
  }

  /**
   * The root value and the names read more than once (in dependency order); names read once are
   * put back in place. Each definition is walked once, so this is linear in the expanded DAG.
   */
  finish(root: ValueExpr): { value: ValueExpr; shared: { name: string; value: ValueExpr }[] } {
    const uses = new Map<string, number>();
    const count = (e: ValueExpr): void =>
      forEachChild(e, (x) => {
        if (x.kind === 'col') uses.set(x.name, (uses.get(x.name) ?? 0) + 1);
        else count(x);
      });
    const visit = (e: ValueExpr) =>
      e.kind === 'col' ? uses.set(e.name, (uses.get(e.name) ?? 0) + 1) : count(e);
    visit(root);
    for (const d of this.definitions) visit(d.value);
    const byName = new Map(this.definitions.map((d) => [d.name, d.value] as const));
    const placed = new Map<string, ValueExpr>();
    const place = (e: ValueExpr): ValueExpr => {
      if (e.kind === 'col') {
        const def = byName.get(e.name);
        if (!def || (uses.get(e.name) ?? 0) > 1) return e;
        let done = placed.get(e.name);
        if (!done) {
          done = place(def);
          placed.set(e.name, done);
        }
        return done;
      }
      return mapChildren(e, place);
    };
    const value = place(root);
    const shared = this.definitions
      .filter((d) => (uses.get(d.name) ?? 0) > 1)
      .map((d) => ({ name: d.name, value: place(d.value) }));
    return { value, shared };
  }

  private instance(
    kpi: KpiIR,
    name: string,
    filters: readonly RowExpr[],
    window: readonly WindowOp[],
  ): Instance {
    const measure = this.measuresOf(kpi).get(name);
    if (!measure) throw new CompileError('unknown-measure', `KPI "${kpi.id}" has no measure "${name}"`);
    // The seed's `timeRange.period` (`last_30_days`) makes the variable a trailing window at each bucket.
    const period = measure.period ? periodWindow(measure.period) : null;
    if (measure.period && !period) {
      throw new CompileError(
        'unsupported',
        `measure "${name}" of KPI "${kpi.id}" has period "${measure.period}"; use last_<n>_<unit>s`,
      );
    }
    const windows = period ? [...window, period] : window;
    // One instance per distinct aggregate: the same `sum(x)` written 1,000 times (or in two derived
    // KPIs) under the same filters and window is aggregated once.
    const key = `${this.measureKey(measure)}|${this.contextKey({ kpi, filters, window: windows, stack: [] }, false)}`;
    let inst = this.byKey.get(key);
    if (!inst) {
      // Stops expanding at once: a derived DAG of thousands of aggregates is refused in milliseconds.
      if (this.instances.length >= LIMITS.MAX_MEASURES) {
        throw new CompileError(
          'limit-exceeded',
          `the formula needs more than ${LIMITS.MAX_MEASURES} distinct aggregates; ${limitText('MAX_MEASURES')}`,
        );
      }
      inst = { name: `m${this.instances.length}`, kpi, measure, filters, window: windows };
      this.byKey.set(key, inst);
      this.instances.push(inst);
    }
    return inst;
  }
}

/** `last_30_days` → trailing 30 day; `last_3_months` → trailing 3 month. */
export function periodWindow(period: string): WindowOp | null {
  const m = /^last_(\d+)_(minute|hour|day|week|month|quarter|year)s?$/.exec(period);
  if (!m || Number(m[1]) <= 0) return null;
  return { op: 'trailing', amount: Number(m[1]), unit: m[2] as Grain };
}

function positive(d: Duration, what: string): { amount: number; unit: Grain } {
  if (!Number.isInteger(d.amount) || d.amount <= 0) {
    throw new CompileError(
      'invalid-query',
      `${what}() needs a positive whole duration, got ${d.amount} ${d.unit}`,
    );
  }
  return { amount: d.amount, unit: d.unit };
}
