/**
 * The loader against the real servers: after loading scale 0.01, PostgreSQL and MongoDB hold exactly
 * the generator's rows — counts, and money summed as integer cents on both sides — and `onlyIfEmpty`
 * keeps the same data set, reloads a different one and never touches rows it did not load.
 * It loads into databases of its own on the stack's servers, so the shared demo data stays untouched
 * while other tests (or agents) read it.
 */
// @ts-nocheck

import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoDataSet } from '../../src/data/generate.ts';
import { loadDemoData } from '../../src/data/load.ts';

const stack = inject('stackEnv');
const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};
const env = {
  PAYMENTS_DB_URL: withDatabase(stack.PAYMENTS_DB_URL!, 'kpi_data_test_payments'),
  USERS_DB_URL: withDatabase(stack.USERS_DB_URL!, 'kpi_data_test_users'),
  ANALYTICS_DB_URL: withDatabase(stack.ANALYTICS_DB_URL!, 'kpi_data_test_analytics'),
};
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

async function withMongo<T>(run: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(env.ANALYTICS_DB_URL);
  await client.connect();
  try {
    return await run(client.db());
  } finally {
    await client.close();
  }
}

async function recreateDatabases(): Promise<void> {
  for (const url of [env.PAYMENTS_DB_URL, env.USERS_DB_URL]) {
    const name = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
  }
  await withMongo((db) => db.dropDatabase());
}

const loadedAt = async (url: string) =>
  (await one(url, 'SELECT max(loaded_at)::text AS at FROM public._kpi_engine_demo')).at;
const mongoMarker = () => withMongo((db) => db.collection('_kpi_engine_demo').findOne({}));

describe('demo data loader on the real servers', () => {
  beforeAll(async () => {
    await recreateDatabases();
    await loadDemoData({ scale: 0.01, env });
  }, 300_000);

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
    await admin.connect();
    try {
      for (const url of [env.PAYMENTS_DB_URL, env.USERS_DB_URL]) {
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
      }
    } finally {
      await admin.end();
    }
    await withMongo((db) => db.dropDatabase());
  }, 120_000);

  it('loads subscriptions into payments.public with the same count, cents and NULLs', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL,
      'SELECT count(*)::text AS n, (sum(amount) * 100)::bigint::text AS cents, count(canceled_at)::text AS canceled, count(*) FILTER (WHERE region IS NULL)::text AS no_region FROM public.subscriptions',
    );
    const rows = [...data.subscriptions()];
    expect(Number(row.n)).toBe(rows.length);
    expect(BigInt(row.cents!)).toBe(rows.reduce((s, r) => s + cents(r.amount), 0n));
    expect(Number(row.canceled)).toBe(rows.filter((r) => r.canceled_at).length);
    expect(Number(row.no_region)).toBe(rows.filter((r) => r.region === null).length);
  });

  it('keeps boundary instants exact: rows at Berlin and New York DST changes', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL,
      "SELECT count(*) FILTER (WHERE started_at = '2024-03-31 01:00:00+00')::int AS berlin, count(*) FILTER (WHERE started_at = '2025-11-02 06:00:00+00')::int AS new_york FROM public.subscriptions",
    );
    const at = (iso: string) =>
      [...data.subscriptions()].filter((s) => s.started_at.getTime() === Date.parse(iso)).length;
    expect(row.berlin).toBe(at('2024-03-31T01:00:00Z'));
    expect(row.new_york).toBe(at('2025-11-02T06:00:00Z'));
    expect(row.berlin).toBeGreaterThan(0);
  });

  it('rebuilds the time-column indexes it drops for the load', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL,
      "SELECT string_agg(indexname, ',' ORDER BY indexname) AS names FROM pg_indexes WHERE schemaname IN ('public', 'finance')",
    );
    expect(row.names!.split(',')).toEqual(
      expect.arrayContaining(['subscriptions_started_at', 'subscriptions_account_id', 'expenses_spent_at']),
    );
  });

  it('loads expenses into payments.finance', async () => {
    const row = await one(
      env.PAYMENTS_DB_URL,
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
      env.USERS_DB_URL,
      "SELECT count(*)::text AS n, count(*) FILTER (WHERE campaign = 'O''Brien \"Spring\" — 春')::text AS obrien, count(*) FILTER (WHERE campaign LIKE 'back\\\\slash;%')::text AS slash FROM public.accounts",
    );
    const rows = [...data.accounts()];
    expect(Number(row.n)).toBe(rows.length);
    expect(Number(row.obrien)).toBe(rows.filter((r) => r.campaign === `O'Brien "Spring" — 春`).length);
    expect(Number(row.obrien)).toBeGreaterThan(0);
    expect(Number(row.slash)).toBe(rows.filter((r) => r.campaign?.startsWith('back\\slash;')).length);
  });

  it('loads events and sessions into MongoDB with BSON dates and the same purchase amounts', async () => {
    await withMongo(async (db) => {
      const events = [...data.events()];
      expect(await db.collection('events').countDocuments({})).toBe(events.length);
      const purchases = await db.collection('events').find({ type: 'purchase' }).toArray();
      const expected = events.filter((e) => e.type === 'purchase');
      expect(purchases).toHaveLength(expected.length);
      const sumCents = (amounts: number[]) => amounts.reduce((s, a) => s + Math.round(a * 100), 0);
      expect(sumCents(purchases.map((p) => p.properties.amount))).toBe(
        sumCents(expected.map((e) => e.properties.amount as number)),
      );
      const first = await db.collection('events').findOne({ _id: 'ev-1' as never });
      expect(first?.ts).toBeInstanceOf(Date);
      expect(first?.ts.toISOString()).toBe(events[0]!.ts.toISOString());
      expect(await db.collection('sessions').countDocuments({})).toBe(data.counts.sessions);
      expect(await db.collection('_kpi_engine_demo').findOne({})).toMatchObject({
        scale: 0.01,
        seed: data.seed,
        complete: true,
      });
    });
  });

  it('onlyIfEmpty keeps the same scale and seed as it is', async () => {
    const before = await loadedAt(env.PAYMENTS_DB_URL);
    const mongoBefore = await mongoMarker();
    await loadDemoData({ scale: 0.01, env, onlyIfEmpty: true });
    expect(await loadedAt(env.PAYMENTS_DB_URL)).toBe(before);
    expect((await mongoMarker())?.loaded_at).toEqual(mongoBefore?.loaded_at);
  });

  it('onlyIfEmpty reloads a different scale, but leaves rows it did not load alone', async () => {
    // Rows without a marker are someone else's: the users database must survive.
    await one(env.USERS_DB_URL, 'DELETE FROM public._kpi_engine_demo RETURNING 1');
    const smaller = new DemoDataSet({ scale: 0.005 });
    await loadDemoData({ scale: 0.005, env, onlyIfEmpty: true });
    const payments = await one(
      env.PAYMENTS_DB_URL,
      'SELECT (SELECT count(*) FROM public.subscriptions)::int AS n, (SELECT scale FROM public._kpi_engine_demo) AS scale',
    );
    expect(payments).toEqual({ n: smaller.counts.subscriptions, scale: 0.005 });
    const users = await one(env.USERS_DB_URL, 'SELECT count(*)::int AS n FROM public.accounts');
    expect(users.n).toBe(data.counts.accounts);
    await withMongo(async (db) => {
      expect(await db.collection('events').countDocuments({})).toBe(smaller.counts.events);
    });
    expect(await mongoMarker()).toMatchObject({ scale: 0.005, complete: true });
  });
});
