/**
 * Builds and refreshes rollups: partial aggregates of the new source rows are computed by Trino (the
 * sources may be on any engine), appended to the facts hypertable together with the new `loaded_to` in
 * one transaction (a re-run reads only rows at or after it, so it never counts a row twice), then the
 * continuous aggregate is refreshed for the changed window — outside any transaction, as TimescaleDB
 * requires, and by us, since the embedded store runs no background policies — and only then is the
 * watermark the optimizer reads published. A cold build first gives the rollup a new `build_id` and
 * unpublishes it, before it drops anything (see sql/rollups/001_state.sql and src/optimize/live.ts).
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
  readonly TRINO_URL?: string | undefined;
  readonly TIMESCALE_URL?: string | undefined;
  /**
   * The metrics store's connections come from this pool (the service passes its own, so a build waits
   * its turn with the service's queries instead of for a gap between them on a single-connection
   * store); without it, each step opens a client to TIMESCALE_URL.
   */
  readonly pool?: pg.Pool | undefined;
}

export interface RollupState {
  readonly name: string;
  /** Published, exclusive: the aggregate holds every source row with time before it. null: unpublished. */
  readonly watermark: string | null;
  /** Exclusive: the facts hold every source row before it (ahead of `watermark` while a load publishes). */
  readonly loadedTo: string | null;
  /** Changes on every cold build: an answer planned on another build id is void. */
  readonly buildId: string;
  readonly builtAt: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  readonly definition: string;
  readonly materialization: Materialization;
}

/** Another build or refresh of the same rollup won: nothing was written; run again if still needed. */
export class RollupConflictError extends Error {
  override readonly name = 'RollupConflictError';
}

