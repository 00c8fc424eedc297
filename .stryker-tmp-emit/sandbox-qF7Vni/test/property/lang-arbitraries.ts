/**
 * fast-check arbitraries for the KPI language: valid KPI programs over the demo catalog (for the round
 * trip) and noisy inputs (for robustness).
 */
// @ts-nocheck

import fc from 'fast-check';
import { resolveDimension } from '../../src/catalog/resolve.ts';
import type { Catalog, TableDef, TableRef } from '../../src/catalog/types.ts';

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const NUMERIC = new Set(['bigint', 'decimal', 'double']);

export const unicodeText = fc.string({ unit: 'grapheme', maxLength: 12 });

function literalFor(type: string): fc.Arbitrary<string> {
  if (NUMERIC.has(type))
    return fc.oneof(
      fc.integer({ min: -1000, max: 100000 }).map(String),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map(String),
    );
  if (type === 'string') return unicodeText.map(q);
  if (type === 'boolean') return fc.constantFrom('true', 'false');
  return fc.constantFrom("'2025-01-01'", "'2025-06-30T12:00:00Z'");
}

/** A true/false condition over the columns of one table (bare names, as in `where`). */
export function condition(table: TableDef, depth = 2): fc.Arbitrary<string> {
  const cols = Object.entries(table.columns);
  const atom = fc.constantFrom(...cols).chain(([c, type]) => {
    const options: fc.Arbitrary<string>[] = [
      fc
        .constantFrom('=', '!=', '<', '<=', '>', '>=')
        .chain((op) => literalFor(type).map((v) => `${c} ${op} ${v}`)),
      fc.boolean().map((n) => `${c} is ${n ? 'not ' : ''}null`),
      fc
        .tuple(fc.boolean(), fc.array(literalFor(type), { minLength: 1, maxLength: 3 }))
        .map(([n, vs]) => `${c} ${n ? 'not ' : ''}in (${vs.join(', ')})`),
    ];
    if (type === 'string')
      options.push(
        fc.tuple(fc.boolean(), unicodeText).map(([n, p]) => `${c} ${n ? 'not ' : ''}like ${q(`${p}%`)}`),
      );
    if (NUMERIC.has(type))
      options.push(
        fc
          .tuple(fc.boolean(), fc.nat(100), fc.nat(100))
          .map(([n, a, b]) => `${c} ${n ? 'not ' : ''}between ${a} and ${a + b}`),
      );
    return fc.oneof(...options);
  });
  if (depth <= 0) return atom;
  const sub = condition(table, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    fc.tuple(sub, fc.constantFrom('and', 'or'), sub).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    sub.map((a) => `not (${a})`),
  );
}

