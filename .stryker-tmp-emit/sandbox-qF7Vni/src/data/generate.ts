/**
 * The demo data set as row generators. Each row is drawn from its own PRNG stream (seed, table, index),
 * so any loader — PostgreSQL, MongoDB, one embedded database — sees exactly the same rows. The first rows
 * of every time-stamped table sit on bucket boundaries (see time.ts).
 */
// @ts-nocheck

import { random } from './random.ts';
import { DEMO_DATA, rowsAt } from './settings.ts';
import { boundaryInstants, DAY, sampleTime } from './time.ts';

export interface GenerateOptions {
  readonly scale: number;
  readonly seed?: number;
  /** Where the data ends (epoch ms, exclusive); default the fixture's pinned end (settings.ts demoEnd). */
  readonly end?: number;
}

export interface AccountRow {
  id: number;
  email: string;
  created_at: Date;
  region: string | null;
  channel: string | null;
  campaign: string | null;
  plan_type: string;
  country: string | null;
}
export interface SubscriptionRow {
  id: number;
  account_id: number;
  plan_type: string;
  region: string | null;
  status: 'active' | 'canceled' | 'trial';
  /** Exact decimal text with two places ("49.90"); never a binary float. */
  amount: string;
  currency: string;
  started_at: Date;
  canceled_at: Date | null;
}
export interface ExpenseRow {
  id: number;
  category: string;
  channel: string | null;
  campaign: string | null;
  amount: string;
  spent_at: Date;
}
export interface EventRow {
  _id: string;
  account_id: number;
  type: string;
  ts: Date;
  region: string | null;
  properties: Record<string, unknown>;
}
export interface SessionRow {
  _id: string;
  account_id: number;
  started_at: Date;
  duration_s: number | null;
  device: string;
}

export const REGIONS = [
  ['na', 40],
  ['eu', 30],
  ['apac', 20],
  ['latam', 10],
] as const;
export const COUNTRIES: Record<string, readonly (readonly [string, number])[]> = {
  na: [
    ['US', 8],
    ['CA', 2],
  ],
  eu: [
    ['DE', 3],
    ['FR', 2],
    ['GB', 3],
    ['ES', 1],
    ['NL', 1],
  ],
  apac: [
    ['JP', 3],
    ['AU', 2],
    ['IN', 3],
    ['SG', 1],
  ],
  latam: [
    ['BR', 4],
    ['MX', 3],
    ['AR', 1],
    ['CL', 1],
  ],
};
export const CHANNELS = [
  ['organic', 35],
  ['paid_search', 25],
  ['social', 20],
  ['referral', 10],
  ['email', 10],
] as const;
/** Includes names that break naive SQL quoting, on purpose. */
export const CAMPAIGNS = [
  ['spring_sale', 20],
  ['summer_promo', 15],
  ['black_friday', 15],
  ['brand', 20],
  ['retargeting', 10],
  ['webinar', 10],
  [`O'Brien "Spring" — 春`, 3],
  ['back\\slash; DROP TABLE accounts; --', 2],
] as const;
export const PLANS = [
  ['starter', 60],
  ['pro', 30],
  ['enterprise', 10],
] as const;
export const PRICE_CENTS: Record<string, readonly [number, number]> = {
  starter: [900, 4_900],
  pro: [4_900, 19_900],
  enterprise: [49_900, 299_900],
};
export const CATEGORIES = [
  ['marketing', 40],
  ['sales', 25],
  ['infra', 20],
  ['payroll', 15],
] as const;
export const EXPENSE_CENTS: Record<string, readonly [number, number]> = {
  marketing: [5_000, 2_500_000],
  sales: [10_000, 1_000_000],
  infra: [20_000, 800_000],
  payroll: [500_000, 5_000_000],
};
export const EVENT_TYPES = [
  ['page_view', 50],
  ['login', 20],
  ['feature_use', 20],
  ['purchase', 5],
  ['signup', 5],
] as const;
export const DEVICES = [
  ['desktop', 55],
  ['mobile', 35],
  ['tablet', 10],
] as const;

