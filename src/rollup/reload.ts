/**
 * What a loader calls after it reloaded sources (`npm run data`, `stack:up`, the benchmarks): every
 * rollup built on a table of those sources is unpublished — the optimizer stops reading it at once, its
 * revision moves (so cached answers that read it are dropped), and its `stale_reason` makes the next
 * refresh verify every partition against the reloaded source and re-load what differs. Rollups record
 * the source identity they were loaded from too, so a reload by a loader that does not call this is
 * still found by the next refresh (identity.ts).
 */
import type { Catalog } from '../catalog/types.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { withClient } from './connect.ts';
import { stateDdl } from './ddl.ts';
import { STORE_SCHEMA } from './names.ts';

const S = STORE_SCHEMA;

/**
 * Unpublishes the rollups whose source table lives on a connection named by `connectionEnvs` (the
 * reloaded sources' URL variables, e.g. PAYMENTS_DB_URL). Returns their names.
 */
export async function unpublishReloaded(
  timescaleUrl: string,
  catalog: Catalog,
  connectionEnvs: readonly string[],
  reason: string,
): Promise<string[]> {
  const sources = Object.values(catalog.sources)
    .filter((s) => connectionEnvs.includes(catalog.connections[s.connection]?.env ?? ''))
    .map((s) => s.name);
  if (sources.length === 0) return [];
  return withClient(timescaleUrl, async (c) => {
    await c.query(stateDdl());
    const states = await c.query(`SELECT name, definition FROM ${S}.rollup_state`);
    const names = states.rows
      .filter((row) => {
        try {
          return sources.includes((JSON.parse(row.definition) as RollupDef).table.source);
        } catch {
          return false;
        }
      })
      .map((row) => row.name as string);
    if (names.length > 0)
      await c.query(
        `UPDATE ${S}.rollup_state SET watermark = NULL, stale_reason = $2, revision = revision + 1
         WHERE name = ANY($1)`,
        [names, reason],
      );
    return names;
  });
}

/**
 * For loaders: unpublishes the rollups on the reloaded sources when a metrics store is configured and
 * reachable, and says so; otherwise the next refresh still finds the new source identity.
 */
export async function afterSourcesReloaded(
  env: Readonly<Record<string, string | undefined>>,
  catalog: Catalog,
  connectionEnvs: readonly string[],
  reason: string,
  log: (line: string) => void,
): Promise<void> {
  if (!env.TIMESCALE_URL || connectionEnvs.length === 0) return;
  try {
    const names = await unpublishReloaded(env.TIMESCALE_URL, catalog, connectionEnvs, reason);
    if (names.length > 0)
      log(
        `rollups on the reloaded sources unpublished (${names.join(', ')}): the next refresh verifies and repairs them`,
      );
  } catch (error) {
    log(
      `rollups not told of the reload (${(error as Error).message}): their next refresh sees the new source`,
    );
  }
}
