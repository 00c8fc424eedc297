/**
 * Refresh and verification: keeps a rollup equal to its source when the source changes, not only when
 * it grows. Each loaded partition has a fingerprint of the source rows it came from (partitions.ts). A
 * refresh re-computes the fingerprints of the mutable window (default: the 7 days before the load
 * watermark) — or, with change capture installed, only of the partitions the source's triggers logged —
 * and of the new rows after the watermark; a verification re-computes them all. Every partition that
 * differs is re-loaded whole:
 *
 * 1. changed published partitions are flagged dirty and the rollup's `revision` moves (committed): the
 *    optimizer stops reading them, runs planned before are void, cached answers that read them go;
 * 2. their facts are replaced, with the new rows after the watermark and the new fingerprints, in one
 *    transaction that checks nothing else changed the rollup meanwhile (else RollupConflictError);
 * 3. the aggregate is refreshed for the changed buckets (outside any transaction);
 * 4. the flags are cleared and the watermark published.
 */
import type { Catalog } from '../catalog/types.ts';
import { type RollupDef, rollupTarget } from '../ir/rollup.ts';
import { capturedChanges } from './capture.ts';
import { inTransaction, need, type RollupEnv, sourceHigh, withStore } from './connect.ts';
import type { Materialization } from './ddl.ts';
import { refreshDruidRollup } from './druid-load.ts';
import { sourceIdentity } from './identity.ts';
import { deleteFacts, loadRows, refreshWindow, writeFacts } from './load.ts';
import {
  DEFAULT_MUTABLE_WINDOW_DAYS,
  type LoadReport,
  type RefreshOptions,
  RollupConflictError,
  RollupNotBuiltError,
} from './load-report.ts';
import { factsTable, STORE_SCHEMA, storeTable } from './names.ts';
import { clearDirty, markDirty, replacePartitions, storedPartitions } from './partition-store.ts';
import {
  changedPartitions,
  coalesce,
  type Fingerprint,
  partitionStartOf,
  partitionsCovering,
  partitionUnit,
  sourceFingerprints,
} from './partitions.ts';
import type { LoadRange } from './source-sql.ts';
import { definitionText, statesVia, type TimeRange } from './state.ts';

const S = STORE_SCHEMA;
const DAY = 86_400_000;
/**
 * SET clause recording what the published rollup summarizes — source rows and where its first
 * partition starts — from the partitions' fingerprints (the optimizer's cost estimate reads them).
 */
const RECORD_SOURCE_ROWS = `(source_rows, source_start) = (SELECT sum(source_rows), min(part_start)
  FROM ${S}.rollup_partitions WHERE name = $1 AND source_rows >= 0)`;

/**
 * Loads the source rows after the load watermark, re-checks the mutable window (or everything, with
 * `full`), re-loads every partition that differs, refreshes the aggregate and publishes. A load
 * interrupted before publishing is finished by the next refresh.
 */
