/**
 * Cold builds of rollups (orchestration only: the SQL text comes from ddl.ts and source-sql.ts, the
 * state from state.ts, status from status.ts). A cold build first gives the rollup a new `build_id` and
 * unpublishes it, before it drops anything (see sql/rollups/001_state.sql and src/optimize/live.ts),
 * then loads everything through the refresh (refresh.ts): partial aggregates computed by Trino, appended
 * to the facts hypertable with the partitions' fingerprints and the new `loaded_to` in one transaction,
 * the continuous aggregate refreshed, and only then the watermark the optimizer reads published.
 */
import type { Catalog } from '../catalog/types.ts';
import { type RollupDef, rollupTarget } from '../ir/rollup.ts';
import { need, type RollupEnv, withStore } from './connect.ts';
import { type Materialization, rollupDdl, stateDdl } from './ddl.ts';
import { buildDruidRollup } from './druid-load.ts';
import type { LoadReport } from './load-report.ts';
import { factsTable, ROLLUP_SCHEMA, STORE_SCHEMA, storeTable } from './names.ts';
import { refreshRollup } from './refresh.ts';
import { definitionText } from './state.ts';

const S = STORE_SCHEMA;
/** Microseconds since the epoch: unique per build and never reused, even if the state table is recreated. */
const NEW_BUILD_ID = `(extract(epoch FROM clock_timestamp()) * 1000000)::bigint`;

/** Drops and recreates the rollup's objects, then loads everything: the cold build. */
export async function buildRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: { policy?: boolean } = {},
): Promise<LoadReport & { readonly policies: readonly string[] }> {
  need(env, 'TIMESCALE_URL');
  if (rollupTarget(r) === 'druid') return buildDruidRollup(catalog, r, env);
  const t0 = performance.now();
  const policies: string[] = [];
  await withStore(env, async (c) => {
    await c.query(stateDdl());
    // Unpublish under a new build id first (committed on its own), so a reader that planned on the old
    // build and reads while the objects are dropped and reloaded sees its answer is void.
    await c.query(
      `INSERT INTO ${S}.rollup_state (name, definition, build_id) VALUES ($1, $2, ${NEW_BUILD_ID})
       ON CONFLICT (name) DO UPDATE SET definition = $2, build_id = ${NEW_BUILD_ID}, watermark = NULL,
       loaded_to = NULL, built_at = NULL, fact_rows = 0, agg_rows = 0, source_rows = NULL, source_start = NULL, revision = rollup_state.revision + 1,
       source_identity = NULL, stale_reason = NULL, verified_at = NULL, checked_at = NULL, capture_seen = NULL`,
      [r.name, definitionText(r)],
    );
    await c.query(`DELETE FROM ${S}.rollup_partitions WHERE name = $1`, [r.name]);
    const kind = await c.query(
      `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2`,
      [ROLLUP_SCHEMA, r.name],
    );
    const relkind = kind.rows[0]?.relkind as string | undefined;
    // A continuous aggregate is a view to the catalog; the fallback is a table.
    if (relkind === 'v' || relkind === 'm') {
      await c.query(`DROP MATERIALIZED VIEW IF EXISTS ${storeTable(r.name)} CASCADE`);
    } else if (relkind) {
      await c.query(`DROP TABLE IF EXISTS ${storeTable(r.name)} CASCADE`);
    }
    await c.query(`DROP TABLE IF EXISTS ${storeTable(factsTable(r))} CASCADE`);
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
      // No continuous aggregates without TimescaleDB's TSL module: the Apache-licensed builds, and the
      // embedded PGlite build once its data directory was reopened (it has them only in the session that
      // created the extension). Keep the same columns in a table the engine refreshes itself.
      if ((error as { code?: string }).code !== '0A000') throw error;
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
