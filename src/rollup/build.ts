/**
 * Builds and refreshes rollups: partial aggregates of the new source rows are computed by Trino (the
 * sources may be on any engine), appended to the facts hypertable together with the new watermark in
 * one transaction (a re-run reads only rows at or after the watermark, so it never counts a row twice),
 * then the continuous aggregate is refreshed for the changed window — outside any transaction, as
 * TimescaleDB requires, and by us, since the embedded store runs no background policies.
 */
import pg from 'pg';
import type { Catalog } from '../catalog/types.ts';
import { sqlString } from '../emit/literal.ts';
import { runTrino } from '../exec/trino-http.ts';
import type { RollupDef } from '../ir/rollup.ts';
import {
  definitionText,
  INTERVALS,
  type Materialization,
  pgIdent,
  pgType,
  rollupDdl,
  stateDdl,
  tableRefreshSql,
} from './ddl.ts';
import { factsTable, measureColumn, ROLLUP_SCHEMA, rollupColumns, sourceTable } from './names.ts';

export interface RollupEnv {
  readonly TRINO_URL?: string;
  readonly TIMESCALE_URL?: string;
}

export interface RollupState {
  readonly name: string;
  /** Exclusive: the rollup holds every source row with time before it. null: never loaded. */
  readonly watermark: string | null;
  readonly builtAt: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  readonly definition: string;
  readonly materialization: Materialization;
}

export interface LoadReport {
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  readonly loadMs: number;
  readonly refreshMs: number;
  readonly ddlMs: number;
  readonly materialization: Materialization;
}

const S = pgIdent(ROLLUP_SCHEMA);

function need(env: RollupEnv, key: keyof RollupEnv): string {
  const v = env[key];
  if (!v) throw new Error(`${key} is not set (run npm run stack:up, or set it)`);
  return v;
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  if (process.env.KPI_DEBUG_ROLLUP) {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
      console.error('rollup sql:', String(a[0]).slice(0, 200));
      return query(...a);
    };
  }
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

