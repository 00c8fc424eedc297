/** The rollup_partitions rows of a rollup: stored fingerprints, and the dirty flags the optimizer reads. */
import type pg from 'pg';
import { STORE_SCHEMA } from './names.ts';
import type { Fingerprint, Fingerprints } from './partitions.ts';
import { isoOrNull } from './state.ts';

const S = STORE_SCHEMA;
const BATCH = 200;

export interface StoredPartitions {
  readonly parts: Fingerprints;
  /** Partition starts (epoch ms) flagged dirty: the source changed there; they are reloaded whatever
   * their fingerprints say. */
  readonly dirty: ReadonlySet<number>;
}

/** Stored partitions starting at or after `from` (null: all) and before `to` (null: no bound). */
export async function storedPartitions(
  c: pg.ClientBase,
  name: string,
  from: string | null,
  to: string | null,
): Promise<StoredPartitions> {
  const res = await c.query(
    `SELECT part_start, part_end, source_rows, checksum, dirty FROM ${S}.rollup_partitions
     WHERE name = $1 AND ($2::timestamptz IS NULL OR part_start >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR part_start < $3::timestamptz)`,
    [name, from, to],
  );
  const parts = new Map<number, Fingerprint>();
  const dirty = new Set<number>();
  for (const row of res.rows) {
    const start = isoOrNull(row.part_start)!;
    const key = Date.parse(start);
    if (row.dirty) dirty.add(key);
    // A placeholder for a partition marked dirty before it was ever loaded holds no fingerprint.
    if (Number(row.source_rows) >= 0)
      parts.set(key, {
        start,
        end: isoOrNull(row.part_end)!,
        rows: Number(row.source_rows),
        checksum: String(row.checksum),
      });
  }
  return { parts, dirty };
}

/** Flags partitions dirty (creating placeholders for ones never loaded), inside the caller's transaction. */
export async function markDirty(
  c: pg.ClientBase,
  name: string,
  ranges: readonly (readonly [string, string])[],
): Promise<void> {
  if (ranges.length === 0) return;
  await c.query(
    `INSERT INTO ${S}.rollup_partitions (name, part_start, part_end, source_rows, checksum, dirty)
     SELECT $1, s, e, -1, '', true FROM unnest($2::timestamptz[], $3::timestamptz[]) AS t(s, e)
     ON CONFLICT (name, part_start) DO UPDATE SET dirty = true`,
    [name, ranges.map((r) => r[0]), ranges.map((r) => r[1])],
  );
}

/** Replaces the stored fingerprints of the given partitions (inside the caller's transaction). */
export async function replacePartitions(
  c: pg.ClientBase,
  name: string,
  remove: readonly number[],
  removeFrom: string | null,
  put: readonly Fingerprint[],
  dirty: ReadonlySet<number>,
): Promise<void> {
  if (remove.length > 0)
    await c.query(
      `DELETE FROM ${S}.rollup_partitions WHERE name = $1 AND part_start = ANY($2::timestamptz[])`,
      [name, remove.map((k) => new Date(k).toISOString())],
    );
  if (removeFrom !== null)
    await c.query(`DELETE FROM ${S}.rollup_partitions WHERE name = $1 AND part_start >= $2::timestamptz`, [
      name,
      removeFrom,
    ]);
  // Small batches: the embedded PGlite server fails on large parameter messages (as writeFacts does).
  for (let i = 0; i < put.length; i += BATCH) {
    const part = put.slice(i, i + BATCH);
    await c.query(
      `INSERT INTO ${S}.rollup_partitions (name, part_start, part_end, source_rows, checksum, dirty)
       SELECT $1, s, e, n, k, d
       FROM unnest($2::timestamptz[], $3::timestamptz[], $4::bigint[], $5::text[], $6::boolean[]) AS t(s, e, n, k, d)
       ON CONFLICT (name, part_start) DO UPDATE SET part_end = EXCLUDED.part_end,
         source_rows = EXCLUDED.source_rows, checksum = EXCLUDED.checksum, dirty = EXCLUDED.dirty, loaded_at = now()`,
      [
        name,
        part.map((f) => f.start),
        part.map((f) => f.end),
        part.map((f) => f.rows),
        part.map((f) => f.checksum),
        part.map((f) => dirty.has(Date.parse(f.start))),
      ],
    );
  }
}

/** Clears the dirty flags of partitions starting in `starts`: they are published again. */
export async function clearDirty(c: pg.ClientBase, name: string, starts: readonly number[]): Promise<void> {
  if (starts.length === 0) return;
  await c.query(
    `UPDATE ${S}.rollup_partitions SET dirty = false WHERE name = $1 AND part_start = ANY($2::timestamptz[])`,
    [name, starts.map((k) => new Date(k).toISOString())],
  );
  // Placeholders whose partition turned out to hold no rows have nothing left to say.
  await c.query(`DELETE FROM ${S}.rollup_partitions WHERE name = $1 AND source_rows < 0 AND NOT dirty`, [
    name,
  ]);
}