/** A refresh of a rollup that was never built with its current definition. */
export class RollupNotBuiltError extends Error {
  override readonly name = 'RollupNotBuiltError';
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
/** Microseconds since the epoch: unique per build and never reused, even if the state table is recreated. */
const NEW_BUILD_ID = `(extract(epoch FROM clock_timestamp()) * 1000000)::bigint`;

function need(env: RollupEnv, key: 'TRINO_URL' | 'TIMESCALE_URL'): string {
  const v = env[key];
  if (!v) throw new Error(`${key} is not set (run npm run stack:up, or set it)`);
  return v;
}

async function withClient<T>(url: string, f: (c: pg.ClientBase) => Promise<T>): Promise<T> {
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

/** A connection to the metrics store: from env.pool when there is one, else a client of its own. */
async function withStore<T>(env: RollupEnv, f: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!env.pool) return withClient(need(env, 'TIMESCALE_URL'), f);
  const client = await env.pool.connect();
  try {
    // A pooled connection may carry an engine query's statement_timeout; loads may take longer.
    await client.query('SET statement_timeout = 0');
    return await f(client);
  } finally {
    client.release();
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

const STATE_SELECT = `SELECT name, definition, watermark, loaded_to, build_id, built_at, fact_rows, agg_rows,
  materialization FROM ${S}.rollup_state`;

const isoOrNull = (v: unknown): string | null => (v ? new Date(v as Date | string).toISOString() : null);

/** rollup_state rows (as pg or PGlite return them) by rollup name. */
export function statesFrom(rows: readonly Record<string, unknown>[]): Map<string, RollupState> {
  return new Map(
    rows.map((row) => [
      row.name as string,
      Object.freeze({
        name: row.name as string,
        definition: row.definition as string,
        watermark: isoOrNull(row.watermark),
        loadedTo: isoOrNull(row.loaded_to),
        buildId: String(row.build_id),
        builtAt: isoOrNull(row.built_at),
        factRows: Number(row.fact_rows),
        aggRows: Number(row.agg_rows),
        materialization: row.materialization === 'table' ? 'table' : 'continuous',
      } satisfies RollupState),
    ]),
  );
}

/**
 * Reads rollup_state through any query function (the service passes its own store connection). A store
 * where no rollup was ever built has no state table: nothing is built.
 */
export async function readStatesWith(
  query: (sql: string) => Promise<readonly Record<string, unknown>[]>,
): Promise<Map<string, RollupState>> {
  try {
    return statesFrom(await query(STATE_SELECT));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return new Map();
    throw error;
  }
}

export async function readStates(url: string): Promise<Map<string, RollupState>> {
  return withClient(url, statesVia);
}

async function statesVia(c: pg.ClientBase): Promise<Map<string, RollupState>> {
  await c.query(stateDdl());
  return readStatesWith(async (sql) => (await c.query(sql)).rows);
}

/** Drops and recreates the rollup's objects, then loads everything: the cold build. */
export async function buildRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: { policy?: boolean } = {},
): Promise<LoadReport & { readonly policies: readonly string[] }> {
  need(env, 'TIMESCALE_URL');
  const t0 = performance.now();
  const policies: string[] = [];
  await withStore(env, async (c) => {
    await c.query(stateDdl());
    // Unpublish under a new build id first (committed on its own), so a reader that planned on the old
    // build and reads while the objects are dropped and reloaded sees its answer is void.
    await c.query(
      `INSERT INTO ${S}.rollup_state (name, definition, build_id) VALUES ($1, $2, ${NEW_BUILD_ID})
       ON CONFLICT (name) DO UPDATE SET definition = $2, build_id = ${NEW_BUILD_ID}, watermark = NULL,
       loaded_to = NULL, built_at = NULL, fact_rows = 0, agg_rows = 0`,
      [r.name, definitionText(r)],
    );
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
    await c.query(`UPDATE ${S}.rollup_state SET materialization = $2 WHERE name = $1`, [
      r.name,
      materialization,
    ]);
  });
  const ddlMs = performance.now() - t0;
  return { ...(await refreshRollup(catalog, r, env)), ddlMs, policies };
}

/**
 * Loads source rows in [loaded_to, now's high), refreshes the aggregate over the changed window and then
 * publishes the watermark. A load interrupted before publishing is finished by the next refresh.
 */
export async function refreshRollup(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<LoadReport> {
  need(env, 'TIMESCALE_URL');
  const trinoUrl = need(env, 'TRINO_URL');
  const state = (await withStore(env, statesVia)).get(r.name);
  if (!state || state.definition !== definitionText(r)) {
    throw new RollupNotBuiltError(
      `rollup ${r.name} is not built with this definition: build it first (\`kpi rollup build ${r.name}\`)`,
    );
  }
  // Stores written before loaded_to existed published every load at once: their watermark is the facts'.
  const from = state.loadedTo ?? state.watermark;
  const published = state.watermark;
  const high = await sourceHigh(catalog, r, trinoUrl);
  const to = high === null || (from !== null && Date.parse(high) <= Date.parse(from)) ? from : high;
  if (to === from && (to === null || published === to)) {
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
  const rows = to === from ? [] : (await loadRows(catalog, r, trinoUrl, from, to!)).rows;
  const loadTrinoMs = performance.now() - t0;

  const cols = rollupColumns(catalog, r);
  const names = ['ts', ...r.dimensions, ...r.measures.map(measureColumn)];
  const types = ['timestamptz', ...names.slice(1).map((n) => pgType(cols[n] ?? 'decimal'))];
  let refreshMs = 0;
  let aggRows = 0;
  const sameBuild = `WHERE name = $1 AND build_id = ${Number(state.buildId)}`;
  await withStore(env, async (c) => {
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
      const updated = await c.query(
        `UPDATE ${S}.rollup_state SET loaded_to = $2, fact_rows = fact_rows + $3, last_load_ms = $4 ${sameBuild}
         AND loaded_to IS NOT DISTINCT FROM $5::timestamptz`,
        [r.name, to, rows.length, loadTrinoMs + performance.now() - t1, state.loadedTo],
      );
      // A cold build or another refresh got there first: committing would count these rows twice.
      if (updated.rowCount !== 1) {
        throw new RollupConflictError(
          `rollup ${r.name} was rebuilt or refreshed elsewhere during this refresh`,
        );
      }
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    }
    // The changed window since the published watermark, widened to whole buckets (one bucket of slack
    // on each side); then publish.
    const t2 = performance.now();
    await refreshWindow(c, catalog, r, state.materialization, published, to!);
    refreshMs = performance.now() - t2;
    aggRows = Number((await c.query(`SELECT count(*) AS n FROM ${S}.${pgIdent(r.name)}`)).rows[0].n);
    await c.query(
      `UPDATE ${S}.rollup_state SET watermark = loaded_to, built_at = now(), agg_rows = $2,
       last_refresh_ms = $3 ${sameBuild}`,
      [r.name, aggRows, refreshMs],
    );
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

/** Partial aggregates of the source rows in [from, to) at the rollup's grain, computed by Trino. */
function loadRows(catalog: Catalog, r: RollupDef, trinoUrl: string, from: string | null, to: string) {
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
  return runTrino(select, [], { url: trinoUrl, timeoutMs: 3_600_000 });
}

/** Recomputes the aggregate's buckets touched by [from, to), one bucket of slack on each side. */
async function refreshWindow(
  c: pg.ClientBase,
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
  const state = (await withStore(env, statesVia)).get(r.name) ?? null;
  const high = await sourceHigh(catalog, r, need(env, 'TRINO_URL'));
  const stale = !state?.watermark || (high !== null && Date.parse(high) > Date.parse(state.watermark));
  return { state, sourceHigh: high, stale, matchesDefinition: state?.definition === definitionText(r) };
}