const toIso = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const text = String(v);
  // Trino's to_iso8601 of a zone-less timestamp has no offset; every session here is UTC.
  return /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`;
};

function trinoTable(catalog: Catalog, r: RollupDef): string {
  const source = catalog.sources[r.table.source]!;
  const connection = catalog.connections[source.connection]!;
  return [connection.trinoCatalog, source.schema, r.table.table].map((n) => `"${n}"`).join('.');
}

/** The latest source time + 1 ms: an exclusive watermark covering every row there is now. */
async function sourceHigh(catalog: Catalog, r: RollupDef, trinoUrl: string): Promise<string | null> {
  const time = `"${sourceTable(catalog, r).timeColumn}"`;
  const res = await runTrino(`SELECT to_iso8601(max(${time})) FROM ${trinoTable(catalog, r)}`, [], {
    url: trinoUrl,
    timeoutMs: 600_000,
  });
  const max = toIso(res.rows[0]?.[0]);
  return max === null ? null : new Date(Date.parse(max) + 1).toISOString();
}

export async function readStates(url: string): Promise<Map<string, RollupState>> {
  return withClient(url, async (c) => {
    await c.query(stateDdl());
    const res = await c.query(
      `SELECT name, definition, watermark, built_at, fact_rows, agg_rows, materialization FROM ${S}.rollup_state`,
    );
    return new Map(
      res.rows.map((row) => [
        row.name as string,
        {
          name: row.name,
          definition: row.definition,
          watermark: row.watermark ? (row.watermark as Date).toISOString() : null,
          builtAt: row.built_at ? (row.built_at as Date).toISOString() : null,
          factRows: Number(row.fact_rows),
          aggRows: Number(row.agg_rows),
          materialization: row.materialization === 'table' ? 'table' : 'continuous',
        } satisfies RollupState,
      ]),
    );
  });
}

/** Drops and recreates the rollup's objects, then loads everything: the cold build. */
export async function buildRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: { policy?: boolean } = {},
): Promise<LoadReport & { readonly policies: readonly string[] }> {
  const url = need(env, 'TIMESCALE_URL');
  const t0 = performance.now();
  const policies: string[] = [];
  await withClient(url, async (c) => {
    await c.query(stateDdl());
    const kind = await c.query(
      `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2`,
      [ROLLUP_SCHEMA, r.name],
    );
    const relkind = kind.rows[0]?.relkind as string | undefined;
    // A continuous aggregate is a view to the catalog; the fallback is a table.
    if (relkind === 'v' || relkind === 'm') {
      await c.query(`DROP MATERIALIZED VIEW IF EXISTS ${S}.${pgIdent(r.name)} CASCADE`);
    } else if (relkind) {
      await c.query(`DROP TABLE IF EXISTS ${S}.${pgIdent(r.name)} CASCADE`);
    }
    await c.query(`DROP TABLE IF EXISTS ${S}.${pgIdent(factsTable(r))} CASCADE`);
    let materialization: Materialization = 'continuous';
    const ddl = rollupDdl(catalog, r, { policy: o.policy });
    await c.query(ddl.facts);
    try {
      await c.query(ddl.aggregate);
      if (ddl.policy) {
        await c.query(ddl.policy);
        policies.push(ddl.policy);
      }
    } catch (error) {
      // TimescaleDB without its TSL module (the embedded PGlite build) has no continuous aggregates:
      // keep the same columns in a table the engine refreshes itself.
      if ((error as { code?: string }).code !== '0A000') throw error;
      if (process.env.KPI_DEBUG_ROLLUP)
        console.error('rollup: no continuous aggregate:', (error as Error).message);
      materialization = 'table';
      await c.query(rollupDdl(catalog, r, { materialization }).aggregate);
    }
    await c.query(
      `INSERT INTO ${S}.rollup_state (name, definition, materialization) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET definition = $2, materialization = $3, watermark = NULL,
       built_at = NULL, fact_rows = 0, agg_rows = 0`,
      [r.name, definitionText(r), materialization],
    );
  });
  const ddlMs = performance.now() - t0;
  return { ...(await refreshRollup(catalog, r, env)), ddlMs, policies };
}

/** Loads source rows in [watermark, now's high) and refreshes the aggregate over that window. */
export async function refreshRollup(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<LoadReport> {
  const url = need(env, 'TIMESCALE_URL');
  const trinoUrl = need(env, 'TRINO_URL');
  const state = (await readStates(url)).get(r.name);
  if (!state || state.definition !== definitionText(r)) {
    throw new Error(`rollup ${r.name} is not built with this definition: run \`kpi rollup build ${r.name}\``);
  }
  const from = state.watermark;
  const to = await sourceHigh(catalog, r, trinoUrl);
  if (to === null || (from !== null && Date.parse(to) <= Date.parse(from))) {
    return {
      name: r.name,
      from,
      to: from,
      factRows: 0,
      aggRows: state.aggRows,
      loadMs: 0,
      refreshMs: 0,
      ddlMs: 0,
      materialization: state.materialization,
    };
  }
  const t0 = performance.now();
  const time = `"${sourceTable(catalog, r).timeColumn}"`;
  const dims = r.dimensions.map((d) => `"${d}"`);
  const measures = r.measures.map((m) => `${m.fn}(${m.column === null ? '*' : `"${m.column}"`})`);
  const bounds = [
    ...(from ? [`${time} >= from_iso8601_timestamp(${sqlString(from)})`] : []),
    `${time} < from_iso8601_timestamp(${sqlString(to)})`,
  ];
  const select = `SELECT to_iso8601(date_trunc('${r.grain}', ${time} AT TIME ZONE ${sqlString(r.timezone)})) AS ts${dims
    .map((d) => `, ${d}`)
    .join('')}${measures.map((m) => `, ${m}`).join('')}
FROM ${trinoTable(catalog, r)} WHERE ${bounds.join(' AND ')}
GROUP BY ${[1, ...dims.map((_, i) => i + 2)].join(', ')}`;
  const res = await runTrino(select, [], { url: trinoUrl, timeoutMs: 3_600_000 });
  const loadTrinoMs = performance.now() - t0;

  const cols = rollupColumns(catalog, r);
  const names = ['ts', ...r.dimensions, ...r.measures.map(measureColumn)];
  const types = ['timestamptz', ...names.slice(1).map((n) => pgType(cols[n] ?? 'decimal'))];
  const rows = res.rows;
  let refreshMs = 0;
  let aggRows = 0;
  await withClient(url, async (c) => {
    const t1 = performance.now();
    await c.query('BEGIN');
    try {
      const batch = 200;
      for (let i = 0; i < rows.length; i += batch) {
        const part = rows.slice(i, i + batch);
        const arrays = names.map((_, j) => part.map((row) => (j === 0 ? toIso(row[0]) : (row[j] ?? null))));
        await c.query(
          `INSERT INTO ${S}.${pgIdent(factsTable(r))} (${names.map(pgIdent).join(', ')})
           SELECT * FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`,
          arrays,
        );
      }
      await c.query(
        `UPDATE ${S}.rollup_state SET watermark = $2, built_at = now(), fact_rows = fact_rows + $3,
         last_load_ms = $4 WHERE name = $1`,
        [r.name, to, rows.length, loadTrinoMs + performance.now() - t1],
      );
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    }
    // The changed window, widened to whole buckets (one bucket of slack on each side).
    const t2 = performance.now();
    await refreshWindow(c, catalog, r, state.materialization, from, to);
    refreshMs = performance.now() - t2;
    aggRows = Number((await c.query(`SELECT count(*) AS n FROM ${S}.${pgIdent(r.name)}`)).rows[0].n);
    await c.query(`UPDATE ${S}.rollup_state SET agg_rows = $2, last_refresh_ms = $3 WHERE name = $1`, [
      r.name,
      aggRows,
      refreshMs,
    ]);
  });
  return {
    name: r.name,
    from,
    to,
    factRows: rows.length,
    aggRows,
    loadMs: performance.now() - t0 - refreshMs,
    refreshMs,
    ddlMs: 0,
    materialization: state.materialization,
  };
}

