/**
 * The metrics store (TimescaleDB; locally PGlite behind a one-connection socket server) is usable by
 * both of its clients: `pg` (pool of 1) and Trino's `metrics` catalog, including at the same time, and
 * they read the same numbers. Works against a real TimescaleDB (TIMESCALE_URL) unchanged.
 */
// @ts-nocheck

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const table = `smoke_metrics_${process.pid}`;
// One connection, released quickly when idle: PGlite serves one client at a time, so an idle pooled
// connection would make every other client (Trino included) wait.
const pool = new pg.Pool({ connectionString: env.TIMESCALE_URL, max: 1, idleTimeoutMillis: 100 });

describe('the metrics store', () => {
  beforeAll(async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await pool.query(
      `CREATE TABLE ${table} (ts timestamptz NOT NULL, kpi text NOT NULL, value double precision)`,
    );
    await pool.query(`SELECT create_hypertable('${table}', 'ts')`);
    await pool.query(
      `INSERT INTO ${table}
       SELECT timestamptz '2025-01-01 00:00:00+00' + (i * interval '1 hour'), 'k' || (i % 3), i * 0.5
       FROM generate_series(0, 999) AS i`,
    );
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });

  it('is a hypertable with TimescaleDB functions (time_bucket) through pg', async () => {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS buckets FROM (SELECT time_bucket('1 day', ts) FROM ${table} GROUP BY 1) b`,
    );
    expect(rows[0].buckets).toBe(42); // 1000 hours from midnight = 41 full days + 16 hours
  });

  it("does not leak one client's session (transaction, SET, prepared statement) into the next", async () => {
    const first = new pg.Client({ connectionString: env.TIMESCALE_URL });
    await first.connect();
    await first.query({ name: 'smoke_stmt', text: 'SELECT $1::int AS x', values: [1] });
    await first.query("SET TimeZone = 'Asia/Tokyo'");
    await first.query('BEGIN');
    await first.query(`INSERT INTO ${table} VALUES (now(), 'uncommitted', 1)`);
    await first.end();

    const next = new pg.Client({ connectionString: env.TIMESCALE_URL });
    await next.connect();
    try {
      const settings = await next.query("SELECT current_setting('TimeZone') AS tz");
      expect(settings.rows[0].tz).not.toBe('Asia/Tokyo');
      const prepared = await next.query({ name: 'smoke_stmt', text: 'SELECT $1::int + 1 AS x', values: [1] });
      expect(prepared.rows[0].x).toBe(2);
      // Unqualified names still resolve (search_path intact) and the open transaction was rolled back.
      const leaked = await next.query(`SELECT count(*)::int AS n FROM ${table} WHERE kpi = 'uncommitted'`);
      expect(leaked.rows[0].n).toBe(0);
    } finally {
      await next.end();
    }
  });

  it('answers Trino and pg with the same figures while both query it at once', async () => {
    const trinoSql = `SELECT kpi, count(*) AS n, sum(value) AS total FROM metrics.public.${table} GROUP BY kpi ORDER BY kpi`;
    const pgSql = `SELECT kpi, count(*)::int AS n, sum(value) AS total FROM ${table} GROUP BY kpi ORDER BY kpi`;
    const [viaTrino, ...viaPg] = await Promise.all([
      trinoRows(env.TRINO_URL!, trinoSql),
      ...Array.from({ length: 5 }, () => pool.query(pgSql).then((r) => r.rows)),
    ]);
    // Oracle by hand: i in 0..999, kpi k(i mod 3), value i/2.
    const expected = [0, 1, 2].map((m) => {
      const is = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 === m);
      return { kpi: `k${m}`, n: is.length, total: is.reduce((t, i) => t + i * 0.5, 0) };
    });
    expect(viaTrino.map((r) => ({ kpi: r.kpi, n: Number(r.n), total: Number(r.total) }))).toEqual(expected);
    for (const rows of viaPg) expect(rows).toEqual(expected);
  });
});
