/**
 * Druid-backed rollups (`target: druid`): built, refreshed and verified by native batch ingestion into
 * the datasource named like the rollup, with the same state in the metrics store's rollup_state
 * (build id, `loaded_to`, the published watermark, revision) that the optimizer reads for every rollup.
 *
 * - Trino computes the partial aggregates of the source rows in the load range at the rollup's grain
 *   and zone (source-sql.ts, as for TimescaleDB rollups); druid-ingest.ts turns them into one
 *   `index_parallel` task per run of partitions, which replaces those partitions whole — re-loading a
 *   day replaces that day, so a re-run never counts anything twice.
 * - A cold build first gives the rollup a new build id and unpublishes it, then replaces everything the
 *   datasource holds (the old extent included: tombstones where no rows are any more).
 * - A refresh re-loads the time chunks (a month for day and hour grains) holding its mutable window
 *   (default the 7 days before `loaded_to`) and everything after it up to the source's newest row; a verification re-loads everything.
 * - Publishing waits for real readiness: each task's success (which waits for the historicals to
 *   serve its segments), then the broker's answer for the loaded interval equal to the rows loaded
 *   (their source-row counts summed); only then do `loaded_to` and the watermark move, in one statement
 *   that checks no other build or refresh got there first.
 */
import type { Catalog } from '../catalog/types.ts';
import { quoteIdentifier } from '../emit/literal.ts';
import { druidSql, submitDruidTask, waitForDruidTask } from '../exec/druid-client.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { inTransaction, need, type RollupEnv, sourceHigh, toIso, withStore } from './connect.ts';
import { stateDdl } from './ddl.ts';
import {
  druidChunkUnit,
  druidDataSource,
  ingestionTask,
  loadedMeasures,
  SOURCE_ROWS_COLUMN,
} from './druid-ingest.ts';
import { sourceIdentity } from './identity.ts';
import { loadRows } from './load.ts';
import {
  DEFAULT_MUTABLE_WINDOW_DAYS,
  type LoadReport,
  type RefreshOptions,
  RollupConflictError,
  RollupNotBuiltError,
} from './load-report.ts';
import { STORE_SCHEMA } from './names.ts';
import { partitionStartOf, partitionsCovering } from './partitions.ts';
import { definitionText, statesVia } from './state.ts';

const S = STORE_SCHEMA;
const DAY = 86_400_000;
/** Rows per ingestion task at most (inline JSON travels in the task's payload). */
const ROWS_PER_TASK = 40_000;
const NEW_BUILD_ID = `(extract(epoch FROM clock_timestamp()) * 1000000)::bigint`;

export function druidUrl(env: RollupEnv): string {
  const v = env.DRUID_URL;
  if (typeof v !== 'string' || !v)
    throw new Error('DRUID_URL is not set (npm run stack:up -- --with druid, or set it)');
  return v;
}

/** Cold build: a new build id, unpublished, then everything loaded and published. */
export async function buildDruidRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
): Promise<LoadReport & { readonly policies: readonly string[] }> {
  const t0 = performance.now();
  druidUrl(env);
  await withStore(env, async (c) => {
    await c.query(stateDdl());
    await c.query(
      `INSERT INTO ${S}.rollup_state (name, definition, build_id, materialization) VALUES ($1, $2, ${NEW_BUILD_ID}, 'druid')
       ON CONFLICT (name) DO UPDATE SET definition = $2, build_id = ${NEW_BUILD_ID}, watermark = NULL,
       loaded_to = NULL, built_at = NULL, fact_rows = 0, agg_rows = 0, source_rows = NULL, source_start = NULL,
       revision = rollup_state.revision + 1, source_identity = NULL, stale_reason = NULL, verified_at = NULL,
       checked_at = NULL, capture_seen = NULL, materialization = 'druid'`,
      [r.name, definitionText(r)],
    );
    await c.query(`DELETE FROM ${S}.rollup_partitions WHERE name = $1`, [r.name]);
  });
  const ddlMs = performance.now() - t0;
  return { ...(await loadDruidRollup(catalog, r, env, { full: true })), ddlMs, policies: [] };
}

