/** Runs one SQL statement on the stack's Trino and returns its rows as objects keyed by column name. */
// @ts-nocheck

import { BasicAuth, Trino } from 'trino-client';

export async function trinoRows(server: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const trino = Trino.create({ server, auth: new BasicAuth('kpi-engine-tests') });
  const rows: Array<Record<string, unknown>> = [];
  let columns: string[] = [];
  for await (const page of await trino.query(sql)) {
    if (page.error) throw new Error(`Trino: ${page.error.message}\n${sql}`);
    if (page.columns) columns = page.columns.map((c) => c.name);
    for (const values of page.data ?? []) {
      rows.push(Object.fromEntries(columns.map((name, i) => [name, values[i]])));
    }
  }
  return rows;
}
