/**
 * Formula expressions: aggregates become measures (one per aggregate, in first-use order), names
 * become measure references (`let` bindings, seed variables) or KPI references (derived KPIs).
 */
import type { Catalog, TableRef } from '../catalog/types.ts';
import type { Diagnostic } from '../ir/diagnostic.ts';
import type {
  AggregateFn,
  Duration,
  FormulaExpr,
  Grain,
  Measure,
  RowExpr,
  ScalarFunction,
  Span,
  ValueType,
} from '../ir/kpi.ts';
import { GRAINS } from '../ir/kpi.ts';
import type { CallExpr, Expr, LetDecl } from '../lang/ast.ts';
import { didYouMean } from '../shared/suggest.ts';
import { error } from './diagnostics.ts';
import {
  AGGREGATES,
  ALL_FUNCTIONS,
  type ColumnAlias,
  RowLowering,
  SCALARS,
  scalarCall,
  TIME_FUNCTIONS,
  type Typed,
} from './lower-row.ts';
import { astChildren, lowerStructure } from './lower-structure.ts';
import { own, resolveBareColumn, resolveQualified } from './resolve-names.ts';
import { isBoolean, isNumeric } from './types.ts';

export interface LetBinding {
  readonly decl: LetDecl;
  /** Message prefix for diagnostics of a seed variable (its JSON path). */
  readonly prefix: string;
  state: 'pending' | 'busy' | 'done';
  measure: Measure | null;
}

export interface FormulaScope {
  readonly catalog: Catalog;
  readonly diagnostics: Diagnostic[];
  readonly kpiIds: ReadonlySet<string>;
  readonly lets: Map<string, LetBinding>;
  readonly aliases: ReadonlyMap<string, ColumnAlias>;
  readonly measures: Measure[];
  readonly dependsOn: string[];
  /** Where each KPI is first referenced (to point cycle diagnostics at it). */
  readonly refSpans: Map<string, Span>;
  readonly prefix: string;
}

/** sum over sum (or count), min over min, max over max give the variable itself. */
const REAGGREGATES: Record<string, readonly AggregateFn[]> = {
  sum: ['sum', 'count'],
  min: ['min'],
  max: ['max'],
};

