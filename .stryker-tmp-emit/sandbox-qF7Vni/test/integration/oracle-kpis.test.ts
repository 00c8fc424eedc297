/**
 * The numbers must be right: each KPI query's result through the engine (federated Trino, and the direct
 * PostgreSQL path for single-source KPIs) equals an oracle computed from the sources themselves —
 * hand-written SQL on payments/users, plain reads of MongoDB — combined here in JavaScript.
 * Counts exact, sums to the cent, ratios to 1e-9 relative.
 */
// @ts-nocheck

import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine } from '../../src/exec/engine.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { eq, str } from '../unit/compile-kpis.ts';
import { oracleRegistry } from './oracle-definitions.ts';
import {
  bucketOf,
  bucketsIn,
  compareRows,
  type Exactness,
  isoInZone,
  localToInstant,
  mongoFind,
  nextBucket,
  type OracleRow,
  pgQuery,
  ratio,
} from './oracle-support.ts';

const env = inject('stackEnv');
const catalog = loadCatalog();

// ------------------------------------------------------------------ KPIs under test (the real front end)

const registry = oracleRegistry(catalog);
const engine = createEngine({ catalog, registry, env, dialect: 'auto', timeoutMs: 120_000 });
const trinoEngine = createEngine({ catalog, registry, env, dialect: 'trino', timeoutMs: 120_000 });
const pgEngine = createEngine({ catalog, registry, env, dialect: 'postgres', timeoutMs: 120_000 });
afterAll(async () => {
  await Promise.all([engine.close(), trinoEngine.close(), pgEngine.close()]);
});

// ------------------------------------------------------------------ oracle building blocks

const ms = (iso: string) => Date.parse(iso);

/** Local bucket text from PostgreSQL ("2025-03-30 00:00") → the instant, via the oracle's own zone code. */
function localTextToInstant(text: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text)!;
  return localToInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, zone);
}

interface PgAgg {
  url: string;
  from: string;
  ts: string;
  agg: string;
  where?: string;
  params?: unknown[];
  dims?: Record<string, string>;
}

/** `{key → value}` by bucket (and dimensions) computed in PostgreSQL with date_trunc on local time. */
async function pgAgg(q: MetricQuery, a: PgAgg): Promise<Map<string, OracleRow>> {
  const zone = q.timezone;
  const dims = Object.entries(a.dims ?? {});
  // Hours start where the query zone's wall clock shows :00 (at :30 UTC in Kolkata): the instant less its
  // local minutes, printed in UTC, so the two 01:00 hours of a fall-back stay apart. Minutes: UTC.
  const bucket =
    q.grain === null
      ? 'NULL'
      : q.grain === 'minute'
        ? `to_char(date_trunc('minute', ${a.ts} AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI')`
        : q.grain === 'hour'
          ? `to_char((date_trunc('minute', ${a.ts}) - make_interval(mins => EXTRACT(minute FROM ${a.ts} AT TIME ZONE $1)::int)) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')`
          : `to_char(date_trunc('${q.grain}', ${a.ts} AT TIME ZONE $1), 'YYYY-MM-DD HH24:MI')`;
  const sql = `SELECT ${bucket} AS b${dims.map(([n, e]) => `, ${e} AS "${n}"`).join('')}, (${a.agg})::text AS v
    FROM ${a.from} WHERE $1::text IS NOT NULL AND ${a.ts} >= $2::timestamptz AND ${a.ts} < $3::timestamptz ${a.where ? `AND ${a.where}` : ''}
    GROUP BY ${['1', ...dims.map((_, i) => String(i + 2))].join(', ')}`;
  const rows = await pgQuery(a.url, sql, [zone, q.range.start, q.range.end, ...(a.params ?? [])]);
  const out = new Map<string, OracleRow>();
  for (const r of rows) {
    const time =
      r.b === null
        ? null
        : isoInZone(localTextToInstant(r.b, q.grain === 'hour' || q.grain === 'minute' ? 'UTC' : zone), zone);
    const row: OracleRow = { time, value: r.v === null ? null : Number(r.v) };
    for (const [n] of dims) row[n] = r[n] ?? null;
    out.set(JSON.stringify([time, ...dims.map(([n]) => r[n] ?? null)]), row);
  }
  return out;
}

