/** The embedded loader on the real PGlite TimescaleDB build: one database, one schema per source. */
// @ts-nocheck

import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { DemoDataSet } from '../../src/data/generate.ts';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { GENERATOR_VERSION } from '../../src/data/settings.ts';

describe('embedded demo data', () => {
  it('loads the same rows as the generator into payments, finance, users and analytics schemas', async () => {
    const db = await PGlite.create();
    try {
      await loadDemoDataIntoPglite(db, { scale: 0.002 });
      const data = new DemoDataSet({ scale: 0.002 });
      const count = async (table: string) =>
        Number(((await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0] as { n: number }).n);
      expect(await count('payments.subscriptions')).toBe(data.counts.subscriptions);
      expect(await count('finance.expenses')).toBe(data.counts.expenses);
      expect(await count('users.accounts')).toBe(data.counts.accounts);
      expect(await count('analytics.events')).toBe(data.counts.events);
      expect(await count('analytics.sessions')).toBe(data.counts.sessions);
      const hostile = [...data.accounts()].find((a) => a.campaign?.includes('DROP TABLE'))!;
      const stored = await db.query('SELECT campaign, created_at FROM users.accounts WHERE id = $1', [
        hostile.id,
      ]);
      expect(stored.rows[0]).toEqual({ campaign: hostile.campaign, created_at: hostile.created_at });
      const indexes = await db.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname IN ('payments', 'finance', 'users', 'analytics')",
      );
      expect((indexes.rows as { indexname: string }[]).map((r) => r.indexname)).toEqual(
        expect.arrayContaining([
          'subscriptions_started_at',
          'expenses_spent_at',
          'events_ts',
          'sessions_started_at',
        ]),
      );
      const marker = await db.query('SELECT scale, seed, version FROM payments._kpi_engine_demo');
      expect(marker.rows).toEqual([{ scale: 0.002, seed: data.seed, version: GENERATOR_VERSION }]);
      const nullEnd = [...data.subscriptions()].filter((s) => s.canceled_at === null).length;
      expect(await count('payments.subscriptions WHERE canceled_at IS NULL')).toBe(nullEnd);
    } finally {
      await db.close();
    }
  });
});