export const centsText = (cents: number) =>
  `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** Everything the generators share for one (seed, scale): counts, boundaries and account creation times. */
export class DemoDataSet {
  readonly seed: number;
  readonly scale: number;
  /** The span's end, exclusive (epoch ms). */
  readonly end: number;
  readonly counts: Readonly<
    Record<'accounts' | 'subscriptions' | 'expenses' | 'events' | 'sessions', number>
  >;
  readonly boundaries: readonly number[];
  /** created_at of account id i+1, ascending (ids follow creation order). */
  private readonly accountTimes: Float64Array;

  constructor(options: GenerateOptions) {
    this.seed = options.seed ?? DEMO_DATA.seed;
    this.scale = options.scale;
    this.end = options.end ?? DEMO_DATA.end;
    if (!(this.end > DEMO_DATA.start)) throw new Error('the demo data must end after it starts');
    this.counts = {
      accounts: rowsAt('accounts', this.scale),
      subscriptions: rowsAt('subscriptions', this.scale),
      expenses: rowsAt('expenses', this.scale),
      events: rowsAt('events', this.scale),
      sessions: rowsAt('sessions', this.scale),
    };
    this.boundaries = boundaryInstants(DEMO_DATA.start, this.end);
    const times = new Float64Array(this.counts.accounts);
    for (let i = 0; i < times.length; i++) times[i] = this.timeOf('account', i);
    times.sort();
    this.accountTimes = times;
  }

  /** Row i's time: a boundary instant for the first rows, else drawn with the activity density. */
  private timeOf(table: string, i: number): number {
    if (i < this.boundaries.length) return this.boundaries[i]!;
    return sampleTime(random(this.seed, `${table}.time`, i), DEMO_DATA.start, this.end);
  }

  /** An account that exists at `t` (created at or before it); the first account when none does. */
  private accountAt(rng: ReturnType<typeof random>, t: number): number {
    let lo = 0;
    let hi = this.accountTimes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.accountTimes[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 1 : rng.int(1, lo);
  }

  account(id: number): AccountRow {
    const rng = random(this.seed, 'account', id);
    const region = rng.chance(0.01) ? null : rng.pick(REGIONS);
    const country = region === null || rng.chance(0.02) ? null : rng.pick(COUNTRIES[region]!);
    const unicode = rng.chance(0.01);
    return {
      id,
      email: unicode ? `josé.ñandú+${id}@example.com` : `user${id}@example.com`,
      created_at: new Date(this.accountTimes[id - 1]!),
      region,
      channel: rng.chance(0.02) ? null : rng.pick(CHANNELS),
      campaign: rng.chance(0.05) ? null : rng.pick(CAMPAIGNS),
      plan_type: rng.pick(PLANS),
      country,
    };
  }

  *accounts(): Generator<AccountRow> {
    for (let id = 1; id <= this.counts.accounts; id++) yield this.account(id);
  }

  *subscriptions(): Generator<SubscriptionRow> {
    for (let i = 0; i < this.counts.subscriptions; i++) {
      const rng = random(this.seed, 'subscription', i);
      const started = this.timeOf('subscription', i);
      const account = this.account(this.accountAt(rng, started));
      const plan = rng.chance(0.8) ? account.plan_type : rng.pick(PLANS);
      const region = account.region ?? (rng.chance(0.5) ? null : rng.pick(REGIONS));
      const [lo, hi] = PRICE_CENTS[plan]!;
      let canceled: number | null = null;
      if (rng.chance(0.35)) {
        // Some cancel exactly at the next UTC month start, the rest after an exponential tenure.
        const startDate = new Date(started);
        canceled = rng.chance(0.05)
          ? Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + 1, 1)
          : started + Math.max(1000, Math.floor((-Math.log(1 - rng.next()) * 200 * DAY) / 1000) * 1000);
        if (canceled >= this.end) canceled = null;
      }
      yield {
        id: i + 1,
        account_id: account.id,
        plan_type: plan,
        region,
        status: canceled !== null ? 'canceled' : rng.chance(0.1) ? 'trial' : 'active',
        amount: centsText(rng.int(lo!, hi!)),
        currency: region === 'eu' ? 'EUR' : 'USD',
        started_at: new Date(started),
        canceled_at: canceled === null ? null : new Date(canceled),
      };
    }
  }

  *expenses(): Generator<ExpenseRow> {
    for (let i = 0; i < this.counts.expenses; i++) {
      const rng = random(this.seed, 'expense', i);
      const category = rng.pick(CATEGORIES);
      const [lo, hi] = EXPENSE_CENTS[category]!;
      yield {
        id: i + 1,
        category,
        channel: rng.chance(0.02) ? null : rng.pick(CHANNELS),
        campaign: rng.chance(0.05) ? null : rng.pick(CAMPAIGNS),
        amount: centsText(rng.int(lo!, hi!)),
        spent_at: new Date(this.timeOf('expense', i)),
      };
    }
  }

  *events(): Generator<EventRow> {
    for (let i = 0; i < this.counts.events; i++) {
      const rng = random(this.seed, 'event', i);
      const ts = this.timeOf('event', i);
      const account = this.account(this.accountAt(rng, ts));
      const type = rng.pick(EVENT_TYPES);
      const properties: Record<string, unknown> =
        type === 'page_view'
          ? {
              page: rng.pick([
                ['/pricing', 1],
                ['/docs', 2],
                ['/', 3],
              ] as const),
            }
          : type === 'purchase'
            ? { amount: Number(centsText(rng.int(500, 50_000))) }
            : type === 'signup'
              ? { plan: account.plan_type }
              : {};
      yield {
        _id: `ev-${i + 1}`,
        account_id: account.id,
        type,
        ts: new Date(ts),
        region: account.region,
        properties,
      };
    }
  }

  *sessions(): Generator<SessionRow> {
    for (let i = 0; i < this.counts.sessions; i++) {
      const rng = random(this.seed, 'session', i);
      const started = this.timeOf('session', i);
      yield {
        _id: `se-${i + 1}`,
        account_id: this.accountAt(rng, started),
        started_at: new Date(started),
        duration_s: rng.chance(0.01) ? null : Math.floor(-Math.log(1 - rng.next()) * 600),
        device: rng.pick(DEVICES),
      };
    }
  }
}

/** Groups a row stream into arrays of `size` (loaders insert in batches). */
export function* batches<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
