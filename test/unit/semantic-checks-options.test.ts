/**
 * The KPI properties with a small syntax of their own (docs/language.md): `thresholds: warning > 250,
 * critical >= 400`, `schedule: hour` / `schedule: day, 'Europe/Berlin'`, `approximate: true`,
 * `metadata: owner = 'finance', tier = 1`. What reads right lands in the IR; anything else is refused as
 * bad-property at the value (thresholds, metadata, approximate) or at the property (schedule), never with
 * an internal error.
 */
import { describe, expect, it } from 'vitest';
import { at, check, kpiOf } from '../support/kpi-check.ts';

const kpi = (props: string, formula = 'count(users.accounts)') =>
  `kpi a {\n  formula: ${formula}\n  ${props}\n}`;

describe('thresholds', () => {
  it('keeps each level with its comparison and value', () => {
    expect(kpiOf(kpi('thresholds: warning < 5, CRITICAL <= 2'))?.thresholds).toEqual({
      warning: { op: '<', value: 5 },
      critical: { op: '<=', value: 2 },
    });
    expect(kpiOf(kpi('thresholds: warning >= 0.5'))?.thresholds).toEqual({
      warning: { op: '>=', value: 0.5 },
    });
    expect('thresholds' in kpiOf(kpi('category: user'))!).toBe(false);
  });

  const usage = 'error bad-property: a threshold reads `warning > 250` or `critical >= 400`';
  it.each([
    ['warning = 5', 'a comparison other than > >= < <='],
    ['info > 5', 'a level other than warning and critical'],
    ["warning > 'high'", 'a value that is not a number'],
    ['critical > 1e999', 'a number that is not finite'],
    ['5', 'a value that is not a comparison'],
    ['1 > 5', 'a comparison whose left side is not a word'],
    ['warning.x > 5', 'a comparison whose left side is a dotted name'],
  ])('refuses %s (%s) at the value', (threshold) => {
    const text = kpi(`thresholds: ${threshold}`);
    expect(check(text)).toEqual([`${at(text, threshold)} ${usage}`]);
    expect(kpiOf(text)).toBeUndefined();
  });
});

describe('schedule', () => {
  it('takes a frequency in any case, with or without a time zone', () => {
    expect(kpiOf(kpi('schedule: Realtime'))?.schedule).toEqual({ frequency: 'realtime' });
    expect(kpiOf(kpi('schedule: hour'))?.schedule).toEqual({ frequency: 'hour' });
    expect(kpiOf(kpi("schedule: day, 'Europe/Berlin'"))?.schedule).toEqual({
      frequency: 'day',
      timezone: 'Europe/Berlin',
    });
    expect('schedule' in kpiOf(kpi('category: user'))!).toBe(false);
  });

  const usage =
    "error bad-property: a schedule reads `schedule: hour` or `schedule: day, 'Europe/Berlin'` (realtime, minute, hour, day, week, month, quarter, year)";
  it.each([
    ['fortnight', 'an unknown frequency'],
    ["'day'", 'a frequency in quotes'],
    ["day, 'UTC', 'UTC'", 'more than a frequency and a zone'],
    ['day, 5', 'a zone that is not a string'],
  ])('refuses schedule: %s (%s) at the property', (schedule) => {
    const text = kpi(`schedule: ${schedule}`);
    expect(check(text)).toEqual([`${at(text, 'schedule')} ${usage}`]);
    expect(kpiOf(text)).toBeUndefined();
  });
});

describe("a schedule's time zone", () => {
  it('is refused at the zone when Intl does not know it, with the closest IANA name', () => {
    // Accepted unchecked, the zone failed every scheduled run instead of the definition.
    const typo = kpi("schedule: day, 'Europe/Berln'");
    expect(check(typo)).toEqual([
      `${at(typo, "'Europe/Berln'")} error unknown-timezone: "Europe/Berln" is not an IANA time zone such as 'UTC' or 'Europe/Berlin' (did you mean "Europe/Berlin"?)`,
    ]);
    expect(kpiOf(typo)).toBeUndefined();
    const mars = kpi("schedule: day, 'Mars/Base'");
    expect(check(mars)).toEqual([
      `${at(mars, "'Mars/Base'")} error unknown-timezone: "Mars/Base" is not an IANA time zone such as 'UTC' or 'Europe/Berlin'`,
    ]);
  });

  it('takes every zone Intl knows, offsets and aliases included', () => {
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/Santiago', 'Etc/GMT+5']) {
      expect(kpiOf(kpi(`schedule: hour, '${zone}'`))?.schedule).toEqual({
        frequency: 'hour',
        timezone: zone,
      });
    }
  });
});

describe('approximate', () => {
  it('follows the measures unless set: approx_distinct is approximate, count(distinct …) exact', () => {
    expect(kpiOf(kpi('category: user', 'approx_distinct(users.accounts.email)'))?.approximate).toBe(true);
    expect(kpiOf(kpi('category: user', 'count(distinct users.accounts.email)'))?.approximate).toBe(false);
    expect(kpiOf(kpi('approximate: false', 'approx_distinct(users.accounts.email)'))?.approximate).toBe(
      false,
    );
    expect(kpiOf(kpi('approximate: true'))?.approximate).toBe(true);
  });

  it('refuses anything but true or false, at the value', () => {
    const text = kpi('approximate: yes');
    expect(check(text)).toEqual([`${at(text, 'yes')} error bad-property: approximate is true or false`]);
    expect(kpiOf(text)).toBeUndefined();
  });
});

describe('metadata', () => {
  it('keeps strings, finite numbers, booleans and null under their keys', () => {
    expect(
      kpiOf(kpi("metadata: owner = 'finance', tier = 1, beta = true, retired = null"))?.metadata,
    ).toEqual({
      owner: 'finance',
      tier: 1,
      beta: true,
      retired: null,
    });
    expect('metadata' in kpiOf(kpi('category: user'))!).toBe(false);
  });

  const usage = "error bad-property: metadata reads `metadata: owner = 'finance', tier = 1`";
  it.each([
    ["owner > 'x'", 'a comparison other than ='],
    ["'finance'", 'a value without a key'],
    ['owner = finance', 'a value that is a name, not a literal'],
    ['owner.team = 1', 'a dotted key'],
    ['tier = 1e999', 'a number that is not finite'],
    ['tier = 1 + 1', 'an expression, not a literal'],
  ])('refuses %s (%s) at the value', (entry) => {
    const text = kpi(`metadata: ${entry}`);
    expect(check(text)).toEqual([`${at(text, entry)} ${usage}`]);
    expect(kpiOf(text)).toBeUndefined();
  });
});
