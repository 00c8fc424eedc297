import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Diagnostic } from '../../src/ir/diagnostic.ts';
import { analyzeDefinitions } from '../../src/semantic/index.ts';
import { jsonPath } from '../../src/semantic/json.ts';

// The seed's JSON KPIDefinition (src/semantic/json.ts, docs/language.md "The seed's JSON
// KPIDefinition"): each field becomes a DSL line, and a diagnostic names the JSON path of the field it
// concerns, with columns counted inside the formula's string.

const catalog = loadCatalog();
const errors = (r: { diagnostics: readonly Diagnostic[] }) =>
  r.diagnostics.filter((d) => d.severity === 'error');
const variable = (name: string, column: string, aggregation?: string, timeRange?: object) => ({
  name,
  source: { database: 'payments', table: 'subscriptions', column, ...(aggregation ? { aggregation } : {}) },
  ...(timeRange ? { timeRange } : {}),
});
/** A valid definition (sum of the subscriptions' amount) with some fields replaced. */
const definition = (fields: object) => ({
  id: 'x',
  name: 'X',
  category: 'business',
  description: '',
  formula: { type: 'simple', expression: 'SUM(a)', variables: [variable('a', 'amount', 'sum')] },
  aggregations: [],
  dimensions: [],
  ...fields,
});
const formula = (expression: string, ...variables: object[]) => ({
  formula: { type: 'simple', expression, variables },
});
const analyze = (json: unknown) => analyzeDefinitions(json, { catalog });
const messages = (json: unknown) => errors(analyze(json)).map((d) => d.message);
const ok = (json: unknown) => {
  const r = analyze(json);
  expect(errors(r)).toEqual([]);
  return r.kpis[0]!;
};

describe('jsonPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['formula', 'variables', 1, 'name'])).toBe('$.formula.variables[1].name');
  });
});

describe('diagnostics name the JSON field', () => {
  it('names the array index of an invalid variable', () => {
    const json = definition(
      formula('SUM(a)', variable('a', 'amount', 'sum'), variable('1b', 'amount', 'sum')),
    );
    expect(messages(json)).toEqual(['$.formula.variables[1].name: must be a name of letters, digits and _']);
  });

  it('names the variable of an unknown column, once, when the variable has no aggregation', () => {
    // The analysis stops at the bad variable: no second error for the expression that uses it.
    const r = analyze(definition(formula('SUM(amt)', variable('amt', 'amout'))));
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toMatchObject({ code: 'unknown-column' });
    expect(errors(r)[0]!.message).toMatch(
      /^\$\.formula\.variables\[0\]\.source: payments\.subscriptions has no column "amout"/,
    );
  });

  it('names the expression of a syntax error', () => {
    expect(errors(analyze(definition(formula('SUM(a', variable('a', 'amount', 'sum')))))).toEqual([
      expect.objectContaining({
        code: 'syntax',
        message: expect.stringMatching(/^\$\.formula\.expression: /),
      }),
    ]);
  });

  it('points into the expression string at an unknown name', () => {
    const [d, ...rest] = errors(analyze(definition(formula('a + nosuch', variable('a', 'amount', 'sum')))));
    expect(rest).toEqual([]);
    expect(d!.message).toMatch(/^\$\.formula\.expression: .*"nosuch"/);
    // "a + nosuch": the name is characters 5 to 10 (1-based), so the span is [5, 11).
    expect(d!.span.start).toEqual({ line: 1, column: 5, offset: 4 });
    // The end's offset follows its column within the expression string (it was the start's, 4).
    expect(d!.span.end).toEqual({ line: 1, column: 11, offset: 10 });
  });

  it('names the list of an unknown dimension or grain, with no column of its own', () => {
    const [dim] = errors(analyze(definition({ dimensions: ['region', 'nosuchdim'] })));
    expect(dim!.message).toMatch(/^\$\.dimensions: unknown dimension "nosuchdim"/);
    expect(dim!.span.start).toEqual({ line: 1, column: 1, offset: 0 });
    expect(dim!.span.end).toEqual({ line: 1, column: 1, offset: 0 });
    expect(messages(definition({ aggregations: ['day', 'fortnight'] }))).toEqual([
      expect.stringMatching(/^\$\.aggregations: "fortnight" is not a grain/),
    ]);
  });

  it('names the filter by its index', () => {
    expect(messages(definition({ filters: ["region = 'eu'", 'region = ('] }))).toEqual([
      expect.stringMatching(/^\$\.filters\[1\]: /),
    ]);
    expect(messages(definition({ filters: ["region = 'eu'", "nosuch = 'x'"] }))).toEqual([
      expect.stringMatching(/^\$\.filters\[1\]: dimension "nosuch"/),
    ]);
  });

  it('names the index of each definition of an array', () => {
    const r = analyze([definition({}), definition({ id: 'y', dimensions: ['nosuchdim'] })]);
    expect(errors(r).map((d) => d.message)).toEqual([expect.stringMatching(/^\$\[1\]\.dimensions: /)]);
  });
});

