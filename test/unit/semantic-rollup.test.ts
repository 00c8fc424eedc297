/**
 * Rollup declarations in the language (src/semantic/rollup.ts): what a valid one becomes, and the
 * diagnostic (code, message, hint) for each thing a rollup cannot be.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { analyzeDsl } from '../../src/semantic/index.ts';

const catalog = loadCatalog();
const analyze = (body: string, on = 'payments.subscriptions') =>
  analyzeDsl(`rollup r on ${on} {\n${body}\n}`, { catalog });
const diagnostics = (body: string, on?: string) =>
  analyze(body, on).diagnostics.map((d) => [d.code, d.message, d.hint ?? null]);
const MEASURE =
  'a rollup measure is sum, count, min, max, avg, count_distinct, approx_distinct of a column, or count(*)';

describe('rollup declarations', () => {
  it('become RollupDefs: grain in any case, UTC by default, the target only when it is Druid', () => {
    const r = analyze(
      "grain: DAY; dimensions: plan_type, channel; measures: sum(amount), count(*), count(distinct account_id), avg(amount); filter: status = 'active';",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rollups).toEqual([
      {
        name: 'r',
        table: { source: 'payments', table: 'subscriptions' },
        grain: 'day',
        timezone: 'UTC',
        dimensions: ['plan_type', 'channel'],
        measures: [
          { fn: 'sum', column: 'amount' },
          { fn: 'count', column: null },
          { fn: 'count_distinct', column: 'account_id' },
          { fn: 'avg', column: 'amount' },
        ],
        filter: expect.objectContaining({ kind: 'binary', op: '=' }),
      },
    ]);
    const druid = analyze(
      "grain: hour; timezone: 'Europe/Berlin'; target: Druid; measures: approx_distinct(account_id);",
    );
    expect(druid.diagnostics).toEqual([]);
    expect(druid.rollups[0]).toMatchObject({ grain: 'hour', timezone: 'Europe/Berlin', target: 'druid' });
    const timescale = analyze('grain: day; target: timescale; measures: count(*);');
    expect(timescale.rollups[0]).not.toHaveProperty('target');
  });

  it('names a bad grain, timezone, target, property or table', () => {
    expect(diagnostics('grain: fortnight; measures: count(*);')).toEqual([
      ['unknown-grain', 'a rollup grain is one of minute, hour, day, week, month, quarter, year', null],
    ]);
    // Two swapped letters are one slip: without transpositions `dya` is two edits from `day`, too far.
    expect(diagnostics('grain: dya; measures: count(*);')).toEqual([
      [
        'unknown-grain',
        'a rollup grain is one of minute, hour, day, week, month, quarter, year',
        'did you mean "day"?',
      ],
    ]);
    expect(diagnostics('grain: a.day; measures: count(*);')[0]![0]).toBe('unknown-grain');
    // A zone Intl does not know would fail each build and refresh: refused with the closest name.
    expect(diagnostics("grain: day; timezone: 'Europe/Berln'; measures: count(*);")).toEqual([
      [
        'unknown-timezone',
        `"Europe/Berln" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
        'did you mean "Europe/Berlin"?',
      ],
    ]);
    expect(diagnostics('grain: day; timezone: UTC; measures: count(*);')).toEqual([
      ['bad-property', "timezone is a string such as 'UTC'", null],
    ]);
    expect(diagnostics('grain: day; target: druidd; measures: count(*);')).toEqual([
      ['bad-property', 'a rollup target is timescale or druid', 'did you mean "druid"?'],
    ]);
    expect(diagnostics('grain: day; target: x.druid; measures: count(*);')[0]![1]).toBe(
      'a rollup target is timescale or druid',
    );
    expect(diagnostics('grain: day; dimension: region; measures: count(*);')).toEqual([
      ['unknown-property', 'a rollup has no property "dimension"', 'did you mean "dimensions"?'],
    ]);
    expect(diagnostics('grain: day; measures: count(*);', 'payments')).toEqual([
      ['bad-name', '"payments" is not a table or column name: write source.table.column', null],
    ]);
    expect(
      analyze('grain: day; measures: count(*);', 'payments.subscriptions.amount').diagnostics[0],
    ).toMatchObject({
      code: 'bad-name',
      message: 'a rollup is on a table: rollup NAME on source.table { … }',
    });
  });

  it('reads a grain and a target only as one bare word', () => {
    // A quoted word is a string and a dotted name is not a word: neither is read as its text or first part.
    const GRAIN = 'a rollup grain is one of minute, hour, day, week, month, quarter, year';
    expect(diagnostics("grain: 'day'; measures: count(*);")).toEqual([['unknown-grain', GRAIN, null]]);
    expect(diagnostics('grain: day.month; measures: count(*);')).toEqual([['unknown-grain', GRAIN, null]]);
    const TARGET = 'a rollup target is timescale or druid';
    expect(diagnostics("grain: day; target: 'druid'; measures: count(*);")).toEqual([
      ['bad-property', TARGET, null],
    ]);
    expect(diagnostics('grain: day; target: druid.x; measures: count(*);')).toEqual([
      ['bad-property', TARGET, null],
    ]);
  });

  it('names each dimension that is not a reachable column', () => {
    expect(
      diagnostics("grain: day; dimensions: 'x', plan_typo, accounts.region, country; measures: count(*);"),
    ).toEqual([
      ['bad-property', 'dimensions are column names', null],
      [
        'unreachable-dimension',
        'dimension "plan_typo" cannot be reached from payments.subscriptions',
        'did you mean "plan_type"?',
      ],
      ['bad-property', 'dimensions are column names', null],
    ]);
    // country is on accounts, which subscriptions join.
    expect(analyze('grain: day; dimensions: country; measures: count(*);').rollups[0]!.dimensions).toEqual([
      'country',
    ]);
  });

  it('names each measure a rollup cannot store', () => {
    expect(
      diagnostics(
        'grain: day; measures: median(amount), sum(*), sum(amount, amount), sum(1), sum(nope), sum(a.amount), amount;',
      ),
    ).toEqual([
      ['bad-property', MEASURE, null],
      ['bad-arguments', 'sum(*) is not an aggregate', null],
      ['bad-property', MEASURE, null],
      ['bad-property', 'a rollup measure aggregates one column of its table', null],
      ['unknown-column', 'payments.subscriptions has no column "nope"', null],
      ['bad-property', 'a rollup measure aggregates one column of its table', null],
      ['bad-property', MEASURE, null],
    ]);
    // As in a KPI formula, only a count takes "distinct": a sum or an average of distinct amounts is not
    // the sum(amount) a rollup would store (count(distinct …) itself is accepted in the first test).
    expect(diagnostics('grain: day; measures: sum(distinct amount), avg(distinct amount);')).toEqual([
      ['bad-arguments', '"distinct" only goes in count(distinct …)', null],
      ['bad-arguments', '"distinct" only goes in count(distinct …)', null],
    ]);
    // A distinct count stays one with "distinct" written out, as in a formula.
    const sketch = analyze('grain: day; target: druid; measures: approx_distinct(distinct account_id);');
    expect(sketch.diagnostics).toEqual([]);
    expect(sketch.rollups[0]!.measures).toEqual([{ fn: 'approx_distinct', column: 'account_id' }]);
    expect(diagnostics('grain: day; measures: approx_distinct(account_id);')).toEqual([
      [
        'bad-property',
        'approx_distinct(col) is stored as an HLL sketch per bucket, which only a Druid rollup holds (target: druid)',
        null,
      ],
    ]);
  });

  it('needs a grain, said only when nothing else is wrong; a filter must be true/false', () => {
    expect(diagnostics('measures: count(*);')).toEqual([
      ['missing-grain', 'rollup r needs a grain, e.g. grain: day', null],
    ]);
    expect(diagnostics('measures: sum(*);')).toEqual([['bad-arguments', 'sum(*) is not an aggregate', null]]);
    expect(analyze('measures: sum(*);').rollups).toEqual([]);
    expect(diagnostics('grain: day; filter: amount + 1; measures: count(*);')).toEqual([
      ['type-mismatch', 'a filter is a true/false condition', null],
    ]);
  });

  it('defines no rollup when anything in it is wrong, even with its grain', () => {
    // A filter naming a column the table lacks: the column is named, nothing is defined.
    const typo = analyze("grain: day; filter: statu = 'active'; measures: count(*);");
    expect(typo.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['unknown-column', 'payments.subscriptions has no column "statu"', 'did you mean "status"?'],
    ]);
    expect(typo.rollups).toEqual([]);
    expect(analyze('grain: day; measures: count(*), sum(nope);').rollups).toEqual([]);
  });

  it('says an aggregate in its filter is in a filter (there is no enclosing aggregate)', () => {
    expect(diagnostics('grain: day; filter: sum(amount) > 100; measures: count(*);')).toEqual([
      ['aggregate-in-filter', 'a filter is evaluated per row and cannot contain sum(…)', null],
    ]);
  });
});
