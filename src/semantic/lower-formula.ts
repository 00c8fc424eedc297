/**
 * Formula expressions: aggregates become measures (one per aggregate, in first-use order, lowered by
 * lower-aggregate.ts), names become measure references (`let` bindings, seed variables) or KPI
 * references (derived KPIs).
 */

import type { Duration, FormulaExpr, Grain, Measure, ScalarFunction, Span } from '../ir/kpi.ts';
import { GRAINS } from '../ir/kpi.ts';
import type { CallExpr, Expr } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error } from './diagnostics.ts';
import type { FormulaScope } from './formula-scope.ts';
import { lowerAggregate } from './lower-aggregate.ts';
import {
  AGGREGATES,
  ALL_FUNCTIONS,
  RowLowering,
  SCALARS,
  scalarCall,
  TIME_FUNCTIONS,
  type Typed,
} from './lower-row.ts';
import { lowerStructure } from './lower-structure.ts';
import { own, resolveQualified } from './resolve-names.ts';
import { isNumeric, typeWords } from './types.ts';

export class FormulaLowering {
  private readonly row: RowLowering;
  constructor(private readonly s: FormulaScope) {
    this.row = new RowLowering(s.catalog, s.diagnostics, s.prefix);
  }

  private fail(
    code: string,
    message: string,
    e: { span: Span },
    hint?: string,
    prefix = this.s.prefix,
  ): null {
    this.s.diagnostics.push(error(code, prefix + message, e.span, hint ? { hint } : {}));
    return null;
  }

  private freshName(): string {
    const used = new Set([
      ...this.s.lets.keys(),
      ...this.s.measures.map((m) => m.name),
      ...this.s.aliases.keys(),
    ]);
    for (let i = 1; ; i++) if (!used.has(`m${i}`)) return `m${i}`;
  }

  lower(e: Expr): Typed<FormulaExpr> | null {
    switch (e.k) {
      case 'number':
      case 'string':
      case 'boolean':
      case 'null': {
        const r = this.row.lower(e, { mode: 'dimension', tables: [] });
        return r as Typed<FormulaExpr> | null;
      }
      case 'duration':
        return this.fail(
          'misplaced-duration',
          'a duration only goes in previous, growth or rolling, e.g. growth(mrr, 1 month)',
          e,
        );
      case 'name':
        return this.name(e);
      case 'call':
        return this.call(e);
      default: {
        const r = lowerStructure<FormulaExpr>(
          e,
          (child) => this.lower(child),
          (code, message, at) => this.fail(code, message, at),
        );
        if (r === undefined) throw new Error(`formula lowering: unhandled expression ${e.k}`);
        return r as Typed<FormulaExpr> | null;
      }
    }
  }

  /** A `let` (or seed variable) by name: lowered on first use, so measures come in first-use order. */
  private letMeasure(name: string, at: { span: Span }): Measure | null {
    const b = this.s.lets.get(name)!;
    if (b.state === 'done') return b.measure;
    if (b.state === 'busy') return this.fail('let-cycle', `"${name}" is defined in terms of itself`, at);
    b.state = 'busy';
    const e = b.decl.expr;
    let measure: Measure | null = null;
    if (e.k !== 'call' || !AGGREGATES.has(e.fn.text.toLowerCase())) {
      this.fail(
        'let-not-aggregate',
        `"let ${name}" must bind one aggregate such as sum(…); put arithmetic in the formula`,
        e,
        undefined,
        b.prefix,
      );
    } else {
      const saved = this.s.prefix;
      (this.s as { prefix: string }).prefix = b.prefix;
      const r = this.aggregate(e, name);
      (this.s as { prefix: string }).prefix = saved;
      if (r && r.ir.kind === 'measure_ref')
        measure = this.s.measures.find((m) => m.name === (r.ir as { name: string }).name) ?? null;
    }
    b.state = 'done';
    b.measure = measure;
    return measure;
  }

  private name(e: Extract<Expr, { k: 'name' }>): Typed<FormulaExpr> | null {
    if (e.parts.length === 1) {
      const name = e.parts[0]!.text;
      if (this.s.lets.has(name)) {
        const m = this.letMeasure(name, e);
        return m ? { ir: { kind: 'measure_ref', name: m.name }, type: m.type } : null;
      }
      if (this.s.aliases.has(name)) {
        return this.fail(
          'bare-column',
          `"${name}" is a column outside any aggregate`,
          e,
          `aggregate it, e.g. sum(${name})`,
        );
      }
      if (this.s.kpiIds.has(name)) {
        if (!this.s.dependsOn.includes(name)) this.s.dependsOn.push(name);
        if (!this.s.refSpans.has(name)) this.s.refSpans.set(name, e.span);
        return { ir: { kind: 'kpi_ref', id: name }, type: 'number' };
      }
      return this.fail(
        'unknown-name',
        `unknown KPI or measure "${name}"`,
        e,
        didYouMean(name, [...this.s.lets.keys(), ...this.s.kpiIds]).hint,
      );
    }
    const r = resolveQualified(this.s.catalog, e.parts, this.s.diagnostics, this.s.prefix);
    if (!r) return null;
    const text = e.parts.map((p) => p.text).join('.');
    if (r.kind === 'table')
      return this.fail('bare-table', `"${text}" is a table; aggregate it, e.g. count(${text})`, e);
    return this.fail(
      'bare-column',
      `column ${text} is outside any aggregate`,
      e,
      `aggregate it, e.g. sum(${text})`,
    );
  }