/** Full outer combination of per-measure maps by key, then the formula (NULL for a missing side). */
function combine(
  maps: Map<string, OracleRow>[],
  formula: (values: (number | null)[]) => number | null,
): OracleRow[] {
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  return [...keys].map((k) => {
    const first = maps.map((m) => m.get(k)).find(Boolean)!;
    return { ...first, value: formula(maps.map((m) => m.get(k)?.value ?? null)) };
  });
}

const P = () => env.PAYMENTS_DB_URL!;
const U = () => env.USERS_DB_URL!;
const A = () => env.ANALYTICS_DB_URL!;

const q = (kpiId: string, o: Partial<MetricQuery>): MetricQuery => ({
  kpi: kpiId,
  grain: 'month',
  range: { start: '2024-01-01T00:00:00Z', end: '2026-07-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
  ...o,
});

interface OracleCase {
  readonly name: string;
  readonly query: MetricQuery;
  readonly exactness: Exactness;
  /** Single-source on PostgreSQL: the direct path must return identical rows to Trino. */
  readonly direct?: boolean;
  readonly oracle: (query: MetricQuery) => Promise<OracleRow[]>;
}

/** Events fetched once per test from MongoDB, bucketed in JavaScript. */
async function events(filter: Record<string, unknown> = {}) {
  return mongoFind(A(), 'events', filter);
}

const CASES: OracleCase[] = [
  {
    name: 'mrr: monthly sum of subscription amounts (seed mrr), every month of the data',
    query: q('mrr', {}),
    exactness: 'cents',
    direct: true,
    oracle: async (query) => {
      return [
        ...(
          await pgAgg(query, { url: P(), from: 'public.subscriptions', ts: 'started_at', agg: 'sum(amount)' })
        ).values(),
      ];
    },
  },
  {
    name: 'cac_marketing: marketing spend (payments) / new customers (users) per month, NULL when a side has no rows',
    query: q('cac_marketing', {}),
    exactness: 'ratio',
    oracle: async (query) => {
      const spend = await pgAgg(query, {
        url: P(),
        from: 'finance.expenses',
        ts: 'spent_at',
        agg: 'sum(amount)',
        where: `category = 'marketing'`,
      });
      const customers = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
      });
      return combine([spend, customers], ([s, c]) => ratio(s, c));
    },
  },
  {
    name: 'cac by channel per quarter in America/New_York (dimension on both sources)',
    query: q('cac_marketing', { grain: 'quarter', timezone: 'America/New_York', dimensions: ['channel'] }),
    exactness: 'ratio',
    oracle: async (query) => {
      const spend = await pgAgg(query, {
        url: P(),
        from: 'finance.expenses',
        ts: 'spent_at',
        agg: 'sum(amount)',
        where: `category = 'marketing'`,
        dims: { channel: 'channel' },
      });
      const customers = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
        dims: { channel: 'channel' },
      });
      return combine([spend, customers], ([s, c]) => ratio(s, c));
    },
  },
  {
    name: "mrr by plan_type and region per ISO week in Europe/Berlin, filtered region = 'eu'",
    query: q('mrr', {
      grain: 'week',
      timezone: 'Europe/Berlin',
      range: { start: '2025-03-01T00:00:00+01:00', end: '2025-05-01T00:00:00+02:00' },
      dimensions: ['plan_type', 'region'],
      filters: [eq({ kind: 'dimension', name: 'region' }, str('eu'))],
    }),
    exactness: 'cents',
    direct: true,
    oracle: async (query) => {
      return [
        ...(
          await pgAgg(query, {
            url: P(),
            from: 'public.subscriptions',
            ts: 'started_at',
            agg: 'sum(amount)',
            where: `region = $4`,
            params: ['eu'],
            dims: { plan_type: 'plan_type', region: 'region' },
          })
        ).values(),
      ];
    },
  },
  {
    name: 'mrr by account channel (dimension through the subscriptions → accounts join, across sources)',
    query: q('mrr', { grain: 'quarter', dimensions: ['channel'] }),
    exactness: 'cents',
    oracle: async (_query) => {
      const accounts = await pgQuery(U(), 'SELECT id::text AS id, channel FROM public.accounts');
      const channel = new Map(accounts.map((a) => [a.id, a.channel]));
      const subs = await pgQuery(
        P(),
        `SELECT account_id::text AS account_id, amount::text AS amount, started_at FROM public.subscriptions
         WHERE started_at >= '2024-01-01Z' AND started_at < '2026-07-01Z'`,
      );
      const sums = new Map<string, { row: OracleRow; cents: number }>();
      for (const s of subs) {
        const time = isoInZone(bucketOf(s.started_at.getTime(), 'quarter', 'UTC'), 'UTC');
        const ch = s.account_id === null ? null : (channel.get(s.account_id) ?? null);
        const k = JSON.stringify([time, ch]);
        const e = sums.get(k) ?? { row: { time, channel: ch, value: 0 }, cents: 0 };
        e.cents += Math.round(Number(s.amount) * 100);
        sums.set(k, e);
      }
      return [...sums.values()].map((e) => ({ ...e.row, value: e.cents / 100 }));
    },
  },
  {
    name: 'signups per hour over the Berlin spring-forward day (a 23-hour day)',
    query: q('accounts_created', {
      grain: 'hour',
      timezone: 'Europe/Berlin',
      range: { start: '2025-03-29T00:00:00+01:00', end: '2025-04-01T00:00:00+02:00' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, { url: U(), from: 'public.accounts', ts: 'created_at', agg: 'count(*)' })
      ).values(),
    ],
  },
  {
    name: 'signups per hour in Asia/Kolkata (+05:30): hours start at :30 UTC',
    query: q('accounts_created', {
      grain: 'hour',
      timezone: 'Asia/Kolkata',
      range: { start: '2025-03-01T00:00:00+05:30', end: '2025-03-03T00:00:00+05:30' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, { url: U(), from: 'public.accounts', ts: 'created_at', agg: 'count(*)' })
      ).values(),
    ],
  },
  {
    name: 'signups per day in Asia/Kolkata (+05:30) over a month',
    query: q('accounts_created', {
      grain: 'day',
      timezone: 'Asia/Kolkata',
      range: { start: '2025-03-01T00:00:00+05:30', end: '2025-04-01T00:00:00+05:30' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, { url: U(), from: 'public.accounts', ts: 'created_at', agg: 'count(*)' })
      ).values(),
    ],
  },
  {
    name: "signups per day across Santiago's spring-forward: the skipped midnight's day starts at 01:00",
    query: q('accounts_created', {
      grain: 'day',
      timezone: 'America/Santiago',
      range: { start: '2025-09-05T00:00:00-04:00', end: '2025-09-10T00:00:00-03:00' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, { url: U(), from: 'public.accounts', ts: 'created_at', agg: 'count(*)' })
      ).values(),
    ],
  },
  {
    name: 'signups per day across the New York fall-back (a 25-hour day)',
    query: q('accounts_created', {
      grain: 'day',
      timezone: 'America/New_York',
      range: { start: '2025-10-25T00:00:00-04:00', end: '2025-11-10T00:00:00-05:00' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, { url: U(), from: 'public.accounts', ts: 'created_at', agg: 'count(*)' })
      ).values(),
    ],
  },
  {
    name: 'interval-valid MRR: a subscription counts in every Berlin month its [started_at, canceled_at) overlaps',
    query: q('mrr_active', {
      timezone: 'Europe/Berlin',
      range: { start: '2025-01-01T00:00:00+01:00', end: '2025-09-01T00:00:00+02:00' },
    }),
    exactness: 'cents',
    direct: true,
    oracle: async (_query) => {
      const rows = await pgQuery(
        P(),
        `WITH m AS (
           SELECT (g AT TIME ZONE 'Europe/Berlin') AS lo, ((g + interval '1 month') AT TIME ZONE 'Europe/Berlin') AS hi,
                  to_char(g, 'YYYY-MM-DD HH24:MI') AS label
           FROM generate_series(timestamp '2025-01-01', timestamp '2025-08-01', interval '1 month') g)
         SELECT m.label, (SELECT sum(amount)::text FROM public.subscriptions s
                          WHERE s.started_at < m.hi AND (s.canceled_at IS NULL OR s.canceled_at > m.lo)) AS v
         FROM m ORDER BY m.lo`,
      );
      return rows.map((r) => ({
        time: isoInZone(localTextToInstant(r.label, 'Europe/Berlin'), 'Europe/Berlin'),
        value: r.v === null ? null : Number(r.v),
      }));
    },
  },
  {
    name: 'interval-valid MRR by region per quarter',
    query: q('mrr_active', { grain: 'quarter', dimensions: ['region'] }),
    exactness: 'cents',
    direct: true,
    oracle: async (_query) => {
      const rows = await pgQuery(
        P(),
        `WITH m AS (SELECT g AS lo, g + interval '3 months' AS hi FROM generate_series(timestamptz '2024-01-01Z', timestamptz '2026-04-01Z', interval '3 months') g)
         SELECT to_char(m.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS label, s.region, sum(s.amount)::text AS v
         FROM m JOIN public.subscriptions s ON s.started_at < m.hi AND (s.canceled_at IS NULL OR s.canceled_at > m.lo)
         GROUP BY 1, 2`,
      );
      return rows.map((r) => ({
        time: isoInZone(localTextToInstant(r.label, 'UTC'), 'UTC'),
        region: r.region,
        value: Number(r.v),
      }));
    },
  },
  {
    name: 'growth of signups month over month in America/New_York (derived KPI, previous period kept even when empty)',
    query: q('accounts_growth', {
      timezone: 'America/New_York',
      range: { start: '2024-02-01T00:00:00-05:00', end: '2026-07-01T00:00:00-04:00' },
    }),
    exactness: 'ratio',
    direct: true,
    oracle: async (_query) => {
      const zone = 'America/New_York';
      const wide = q('accounts_created', {
        timezone: zone,
        range: { start: '2024-01-01T00:00:00-05:00', end: '2026-07-01T00:00:00-04:00' },
      });
      const counts = await pgAgg(wide, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(*)',
      });
      const byTime = new Map([...counts.values()].map((r) => [r.time, r.value]));
      return bucketsIn(ms('2024-02-01T05:00:00Z'), ms('2026-07-01T04:00:00Z'), 'month', zone).map((b) => {
        const prevStart = bucketOf(b - 1, 'month', zone);
        const cur = byTime.get(isoInZone(b, zone)) ?? null;
        const prev = byTime.get(isoInZone(prevStart, zone)) ?? null;
        return {
          time: isoInZone(b, zone),
          value: cur === null ? null : ratio(cur - (prev ?? Number.NaN), prev),
        };
      });
    },
  },
  {
    name: 'rolling 7-day count of MongoDB events per day (trailing window over a complete spine, 0 when empty)',
    query: q('events_7d', {
      grain: 'day',
      range: { start: '2025-03-01T00:00:00Z', end: '2025-04-01T00:00:00Z' },
    }),
    exactness: 'count',
    oracle: async (_query) => {
      const evs = await events({
        ts: { $gte: new Date('2025-02-20T00:00:00Z'), $lt: new Date('2025-04-01T00:00:00Z') },
      });
      const times = evs.map((e) => (e.ts as Date).getTime());
      return bucketsIn(ms('2025-03-01T00:00:00Z'), ms('2025-04-01T00:00:00Z'), 'day', 'UTC').map((b) => {
        const hi = b + 86_400_000;
        const lo = hi - 7 * 86_400_000;
        return { time: isoInZone(b, 'UTC'), value: times.filter((t) => t >= lo && t < hi).length };
      });
    },
  },
  {
    name: 'month-to-date revenue per day (resets on the 1st)',
    query: q('revenue_mtd', {
      grain: 'day',
      range: { start: '2025-03-25T00:00:00Z', end: '2025-04-06T00:00:00Z' },
    }),
    exactness: 'cents',
    direct: true,
    oracle: async (_query) => {
      const subs = await pgQuery(
        P(),
        `SELECT amount::text AS amount, started_at FROM public.subscriptions WHERE started_at >= '2025-03-01Z' AND started_at < '2025-04-06Z'`,
      );
      return bucketsIn(ms('2025-03-25T00:00:00Z'), ms('2025-04-06T00:00:00Z'), 'day', 'UTC').map((b) => {
        const lo = bucketOf(b, 'month', 'UTC');
        const hi = nextBucket(b, 'day', 'UTC');
        const inWindow = subs.filter((s) => s.started_at.getTime() >= lo && s.started_at.getTime() < hi);
        const cents = inWindow.reduce((sum, s) => sum + Math.round(Number(s.amount) * 100), 0);
        return { time: isoInZone(b, 'UTC'), value: inWindow.length ? cents / 100 : null };
      });
    },
  },
  {
    name: 'signup events by region per month, read from MongoDB through Trino',
    query: q('signups', { dimensions: ['region'] }),
    exactness: 'count',
    oracle: async (_query) => {
      const evs = await events({
        type: 'signup',
        ts: { $gte: new Date('2024-01-01T00:00:00Z'), $lt: new Date('2026-07-01T00:00:00Z') },
      });
      const counts = new Map<string, OracleRow>();
      for (const e of evs) {
        const time = isoInZone(bucketOf((e.ts as Date).getTime(), 'month', 'UTC'), 'UTC');
        const region = e.region ?? null;
        const k = JSON.stringify([time, region]);
        const r = counts.get(k) ?? { time, region, value: 0 };
        r.value = (r.value as number) + 1;
        counts.set(k, r);
      }
      return [...counts.values()];
    },
  },
  {
    name: 'session seconds (MongoDB) per new account (PostgreSQL) per month: a ratio across engines',
    query: q('session_seconds_per_account', {
      range: { start: '2025-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' },
    }),
    exactness: 'ratio',
    oracle: async (query) => {
      const sessions = await mongoFind(A(), 'sessions', {
        started_at: { $gte: new Date(query.range.start), $lt: new Date(query.range.end) },
      });
      const seconds = new Map<string, OracleRow>();
      for (const s of sessions) {
        const time = isoInZone(bucketOf((s.started_at as Date).getTime(), 'month', 'UTC'), 'UTC');
        const k = JSON.stringify([time]);
        const r = seconds.get(k) ?? { time, value: null };
        if (s.duration_s !== null && s.duration_s !== undefined)
          r.value = ((r.value as number | null) ?? 0) + Number(s.duration_s);
        seconds.set(k, r);
      }
      const accounts = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
      });
      return combine([seconds, accounts], ([s, a]) => ratio(s, a));
    },
  },
  {
    name: 'signups in total over 2025 in Europe/Berlin (no grain)',
    query: q('accounts_created', {
      grain: null,
      timezone: 'Europe/Berlin',
      range: { start: '2025-01-01T00:00:00+01:00', end: '2026-01-01T00:00:00+01:00' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (_query) => {
      const [r] = await pgQuery(
        U(),
        `SELECT count(*)::int AS n FROM public.accounts WHERE created_at >= '2024-12-31T23:00:00Z' AND created_at < '2025-12-31T23:00:00Z'`,
      );
      return [{ time: null, value: r!.n }];
    },
  },
  {
    name: 'signups per year and average plan amount by plan_type per year',
    query: q('accounts_created', { grain: 'year' }),
    exactness: 'count',
    direct: true,
    oracle: async (_query) => [
      ...(
        await pgAgg(q('accounts_created', { grain: 'year' }), {
          url: U(),
          from: 'public.accounts',
          ts: 'created_at',
          agg: 'count(*)',
        })
      ).values(),
    ],
  },
  {
    name: 'average subscription amount by plan_type per month (avg as double)',
    query: q('avg_plan_amount', {
      dimensions: ['plan_type'],
      range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
    }),
    exactness: 'ratio',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, {
          url: P(),
          from: 'public.subscriptions',
          ts: 'started_at',
          agg: 'avg(amount)',
          dims: { plan_type: 'plan_type' },
        })
      ).values(),
    ],
  },
  {
    name: 'signups per hour over the New York fall-back night (01:00 happens twice, two buckets)',
    query: q('accounts_created', {
      grain: 'hour',
      timezone: 'America/New_York',
      range: { start: '2025-11-01T00:00:00-04:00', end: '2025-11-03T00:00:00-05:00' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, {
          url: U(),
          from: 'public.accounts',
          ts: 'created_at',
          agg: 'count(*)',
        })
      ).values(),
    ],
  },
  {
    name: 'signups per minute over two UTC weeks',
    query: q('accounts_created', {
      grain: 'minute',
      range: { start: '2025-03-03T00:00:00Z', end: '2025-03-17T00:00:00Z' },
    }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, {
          url: U(),
          from: 'public.accounts',
          ts: 'created_at',
          agg: 'count(*)',
        })
      ).values(),
    ],
  },
  {
    name: "the seed's cac verbatim: all expenses / new accounts per month",
    query: q('cac', {}),
    exactness: 'ratio',
    oracle: async (query) => {
      const spend = await pgAgg(query, {
        url: P(),
        from: 'finance.expenses',
        ts: 'spent_at',
        agg: 'sum(amount)',
      });
      const customers = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
      });
      return combine([spend, customers], ([x, c]) => ratio(x, c));
    },
  },
  {
    name: 'churn_rate: cancellations (on canceled_at) over subscriptions active in the same Berlin month',
    query: q('churn_rate', {
      timezone: 'Europe/Berlin',
      range: { start: '2025-01-01T00:00:00+01:00', end: '2026-01-01T00:00:00+01:00' },
    }),
    exactness: 'ratio',
    direct: true,
    oracle: async (query) => {
      const canceled = await pgAgg(query, {
        url: P(),
        from: 'public.subscriptions',
        ts: 'canceled_at',
        agg: 'count(*)',
      });
      const rows = await pgQuery(
        P(),
        `WITH m AS (SELECT g AS local, (g AT TIME ZONE 'Europe/Berlin') AS lo, ((g + interval '1 month') AT TIME ZONE 'Europe/Berlin') AS hi
                    FROM generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') g)
         SELECT to_char(m.local, 'YYYY-MM-DD HH24:MI') AS label,
                (SELECT count(*) FROM public.subscriptions s WHERE s.started_at < m.hi AND (s.canceled_at IS NULL OR s.canceled_at > m.lo))::int AS n
         FROM m`,
      );
      const active = new Map<string, OracleRow>();
      for (const r of rows) {
        const time = isoInZone(localTextToInstant(r.label, 'Europe/Berlin'), 'Europe/Berlin');
        // an empty window has no row in the engine's spine join: NULL, not 0
        active.set(JSON.stringify([time]), { time, value: r.n === 0 ? null : r.n });
      }
      return combine([canceled, active], ([c, a]) => ratio(c, a));
    },
  },
  {
    name: 'arpa: derived KPI mrr_active / new accounts, per month',
    query: q('arpa', { range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' } }),
    exactness: 'ratio',
    oracle: async (query) => {
      const rows = await pgQuery(
        P(),
        `WITH m AS (SELECT g AS lo, g + interval '1 month' AS hi FROM generate_series(timestamptz '2025-01-01Z', timestamptz '2025-06-01Z', interval '1 month') g)
         SELECT to_char(m.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS label,
                (SELECT sum(amount)::text FROM public.subscriptions s WHERE s.started_at < m.hi AND (s.canceled_at IS NULL OR s.canceled_at > m.lo)) AS v
         FROM m`,
      );
      const mrr = new Map<string, OracleRow>();
      for (const r of rows) {
        const time = isoInZone(localTextToInstant(r.label, 'UTC'), 'UTC');
        mrr.set(JSON.stringify([time]), { time, value: r.v === null ? null : Number(r.v) });
      }
      const accounts = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
      });
      return combine([mrr, accounts], ([m, a]) => ratio(m, a));
    },
  },
  {
    name: 'purchase_conversion by region per week: MongoDB purchases over PostgreSQL accounts',
    query: q('purchase_conversion', {
      grain: 'week',
      dimensions: ['region'],
      range: { start: '2025-03-03T00:00:00Z', end: '2025-06-02T00:00:00Z' },
    }),
    exactness: 'ratio',
    oracle: async (query) => {
      const evs = await events({
        type: 'purchase',
        ts: { $gte: new Date(query.range.start), $lt: new Date(query.range.end) },
      });
      const purchases = new Map<string, OracleRow>();
      for (const e of evs) {
        const time = isoInZone(bucketOf((e.ts as Date).getTime(), 'week', 'UTC'), 'UTC');
        const region = e.region ?? null;
        const k = JSON.stringify([time, region]);
        const r = purchases.get(k) ?? { time, region, value: 0 };
        r.value = (r.value as number) + 1;
        purchases.set(k, r);
      }
      const accounts = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(id)',
        dims: { region: 'region' },
      });
      return combine([purchases, accounts], ([p, a]) => ratio(p, a));
    },
  },
  {
    name: 'distinct_active_accounts per day: count distinct over MongoDB events',
    query: q('distinct_active_accounts', {
      grain: 'day',
      range: { start: '2025-05-01T00:00:00Z', end: '2025-06-01T00:00:00Z' },
    }),
    exactness: 'count',
    oracle: async (query) => {
      const evs = await events({ ts: { $gte: new Date(query.range.start), $lt: new Date(query.range.end) } });
      const days = new Map<string, Set<unknown>>();
      for (const e of evs) {
        const time = isoInZone(bucketOf((e.ts as Date).getTime(), 'day', 'UTC'), 'UTC');
        const set = days.get(time) ?? new Set();
        if (e.account_id !== null && e.account_id !== undefined) set.add(Number(e.account_id));
        days.set(time, set);
      }
      return [...days].map(([time, set]) => ({ time, value: set.size }));
    },
  },
  {
    name: 'revenue_rolling_7d per day: trailing 7 days of amounts, NULL when the window is empty',
    query: q('revenue_rolling_7d', {
      grain: 'day',
      range: { start: '2025-06-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
    }),
    exactness: 'cents',
    direct: true,
    oracle: async (query) => {
      const subs = await pgQuery(
        P(),
        `SELECT amount::text AS amount, started_at FROM public.subscriptions WHERE started_at >= '2025-05-20Z' AND started_at < '2025-07-01Z'`,
      );
      return bucketsIn(ms(query.range.start), ms(query.range.end), 'day', 'UTC').map((b) => {
        const hi = b + 86_400_000;
        const inWindow = subs.filter(
          (x) => x.started_at.getTime() >= hi - 7 * 86_400_000 && x.started_at.getTime() < hi,
        );
        const withAmount = inWindow.filter((x) => x.amount !== null);
        const cents = withAmount.reduce((sum, x) => sum + Math.round(Number(x.amount) * 100), 0);
        return { time: isoInZone(b, 'UTC'), value: withAmount.length ? cents / 100 : null };
      });
    },
  },
  {
    name: 'cumulative_signups per month: accounts since the range start, 0 before the first',
    query: q('cumulative_signups', { range: { start: '2025-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' } }),
    exactness: 'count',
    direct: true,
    oracle: async (query) => {
      const monthly = await pgAgg(query, {
        url: U(),
        from: 'public.accounts',
        ts: 'created_at',
        agg: 'count(*)',
      });
      const byTime = new Map([...monthly.values()].map((r) => [r.time, r.value ?? 0]));
      let running = 0;
      return bucketsIn(ms(query.range.start), ms(query.range.end), 'month', 'UTC').map((b) => {
        running += byTime.get(isoInZone(b, 'UTC')) ?? 0;
        return { time: isoInZone(b, 'UTC'), value: running };
      });
    },
  },
  {
    name: 'expenses_by_channel by category per quarter (single source, both paths)',
    query: q('expenses_by_channel', { grain: 'quarter', dimensions: ['category'] }),
    exactness: 'cents',
    direct: true,
    oracle: async (query) => [
      ...(
        await pgAgg(query, {
          url: P(),
          from: 'finance.expenses',
          ts: 'spent_at',
          agg: 'sum(amount)',
          dims: { category: 'category' },
        })
      ).values(),
    ],
  },
];

