/**
 * The loader against the real sources: after loading scale 0.01, PostgreSQL and MongoDB hold exactly
 * the generator's rows — counts, and money summed as integer cents on both sides.
 */
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoDataSet } from '../../src/data/generate.ts';
import { loadDemoData } from '../../src/data/load.ts';

const env = inject('stackEnv');
const data = new DemoDataSet({ scale: 0.01 });
const cents = (amount: string) => {
  const [whole, fraction] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction!);
};

async function one(url: string, sql: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('demo data loader on the real stack', () => {
  beforeAll(async () => {
    await loadDemoData({ scale: 0.01, env });
  }, 300_000);

  it('loads subscriptions into payments.public with the same count and cents', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL!,
      'SELECT count(*)::text AS n, (sum(amount) * 100)::bigint::text AS cents, count(canceled_at)::text AS canceled FROM public.subscriptions',
    );
    const rows = [...data.subscriptions()];
    expect(Number(row.n)).toBe(rows.length);
    expect(BigInt(row.cents!)).toBe(rows.reduce((s, r) => s + cents(r.amount), 0n));
    expect(Number(row.canceled)).toBe(rows.filter((r) => r.canceled_at).length);
  });

  it('loads expenses into payments.finance', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL!,
      "SELECT count(*)::text AS n, (sum(amount) FILTER (WHERE category = 'marketing') * 100)::bigint::text AS cents FROM finance.expenses",
    );
    const rows = [...data.expenses()];
    expect(Number(row.n)).toBe(rows.length);
    expect(BigInt(row.cents!)).toBe(
      rows.filter((r) => r.category === 'marketing').reduce((s, r) => s + cents(r.amount), 0n),
    );
  });

  it('loads accounts into users.public, hostile campaign names intact', async () => {
    const row = await one(
      env.USERS_DB_URL!,
      "SELECT count(*)::text AS n, count(*) FILTER (WHERE campaign LIKE 'O''Brien%')::text AS obrien FROM public.accounts",
    );
    const rows = [...data.accounts()];
    expect(Number(row.n)).toBe(rows.length);
    expect(Number(row.obrien)).toBe(rows.filter((r) => r.campaign?.startsWith("O'Brien")).length);
  });

  it('loads events and sessions into MongoDB with BSON dates', async () => {
    const client = new MongoClient(env.ANALYTICS_DB_URL!);
    await client.connect();
    try {
      const db = client.db();
      const events = [...data.events()];
      expect(await db.collection('events').countDocuments({})).toBe(events.length);
      const purchases = await db.collection('events').countDocuments({ type: 'purchase' });
      expect(purchases).toBe(events.filter((e) => e.type === 'purchase').length);
      const first = await db.collection('events').findOne({ _id: 'ev-1' as any });
      expect(first?.ts).toBeInstanceOf(Date);
      expect(first?.ts.toISOString()).toBe(events[0]!.ts.toISOString());
      expect(await db.collection('sessions').countDocuments({})).toBe(data.counts.sessions);
    } finally {
      await client.close();
    }
  });

  it('leaves sources alone when asked to load only into empty ones', async () => {
    const before = await one(
      env.PAYMENTS_DB_URL!,
      'SELECT max(loaded_at)::text AS at FROM public._kpi_engine_demo',
    );
    await loadDemoData({ scale: 0.02, env, onlyIfEmpty: true });
    const after = await one(
      env.PAYMENTS_DB_URL!,
      'SELECT max(loaded_at)::text AS at, (SELECT count(*) FROM public.subscriptions)::text AS n FROM public._kpi_engine_demo',
    );
    expect(after.at).toBe(before.at);
    expect(Number(after.n)).toBe(data.counts.subscriptions);
  });
});