/** Refresh (the mutable window and the new rows) or, with `full`, a verification (everything). */
export function refreshDruidRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: RefreshOptions = {},
): Promise<LoadReport> {
  return loadDruidRollup(catalog, r, env, o);
}

/** What the datasource holds now: rows, the source rows behind them, its first and last bucket. */
async function extent(url: string, r: RollupDef, range?: readonly [number, number]) {
  const where = range
    ? ` WHERE __time >= MILLIS_TO_TIMESTAMP(${range[0]}) AND __time < MILLIS_TO_TIMESTAMP(${range[1]})`
    : '';
  try {
    const [row] = await druidSql(
      url,
      `SELECT COUNT(*) AS n, SUM(${quoteIdentifier(SOURCE_ROWS_COLUMN)}) AS s, MIN(__time) AS lo, MAX(__time) AS hi
       FROM ${quoteIdentifier('druid')}.${quoteIdentifier(druidDataSource(r))}${where}`,
      { context: { sqlTimeZone: 'Etc/UTC' } },
    );
    const n = Number(row?.n ?? 0);
    return {
      rows: n,
      sourceRows: Number(row?.s ?? 0),
      lo: n > 0 ? Date.parse(toIso(row?.lo)!) : null,
      hi: n > 0 ? Date.parse(toIso(row?.hi)!) : null,
    };
  } catch (error) {
    // A datasource never loaded (or all of it dropped) is not a table Druid SQL knows.
    if (/not found|does not exist/i.test((error as Error).message))
      return { rows: 0, sourceRows: 0, lo: null, hi: null };
    throw error;
  }
}

async function loadDruidRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: RefreshOptions,
): Promise<LoadReport> {
  need(env, 'TIMESCALE_URL');
  const trinoUrl = need(env, 'TRINO_URL');
  const url = druidUrl(env);
  const state = (await withStore(env, statesVia)).get(r.name);
  if (!state || state.definition !== definitionText(r)) {
    throw new RollupNotBuiltError(
      `rollup ${r.name} is not built with this definition: build it first (\`kpi rollup build ${r.name}\`)`,
    );
  }
  const t0 = performance.now();
  const unit = druidChunkUnit(r.grain);
  const identity = await sourceIdentity(catalog, r, env);
  const reason =
    state.staleReason ??
    (state.sourceIdentity && identity && identity !== state.sourceIdentity
      ? `the source was reloaded (${state.sourceIdentity} → ${identity})`
      : null);
  const full = o.full === true || reason !== null || state.loadedTo === null;
  const windowDays = o.mutableWindowDays ?? r.mutableWindowDays ?? DEFAULT_MUTABLE_WINDOW_DAYS;
  const from = full
    ? null
    : new Date(
        partitionStartOf(Date.parse(state.loadedTo!) - windowDays * DAY, unit, r.timezone),
      ).toISOString();
  const high = await sourceHigh(catalog, r, trinoUrl);
  const to = high ?? state.loadedTo;
  const before = await extent(url, r);
  const rows =
    to === null ? [] : await loadRows(catalog, { ...r, measures: loadedMeasures(r) }, trinoUrl, [[from, to]]);
  const loadMs = performance.now() - t0;
  const sourceRowsAt =
    r.dimensions.length + loadedMeasures(r).findIndex((m) => m.fn === 'count' && m.column === null) + 1;

  // The interval replaced: the load range, widened to whole partitions and to whatever the datasource
  // holds past it (a full load: all it holds), so rows gone from the source go from Druid too.
  // (Loops, not Math.min(...times): a sketch rollup's load has a row per value, too many to spread.)
  const times = rows.map((row) => Date.parse(toIso(row[0])!));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of [from === null ? null : Date.parse(from), full ? before.lo : null])
    if (t !== null) lo = Math.min(lo, t);
  for (const t of [to === null ? null : Date.parse(to) - 1, before.hi]) if (t !== null) hi = Math.max(hi, t);
  for (const t of times) {
    if (from === null) lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const partitions =
    Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi
      ? partitionsCovering(lo, hi, unit, r.timezone)
      : [];

  const t1 = performance.now();
  let expected = 0;
  for (const [start, end, part] of tasksOf(partitions, rows, times)) {
    const taskId = await submitDruidTask(url, ingestionTask(catalog, r, [start, end], part));
    await waitForDruidTask(url, taskId, { timeoutMs: 3_600_000 });
    expected += part.reduce((sum, row) => sum + Number(row[sourceRowsAt] ?? 0), 0);
  }
  if (partitions.length > 0) {
    const span = [Date.parse(partitions[0]![0]), Date.parse(partitions.at(-1)![1])] as const;
    await untilServed(url, r, span, expected);
  }
  const ingestMs = performance.now() - t1;

  // Publish: what Druid holds now, and the watermark — unless another build or refresh moved first.
  const after = await extent(url, r);
  await withStore(env, (c) =>
    inTransaction(c, async () => {
      const res = await c.query(
        `UPDATE ${S}.rollup_state SET loaded_to = $2, watermark = $2, built_at = now(), checked_at = now(),
         agg_rows = $3, fact_rows = $3, source_rows = $4, source_start = $5, last_load_ms = $6, last_refresh_ms = $7,
         source_identity = coalesce($8, source_identity), stale_reason = NULL,
         verified_at = CASE WHEN $9 THEN now() ELSE verified_at END,
         revision = CASE WHEN $9 AND watermark IS NOT NULL THEN revision + 1 ELSE revision END
         WHERE name = $1 AND build_id = ${Number(state.buildId)} AND loaded_to IS NOT DISTINCT FROM $10::timestamptz`,
        [
          r.name,
          to,
          after.rows,
          after.sourceRows,
          after.lo === null ? null : new Date(partitionStartOf(after.lo, unit, r.timezone)).toISOString(),
          loadMs,
          ingestMs,
          identity,
          full,
          state.loadedTo,
        ],
      );
      if (res.rowCount !== 1)
        throw new RollupConflictError(`rollup ${r.name} was rebuilt or refreshed elsewhere during this load`);
    }),
  );
  return {
    name: r.name,
    from,
    to,
    factRows: rows.length,
    aggRows: after.rows,
    loadMs,
    refreshMs: ingestMs,
    ddlMs: 0,
    materialization: 'druid',
    checked: {
      mode: full ? 'full' : 'window',
      from,
      partitions: partitions.length,
      rowsScanned: expected,
      ms: performance.now() - t0,
    },
    repaired: [],
    reason,
  };
}

