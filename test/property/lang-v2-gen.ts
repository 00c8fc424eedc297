/**
 * fast-check generators of valid v2 DSL programs over the demo catalog, with the structure kept
 * next to the text so properties can reason about what was generated.
 */
import fc from 'fast-check';

interface Table {
  readonly name: string;
  readonly numeric: readonly string[];
  readonly strings: readonly string[];
  readonly times: readonly string[];
  /** Dimensions reachable from this table (directly or through joins). */
  readonly dims: readonly string[];
}

export const TABLES: readonly Table[] = [
  {
    name: 'payments.subscriptions',
    numeric: ['amount', 'id', 'account_id'],
    strings: ['plan_type', 'region', 'status', 'currency'],
    times: ['started_at', 'canceled_at'],
    dims: ['plan_type', 'region', 'status', 'channel', 'campaign', 'country'],
  },
  {
    name: 'finance.expenses',
    numeric: ['amount', 'id'],
    strings: ['category', 'channel', 'campaign'],
    times: ['spent_at'],
    dims: ['category', 'channel', 'campaign'],
  },
  {
    name: 'users.accounts',
    numeric: ['id'],
    strings: ['region', 'channel', 'campaign', 'plan_type', 'country', 'email'],
    times: ['created_at'],
    dims: ['region', 'channel', 'campaign', 'plan_type', 'country'],
  },
  {
    name: 'analytics.events',
    numeric: ['account_id'],
    strings: ['type', 'region'],
    times: ['ts'],
    dims: ['type', 'region', 'channel', 'campaign', 'plan_type', 'country'],
  },
  {
    name: 'analytics.sessions',
    numeric: ['duration_s', 'account_id'],
    strings: ['device'],
    times: ['started_at'],
    dims: ['device', 'region', 'channel', 'campaign', 'plan_type', 'country'],
  },
];

export interface Gen {
  readonly text: string;
  readonly tables: readonly Table[];
}

const quoteString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const str = fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'é', "'", ' ', '%', '_', '顧', '🚀') });
const num = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0.5, 0.25, 1.5, 99.99));

