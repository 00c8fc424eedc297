/**
 * DEMO_LIVE: rows that keep arriving after the demo data set, so a running demo's numbers move. Row k of a
 * table happens at `from + k × pace` and is drawn from its own PRNG stream (seed, table, k), like the
 * data set's rows: the rows that exist at any moment are a pure function of (seed, from, now), so an
 * appender that lost track (a restarted database) finds its place again from the highest id present.
 * Ids continue after the data set's own; times are exact seconds. The pace is a demo's, not the data
 * set's (at scale 0.01 a new subscription would arrive every two hours): see PACE_MS.
 */
// @ts-nocheck

import {
  type AccountRow,
  CAMPAIGNS,
  CATEGORIES,
  CHANNELS,
  centsText,
  DEVICES,
  type DemoDataSet,
  EVENT_TYPES,
  type EventRow,
  EXPENSE_CENTS,
  type ExpenseRow,
  PLANS,
  PRICE_CENTS,
  REGIONS,
  type SessionRow,
  type SubscriptionRow,
} from './generate.ts';
import { random } from './random.ts';

export type LiveTable = 'accounts' | 'subscriptions' | 'expenses' | 'events' | 'sessions';
export const LIVE_TABLES: readonly LiveTable[] = [
  'accounts',
  'subscriptions',
  'expenses',
  'events',
  'sessions',
];

/** Milliseconds between two live rows of a table. */
export const PACE_MS: Readonly<Record<LiveTable, number>> = {
  accounts: 20_000,
  subscriptions: 15_000,
  expenses: 30_000,
  events: 2_000,
  sessions: 5_000,
};

export interface LiveRowsRange {
  /** The live rows' origin (epoch ms): row 0 of every table happens then. */
  readonly from: number;
  /** The first live index wanted (live rows already present are skipped). */
  readonly index: number;
  /** Rows happening at or before this instant (epoch ms). */
  readonly until: number;
}

/** How many live rows of `table` exist at `until`. */
export function liveCount(table: LiveTable, from: number, until: number): number {
  return until < from ? 0 : Math.floor((until - from) / PACE_MS[table]) + 1;
}

/** The id of live row `index` (live ids follow the data set's ids; events and sessions have text ids). */
export const liveId = (data: DemoDataSet, table: LiveTable, index: number): number =>
  data.counts[table] + 1 + index;

type Row = AccountRow | SubscriptionRow | ExpenseRow | EventRow | SessionRow;

export function* liveRows(data: DemoDataSet, table: LiveTable, range: LiveRowsRange): Generator<Row> {
  const count = liveCount(table, range.from, range.until);
  for (let k = range.index; k < count; k++) yield liveRow(data, table, k, range.from + k * PACE_MS[table]);
}

function liveRow(data: DemoDataSet, table: LiveTable, k: number, at: number): Row {
  const rng = random(data.seed, `live.${table}`, k);
  const time = new Date(Math.floor(at / 1000) * 1000);
  const id = liveId(data, table, k);
  const account = () => data.account(rng.int(1, data.counts.accounts));
  switch (table) {
    case 'accounts': {
      const a = data.account(rng.int(1, data.counts.accounts));
      return { ...a, id, email: `live${k + 1}@example.com`, created_at: time };
    }
    case 'subscriptions': {
      const a = account();
      const plan = rng.chance(0.8) ? a.plan_type : rng.pick(PLANS);
      const [lo, hi] = PRICE_CENTS[plan]!;
      const region = a.region ?? rng.pick(REGIONS);
      return {
        id,
        account_id: a.id,
        plan_type: plan,
        region,
        status: rng.chance(0.1) ? 'trial' : 'active',
        amount: centsText(rng.int(lo!, hi!)),
        currency: region === 'eu' ? 'EUR' : 'USD',
        started_at: time,
        canceled_at: null,
      };
    }
    case 'expenses': {
      const category = rng.pick(CATEGORIES);
      const [lo, hi] = EXPENSE_CENTS[category]!;
      return {
        id,
        category,
        channel: rng.pick(CHANNELS),
        campaign: rng.pick(CAMPAIGNS),
        amount: centsText(rng.int(lo!, hi!)),
        spent_at: time,
      };
    }
    case 'events': {
      const a = account();
      const type = rng.pick(EVENT_TYPES);
      const properties = type === 'purchase' ? { amount: Number(centsText(rng.int(500, 50_000))) } : {};
      return { _id: `ev-${id}`, account_id: a.id, type, ts: time, region: a.region, properties };
    }
    case 'sessions':
      return {
        _id: `se-${id}`,
        account_id: rng.int(1, data.counts.accounts),
        started_at: time,
        duration_s: Math.floor(-Math.log(1 - rng.next()) * 600),
        device: rng.pick(DEVICES),
      };
  }
}