/** Consecutive runs of partitions with at most ROWS_PER_TASK rows each (a partition is never split). */
function* tasksOf(
  partitions: readonly [string, string][],
  rows: readonly (readonly unknown[])[],
  times: readonly number[],
): Generator<[string, string, (readonly unknown[])[]]> {
  const byPartition = new Map<number, (readonly unknown[])[]>();
  const starts = partitions.map(([s]) => Date.parse(s));
  rows.forEach((row, j) => {
    // The last partition starting at or before the row's bucket (both lists are in time order).
    let k = starts.length - 1;
    while (k > 0 && starts[k]! > times[j]!) k--;
    const list = byPartition.get(k) ?? [];
    list.push(row);
    byPartition.set(k, list);
  });
  let i = 0;
  while (i < partitions.length) {
    const start = partitions[i]![0];
    let end = partitions[i]![1];
    const part: (readonly unknown[])[] = [];
    for (; i < partitions.length; i++) {
      const inside = byPartition.get(i) ?? [];
      if (part.length > 0 && part.length + inside.length > ROWS_PER_TASK) break;
      for (const row of inside) part.push(row);
      end = partitions[i]![1];
    }
    yield [start, end, part];
  }
}

/** Waits until the broker answers the loaded interval with the source rows just loaded. */
async function untilServed(
  url: string,
  r: RollupDef,
  span: readonly [number, number],
  expected: number,
): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const now = await extent(url, r, span);
    if (now.sourceRows === expected) return;
    if (Date.now() > deadline)
      throw new Error(
        `rollup ${r.name}: Druid still answers ${now.sourceRows} source rows for the loaded interval, not ${expected}`,
      );
    // The broker's view follows the historicals' announcements: poll the real state.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