  private call(e: CallExpr): Typed<FormulaExpr> | null {
    const fn = e.fn.text.toLowerCase();
    if (fn === '')
      return this.fail(
        'misplaced-clause',
        '"on", "active between" and "within" belong after an aggregate such as sum(…)',
        e,
      );
    if (AGGREGATES.has(fn)) return this.aggregate(e, null);
    if (e.on || e.active || e.within)
      return this.fail(
        'misplaced-clause',
        `"${fn}" is not an aggregate; "on", "active between" and "within" follow aggregates`,
        e,
      );
    if (e.star || e.distinct || e.where)
      return this.fail('bad-arguments', `${fn}(…) takes plain values (no *, distinct or where)`, e);
    if (TIME_FUNCTIONS.has(fn)) return this.timeFunction(fn, e);
    const spec = own(SCALARS, fn);
    if (!spec)
      return this.fail(
        'unknown-function',
        `unknown function "${e.fn.text}"`,
        e.fn,
        didYouMean(fn, ALL_FUNCTIONS).hint,
      );
    return scalarCall<FormulaExpr>(
      fn as ScalarFunction,
      spec,
      e,
      e.args.map((a) => this.lower(a)),
      (code, message, at) => this.fail(code, message, at),
    ) as Typed<FormulaExpr> | null;
  }

  private timeFunction(fn: string, e: CallExpr): Typed<FormulaExpr> | null {
    const want = fn === 'cumulative' ? 1 : 2;
    if (e.args.length !== want) {
      const example = {
        previous: 'previous(mrr, 1 month)',
        growth: 'growth(mrr, 1 year)',
        rolling: 'rolling(sum(x), 7 days)',
        to_date: 'to_date(sum(x), month)',
        cumulative: 'cumulative(sum(x))',
      }[fn];
      return this.fail(
        'bad-arguments',
        `${fn}(…) takes ${want} argument${want > 1 ? 's' : ''}, e.g. ${example}`,
        e,
      );
    }
    const inner = this.lower(e.args[0]!);
    if (!inner) return null;
    if (!isNumeric(inner.type))
      return this.fail(
        'type-mismatch',
        `${fn}(…) works on numbers, not ${typeWords(inner.type)}`,
        e.args[0]!,
      );
    if (fn === 'cumulative')
      return { ir: { kind: 'to_date', expr: inner.ir, period: null }, type: inner.type };
    const second = e.args[1]!;
    if (fn === 'to_date') {
      const grain =
        second.k === 'name' && second.parts.length === 1 ? second.parts[0]!.text.toLowerCase() : '';
      if (!GRAINS.includes(grain as Grain)) {
        return this.fail(
          'bad-arguments',
          `to_date(…) needs a period: one of ${GRAINS.join(', ')}`,
          second,
          grain ? didYouMean(grain, GRAINS).hint : undefined,
        );
      }
      return { ir: { kind: 'to_date', expr: inner.ir, period: grain as Grain }, type: inner.type };
    }
    if (second.k !== 'duration')
      return this.fail(
        'bad-arguments',
        `the second argument of ${fn}(…) is a duration such as 1 month or 7 days`,
        second,
      );
    if (!Number.isInteger(second.amount) || second.amount <= 0)
      return this.fail('bad-duration', 'a duration is a whole number of units greater than 0', second);
    const d: Duration = { amount: second.amount, unit: second.unit };
    if (fn === 'rolling') return { ir: { kind: 'rolling', expr: inner.ir, window: d }, type: inner.type };
    if (fn === 'previous') return { ir: { kind: 'previous', expr: inner.ir, offset: d }, type: inner.type };
    return { ir: { kind: 'growth', expr: inner.ir, offset: d }, type: 'number' };
  }

  /** One aggregate → one measure; `name` is the `let` name when it has one. */
  aggregate(e: CallExpr, name: string | null): Typed<FormulaExpr> | null {
    return lowerAggregate(
      {
        s: this.s,
        row: this.row,
        fail: (code, message, at) => this.fail(code, message, at),
        freshName: () => this.freshName(),
        letMeasure: (letName, at) => this.letMeasure(letName, at),
      },
      e,
      name,
    );
  }
}