function predicate(t: Table, col: (c: string) => string): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    fc
      .tuple(fc.constantFrom(...t.strings), fc.constantFrom('=', '!=', '<', '>='), str)
      .map(([c, op, v]) => `${col(c)} ${op} ${quoteString(v)}`),
    fc
      .tuple(fc.constantFrom(...t.numeric), fc.constantFrom('=', '<', '<=', '>'), num)
      .map(([c, op, v]) => `${col(c)} ${op} ${v}`),
    fc
      .tuple(fc.constantFrom(...t.strings), fc.array(str, { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([c, vs, neg]) => `${col(c)}${neg ? ' not' : ''} in (${vs.map(quoteString).join(', ')})`),
    fc
      .tuple(fc.constantFrom(...t.numeric), num, num, fc.boolean())
      .map(([c, a, b, neg]) => `${col(c)}${neg ? ' not' : ''} between ${a} and ${b}`),
    fc
      .tuple(fc.constantFrom(...t.times, ...t.strings), fc.boolean())
      .map(([c, neg]) => `${col(c)} is${neg ? ' not' : ''} null`),
    fc
      .tuple(fc.constantFrom(...t.strings), str, fc.boolean())
      .map(([c, p, neg]) => `${col(c)}${neg ? ' not' : ''} like ${quoteString(p)}`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    fc.tuple(leaf, fc.constantFrom('and', 'or', 'AND'), leaf).map(([a, op, b]) => `${a} ${op} ${b}`),
    leaf.map((a) => `not (${a})`),
  );
}

function rowValue(t: Table, col: (c: string) => string): fc.Arbitrary<string> {
  const c = fc.constantFrom(...t.numeric).map(col);
  return fc.oneof(
    { weight: 4, arbitrary: c },
    fc.tuple(c, fc.constantFrom('+', '-', '*', '/'), num).map(([a, op, n]) => `${a} ${op} ${n}`),
    fc.tuple(predicate(t, col), c, num).map(([p, a, n]) => `case when ${p} then ${a} else ${n} end`),
    fc.tuple(c, num).map(([a, n]) => `coalesce(${a}, ${n})`),
  );
}

/** One aggregate over one table: the first column is qualified so the table is known. */
export const aggregate: fc.Arbitrary<Gen> = fc
  .tuple(
    fc.constantFrom(...TABLES),
    fc.nat(6),
    fc.option(fc.nat(3), { nil: undefined }),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([t, kind, filt, active, at]) => {
    const q = (c: string) => `${t.name}.${c}`;
    const bare = (c: string) => c;
    const firstCol = fc.constantFrom(...t.numeric).map(q);
    const body: fc.Arbitrary<string> = [
      firstCol.map((c) => `sum(${c}`),
      firstCol.map((c) => `avg(${c}`),
      fc.constantFrom(`count(${t.name}.*`),
      firstCol.map((c) => `count(distinct ${c}`),
      fc.tuple(firstCol, fc.constantFrom(0.5, 0.9, 0.95, 0.99)).map(([c, f]) => `percentile(${c}, ${f}`),
      fc
        .tuple(fc.constantFrom('min', 'max'), fc.constantFrom(...t.numeric).map(q))
        .map(([f, c]) => `${f}(${c}`),
      rowValue(t, bare).map((v) => `sum(${q(t.numeric[0]!)} + ${v}`),
    ][kind]!;
    const where = filt === undefined ? fc.constant('') : predicate(t, bare).map((p) => ` where ${p}`);
    const validity =
      active && t.times.length >= 2
        ? fc.constant(` active between ${t.times[0]} and ${t.times[1]}`)
        : fc.constant('');
    const atClause = at ? fc.constantFrom(...t.times).map((c) => ` at ${c}`) : fc.constant('');
    return fc
      .tuple(body, where, validity, atClause)
      .map(([b, w, v, a]) => ({ text: `${b}${w})${v}${a}`, tables: [t] }));
  });

const dur = fc
  .tuple(
    fc.integer({ min: 1, max: 12 }),
    fc.constantFrom('day', 'days', 'week', 'month', 'months', 'quarter', 'year'),
  )
  .map(([n, u]) => `${n} ${u}`);

/** Formulas: aggregates combined with arithmetic, scalar functions, CASE and time functions. */
export const formula: fc.Arbitrary<Gen> = fc.letrec<{ f: Gen }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: aggregate },
    { weight: 1, arbitrary: num.map((n) => ({ text: String(n), tables: [] })) },
    fc.tuple(tie('f'), fc.constantFrom('+', '-', '*', '/', '%'), tie('f')).map(([a, op, b]) => ({
      text: `(${a.text}) ${op} ${b.text}`,
      tables: [...a.tables, ...b.tables],
    })),
    tie('f').map((a) => ({ text: `-(${a.text})`, tables: a.tables })),
    fc
      .tuple(fc.constantFrom('coalesce', 'least', 'greatest', 'nullif'), tie('f'), tie('f'))
      .map(([fn, a, b]) => ({
        text: `${fn}(${a.text}, ${b.text})`,
        tables: [...a.tables, ...b.tables],
      })),
    fc
      .tuple(fc.constantFrom('abs', 'cumulative'), tie('f'))
      .map(([fn, a]) => ({ text: `${fn}(${a.text})`, tables: a.tables })),
    fc
      .tuple(tie('f'), fc.integer({ min: 0, max: 4 }))
      .map(([a, d]) => ({ text: `round(${a.text}, ${d})`, tables: a.tables })),
    fc.tuple(fc.constantFrom('previous', 'growth', 'rolling'), tie('f'), dur).map(([fn, a, d]) => ({
      text: `${fn}(${a.text}, ${d})`,
      tables: a.tables,
    })),
    fc.tuple(tie('f'), fc.constantFrom('day', 'week', 'month', 'quarter', 'year')).map(([a, g]) => ({
      text: `to_date(${a.text}, ${g})`,
      tables: a.tables,
    })),
    fc.tuple(tie('f'), tie('f'), tie('f')).map(([c, a, b]) => ({
      text: `case when ${c.text} > 0 then ${a.text} else ${b.text} end`,
      tables: [...c.tables, ...a.tables, ...b.tables],
    })),
  ),
})).f;

const ident = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
  .filter(
    (s) =>
      !/^(kpi|rollup|and|or|not|in|between|is|null|like|case|when|then|else|end|true|false|distinct|where|active|on|at)$/.test(
        s,
      ),
  );

/** A whole KPI declaration with properties; dimensions are reachable from all its tables. */
export const kpiProgram: fc.Arbitrary<string> = fc
  .tuple(
    ident,
    fc.option(str, { nil: undefined }),
    formula,
    fc.constantFrom('business', 'user', 'performance', 'custom'),
    fc.subarray(['day', 'week', 'month', 'quarter', 'year'] as const),
    fc.option(fc.tuple(fc.constantFrom('>', '>=', '<', '<='), fc.integer({ min: -50, max: 500 })), {
      nil: undefined,
    }),
    fc.boolean(),
    fc.nat(),
  )
  .map(([id, title, f, category, grains, th, approx, pick]) => {
    const common = TABLES.map((t) => t.dims)
      .filter((_, i) => f.tables.includes(TABLES[i]!))
      .reduce<readonly string[]>(
        (acc, d) => acc.filter((x) => d.includes(x)),
        ['region', 'channel', 'plan_type', 'device', 'campaign'],
      );
    const dims = common.filter((_, i) => (pick >> i) & 1);
    const lines = [
      `kpi k_${id}${title !== undefined ? ` ${quoteString(title)}` : ''} {`,
      `  category: ${category}`,
      `  formula: ${f.text}`,
    ];
    if (dims.length > 0) lines.push(`  dimensions: ${dims.join(', ')}`);
    if (grains.length > 0) lines.push(`  grains: ${grains.join(', ')}`);
    if (th) lines.push(`  thresholds: warning ${th[0]} ${th[1]}`);
    if (approx) lines.push('  approximate: true');
    if (dims.length > 0 && pick % 3 === 0) lines.push(`  filters: ${dims[0]} = 'x'`);
    lines.push('}');
    return `${lines.join('\n')}\n`;
  });
