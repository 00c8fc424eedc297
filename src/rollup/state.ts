/**
 * What the metrics store says of each rollup: rollup_state (watermarks, build id, revision, source
 * identity, why it may be stale) and the partitions that are dirty. Plain frozen data for the optimizer.
 */
import type pg from 'pg';
import type { RollupDef } from '../ir/rollup.ts';
import { withClient } from './connect.ts';
import { type Materialization, stateDdl } from './ddl.ts';
import { STORE_SCHEMA } from './names.ts';

/** A time range [start, end), ISO instants. */
export type TimeRange = readonly [start: string, end: string];

export interface RollupState {
  readonly name: string;
  /** Published, exclusive: the aggregate holds every source row with time before it. null: unpublished. */
  readonly watermark: string | null;
  /** Exclusive: the facts hold every source row before it (ahead of `watermark` while a load publishes). */
  readonly loadedTo: string | null;
  /** Changes on every cold build: an answer planned on another build id is void. */
  readonly buildId: string;
  /**
   * Moves whenever data below the watermark may change (partitions marked dirty or repaired, the
   * rollup unpublished by a source reload): an answer planned on another revision is void.
   */
  readonly revision: string;
  /** When this rollup was last published (its mutable window checked, or it was loaded). */
  readonly builtAt: string | null;
  /** When a refresh last compared the rollup with its source (its mutable window at least). */
  readonly checkedAt: string | null;
  /** When a full verification last found every partition equal to the source. */
  readonly verifiedAt: string | null;
  readonly factRows: number;
  readonly aggRows: number;
  /** Source rows the published rollup summarizes (its partitions' fingerprints); null: not recorded. */
  readonly sourceRows: number | null;
  /** Where its first partition starts (with sourceRows: the source's rows per unit of time); null: unknown. */
  readonly sourceStart: string | null;
  readonly definition: string;
  readonly materialization: Materialization;
  /** The source's identity when it was loaded (the demo data's seed/scale/load time), when known. */
  readonly sourceIdentity: string | null;
  /** Why the rollup may differ from its source (a reload, a failed verification); null when none is known. */
  readonly staleReason: string | null;
  /** Partitions being reloaded because the source changed there: never read by the optimizer. */
  readonly dirty: readonly TimeRange[];
  /** The last change-capture log id consumed; null when capture was never read. */
  readonly captureSeen: string | null;
}

const S = STORE_SCHEMA;

const STATE_SELECT = `SELECT name, definition, watermark, loaded_to, build_id, revision, built_at, checked_at, verified_at,
  fact_rows, agg_rows, source_rows, source_start, materialization, source_identity, stale_reason, capture_seen FROM ${S}.rollup_state`;
const DIRTY_SELECT = `SELECT name, part_start, part_end FROM ${S}.rollup_partitions WHERE dirty
  ORDER BY name, part_start`;

/** What a build holds (`definition`): the definition without settings that only steer refreshes (the mutable window). */
export const definitionText = (r: RollupDef): string => {
  const { mutableWindowDays: _, ...held } = r;
  return JSON.stringify(held);
};

export const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as Date | string).toISOString();

/** rollup_state rows (as pg or PGlite return them) by rollup name, with each one's dirty partitions. */
export function statesFrom(
  rows: readonly Record<string, unknown>[],
  dirtyRows: readonly Record<string, unknown>[] = [],
): Map<string, RollupState> {
  const dirty = new Map<string, TimeRange[]>();
  for (const row of dirtyRows) {
    const list = dirty.get(row.name as string) ?? [];
    list.push([isoOrNull(row.part_start)!, isoOrNull(row.part_end)!]);
    dirty.set(row.name as string, list);
  }
  return new Map(
    rows.map((row) => [
      row.name as string,
      Object.freeze({
        name: row.name as string,
        definition: row.definition as string,
        watermark: isoOrNull(row.watermark),
        loadedTo: isoOrNull(row.loaded_to),
        buildId: String(row.build_id),
        revision: String(row.revision ?? 0),
        builtAt: isoOrNull(row.built_at),
        checkedAt: isoOrNull(row.checked_at),
        verifiedAt: isoOrNull(row.verified_at),
        factRows: Number(row.fact_rows),
        aggRows: Number(row.agg_rows),
        sourceRows:
          row.source_rows === null || row.source_rows === undefined ? null : Number(row.source_rows),
        sourceStart: isoOrNull(row.source_start),
        materialization:
          row.materialization === 'table' || row.materialization === 'druid'
            ? row.materialization
            : 'continuous',
        sourceIdentity: (row.source_identity as string | null | undefined) ?? null,
        staleReason: (row.stale_reason as string | null | undefined) ?? null,
        dirty: Object.freeze(dirty.get(row.name as string) ?? []),
        captureSeen:
          row.capture_seen === null || row.capture_seen === undefined ? null : String(row.capture_seen),
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
    const rows = await query(STATE_SELECT);
    return statesFrom(rows, rows.length > 0 ? await query(DIRTY_SELECT) : []);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '42703')
      return new Map();
    throw error;
  }
}

export async function statesVia(c: pg.ClientBase): Promise<Map<string, RollupState>> {
  await c.query(stateDdl());
  return readStatesWith(async (sql) => (await c.query(sql)).rows);
}

/** The states in the metrics store at `url`, on a client of their own (the CLI and the optimizer's context). */
export async function readStates(url: string): Promise<Map<string, RollupState>> {
  return withClient(url, statesVia);
}
