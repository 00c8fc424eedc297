/**
 * The demo that is alive: data up to today by default (tests pin DEMO_END), and DEMO_LIVE rows appended
 * into the real embedded PGlite over its wire socket — deterministic, and caught up after the database
 * lost them (a sources worker restarted from its snapshot).
 */
// @ts-nocheck

import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoDataSet } from '../../src/data/generate.ts';
import { LIVE_TABLES, liveCount, liveRows, PACE_MS } from '../../src/data/live.ts';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { DEMO_DATA, demoEnd } from '../../src/data/settings.ts';
import { LiveDemo } from '../../src/embedded/live-demo.ts';
import { type EmbeddedSocket, serveEmbedded } from '../../src/store/embedded-socket.ts';

const DAY = 86_400_000;

describe('where the demo data ends', () => {
  it('ends at the start of today (UTC) by default, and where DEMO_END pins it', () => {
    const now = Date.parse('2026-12-01T18:30:00Z');
    expect(new Date(demoEnd({}, now)).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(demoEnd({ DEMO_END: '2026-07-01' }, now)).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(demoEnd({ DEMO_END: '2026-07-01T12:00:00Z' }, now)).toBe(Date.parse('2026-07-01T12:00:00Z'));
    expect(() => demoEnd({ DEMO_END: 'soon' }, now)).toThrow(/DEMO_END soon is not a date/);
    expect(() => demoEnd({ DEMO_END: '2020-01-01' }, now)).toThrow(/after the demo data's start/);
  });

  it('generates rows up to a later end, none at or past it, with the pinned data set unchanged', () => {
    const end = Date.parse('2026-12-01T00:00:00Z');
    const later = new DemoDataSet({ scale: 0.002, end });
    const times = [...later.subscriptions()].map((s) => s.started_at.getTime());
    expect(Math.max(...times)).toBeLessThan(end);
    // Data in the last month before the end: "the last 30 days" of a fresh service are not empty.
    expect(times.filter((t) => t >= end - 30 * DAY).length).toBeGreaterThan(0);
    const pinned = new DemoDataSet({ scale: 0.002 });
    expect(pinned.end).toBe(DEMO_DATA.end);
    expect(Math.max(...[...pinned.subscriptions()].map((s) => s.started_at.getTime()))).toBeLessThan(
      DEMO_DATA.end,
    );
  });
});

describe('live rows', () => {
  const data = new DemoDataSet({ scale: 0.002 });
  const from = DEMO_DATA.end + 3_600_000;

  it('are a pure function of (seed, origin, now): ids continue the data set, times keep the pace', () => {
    const until = from + 60_000;
    const first = [...liveRows(data, 'subscriptions', { from, index: 0, until })];
    expect(first).toHaveLength(liveCount('subscriptions', from, until));
    expect(first).toEqual([...liveRows(data, 'subscriptions', { from, index: 0, until })]);
    expect(first.map((r) => (r as { id: number }).id)).toEqual(
      first.map((_, k) => data.counts.subscriptions + 1 + k),
    );
    expect(first.map((r) => (r as { started_at: Date }).started_at.getTime())).toEqual(
      first.map((_, k) => from + k * PACE_MS.subscriptions),
    );
    const rest = [...liveRows(data, 'subscriptions', { from, index: 2, until })];
    expect(rest).toEqual(first.slice(2));
  });
});

describe('DEMO_LIVE on the embedded PGlite', () => {
  let db: PGlite;
  let socket: EmbeddedSocket;
  beforeAll(async () => {
    db = await PGlite.create();
    await loadDemoDataIntoPglite(db, { scale: 0.002 });
    socket = await serveEmbedded(db);
  });
  afterAll(async () => {
    await socket?.close();
    await db?.close();
  });

  const counts = async () => {
    const tables = [
      'users.accounts',
      'payments.subscriptions',
      'finance.expenses',
      'analytics.events',
      'analytics.sessions',
    ];
    const out: number[] = [];
    for (const t of tables)
      out.push(Number(((await db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0] as { n: number }).n));
    return out;
  };

  it('appends the rows that have happened, then only the new ones, and catches up after losing them', async () => {
    const data = new DemoDataSet({ scale: 0.002 });
    const base = await counts();
    let now = Date.parse('2026-07-02T10:00:00Z');
    const live = LiveDemo.start({ url: () => socket.url, data, intervalMs: 3_600_000, now: () => now });
    try {
      await live.tick(); // the first tick (start also runs one): rows at the origin itself
      const atStart = await counts();
      expect(atStart).toEqual(base.map((n) => n + 1));
      now += 60_000;
      const added = await live.tick();
      const expected = LIVE_TABLES.map((t) => liveCount(t, live.from, now));
      expect(added).toBe(expected.reduce((a, b) => a + b, 0) - LIVE_TABLES.length);
      expect(await counts()).toEqual(base.map((n, i) => n + expected[i]!));
      expect(await live.tick()).toBe(0); // nothing new happened
      // The newest subscription is the live row of that instant, as the generator says.
      const newest = (
        await db.query<{ id: number; amount: string; started_at: Date }>(
          'SELECT id::int AS id, amount::text AS amount, started_at FROM payments.subscriptions ORDER BY id DESC LIMIT 1',
        )
      ).rows[0]!;
      const want = [...liveRows(data, 'subscriptions', { from: live.from, index: 0, until: now })].at(-1) as {
        id: number;
        amount: string;
        started_at: Date;
      };
      expect(newest).toEqual({ id: want.id, amount: want.amount, started_at: want.started_at });
      // A restarted sources worker comes back from its snapshot without the live rows: caught up.
      await db.exec(`DELETE FROM payments.subscriptions WHERE id > ${data.counts.subscriptions}`);
      await live.tick();
      expect(await counts()).toEqual(base.map((n, i) => n + expected[i]!));
    } finally {
      await live.stop();
    }
  });
});