describe('engine results equal the independent oracle', () => {
  it('the demo data is loaded', async () => {
    const [r] = await pgQuery(P(), 'SELECT count(*)::int AS n FROM public.subscriptions');
    expect(r!.n).toBeGreaterThan(100);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const [result, expected] = await Promise.all([trinoEngine.run(c.query), c.oracle(c.query)]);
    expect(result.dialect).toBe('trino');
    expect(expected.length).toBeGreaterThan(0);
    expect(compareRows(result.rows, expected, c.exactness)).toEqual([]);
    if (c.direct) {
      const direct = await pgEngine.run(c.query);
      expect(direct.dialect).toBe('postgres');
      expect(direct.rows).toEqual(result.rows);
      // and `auto` picks the direct path for it
      expect((await engine.run(c.query)).dialect).toBe('postgres');
    }
  });
});

describe('trend (seed MetricResponse)', () => {
  it('compares the latest complete period with the one before, leaving out the period still running', async () => {
    const query = q('accounts_created', {
      range: { start: '2025-01-01T00:00:00Z', end: '2025-07-01T00:00:00Z' },
    });
    const trend = await engine.trend(query, { now: new Date('2025-06-15T12:00:00Z') });
    const counts = await pgAgg(query, {
      url: U(),
      from: 'public.accounts',
      ts: 'created_at',
      agg: 'count(*)',
    });
    const may = [...counts.values()].find((r) => r.time === '2025-05-01T00:00:00Z')!.value!;
    const april = [...counts.values()].find((r) => r.time === '2025-04-01T00:00:00Z')!.value!;
    expect(trend.period).toBe('2025-05-01T00:00:00Z');
    expect(trend.value).toBe(may);
    expect(trend.previous).toBe(april);
    const pct = Math.round(((may - april) / april) * 10_000) / 100;
    expect(trend.trend).toEqual({ direction: pct > 0 ? 'up' : pct < 0 ? 'down' : 'stable', percentage: pct });
  });
});