function aggregateType(fn: AggregateFn, arg: ValueType | null): ValueType {
  switch (fn) {
    case 'count':
    case 'count_distinct':
    case 'approx_distinct':
      return 'bigint';
    case 'avg':
      return arg === 'decimal' ? 'decimal' : 'double';
    case 'percentile':
      return arg === 'decimal' ? 'decimal' : 'double';
    default:
      return arg ?? 'bigint';
  }
}

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
      return this.fail('type-mismatch', `${fn}(…) works on numbers, not a ${inner.type}`, e.args[0]!);
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
    let fn = e.fn.text.toLowerCase() as AggregateFn;
    if (e.distinct) {
      if (fn === 'count') fn = 'count_distinct';
      else if (fn !== 'count_distinct' && fn !== 'approx_distinct')
        return this.fail('bad-arguments', `"distinct" only goes in count(distinct …)`, e);
    }
    const args = e.args;
    if (e.star && fn !== 'count')
      return this.fail('bad-arguments', `${fn}(*) is not an aggregate; only count(*) counts rows`, e);
    if (e.star)
      return this.fail(
        'missing-table',
        'count(*) needs a table: write count(source.table), e.g. count(users.accounts)',
        e,
      );
    const wantArgs = fn === 'percentile' ? 2 : 1;
    if (args.length !== wantArgs) {
      return this.fail(
        'bad-arguments',
        fn === 'percentile'
          ? 'percentile(…) takes a column and a fraction, e.g. percentile(x, 0.95)'
          : `${fn}(…) takes one argument`,
        e,
      );
    }
    const arg = args[0]!;
    // Re-aggregating a variable that is already this aggregate is the variable itself (the seed's
    // `SUM(subscription_amount)` over a variable aggregated with sum).
    if (arg.k === 'name' && arg.parts.length === 1 && this.s.lets.has(arg.parts[0]!.text)) {
      const inner = this.letMeasure(arg.parts[0]!.text, arg);
      if (!inner) return null;
      if (
        !e.where &&
        !e.on &&
        !e.active &&
        !e.within &&
        !e.distinct &&
        own(REAGGREGATES, fn)?.includes(inner.fn)
      ) {
        return { ir: { kind: 'measure_ref', name: inner.name }, type: inner.type };
      }
      return this.fail(
        'nested-aggregate',
        `${fn}(${arg.parts[0]!.text}) aggregates "${arg.parts[0]!.text}", which is already an aggregate (${inner.fn})`,
        e,
      );
    }
    // The table: from the argument's first qualified name, or a seed variable standing for a column.
    const table = this.tableOf(arg);
    if (!table) {
      if (!this.s.diagnostics.length || this.findFirstQualified(arg) === null) {
        return this.fail(
          'missing-table',
          `${fn}(…) needs a qualified column such as payments.subscriptions.amount`,
          arg,
        );
      }
      return null;
    }
    let argIr: RowExpr | null = null;
    let argType: ValueType | null = null;
    if (!(table.isTable && fn === 'count')) {
      if (table.isTable)
        return this.fail(
          'bad-arguments',
          `${fn}(…) needs a column, not the table ${table.ref.source}.${table.ref.table}`,
          arg,
        );
      const r = this.row.lower(arg, { mode: 'table', table: table.ref, aliases: this.s.aliases });
      if (!r) return null;
      argIr = r.ir;
      argType = r.type;
      if ((fn === 'sum' || fn === 'avg' || fn === 'percentile') && !isNumeric(r.type)) {
        return this.fail('type-mismatch', `${fn}(…) needs numbers, but this is a ${r.type}`, arg);
      }
      if ((fn === 'min' || fn === 'max') && r.type === 'boolean')
        return this.fail('type-mismatch', `${fn}(…) of true/false values is not defined`, arg);
    }
    let fraction: number | undefined;
    if (fn === 'percentile') {
      const f = args[1]!;
      if (f.k !== 'number' || !(f.value > 0 && f.value < 1))
        return this.fail(
          'bad-arguments',
          'the fraction of percentile(x, f) is a number between 0 and 1, e.g. 0.95',
          f,
        );
      fraction = f.value;
    }
    let filter: RowExpr | null = null;
    if (e.where) {
      const w = this.row.lower(e.where, { mode: 'table', table: table.ref, aliases: this.s.aliases });
      if (!w) return null;
      if (!isBoolean(w.type))
        return this.fail('type-mismatch', `"where" needs a true/false condition, not a ${w.type}`, e.where);
      filter = w.ir;
    }
    const def = this.s.catalog.sources[table.ref.source]!.tables[table.ref.table]!;
    let timeColumn = table.timeColumn ?? def.timeColumn;
    const timeCheck = (part: { text: string; span: Span }): boolean => {
      const r = resolveBareColumn(this.s.catalog, table.ref, part, this.s.diagnostics, this.s.prefix);
      if (!r) return false;
      if (r.table.source !== table.ref.source || r.table.table !== table.ref.table) {
        this.fail(
          'bad-time-column',
          `"${part.text}" must be a column of ${table.ref.source}.${table.ref.table} itself`,
          part,
        );
        return false;
      }
      if (r.type !== 'timestamp' && r.type !== 'date') {
        this.fail('type-mismatch', `"${part.text}" is a ${r.type}, not a time`, part);
        return false;
      }
      return true;
    };
    if (e.on) {
      if (!timeCheck(e.on)) return null;
      timeColumn = e.on.text;
    }
    let validity: Measure['validity'];
    if (e.active) {
      if (!timeCheck(e.active.start) || !timeCheck(e.active.end)) return null;
      validity = { startColumn: e.active.start.text, endColumn: e.active.end.text };
    }
    const period = e.within ?? table.period;
    const measureName = name ?? this.freshName();
    const measure: Measure = {
      kind: 'measure',
      name: measureName,
      fn,
      table: table.ref,
      arg: argIr,
      filter,
      ...(fraction !== undefined ? { fraction } : {}),
      timeColumn,
      ...(validity ? { validity } : {}),
      ...(period !== undefined ? { period } : {}),
      type: aggregateType(fn, argType),
    };
    this.s.measures.push(measure);
    return { ir: { kind: 'measure_ref', name: measureName }, type: measure.type };
  }

  private findFirstQualified(e: Expr): Expr | null {
    if (e.k === 'name') return e.parts.length > 1 || this.s.aliases.has(e.parts[0]!.text) ? e : null;
    for (const child of astChildren(e)) {
      const f = this.findFirstQualified(child);
      if (f) return f;
    }
    return null;
  }

  private tableOf(
    arg: Expr,
  ): { ref: TableRef; isTable: boolean; timeColumn?: string; period?: string } | null {
    const first = this.findFirstQualified(arg);
    if (first?.k !== 'name') return null;
    if (first.parts.length === 1) {
      const alias = this.s.aliases.get(first.parts[0]!.text)!;
      const a = alias as ColumnAlias & { timeColumn?: string; period?: string };
      return {
        ref: alias.table,
        isTable: false,
        ...(a.timeColumn ? { timeColumn: a.timeColumn } : {}),
        ...(a.period ? { period: a.period } : {}),
      };
    }
    const r = resolveQualified(this.s.catalog, first.parts, this.s.diagnostics, this.s.prefix);
    if (!r) return null;
    return { ref: r.table, isTable: r.kind === 'table' && arg === first };
  }
}
