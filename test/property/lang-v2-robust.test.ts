/**
 * Robustness: at least 100,000 mutated or random inputs per run end in diagnostics or success —
 * never an exception, never an `internal` diagnostic, always spans inside the input.
 * Seeded: FC_SEED=n reproduces a run (the seed is printed in the test name and on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import * as lang from '../../src/semantic/v2/index.ts';
import { kpiProgram } from './lang-v2-gen.ts';

const catalog = loadCatalog();
const registry = lang.loadRegistry(lang.DEMO_KPI_FILES, catalog).registry;
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

const TOKENS = [
  'kpi',
  'rollup',
  'measure',
  '=',
  '{',
  '}',
  '(',
  ')',
  ',',
  ';',
  ':',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '<',
  '<=',
  '>',
  '>=',
  '!=',
  'and',
  'or',
  'not',
  'in',
  'between',
  'is',
  'null',
  'like',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
  'distinct',
  'where',
  'active',
  'on',
  'at',
  'period',
  'sum',
  'count',
  'avg',
  'percentile',
  'previous',
  'growth',
  'rolling',
  'to_date',
  'cumulative',
  'coalesce',
  'round',
  'formula',
  'dimensions',
  'grains',
  'filters',
  'thresholds',
  'warning',
  'payments',
  'subscriptions',
  'amount',
  'users',
  'accounts',
  'id',
  'region',
  'started_at',
  'canceled_at',
  'mrr_active',
  'arpa',
  '7',
  '0.95',
  '1e400',
  'days',
  'month',
  "'eu'",
  "'",
  '"',
  '`',
  '`x`',
  '--',
  '/*',
  '*/',
  '\n',
  'é',
  '🚀',
];

const soup = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 24 })
  .chain((ts) =>
    fc
      .array(fc.constantFrom(' ', '', '\n'), { minLength: ts.length, maxLength: ts.length })
      .map((seps) => ts.map((t, i) => t + seps[i]).join('')),
  );

// Mutations start from a pool of short valid programs (generating each afresh would dominate the run).
const pool = fc
  .sample(kpiProgram, { seed, numRuns: 1500 })
  .filter((p) => p.length < 400)
  .slice(0, 400);
const mutated = fc
  .tuple(
    fc.constantFrom(...pool),
    fc.array(fc.tuple(fc.nat(), fc.nat(12), fc.nat(3), fc.constantFrom(...TOKENS)), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([text, edits]) => {
    let s = text;
    for (const [at, len, kind, tok] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      if (kind === 0) s = s.slice(0, i) + s.slice(i + len);
      else if (kind === 1) s = s.slice(0, i) + tok + s.slice(i);
      else if (kind === 2) s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i);
      else s = s.slice(0, i) + tok + s.slice(i + len);
    }
    return s;
  });

function wellFormed(text: string, ds: readonly Diagnostic[]): void {
  for (const d of ds) {
    expect(d.code).not.toBe('internal');
    expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    expect(d.span.start.column).toBeGreaterThanOrEqual(1);
    expect(d.span.start.offset).toBeLessThanOrEqual(text.length);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const dsl = (text: string) => {
  const r = lang.analyzeDsl(text, { catalog, registry });
  wellFormed(text, r.diagnostics);
};

describe(`v2 robustness (FC_SEED=${seed})`, () => {
  it('25,000 mutated valid programs', { timeout: 300_000 }, () => {
    fc.assert(fc.property(mutated, dsl), { seed, numRuns: 25_000 });
  });

  it('55,000 token soups (DSL, inline formulas and filters)', { timeout: 300_000 }, () => {
    fc.assert(
      fc.property(soup, fc.nat(2), (text, which) => {
        if (which === 0) dsl(text);
        else if (which === 1) wellFormed(text, lang.analyzeFormula(text, { catalog, registry }).diagnostics);
        else wellFormed(text, lang.parseFilter(text, { catalog, registry }).diagnostics);
      }),
      { seed: seed + 1, numRuns: 55_000 },
    );
  });

  it('15,000 arbitrary Unicode strings', { timeout: 300_000 }, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), dsl), {
      seed: seed + 2,
      numRuns: 15_000,
    });
  });

  it('10,000 arbitrary and mutated JSON definitions', { timeout: 300_000 }, () => {
    const base = {
      id: 'x',
      name: 'X',
      category: 'business',
      description: '',
      formula: {
        type: 'simple',
        expression: 'SUM(v)',
        variables: [
          {
            name: 'v',
            source: { database: 'payments', table: 'subscriptions', column: 'amount', aggregation: 'sum' },
          },
        ],
      },
      aggregations: ['day'],
      dimensions: ['region'],
    };
    const json = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc
        .tuple(soup, fc.constantFrom('expression', 'id', 'name'))
        .map(([s, key]) =>
          key === 'expression'
            ? { ...base, formula: { ...base.formula, expression: s } }
            : { ...base, [key]: s },
        ),
      fc
        .tuple(
          fc.constantFrom('database', 'table', 'column', 'aggregation'),
          fc.oneof(fc.string(), fc.constantFrom('avg', 'count', 'nope')),
        )
        .map(([k, v]) => ({
          ...base,
          formula: {
            ...base.formula,
            variables: [
              { ...base.formula.variables[0], source: { ...base.formula.variables[0]!.source, [k]: v } },
            ],
          },
        })),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(json, (j) => {
        const r = lang.analyzeDefinitions(j, { catalog, registry });
        for (const d of r.diagnostics) expect(d.code).not.toBe('internal');
      }),
      { seed: seed + 3, numRuns: 10_000 },
    );
  });
});
