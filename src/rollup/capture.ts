/**
 * Change capture for PostgreSQL sources (opt-in: `kpi rollup capture install|remove`), as TimescaleDB's
 * invalidation log does for continuous aggregates: statement-level triggers with transition tables
 * record, for every INSERT, UPDATE and DELETE on a rollup's source table, the time ranges the touched
 * rows fall in (old and new rows, per UTC day: least and greatest time) in `kpi_capture.changes`; a
 * TRUNCATE records everything. A refresh then re-checks exactly the logged partitions instead of the
 * mutable window, and the service's scheduler notices new log rows within a second.
 */
import type pg from 'pg';
import type { Catalog } from '../catalog/types.ts';
import { quoteQualified, sqlString } from '../emit/literal.ts';
import type { RollupDef } from '../ir/rollup.ts';
import { type DirectPostgres, directPostgres, type RollupEnv, withClient } from './connect.ts';

const SCHEMA = 'kpi_capture';
/** Log ids re-read below the consumed position (see capturedChanges). */
const LATE_MARGIN = 50;

export const INSTALL_SCHEMA = `CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.changes (
  id          bigserial PRIMARY KEY,
  table_name  text NOT NULL,
  lo          timestamptz,
  hi          timestamptz,
  everything  boolean NOT NULL DEFAULT false,
  captured_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS changes_table_id ON ${SCHEMA}.changes (table_name, id);
-- TG_ARGV[0]: the table's time column. Transition tables are visible to EXECUTE inside the trigger.
CREATE OR REPLACE FUNCTION ${SCHEMA}.record_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  tbl text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO ${SCHEMA}.changes (table_name, lo, hi) SELECT $1, min(%1$I), max(%1$I)
      FROM new_rows WHERE %1$I IS NOT NULL GROUP BY date_trunc(''day'', %1$I AT TIME ZONE ''UTC'')', TG_ARGV[0])
      USING tbl;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('INSERT INTO ${SCHEMA}.changes (table_name, lo, hi) SELECT $1, min(%1$I), max(%1$I)
      FROM old_rows WHERE %1$I IS NOT NULL GROUP BY date_trunc(''day'', %1$I AT TIME ZONE ''UTC'')', TG_ARGV[0])
      USING tbl;
  END IF;
  RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION ${SCHEMA}.record_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${SCHEMA}.changes (table_name, everything) VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, true);
  RETURN NULL;
END $fn$;`;

const TRIGGERS = ['kpi_capture_insert', 'kpi_capture_update', 'kpi_capture_delete', 'kpi_capture_truncate'];

/** The triggers on `t` (a quoted table name); `time`: the time column's name, passed as a text argument. */
export function installTriggers(t: string, time: string): string {
  const argument = sqlString(time);
  return `DROP TRIGGER IF EXISTS kpi_capture_insert ON ${t};
CREATE TRIGGER kpi_capture_insert AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.record_rows(${argument});
DROP TRIGGER IF EXISTS kpi_capture_update ON ${t};
CREATE TRIGGER kpi_capture_update AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.record_rows(${argument});
DROP TRIGGER IF EXISTS kpi_capture_delete ON ${t};
CREATE TRIGGER kpi_capture_delete AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.record_rows(${argument});
DROP TRIGGER IF EXISTS kpi_capture_truncate ON ${t};
CREATE TRIGGER kpi_capture_truncate AFTER TRUNCATE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.record_truncate();`;
}

export class CaptureUnsupportedError extends Error {
  override readonly name = 'CaptureUnsupportedError';
}

/**
 * The source table quoted for SQL, and its name as the log records it (`TG_TABLE_SCHEMA || '.' ||
 * TG_TABLE_NAME`: unquoted).
 */
const tableNames = (d: DirectPostgres) => ({
  table: quoteQualified(d.schema, d.table),
  name: `${d.schema}.${d.table}`,
});

