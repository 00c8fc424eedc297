/**
 * DEMO_LIVE for the embedded default: every DEMO_LIVE_INTERVAL_MS, the live rows that have happened
 * since the last tick (src/data/live.ts) are inserted into the embedded demo sources, so values, cached
 * answers (once their TTL passes) and the scheduler's materialized values move while you watch. Each
 * tick counts the live rows present (rows at or after the live origin) and inserts the missing ones, so a
 * sources worker restarted from its snapshot (after a timed-out query) is caught up on the next tick.
 * The sources socket serves one client at a time: a tick connects, inserts in one statement per table,
 * and disconnects.
 */
// @ts-nocheck

import pg from 'pg';
import type { DemoDataSet } from '../data/generate.ts';
import { LIVE_TABLES, type LiveTable, liveRows } from '../data/live.ts';

/** The embedded database's table and time column of each live table. */
const TABLES: Readonly<Record<LiveTable, { readonly table: string; readonly time: string }>> = {
  accounts: { table: 'users.accounts', time: 'created_at' },
  subscriptions: { table: 'payments.subscriptions', time: 'started_at' },
  expenses: { table: 'finance.expenses', time: 'spent_at' },
  events: { table: 'analytics.events', time: 'ts' },
  sessions: { table: 'analytics.sessions', time: 'started_at' },
};

export interface LiveDemoOptions {
  /** The sources' connection URL (read at each tick: a restarted worker keeps its port, but ask anyway). */
  readonly url: () => string;
  readonly data: DemoDataSet;
  readonly intervalMs: number;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

export class LiveDemo {
  /** The live rows' origin: the first tick (exact seconds, after the data set's end). */
  readonly from: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private failures = 0;
  inserted = 0;

  private constructor(private readonly o: LiveDemoOptions) {
    const now = (o.now ?? Date.now)();
    this.from = Math.max(Math.floor(now / 1000) * 1000, o.data.end);
  }

  static start(o: LiveDemoOptions): LiveDemo {
    const live = new LiveDemo(o);
    live.timer = setInterval(() => void live.tick(), o.intervalMs);
    live.timer.unref();
    void live.tick();
    return live;
  }

  /** Inserts the live rows that have happened and are not there yet; resolves to how many. */
  tick(): Promise<number> {
    // Never two ticks at once: they would both count the same rows missing.
    this.running ??= this.append().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async append(): Promise<number> {
    const until = (this.o.now ?? Date.now)();
    const client = new pg.Client({ connectionString: this.o.url() });
    let added = 0;
    try {
      await client.connect();
      for (const name of LIVE_TABLES) {
        const { table, time } = TABLES[name];
        const present = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${time} >= $1`,
          [new Date(this.from)],
        );
        const rows = [...liveRows(this.o.data, name, { from: this.from, index: present.rows[0]!.n, until })];
        if (rows.length === 0) continue;
        // One statement for the batch: json_populate_recordset types every column as the table does.
        await client.query(
          `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
          [JSON.stringify(rows)],
        );
        added += rows.length;
      }
      this.inserted += added;
      this.failures = 0;
    } catch (error) {
      // The sources may be restarting (a query timed out): the next tick catches up.
      if (this.failures++ === 0) this.o.log?.(`demo live rows: tick failed (${(error as Error).message})`);
    } finally {
      await client.end().catch(() => {});
    }
    return added;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