/** One aggregate over one table of the catalog, with optional where / on / active clauses. */
export function aggregate(catalog: Catalog): fc.Arbitrary<{ text: string; table: TableRef }> {
  const tables = Object.values(catalog.sources).flatMap((s) => Object.values(s.tables));
  return fc.constantFrom(...tables).chain((t) => {
    const name = `${t.source}.${t.name}`;
    const cols = Object.entries(t.columns);
    const numeric = cols.filter(([, ty]) => NUMERIC.has(ty)).map(([c]) => c);
    const times = cols.filter(([, ty]) => ty === 'timestamp' || ty === 'date').map(([c]) => c);
    const fns: fc.Arbitrary<string>[] = [
      fc.constant(`count(${name}`),
      fc.constantFrom(...cols.map(([c]) => c)).map((c) => `count(${name}.${c}`),
      fc.constantFrom(...cols.map(([c]) => c)).map((c) => `count(distinct ${name}.${c}`),
      fc.constantFrom(...cols.map(([c]) => c)).map((c) => `approx_distinct(${name}.${c}`),
    ];
    if (numeric.length) {
      fns.push(
        fc
          .tuple(fc.constantFrom('sum', 'avg', 'min', 'max', 'SUM', 'Avg'), fc.constantFrom(...numeric))
          .map(([f, c]) => `${f}(${name}.${c}`),
      );
      fns.push(
        fc
          .tuple(fc.constantFrom(...numeric), fc.integer({ min: 1, max: 99 }))
          .map(([c, p]) => `percentile(${name}.${c}, 0.${String(p).padStart(2, '0')}`),
      );
      fns.push(
        fc
          .tuple(fc.constantFrom(...numeric), fc.nat(50))
          .map(([c, k]) => `sum(case when ${name}.${c} > ${k} then ${name}.${c} else 0 end`),
      );
    }
    return fc
      .tuple(
        fc.oneof(...fns),
        fc.option(condition(t), { nil: undefined }),
        fc.option(fc.constantFrom(...times), { nil: undefined }),
        fc.option(fc.tuple(fc.constantFrom(...times), fc.constantFrom(...times)), { nil: undefined }),
      )
      .map(([head, where, on, active]) => {
        let text = `${head}${where ? ` where ${where}` : ''})`;
        if (on) text += ` on ${on}`;
        if (active) text += ` active between ${active[0]} and ${active[1]}`;
        return { text, table: { source: t.source, table: t.name } };
      });
  });
}

interface Formula {
  readonly text: string;
  readonly tables: readonly TableRef[];
}

export function formula(catalog: Catalog, kpis: readonly string[], depth = 3): fc.Arbitrary<Formula> {
  const leaf: fc.Arbitrary<Formula> = fc.oneof(
    { weight: 4, arbitrary: aggregate(catalog).map((a) => ({ text: a.text, tables: [a.table] })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 500 }).map((n) => ({ text: String(n), tables: [] })) },
    ...(kpis.length
      ? [{ weight: 2, arbitrary: fc.constantFrom(...kpis).map((k) => ({ text: k, tables: [] })) }]
      : []),
  );
  if (depth <= 0) return leaf;
  const sub = formula(catalog, kpis, depth - 1);
  const both = (a: Formula, b: Formula) => [...a.tables, ...b.tables];
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    fc
      .tuple(sub, fc.constantFrom('+', '-', '*', '/', '%'), sub)
      .map(([a, op, b]) => ({ text: `(${a.text}) ${op} (${b.text})`, tables: both(a, b) })),
    sub.map((a) => ({ text: `-(${a.text})`, tables: a.tables })),
    fc
      .tuple(fc.constantFrom('coalesce', 'least', 'greatest', 'nullif'), sub, sub)
      .map(([f, a, b]) => ({ text: `${f}(${a.text}, ${b.text})`, tables: both(a, b) })),
    fc
      .tuple(fc.constantFrom('abs', 'round'), sub)
      .map(([f, a]) => ({ text: `${f}(${a.text})`, tables: a.tables })),
    fc.tuple(sub, sub, sub, fc.nat(9)).map(([a, b, c, k]) => ({
      text: `case when ${a.text} > ${k} then ${b.text} else ${c.text} end`,
      tables: [...both(a, b), ...c.tables],
    })),
    fc
      .tuple(
        fc.constantFrom('previous', 'growth', 'rolling'),
        sub,
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('day', 'days', 'week', 'month', 'months', 'year', 'hour', 'quarter'),
      )
      .map(([f, a, n, u]) => ({ text: `${f}(${a.text}, ${n} ${u})`, tables: a.tables })),
    fc
      .tuple(sub, fc.constantFrom('day', 'week', 'month', 'quarter', 'year'))
      .map(([a, g]) => ({ text: `to_date(${a.text}, ${g})`, tables: a.tables })),
    sub.map((a) => ({ text: `cumulative(${a.text})`, tables: a.tables })),
  );
}

