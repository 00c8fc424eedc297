/** Applies sql/store/*.sql in name order, once each, recording them in kpi_store.migrations. */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';

export const STORE_SQL_DIR = fileURLToPath(new URL('../../sql/store/', import.meta.url));

export async function migrateStore(db: SqlClient, dir: string = STORE_SQL_DIR): Promise<string[]> {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS kpi_store;
    CREATE TABLE IF NOT EXISTS kpi_store.migrations (
      name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());`);
  const done = new Set(
    (await db.query<{ name: string }>('SELECT name FROM kpi_store.migrations')).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (done.has(file)) continue;
    await db.exec(readFileSync(`${dir}/${file}`, 'utf8'));
    await db.query('INSERT INTO kpi_store.migrations (name) VALUES ($1) ON CONFLICT DO NOTHING', [file]);
    applied.push(file);
  }
  return applied;
}