function target(catalog: Catalog, r: RollupDef, env: RollupEnv) {
  const direct = directPostgres(catalog, r, env);
  if (!direct)
    throw new CaptureUnsupportedError(
      `rollup ${r.name}: change capture needs a PostgreSQL source with its URL set (${r.table.source} is not one; its rollups use fingerprints)`,
    );
  return { ...direct, ...tableNames(direct) };
}

/** Installs the log and the triggers on the rollup's source table (idempotent). Returns the table. */
export async function installCapture(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<string> {
  const t = target(catalog, r, env);
  await withClient(t.url, async (c) => {
    await c.query('BEGIN');
    try {
      await c.query(INSTALL_SCHEMA);
      await c.query(installTriggers(t.table, t.timeColumn));
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    }
  });
  return t.name;
}

/** Drops the triggers from the rollup's source table (the log stays for other tables). */
export async function removeCapture(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<string> {
  const t = target(catalog, r, env);
  await withClient(t.url, (c) =>
    c.query(TRIGGERS.map((name) => `DROP TRIGGER IF EXISTS ${name} ON ${t.table};`).join('\n')),
  );
  return t.name;
}

async function installedOn(c: pg.ClientBase, table: string): Promise<boolean> {
  const res = await c.query(
    `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = ANY($2)`,
    [table, TRIGGERS],
  );
  return res.rows[0].n === TRIGGERS.length;
}

export interface CapturedChanges {
  /** The consumed position before this read (null: capture was never read by this rollup). */
  readonly since: string | null;
  /** The newest log id: what the refresh that uses these changes records as consumed. */
  readonly lastId: string | null;
  /** [least, greatest] times (epoch ms) of rows touched since `since`. */
  readonly ranges: readonly (readonly [number, number])[];
  /** A TRUNCATE: every partition may have changed. */
  readonly everything: boolean;
}

/** What the capture log says changed since `since`; null when capture is not installed for the rollup. */
export async function capturedChanges(
  catalog: Catalog,
  r: RollupDef,
  env: RollupEnv,
  since: string | null,
): Promise<CapturedChanges | null> {
  const direct = directPostgres(catalog, r, env);
  if (!direct) return null;
  const { table, name } = tableNames(direct);
  return withClient(direct.url, async (c) => {
    if (!(await installedOn(c, table))) return null;
    if (since === null) {
      const res = await c.query(`SELECT max(id)::text AS id FROM ${SCHEMA}.changes WHERE table_name = $1`, [
        name,
      ]);
      return { since, lastId: res.rows[0].id ?? '0', ranges: [], everything: false };
    }
    // Ids are taken at insert and committed in any order: a transaction that took a lower id may commit
    // after a higher one was read. Re-reading a margin below the consumed position costs a re-check of
    // a few partitions (idempotent) and keeps such a late commit from being skipped.
    const res = await c.query(
      `SELECT id, lo, hi, everything FROM ${SCHEMA}.changes WHERE table_name = $1 AND id > $2::bigint - ${LATE_MARGIN}
       ORDER BY id`,
      [name, since],
    );
    const last = res.rows.reduce((m, row) => Math.max(m, Number(row.id)), Number(since));
    return {
      since,
      lastId: String(last),
      ranges: res.rows
        .filter((row) => row.lo !== null)
        .map((row) => [new Date(row.lo).getTime(), new Date(row.hi).getTime()] as const),
      everything: res.rows.some((row) => row.everything && Number(row.id) > Number(since)),
    };
  });
}

/** The newest log id for the rollup's table, cheaply (the scheduler polls it); null without capture. */
export async function latestCapture(catalog: Catalog, r: RollupDef, env: RollupEnv): Promise<string | null> {
  const direct = directPostgres(catalog, r, env);
  if (!direct) return null;
  const { table, name } = tableNames(direct);
  return withClient(direct.url, async (c) => {
    if (!(await installedOn(c, table))) return null;
    const res = await c.query(`SELECT max(id)::text AS id FROM ${SCHEMA}.changes WHERE table_name = $1`, [
      name,
    ]);
    return res.rows[0]?.id ?? null;
  });
}