export async function refreshRollup(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  o: RefreshOptions = {},
): Promise<LoadReport> {
  need(env, 'TIMESCALE_URL');
  if (rollupTarget(r) === 'druid') return refreshDruidRollup(catalog, r, env, o);
  const trinoUrl = need(env, 'TRINO_URL');
  const state = (await withStore(env, statesVia)).get(r.name);
  if (!state || state.definition !== definitionText(r)) {
    throw new RollupNotBuiltError(
      `rollup ${r.name} is not built with this definition: build it first (\`kpi rollup build ${r.name}\`)`,
    );
  }
  const unit = partitionUnit(r.grain);
  const startOf = (ms: number) => partitionStartOf(ms, unit, r.timezone);
  const identity = await sourceIdentity(catalog, r, env);
  const reason =
    state.staleReason ??
    (state.sourceIdentity && identity && identity !== state.sourceIdentity
      ? `the source was reloaded (${state.sourceIdentity} → ${identity})`
      : null);
  const capture = await capturedChanges(catalog, r, env, state.captureSeen);
  const full = o.full === true || reason !== null || capture?.everything === true;
  // Stores written before loaded_to existed published every load at once: their watermark is the facts'.
  const from = state.loadedTo ?? state.watermark;
  const published = state.watermark;
  const high = await sourceHigh(catalog, r, trinoUrl);
  const to = high === null || (from !== null && Date.parse(high) <= Date.parse(from)) ? from : high;
  if (to === null)
    return nothingLoaded(state, { mode: 'window', from: null, partitions: 0, rowsScanned: 0, ms: 0 });

  // 1. What to compare: the published region's window (all of it when full; none when capture knows).
  const t0 = performance.now();
  const windowDays = o.mutableWindowDays ?? r.mutableWindowDays ?? DEFAULT_MUTABLE_WINDOW_DAYS;
  const mode = full ? 'full' : capture?.since !== undefined && capture.since !== null ? 'capture' : 'window';
  const checkFrom =
    from === null
      ? null
      : full
        ? null
        : mode === 'capture'
          ? from
          : new Date(startOf(Date.parse(from) - windowDays * DAY)).toISOString();
  const stored = await withStore(env, (c) => storedPartitions(c, r.name, null, null));
  // Flagged dirty (a repair that did not finish): re-loaded whatever the fingerprints say.
  const forced = new Set<number>([...stored.dirty].filter((k) => from !== null && k < Date.parse(from)));
  // Logged by change capture: re-checked, and re-loaded when their fingerprints differ.
  const logged = new Set<number>(forced);
  for (const [lo, hi] of capture?.ranges ?? []) {
    if (from === null || lo >= Date.parse(from)) continue;
    for (const [s] of partitionsCovering(lo, Math.min(hi, Date.parse(from) - 1), unit, r.timezone))
      logged.add(Date.parse(s));
  }
  const checkRanges: LoadRange[] = [];
  if (from !== null && (checkFrom === null || Date.parse(checkFrom) < Date.parse(from)))
    checkRanges.push([checkFrom, from]);
  for (const k of logged) {
    if (checkFrom !== null && k >= Date.parse(checkFrom)) continue;
    const end = partitionsCovering(k, k, unit, r.timezone)[0]![1];
    checkRanges.push([new Date(k).toISOString(), Date.parse(end) < Date.parse(from!) ? end : from!]);
  }
  const tailFrom = from === null ? null : new Date(startOf(Date.parse(from))).toISOString();
  const growing = from === null || Date.parse(to) > Date.parse(from);
  const [check, tail] = await Promise.all([
    sourceFingerprints(
      catalog,
      r,
      env,
      coalesce(checkRanges.map(([a, b]) => [a ?? '-infinity', b] as const)).map(
        ([a, b]) => [a === '-infinity' ? null : a, b] as LoadRange,
      ),
    ),
    growing ? sourceFingerprints(catalog, r, env, [[tailFrom, to]]) : null,
  ]);
  const inChecked = (k: number) =>
    from !== null &&
    k < Date.parse(from) &&
    (checkFrom === null || k >= Date.parse(checkFrom) || logged.has(k));
  const storedChecked = new Map([...stored.parts].filter(([k]) => inChecked(k)));
  const repairs = [...new Set([...changedPartitions(check.parts, storedChecked), ...forced])].sort(
    (a, b) => a - b,
  );
  const checked = {
    mode,
    from: checkFrom,
    partitions: check.parts.size + (tail?.parts.size ?? 0),
    rowsScanned: check.rows + (tail?.rows ?? 0),
    ms: performance.now() - t0,
  } as const;
  if (repairs.length === 0 && !growing && published === to && !reason) {
    await withStore(env, (c) =>
      c.query(
        `UPDATE ${S}.rollup_state SET checked_at = now(), capture_seen = coalesce($3, capture_seen),
         verified_at = CASE WHEN $4 THEN now() ELSE verified_at END, ${RECORD_SOURCE_ROWS}
         WHERE name = $1 AND build_id = $2`,
        [r.name, Number(state.buildId), capture?.lastId ?? null, full],
      ),
    );
    return nothingLoaded(state, checked);
  }
  /** A changed partition's range below the load watermark (rows after it are the tail's). */
  const rangeOf = (k: number): TimeRange => {
    const end =
      (check.parts.get(k) ?? stored.parts.get(k))?.end ?? partitionsCovering(k, k, unit, r.timezone)[0]![1];
    return [new Date(k).toISOString(), from !== null && Date.parse(end) > Date.parse(from) ? from : end];
  };
  const repairRanges = repairs.map(rangeOf);
  const sameBuild = `WHERE name = $1 AND build_id = ${Number(state.buildId)}`;
  let revision = Number(state.revision);
  // Flag the published partitions about to change, so nobody reads them until they are re-loaded.
  if (published !== null && repairs.length > 0) {
    await withStore(env, (c) =>
      inTransaction(c, async () => {
        await markDirty(c, r.name, repairRanges);
        const res = await c.query(
          `UPDATE ${S}.rollup_state SET revision = revision + 1 ${sameBuild} AND revision = $2`,
          [r.name, revision],
        );
        if (res.rowCount !== 1)
          throw new RollupConflictError(`rollup ${r.name} changed elsewhere during this refresh`);
      }),
    );
    revision++;
  }

  // 2. Re-load the changed partitions and append the rows after the watermark, with their
  // fingerprints, in one transaction. (A bucket cut by the watermark gets one facts row per load.)
  const loads: LoadRange[] = [...repairRanges, ...(growing ? [[from, to] as LoadRange] : [])];
  const rows = await loadRows(catalog, r, trinoUrl, loads);
  const loadMs = performance.now() - t0;
  const puts: Fingerprint[] = repairs
    .filter((k) => !growing || tailFrom === null || k < Date.parse(tailFrom))
    .flatMap((k) => (check.parts.has(k) ? [check.parts.get(k)!] : []));
  if (tail) puts.push(...tail.parts.values());
  const flagged = new Set(repairs);
  let refreshMs = 0;
  let aggRows = 0;
  let factRows = 0;
  await withStore(env, async (c) => {
    await inTransaction(c, async () => {
      for (const [s, e] of repairRanges) await deleteFacts(c, r, s, e);
      await writeFacts(c, catalog, r, rows);
      await replacePartitions(c, r.name, repairs, growing ? (tailFrom ?? '-infinity') : null, puts, flagged);
      const updated = await c.query(
        `UPDATE ${S}.rollup_state SET loaded_to = $2, last_load_ms = $3 ${sameBuild}
         AND loaded_to IS NOT DISTINCT FROM $4::timestamptz AND revision = $5`,
        [r.name, to, loadMs, state.loadedTo, revision],
      );
      // A cold build or another refresh got there first: committing would count rows twice.
      if (updated.rowCount !== 1)
        throw new RollupConflictError(
          `rollup ${r.name} was rebuilt or refreshed elsewhere during this refresh`,
        );
    });
    // 3. The aggregate, for the changed buckets (and whatever an interrupted load left unpublished).
    const t2 = performance.now();
    const windows = coalesce([
      ...repairRanges,
      ...(growing || published !== to ? [[published ?? '-infinity', to] as const] : []),
    ]);
    for (const [s, e] of windows)
      await refreshWindow(c, catalog, r, state.materialization, s === '-infinity' ? null : s, e);
    refreshMs = performance.now() - t2;
    aggRows = Number((await c.query(`SELECT count(*) AS n FROM ${storeTable(r.name)}`)).rows[0].n);
    factRows = Number((await c.query(`SELECT count(*) AS n FROM ${storeTable(factsTable(r))}`)).rows[0].n);
    // 4. Publish.
    await inTransaction(c, async () => {
      await clearDirty(c, r.name, repairs);
      await c.query(
        `UPDATE ${S}.rollup_state SET watermark = loaded_to, built_at = now(), checked_at = now(), agg_rows = $2,
         fact_rows = $3, last_refresh_ms = $4, source_identity = coalesce($5, source_identity), stale_reason = NULL,
         capture_seen = coalesce($6, capture_seen), verified_at = CASE WHEN $7 THEN now() ELSE verified_at END,
         ${RECORD_SOURCE_ROWS} ${sameBuild}`,
        [r.name, aggRows, factRows, refreshMs, identity, capture?.lastId ?? null, full || from === null],
      );
    });
  });
  return {
    name: r.name,
    from,
    to,
    factRows: rows.length,
    aggRows,
    loadMs,
    refreshMs,
    ddlMs: 0,
    materialization: state.materialization,
    checked,
    repaired: published === null ? [] : repairRanges,
    reason,
  };
}

function nothingLoaded(
  state: {
    name: string;
    loadedTo: string | null;
    watermark: string | null;
    aggRows: number;
    materialization: Materialization;
  },
  checked: LoadReport['checked'],
): LoadReport {
  const from = state.loadedTo ?? state.watermark;
  return {
    name: state.name,
    from,
    to: from,
    factRows: 0,
    aggRows: state.aggRows,
    loadMs: 0,
    refreshMs: 0,
    ddlMs: 0,
    materialization: state.materialization,
    checked,
    repaired: [],
    reason: null,
  };
}

/** A full verification: every partition compared with the source, and every one that differs repaired. */
export const verifyRollup = (catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<LoadReport> =>
  refreshRollup(catalog, r, env, { full: true });