describe('variables', () => {
  it('keeps the time field and period of an aggregated variable', () => {
    const kpi = ok(
      definition(
        formula('SUM(a)', variable('a', 'amount', 'sum', { field: 'canceled_at', period: "it's\nlast" })),
      ),
    );
    // A line break in the period would end the synthesized line: it becomes a space.
    expect(kpi.measures.map((m) => [m.name, m.timeColumn, m.period])).toEqual([
      ['a', 'canceled_at', "it's last"],
    ]);
  });

  it('keeps the time field and period of a column variable aggregated in the expression', () => {
    const kpi = ok(
      definition(
        formula(
          'SUM(amt)',
          variable('amt', 'amount', undefined, { field: 'canceled_at', period: 'last_30_days' }),
        ),
      ),
    );
    expect(kpi.measures.map((m) => [m.fn, m.timeColumn, m.period])).toEqual([
      ['sum', 'canceled_at', 'last_30_days'],
    ]);
  });
});

describe('filters given as objects', () => {
  const dim = (name: string) => ({ kind: 'dimension', name });
  const str = (value: string) => ({ kind: 'literal', value, type: 'string' });

  it('reads comparisons, lists, null tests and operator spellings', () => {
    const kpi = ok(
      definition({
        filters: [
          { field: 'region', operator: 'EQ', value: 'eu' },
          { field: 'plan_type', operator: 'nin', value: ['a', 'b'] },
          { dimension: 'region', operator: 'is_not_null' },
          { field: 'region', operator: 'in', value: ['eu', null] },
          { field: 'region', operator: 'in', value: 'eu' },
        ],
      }),
    );
    expect(kpi.filters).toEqual([
      { kind: 'binary', op: '=', left: dim('region'), right: str('eu') },
      { kind: 'in', operand: dim('plan_type'), values: [str('a'), str('b')], negated: true },
      { kind: 'is_null', operand: dim('region'), negated: true },
      {
        kind: 'in',
        operand: dim('region'),
        values: [str('eu'), { kind: 'literal', value: null, type: 'null' }],
        negated: false,
      },
      { kind: 'in', operand: dim('region'), values: [str('eu')], negated: false },
    ]);
  });

  it('keeps a number a number (so comparing a text dimension with it is a type error)', () => {
    expect(messages(definition({ filters: [{ field: 'region', operator: '=', value: 5 }] }))).toEqual([
      expect.stringMatching(/^\$\.filters\[0\]: cannot compare a string with a/),
    ]);
  });

  it('refuses a filter without a field or with an unknown operator', () => {
    const m = messages(
      definition({
        filters: [
          { field: 'region', operator: 'approx', value: 'x' },
          { operator: '=', value: 'x' },
        ],
      }),
    );
    expect(m).toHaveLength(2);
    // A refusal of the definition's shape, like the schema's own (not a language diagnostic).
    expect(errors(analyze(definition({ filters: [{ operator: '=', value: 'x' }] })))).toEqual([
      expect.objectContaining({ code: 'invalid-definition' }),
    ]);
    expect(m[0]).toMatch(
      /^\$\.filters\[0\]: a filter needs a field and an operator \(= == eq .* is_not_null\)$/,
    );
    expect(m[1]).toMatch(/^\$\.filters\[1\]: a filter needs a field and an operator/);
  });

  it('refuses a comparison with no value or with several', () => {
    expect(
      messages(
        definition({
          filters: [
            { field: 'region', operator: '=' },
            { field: 'region', operator: '=', value: ['a', 'b'] },
          ],
        }),
      ),
    ).toEqual(['$.filters[0]: operator "=" needs one value', '$.filters[1]: operator "=" needs one value']);
    expect(errors(analyze(definition({ filters: [{ field: 'region', operator: '>' }] })))).toEqual([
      expect.objectContaining({
        code: 'invalid-definition',
        message: '$.filters[0]: operator ">" needs one value',
      }),
    ]);
  });
});

describe('schedule and thresholds', () => {
  it('reads a schedule with and without a time zone', () => {
    expect(ok(definition({ schedule: { frequency: 'hour' } })).schedule).toEqual({ frequency: 'hour' });
    expect(ok(definition({ schedule: { frequency: 'day', timezone: 'Europe/Berlin' } })).schedule).toEqual({
      frequency: 'day',
      timezone: 'Europe/Berlin',
    });
  });

  it("names an id used twice in an array at the second definition's id", () => {
    expect(messages([definition({}), definition({ name: 'Again' })])).toEqual([
      expect.stringMatching(/^\$\[1\]\.id: kpi "\w+" is defined twice in this file$/),
    ]);
  });

  it('refuses a schedule time zone Intl does not know, at its JSON path', () => {
    expect(messages(definition({ schedule: { frequency: 'day', timezone: 'Mars/Base' } }))).toEqual([
      expect.stringMatching(/^\$\.schedule(\.timezone)?: "Mars\/Base" is not an IANA time zone/),
    ]);
  });

  it('reads the levels that are given, as "greater than"', () => {
    expect(ok(definition({ thresholds: { critical: 5 } })).thresholds).toEqual({
      critical: { op: '>', value: 5 },
    });
    expect(ok(definition({ thresholds: {} })).thresholds).toBeUndefined();
  });
});
