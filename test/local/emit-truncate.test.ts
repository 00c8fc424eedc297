/**
 * The PostgreSQL dialect buckets UTC minutes, hours, days and ISO weeks with `date_bin` (no per-row zone
 * conversion) and everything else with `date_trunc(unit, ts, zone)`. Run on PGlite (PostgreSQL 17): over
 * instants from 1899 to 2101 — before the bins' origin, across leap days and year ends — both spellings
 * give the same bucket for every row.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/emit/postgres.ts';
import type { Grain } from '../../src/ir/kpi.ts';

describe('postgres truncate: date_bin where it equals date_trunc', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    // A session zone other than UTC: neither spelling may depend on it.
    await db.exec(`SET TimeZone = 'America/New_York'`);
  });
  afterAll(async () => db?.close());

  it('uses date_bin only in UTC for the fixed-length grains', () => {
    for (const g of ['minute', 'hour', 'day', 'week'] as const) {
      expect(postgres.truncate('ts', g, 'UTC')).toMatch(/^date_bin\(/);
      expect(postgres.truncate('ts', g, 'Europe/Berlin')).toBe(`date_trunc('${g}', ts, 'Europe/Berlin')`);
    }
    for (const g of ['month', 'quarter', 'year'] as const)
      expect(postgres.truncate('ts', g, 'UTC')).toBe(`date_trunc('${g}', ts, 'UTC')`);
  });

  it.each(['minute', 'hour', 'day', 'week'] as Grain[])(
    '%s: the same bucket as date_trunc in UTC',
    async (g) => {
      // A prime step (in seconds) so the instants fall at every offset within buckets and weeks.
      const { rows } = await db.query<{ n: number; differ: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE ${postgres.truncate('ts', g, 'UTC')} IS DISTINCT FROM date_trunc('${g}', ts, 'UTC'))::int AS differ
       FROM generate_series(TIMESTAMPTZ '1899-12-25 00:00:00+00', TIMESTAMPTZ '2101-01-05 00:00:00+00', INTERVAL '3000017 seconds') AS s(ts)`,
      );
      expect(rows[0]!.n).toBeGreaterThan(2000);
      expect(rows[0]!.differ).toBe(0);
    },
  );
});
