/**
 * The metrics store reopened on its data directory (a restart of the embedded default or of the stack's
 * TimescaleDB): the embedded PGlite build runs continuous aggregates only in the session that created
 * the extension. kpi_hourly / kpi_daily made as continuous aggregates before the restart must not make
 * every write of history fail after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/store/history-store.ts';
import { migrateStore } from '../../src/store/migrate.ts';
import { createEmbeddedDb, pgliteClient } from '../../src/store/pglite-client.ts';
import type { SqlClient } from '../../src/store/sql-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'kpi-history-reopen-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function open(): Promise<{ sql: SqlClient; history: HistoryStore; close: () => Promise<void> }> {
  const db = await createEmbeddedDb(dataDir);
  const sql = pgliteClient(db);
  await migrateStore(sql);
  return { sql, history: new HistoryStore(sql), close: () => db.close() };
}

const write = (sql: SqlClient, time: string, rows: { d: Record<string, string>; v: number }[]) =>
  sql.transaction((tx) =>
    HistoryStore.writeBucket(
      tx,
      'reopened',
      'hour',
      new Date(time),
      rows.map((r) => ({ dimensions: r.d, value: r.v })),
      new Date(),
    ),
  );

describe('the history store after a restart on its data directory', () => {
  it('keeps writing history, with kpi_hourly and kpi_daily equal to SQL over kpi_metrics', async () => {
    const first = await open();
    expect(await first.history.prepare()).toBe('continuous');
    await write(first.sql, '2025-03-01T10:00:00Z', [{ d: {}, v: 5 }]);
    await first.close();

    const again = await open();
    const lines: string[] = [];
    const kind = await again.history.prepare((line) => lines.push(line));
    await write(again.sql, '2025-03-01T11:00:00Z', [
      { d: {}, v: 7 },
      { d: { region: 'eu' }, v: 3 },
    ]);
    await again.sql.transaction((tx) =>
      again.history.refreshAggregates(new Date('2025-03-01T00:00:00Z'), new Date('2025-03-02T00:00:00Z'), tx),
    );
    const daily = await again.sql.query(
      `SELECT bucket, dimensions::text AS d, avg_value AS avg, min_value AS min, max_value AS max, count::int AS count
       FROM public.kpi_daily WHERE kpi_id = 'reopened' ORDER BY 1, 2`,
    );
    const oracle = await again.sql.query(
      `SELECT date_trunc('day', time, 'UTC') AS bucket, dimensions::text AS d, avg(value) AS avg,
              min(value) AS min, max(value) AS max, count(*)::int AS count
       FROM public.kpi_metrics WHERE kpi_id = 'reopened' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(oracle).toHaveLength(2);
    expect(daily).toEqual(oracle);
    expect(kind).toBe('table');
    expect(lines.join('\n')).toMatch(/kpi_daily re-made as a table/);
    await again.close();
  }, 300_000);
});
