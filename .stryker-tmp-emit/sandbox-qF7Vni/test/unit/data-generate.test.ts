// @ts-nocheck
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, DemoDataSet } from '../../src/data/generate.ts';
import { DEMO_DATA, GENERATOR_VERSION } from '../../src/data/settings.ts';
import { boundaryInstants, localMidnight } from '../../src/data/time.ts';

const small = new DemoDataSet({ scale: 0.01 });
const subscriptions = [...small.subscriptions()];
const accounts = [...small.accounts()];
const events = [...small.events()];
const expenses = [...small.expenses()];
const sessions = [...small.sessions()];

describe('demo data generator', () => {
  it('gives the same rows for the same seed and scale', () => {
    const again = new DemoDataSet({ scale: 0.01 });
    expect([...again.subscriptions()]).toEqual(subscriptions);
    expect([...again.events()].slice(0, 500)).toEqual(events.slice(0, 500));
  });

  it('gives the same bytes on every machine: pinned fingerprint of scale 0.001', () => {
    // If this changes on purpose, bump GENERATOR_VERSION too: loaded sources then reload themselves.
    const tiny = new DemoDataSet({ scale: 0.001 });
    const hash = createHash('sha256');
    for (const rows of [
      tiny.accounts(),
      tiny.subscriptions(),
      tiny.expenses(),
      tiny.events(),
      tiny.sessions(),
    ])
      for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
    expect({ version: GENERATOR_VERSION, sha256: hash.digest('hex') }).toEqual({
      version: 2,
      sha256: 'bf57b318bf3e037bcc9789e9d8bd2413c66644e4d7cd767a8bb0575e5e1b7f70',
    });
  });

  it('gives different rows for a different seed', () => {
    const other = [...new DemoDataSet({ scale: 0.01, seed: 7 }).subscriptions()];
    const same = other.filter((s, i) => s.amount === subscriptions[i]!.amount).length;
    expect(same).toBeLessThan(subscriptions.length / 10);
  });

  it('scales row counts: 0.01 is 10,000 subscriptions and 50,000 events; 1 is at least 1M and 5M', () => {
    expect(subscriptions).toHaveLength(10_000);
    expect(events).toHaveLength(50_000);
    expect(DEMO_DATA.rowsAtScale1.subscriptions).toBeGreaterThanOrEqual(1_000_000);
    expect(DEMO_DATA.rowsAtScale1.events).toBeGreaterThanOrEqual(5_000_000);
  });

  it('keeps every row inside the span [2024-01-01, 2026-07-01)', () => {
    const times = [
      ...subscriptions.map((s) => s.started_at),
      ...expenses.map((e) => e.spent_at),
      ...accounts.map((a) => a.created_at),
      ...events.map((e) => e.ts),
      ...sessions.map((s) => s.started_at),
    ].map((d) => d.getTime());
    expect(Math.min(...times)).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-07-01T00:00:00Z'));
  });

  it('puts rows exactly on UTC month starts, local midnights and DST changes', () => {
    const starts = new Set(subscriptions.map((s) => s.started_at.getTime()));
    for (const instant of [
      '2025-01-01T00:00:00Z', // UTC year start
      '2024-03-31T01:00:00Z', // Berlin springs forward
      '2024-11-03T06:00:00Z', // New York falls back
      '2024-10-31T23:00:00Z', // Berlin local midnight of November 1st (winter time)
      '2024-04-01T04:00:00Z', // New York local midnight of April 1st (summer time)
      '2024-07-01T00:00:00Z', // UTC quarter start
      '2025-03-30T01:00:00Z', // Berlin springs forward, 2025
      '2025-03-09T07:00:00Z', // New York springs forward, 2025
      '2025-10-26T00:59:59Z', // the last second of Berlin summer time, 2025
      '2024-03-10T05:00:00Z', // New York local midnight of its DST day
      '2024-10-27T23:00:00Z', // Berlin local midnight of October 28th, the first after falling back
      '2025-06-16T00:00:00Z', // a Monday: ISO week start
    ]) {
      expect(starts.has(Date.parse(instant)), instant).toBe(true);
    }
    expect(localMidnight(2024, 3, 31, 'Europe/Berlin')).toBe(Date.parse('2024-03-30T23:00:00Z'));
    expect(localMidnight(2024, 4, 1, 'Europe/Berlin')).toBe(Date.parse('2024-03-31T22:00:00Z'));
    expect(boundaryInstants(DEMO_DATA.start, DEMO_DATA.end).length).toBeGreaterThan(100);
  });

  it('references existing accounts created no later than the fact', () => {
    const created = new Map(accounts.map((a) => [a.id, a.created_at.getTime()]));
    for (const s of subscriptions) expect(created.has(s.account_id)).toBe(true);
    // A fact earlier than every account falls back to account 1, which may then be created after it.
    const later = subscriptions.filter((s) => s.account_id !== 1);
    expect(later.length).toBeGreaterThan(subscriptions.length / 2);
    for (const s of later) expect(created.get(s.account_id)!).toBeLessThanOrEqual(s.started_at.getTime());
    for (const e of events) expect(created.has(e.account_id)).toBe(true);
    for (const s of sessions) expect(created.has(s.account_id)).toBe(true);
    // Subscriptions and events carry their account's region when it has one.
    const region = new Map(accounts.map((a) => [a.id, a.region]));
    const regional = subscriptions.filter((s) => region.get(s.account_id));
    expect(regional.length).toBeGreaterThan(subscriptions.length / 2);
    for (const s of regional) expect(s.region).toBe(region.get(s.account_id));
    for (const e of events) expect(e.region).toBe(region.get(e.account_id));
    const withSubscriptions = new Set(subscriptions.map((s) => s.account_id));
    expect(accounts.some((a) => !withSubscriptions.has(a.id))).toBe(true);
  });

  it('keeps values in their domains, with cents and a few NULLs', () => {
    expect(new Set(subscriptions.map((s) => s.plan_type))).toEqual(new Set(['starter', 'pro', 'enterprise']));
    expect(new Set(subscriptions.map((s) => s.status))).toEqual(new Set(['active', 'canceled', 'trial']));
    expect(new Set(expenses.map((e) => e.category))).toEqual(
      new Set(['marketing', 'sales', 'infra', 'payroll']),
    );
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['page_view', 'signup', 'login', 'purchase', 'feature_use']),
    );
    for (const s of subscriptions) expect(s.amount).toMatch(/^\d+\.\d\d$/);
    expect(subscriptions.some((s) => !s.amount.endsWith('.00'))).toBe(true);
    const canceled = subscriptions.filter((s) => s.canceled_at !== null);
    expect(canceled.length).toBeGreaterThan(0);
    for (const s of canceled) expect(s.canceled_at!.getTime()).toBeGreaterThan(s.started_at.getTime());
    for (const s of subscriptions) expect(s.status === 'canceled').toBe(s.canceled_at !== null);
    expect(new Set(expenses.map((e) => e.channel))).toEqual(
      new Set(['organic', 'paid_search', 'social', 'referral', 'email', null]),
    );
    expect(new Set(accounts.map((a) => a.region))).toEqual(new Set(['na', 'eu', 'apac', 'latam', null]));
    expect(new Set(sessions.map((s) => s.device))).toEqual(new Set(['desktop', 'mobile', 'tablet']));
    for (const e of expenses) expect(e.amount).toMatch(/^\d+\.\d\d$/);
    expect(subscriptions.some((s) => s.status === 'active' && s.canceled_at === null)).toBe(true);
    expect(accounts.some((a) => a.country === null)).toBe(true);
    expect(expenses.some((e) => e.campaign === null)).toBe(true);
    expect(accounts.some((a) => a.region === null)).toBe(true);
    expect(accounts.some((a) => a.campaign === null)).toBe(true);
    expect(sessions.some((s) => s.duration_s === null)).toBe(true);
  });

  it('includes campaign names that break naive quoting', () => {
    const names = new Set(accounts.map((a) => a.campaign));
    for (const [hostile] of CAMPAIGNS.filter(([c]) => /['\\;]/.test(c)))
      expect(names.has(hostile)).toBe(true);
  });

  it('has weekly seasonality: fewer events on weekends', () => {
    const perDay = [0, 0, 0, 0, 0, 0, 0];
    for (const e of events) perDay[e.ts.getUTCDay()]!++;
    const weekend = (perDay[0]! + perDay[6]!) / 2;
    const weekday = (perDay[1]! + perDay[2]! + perDay[3]! + perDay[4]! + perDay[5]!) / 5;
    expect(weekend / weekday).toBeLessThan(0.75);
  });

  it('grows over the span and peaks in December, dips in August', () => {
    const inMonth = (y: number, m: number) =>
      events.filter((e) => e.ts.getUTCFullYear() === y && e.ts.getUTCMonth() === m).length;
    expect(inMonth(2025, 11)).toBeGreaterThan(inMonth(2025, 10));
    expect(inMonth(2025, 7)).toBeLessThan(inMonth(2025, 6));
    const firstHalf = (y: number) =>
      events.filter((e) => e.ts.getUTCFullYear() === y && e.ts.getUTCMonth() < 6);
    expect(firstHalf(2026).length).toBeGreaterThan(firstHalf(2024).length * 1.5);
  });
});
