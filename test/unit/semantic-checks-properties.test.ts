/**
 * A KPI's properties as docs/language.md lists them: each known property once (filter repeatable), one
 * value where one is meant, categories, strings, dimensions and grains as bare words, lets used once.
 * Each diagnostic is compared whole (position, code, message, hint); positions come from the input text.
 */
import { describe, expect, it } from 'vitest';
import { analyze, at, check, kpiOf } from '../support/kpi-check.ts';

// Every KPI here reads users.accounts (demo catalog): the formula is never what a test is about.
const kpi = (props: string) => `kpi a {\n  formula: count(users.accounts)\n  ${props}\n}`;

describe('the property list', () => {
  it('refuses an unknown property, suggesting the known one it resembles, and the KPI with it', () => {
    const text = kpi('categroy: user');
    expect(check(text)).toEqual([
      `${at(text, 'categroy')} error unknown-property: a kpi has no property "categroy" (did you mean "category"?)`,
    ]);
    expect(kpiOf(text)).toBeUndefined();
  });

  it('refuses a property given twice at its second key, but lets filter repeat', () => {
    const text = kpi('grains: day\n  grains: month');
    expect(check(text)).toEqual([
      `${at(text, 'grains', 1)} error duplicate-property: "grains" is given twice`,
    ]);
    expect(kpiOf(text)).toBeUndefined();
    // Both filters apply: each is one entry of the IR's filters.
    const twice = kpiOf(kpi("filter: region = 'eu'\n  filter: plan_type = 'pro'"));
    expect(twice?.filters.map((f) => (f.kind === 'binary' ? f.left : null))).toEqual([
      { kind: 'dimension', name: 'region' },
      { kind: 'dimension', name: 'plan_type' },
    ]);
  });

  it('refuses two values where one is meant, pointing at the whole property', () => {
    const text = kpi('category: user, business');
    expect(check(text)).toEqual([`${at(text, 'category')} error bad-property: "category" takes one value`]);
    expect(kpiOf(text)).toBeUndefined();
  });

  it('refuses a KPI without a formula at its id, with a hint', () => {
    const text = 'kpi lonely {\n  category: user\n}';
    expect(check(text)).toEqual([
      `${at(text, 'lonely')} error missing-formula: kpi lonely has no formula (add \`formula: …\`)`,
    ]);
  });

  it('lists no dependencies for a KPI that names no other KPI', () => {
    expect(kpiOf(kpi('category: user'))?.dependsOn).toEqual([]);
  });
});

describe('lets', () => {
  const text = [
    'kpi a {',
    '  let paid = sum(payments.subscriptions.amount)',
    '  let paid = count(payments.subscriptions)',
    '  let spare = count(users.accounts)',
    '  formula: paid',
    '}',
  ].join('\n');

  it('refuses a name bound twice at the second binding and warns of one never used', () => {
    expect(check(text)).toEqual([
      `${at(text, 'paid', 1)} error duplicate-let: "paid" is defined twice`,
      `${at(text, 'spare')} warning unused-let: "spare" is never used in the formula`,
    ]);
  });

  it('accepts a KPI whose only finding is a warning', () => {
    const only =
      'kpi a {\n  let spare = count(users.accounts)\n  formula: sum(payments.subscriptions.amount)\n}';
    expect(check(only)).toEqual([
      `${at(only, 'spare')} warning unused-let: "spare" is never used in the formula`,
    ]);
    expect(kpiOf(only)?.measures.map((m) => m.fn)).toEqual(['sum']);
  });

  it("does not let an earlier KPI's warning hide a later KPI's error", () => {
    // a is accepted with a warning; b has a bad category and must fail all the same.
    const two =
      'kpi a {\n  let spare = count(users.accounts)\n  formula: count(users.accounts)\n}\n' +
      kpi('category: money').replace('kpi a', 'kpi b');
    const r = check(two);
    expect(r.map((d) => d.split(' ').slice(1, 3).join(' '))).toEqual([
      'warning unused-let:',
      'error unknown-category:',
    ]);
    expect(analyze(two).kpis.map((k) => k.id)).toEqual(['a']);
  });

  it('names the column a let lacks with no prefix before the message', () => {
    const bad = 'kpi a {\n  let paid = sum(payments.subscriptions.amout)\n  formula: paid\n}';
    expect(check(bad)).toEqual([
      `${at(bad, 'amout')} error unknown-column: payments.subscriptions has no column "amout" (did you mean "amount"?)`,
    ]);
  });
});

describe('category, name, description and format', () => {
  it('takes the category as a bare word in any case or as a string', () => {
    expect(kpiOf(kpi('category: USER'))?.category).toBe('user');
    expect(kpiOf(kpi("category: 'performance'"))?.category).toBe('performance');
    // Without one a KPI is custom.
    expect(kpiOf(kpi('format: "percent"'))?.category).toBe('custom');
  });

  it('refuses an unknown category, suggesting a close one, and a category that is not a word', () => {
    const typo = kpi('category: bussiness');
    expect(check(typo)).toEqual([
      `${at(typo, 'bussiness')} error unknown-category: the category is one of business, user, performance, custom (did you mean "business"?)`,
    ]);
    const number = kpi('category: 1');
    expect(check(number)).toEqual([
      `${at(number, '1\n')} error unknown-category: the category is one of business, user, performance, custom`,
    ]);
  });

  it('takes name, description and format from strings, and format also as a bare word', () => {
    const k = kpiOf(kpi('name: "Nice name"\n  description: "What it counts"\n  format: currency'));
    expect(k).toMatchObject({
      id: 'a',
      name: 'Nice name',
      description: 'What it counts',
      format: 'currency',
    });
    // Without them: the id names the KPI, the description is empty and there is no format.
    const bare = kpiOf(kpi('category: user'))!;
    expect([bare.name, bare.description, 'format' in bare]).toEqual(['a', '', false]);
  });

  it('refuses a description as a bare word, at the word', () => {
    const text = kpi('description: counted');
    expect(check(text)).toEqual([
      `${at(text, 'counted')} error bad-property: "description" is a string in quotes`,
    ]);
  });

  it('refuses a name property next to a title, at the name key', () => {
    const text = 'kpi a "Title" {\n  formula: count(users.accounts)\n  name: "Other"\n}';
    expect(check(text)).toEqual([`${at(text, 'name')} error duplicate-property: the name is given twice`]);
    expect(kpiOf(text)).toBeUndefined();
  });
});

describe('dimensions and grains', () => {
  it('refuses dimensions that are not bare words and one listed twice, each at its value', () => {
    const text = kpi('dimensions: region, "channel", users.accounts.country, region');
    expect(check(text)).toEqual([
      `${at(text, '"channel"')} error bad-property: dimensions are column names such as region`,
      `${at(text, 'users.accounts.country')} error bad-property: dimensions are column names such as region`,
      `${at(text, 'region', 1)} error duplicate-dimension: dimension "region" is listed twice`,
    ]);
  });

  it('reads grains in any case, once each, in the order given', () => {
    expect(kpiOf(kpi('grains: Month, day, MONTH'))?.grains).toEqual(['month', 'day']);
  });

  it('refuses a grain that is not a word and an unknown one', () => {
    const text = kpi("grains: 'day', fortnight");
    const use = 'use minute, hour, day, week, month, quarter, year';
    expect(check(text)).toEqual([
      `${at(text, "'day'")} error unknown-grain: "this" is not a grain: ${use}`,
      `${at(text, 'fortnight')} error unknown-grain: "fortnight" is not a grain: ${use}`,
    ]);
  });
});
