/**
 * One federated Trino query over all three sources — payments (PostgreSQL), users (PostgreSQL) and
 * analytics (MongoDB, read by Trino's mongodb connector) — checked against the same figures computed
 * here from each source read directly (pg, mongodb driver), without Trino.
 */
// @ts-nocheck

import { MongoClient } from 'mongodb';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');

/** Exact money: decimal text ("1234.5", "12.34") to integer cents. */
function cents(value: unknown): bigint {
  const [whole = '0', fraction = ''] = String(value).split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return BigInt(whole) * 100n + sign * BigInt((fraction + '00').slice(0, 2));
}

interface RegionFigures {
  accounts: number;
  subscriptions: number;
  revenueCents: bigint;
  events: number;
}

async function pgRows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The oracle: per account region, from the sources themselves, aggregated here in plain code. */
async function figuresFromSources(): Promise<Map<string, RegionFigures>> {
  const accounts = await pgRows(env.USERS_DB_URL!, 'SELECT id::text AS id, region FROM public.accounts');
  const subscriptions = await pgRows(
    env.PAYMENTS_DB_URL!,
    'SELECT account_id::text AS account_id, amount::text AS amount FROM public.subscriptions',
  );
  const mongo = new MongoClient(env.ANALYTICS_DB_URL!);
  await mongo.connect();
  const eventsPerAccount = await mongo
    .db('analytics')
    .collection('events')
    .aggregate<{ _id: unknown; n: number }>([{ $group: { _id: '$account_id', n: { $sum: 1 } } }])
    .toArray()
    .finally(() => mongo.close());

  const regionOf = new Map<string, string>();
  const figures = new Map<string, RegionFigures>();
  const of = (region: string) => {
    const existing = figures.get(region);
    if (existing) return existing;
    const created: RegionFigures = { accounts: 0, subscriptions: 0, revenueCents: 0n, events: 0 };
    figures.set(region, created);
    return created;
  };
  for (const a of accounts) {
    if (a.region === null) continue;
    regionOf.set(String(a.id), String(a.region));
    of(String(a.region)).accounts += 1;
  }
  for (const s of subscriptions) {
    const region = regionOf.get(String(s.account_id));
    if (region === undefined) continue;
    of(region).subscriptions += 1;
    if (s.amount !== null) of(region).revenueCents += cents(s.amount);
  }
  for (const e of eventsPerAccount) {
    const region = e._id === null || e._id === undefined ? undefined : regionOf.get(String(e._id));
    if (region !== undefined) of(region).events += e.n;
  }
  return figures;
}

const FEDERATED = `
WITH accounts AS (
  SELECT region, count(*) AS accounts FROM users.public.accounts WHERE region IS NOT NULL GROUP BY region
), revenue AS (
  SELECT a.region, count(*) AS subscriptions, sum(s.amount) AS revenue
  FROM payments.public.subscriptions s JOIN users.public.accounts a ON a.id = s.account_id
  GROUP BY a.region
), events AS (
  SELECT a.region, count(*) AS events
  FROM analytics.analytics.events e JOIN users.public.accounts a ON a.id = e.account_id
  GROUP BY a.region
)
SELECT ac.region, ac.accounts,
       coalesce(r.subscriptions, 0) AS subscriptions,
       CAST(coalesce(r.revenue, 0) AS varchar) AS revenue,
       coalesce(ev.events, 0) AS events
FROM accounts ac
LEFT JOIN revenue r ON r.region = ac.region
LEFT JOIN events ev ON ev.region = ac.region
ORDER BY ac.region`;

describe('the federated stack', () => {
  let federated: Array<Record<string, unknown>>;
  let oracle: Map<string, RegionFigures>;

  beforeAll(async () => {
    [federated, oracle] = await Promise.all([trinoRows(env.TRINO_URL!, FEDERATED), figuresFromSources()]);
  });

  it('joins payments, users and analytics in one Trino query, per account region', () => {
    expect(federated.length).toBeGreaterThan(0);
    expect(federated.map((r) => r.region)).toEqual([...oracle.keys()].sort());
  });

  it('gives the same accounts, subscriptions, revenue (to the cent) and events as each source read directly', () => {
    for (const row of federated) {
      const expected = oracle.get(String(row.region))!;
      expect({
        region: row.region,
        accounts: Number(row.accounts),
        subscriptions: Number(row.subscriptions),
        revenueCents: cents(row.revenue),
        events: Number(row.events),
      }).toEqual({ region: row.region, ...expected });
    }
  });

  it('reads non-trivial data from every source (the demo data is loaded)', () => {
    const total = [...oracle.values()].reduce(
      (t, f) => ({
        accounts: t.accounts + f.accounts,
        subscriptions: t.subscriptions + f.subscriptions,
        events: t.events + f.events,
      }),
      { accounts: 0, subscriptions: 0, events: 0 },
    );
    expect(total.accounts).toBeGreaterThan(100);
    expect(total.subscriptions).toBeGreaterThan(100);
    expect(total.events).toBeGreaterThan(100);
  });
});
