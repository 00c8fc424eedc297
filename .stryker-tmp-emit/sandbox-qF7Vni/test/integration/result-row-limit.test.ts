/**
 * MAX_RESULT_ROWS is in the SQL: the emitted query ends in `LIMIT MAX_RESULT_ROWS + 1`, so an answer
 * over the limit costs the engine and the wire one row more than the limit, never the whole answer,
 * and is refused (EngineError limit-exceeded → 422). Against the embedded engine (PGlite over its
 * socket) and the real stack (PostgreSQL through Trino), on a table of 250,000 groups made for it.
 */
// @ts-nocheck

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toApiError } from '../../src/api/errors.ts';
import { buildCatalog } from '../../src/catalog/load.ts';
import { createEngine } from '../../src/exec/engine.ts';
import { EngineError } from '../../src/exec/errors.ts';
import { PgPools, runPostgres } from '../../src/exec/postgres-run.ts';
import { runTrino } from '../../src/exec/trino-http.ts';
import { LIMITS } from '../../src/ir/limits.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { analyzeDsl } from '../../src/semantic/index.ts';
import { serveEmbedded } from '../../src/store/embedded-socket.ts';

const GROUPS = 250_000;
const TABLE = 'robust_result_rows';
const MAKE_TABLE = [
  `DROP TABLE IF EXISTS public.${TABLE}`,
  `CREATE TABLE public.${TABLE} (id bigint, k bigint, ts timestamptz)`,
  `INSERT INTO public.${TABLE} SELECT g, g, timestamptz '2025-01-01' + g * interval '1 second' FROM generate_series(1, ${GROUPS}) g`,
];

const catalog = buildCatalog({
  connections: { payments: { engine: 'postgres', env: 'PAYMENTS_DB_URL', trinoCatalog: 'payments' } },
  sources: {
    payments: {
      connection: 'payments',
      schema: 'public',
      tables: {
        [TABLE]: {
          primaryKey: 'id',
          timeColumn: 'ts',
          columns: { id: 'bigint', k: 'bigint', ts: 'timestamp' },
          joins: [],
        },
      },
    },
  },
});
const analysis = analyzeDsl(`kpi many_rows { formula: count(payments.${TABLE}.id)\n dimensions: k }`, {
  catalog,
  registry: new Map(),
  file: 'many.kpi',
});
const registry = new Map(analysis.kpis.map((k) => [k.id, k]));
const QUERY: MetricQuery = {
  kpi: 'many_rows',
  grain: null,
  range: { start: '2025-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: ['k'],
  filters: [],
};

const refusal = async (run: Promise<unknown>) => {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('limit-exceeded');
  expect((error as Error).message).toContain(`MAX_RESULT_ROWS = ${LIMITS.MAX_RESULT_ROWS}`);
  // The HTTP edge answers it 422 in the error shape.
  expect(toApiError(error).status).toBe(422);
};

describe('MAX_RESULT_ROWS is pushed into the SQL', () => {
  it('has analyzed the test KPI', () => {
    expect(analysis.diagnostics).toEqual([]);
  });

  describe('on the embedded engine (PGlite over its socket)', () => {
    let db: PGlite;
    let socket: Awaited<ReturnType<typeof serveEmbedded>>;
    const pools = new PgPools();
    beforeAll(async () => {
      db = await PGlite.create();
      for (const sql of MAKE_TABLE) await db.exec(sql);
      socket = await serveEmbedded(db);
    }, 300_000);
    afterAll(async () => {
      await pools.close();
      await socket?.close();
      await db?.close();
    });

    it('stops PGlite one row past the limit and refuses the answer', async () => {
      const env = { PAYMENTS_DB_URL: socket.url };
      const engine = createEngine({ catalog, registry, env, timeoutMs: 600_000 });
      const compiled = engine.compile(QUERY);
      expect(compiled.dialect).toBe('postgres');
      expect(compiled.sql).toMatch(new RegExp(`\\nLIMIT ${LIMITS.MAX_RESULT_ROWS + 1}$`));
      // The oracle: the answer without the limit really is larger.
      const total = await db.query<{ n: number }>(`SELECT count(DISTINCT k)::int AS n FROM public.${TABLE}`);
      expect(total.rows[0]!.n).toBe(GROUPS);
      // What the engine sends back for the emitted SQL: one row past the limit.
      const raw = await runPostgres(pools, socket.url, compiled.sql, compiled.params, { engine: 'pglite' });
      expect(raw.rows.length).toBe(LIMITS.MAX_RESULT_ROWS + 1);
      await refusal(engine.run(QUERY));
      await engine.close();
    }, 600_000);
  });

  describe('on the real stack (PostgreSQL through Trino)', () => {
    const env = inject('stackEnv');
    beforeAll(async () => {
      const client = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
      await client.connect();
      for (const sql of MAKE_TABLE) await client.query(sql);
      await client.end();
    }, 300_000);
    afterAll(async () => {
      const client = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS public.${TABLE}`);
      await client.end();
    });

    it('stops Trino one row past the limit and refuses the answer', async () => {
      const engine = createEngine({ catalog, registry, env, dialect: 'trino', timeoutMs: 600_000 });
      const compiled = engine.compile(QUERY);
      expect(compiled.dialect).toBe('trino');
      expect(compiled.sql).toMatch(new RegExp(`\\nLIMIT ${LIMITS.MAX_RESULT_ROWS + 1}$`));
      const raw = await runTrino(compiled.sql, compiled.params, { url: env.TRINO_URL!, timeoutMs: 600_000 });
      expect(raw.rows.length).toBe(LIMITS.MAX_RESULT_ROWS + 1);
      await refusal(engine.run(QUERY));
      await engine.close();
    }, 600_000);
  });
});