/** Recomputes the aggregate's buckets touched by [from, to), one bucket of slack on each side. */
async function refreshWindow(
  c: pg.Client,
  catalog: Catalog,
  r: RollupDef,
  materialization: Materialization,
  from: string | null,
  to: string,
): Promise<void> {
  const step = `INTERVAL '${INTERVALS[r.grain]}'`;
  const w = await c.query(
    `SELECT CASE WHEN $1::timestamptz IS NULL THEN '-infinity'::timestamptz ELSE $1::timestamptz - ${step} END AS lo,
            $2::timestamptz + ${step} AS hi,
            (CASE WHEN $1::timestamptz IS NULL THEN NULL ELSE $1::timestamptz - ${step} END)::text AS lo_text,
            ($2::timestamptz + ${step})::text AS hi_text`,
    [from, to],
  );
  const { lo, hi, lo_text: loText, hi_text: hiText } = w.rows[0];
  if (materialization === 'continuous') {
    // refresh_continuous_aggregate refuses to run inside a transaction block: autocommit here.
    await c.query(
      `CALL refresh_continuous_aggregate('${ROLLUP_SCHEMA}.${r.name}', ${loText ? `'${loText}'::timestamptz` : 'NULL'}, '${hiText}'::timestamptz)`,
    );
    return;
  }
  await c.query('BEGIN');
  try {
    for (const statement of tableRefreshSql(catalog, r)) await c.query(statement, [lo, hi]);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  }
}

export interface RollupStatus {
  readonly state: RollupState | null;
  readonly sourceHigh: string | null;
  readonly stale: boolean;
  readonly matchesDefinition: boolean;
}

export async function rollupStatus(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<RollupStatus> {
  const state = (await readStates(need(env, 'TIMESCALE_URL'))).get(r.name) ?? null;
  const high = await sourceHigh(catalog, r, need(env, 'TRINO_URL'));
  const stale = !state?.watermark || (high !== null && Date.parse(high) > Date.parse(state.watermark));
  return { state, sourceHigh: high, stale, matchesDefinition: state?.definition === definitionText(r) };
}