/** A program of several KPIs; later ones may derive from earlier ones. */
export function program(catalog: Catalog): fc.Arbitrary<string> {
  return fc.integer({ min: 1, max: 4 }).chain((count) => {
    const step = (i: number): fc.Arbitrary<string[]> => {
      if (i === count) return fc.constant([]);
      const earlier = Array.from({ length: i }, (_, j) => `k${j}`);
      return fc
        .tuple(
          formula(catalog, earlier, 2),
          unicodeText,
          fc.constantFrom('business', 'user', 'performance', 'custom'),
          fc.subarray(['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']),
          fc.option(fc.tuple(fc.constantFrom('>', '>=', '<', '<='), fc.integer({ min: -100, max: 1000 })), {
            nil: undefined,
          }),
          fc.nat(),
        )
        .chain(([f, title, category, grains, threshold, pick]) => {
          // Dimensions every table of the formula reaches (derived KPIs add none here, to keep it simple).
          const own = f.tables;
          const candidates = own.length
            ? Object.keys(catalog.sources[own[0]!.source]!.tables[own[0]!.table]!.columns).filter((d) =>
                own.every((t) => resolveDimension(catalog, t, d)),
              )
            : [];
          const dims = earlierFree(f.text, earlier) ? candidates.filter((_, j) => (pick >> j) & 1) : [];
          const lines = [
            `kpi k${i} "${title.replaceAll('"', '""')}" {`,
            `  category: ${category}`,
            `  formula: ${f.text}`,
          ];
          if (dims.length) lines.push(`  dimensions: ${dims.join(', ')}`);
          if (grains.length) lines.push(`  grains: ${grains.join(', ')}`);
          if (threshold) lines.push(`  thresholds: warning ${threshold[0]} ${threshold[1]}`);
          lines.push('}');
          return step(i + 1).map((rest) => [lines.join('\n'), ...rest]);
        });
    };
    return step(0).map((kpis) => kpis.join('\n'));
  });
}

const earlierFree = (text: string, earlier: readonly string[]) =>
  !earlier.some((k) => new RegExp(`\\b${k}\\b`).test(text));

/** Token soup: fragments of the language in random order. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'kpi',
        'rollup',
        'let',
        'on',
        'active',
        'between',
        'and',
        'or',
        'not',
        'in',
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
        'within',
        '{',
        '}',
        '(',
        ')',
        ',',
        '.',
        ':',
        ';',
        '=',
        '!=',
        '<>',
        '<',
        '<=',
        '>',
        '>=',
        '+',
        '-',
        '*',
        '/',
        '%',
        'sum',
        'count',
        'avg',
        'percentile',
        'growth',
        'rolling',
        'to_date',
        'cumulative',
        'previous',
        'payments',
        'subscriptions',
        'amount',
        'finance.expenses.amount',
        'users.accounts',
        'region',
        'formula:',
        'dimensions:',
        '7 days',
        '1 month',
        "'eu'",
        '"Name"',
        '`quoted name`',
        '0.95',
        '1e309',
        '--',
        '/*',
        '*/',
        '\n',
        "'",
        '"',
        '`',
        'month',
        'mrr',
        'x',
        'constructor',
        'toString',
        '__proto__',
        'payments.subscriptions.valueOf',
      ),
      fc.string({ maxLength: 4 }),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(' '));

/** Mutates a text: deletes, duplicates, inserts or swaps characters at random places. */
export function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...texts),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat(8),
          fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
          fc.string({ maxLength: 3 }),
        ),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    )
    .map(([text, edits]) => {
      let s = text;
      for (const [at, len, kind, ins] of edits) {
        const i = s.length ? at % s.length : 0;
        if (kind === 'delete') s = s.slice(0, i) + s.slice(i + len);
        else if (kind === 'insert') s = s.slice(0, i) + ins + s.slice(i);
        else if (kind === 'duplicate') s = s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len);
        else s = s.slice(0, i) + s.slice(i + len, i + 2 * len) + s.slice(i, i + len) + s.slice(i + 2 * len);
      }
      return s;
    });
}
