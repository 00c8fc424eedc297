/**
 * The embedded default's demo data: every source in ONE PostgreSQL-compatible database (PGlite), each
 * in its own schema, loaded with PGlite's `COPY … FROM '/dev/blob'`.
 */
import { quoteIdentifier } from '../emit/literal.ts';
import { ACCOUNTS, csvLine, EVENTS, EXPENSES, SESSIONS, SUBSCRIPTIONS, type TableLayout } from './columns.ts';
import { batches, DemoDataSet } from './generate.ts';
import { ddl, dropSecondaryIndexes, MARKER_DDL, rate } from './load-common.ts';
import { progress } from './progress.ts';
import { DEMO_DATA, GENERATOR_VERSION } from './settings.ts';

/** The part of PGlite (or any client) the embedded loader needs. */
export interface EmbeddedDatabase {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: unknown[] }>;
}

/**
 * Loads the same rows into ONE database: schemas `payments` (subscriptions), `finance` (expenses),
 * `users` (accounts) and `analytics` (events, sessions) — the embedded default, where every source is
 * one connection. Uses PGlite's `COPY … FROM '/dev/blob'` with CSV, the fastest path into PGlite.
 */
export async function loadDemoDataIntoPglite(
  db: EmbeddedDatabase,
  options: { scale: number; seed?: number; end?: number; log?: (line: string) => void },
): Promise<void> {
  const log = options.log ?? (() => {});
  const data = new DemoDataSet({
    scale: options.scale,
    seed: options.seed ?? DEMO_DATA.seed,
    end: options.end,
  });
  const inSchema = (sql: string, from: string, to: string) => sql.replaceAll(`${from}.`, `${to}.`);
  await db.exec('CREATE SCHEMA IF NOT EXISTS payments; CREATE SCHEMA IF NOT EXISTS users;');
  const schemaSql = [
    inSchema(ddl('payments'), 'public', 'payments'),
    inSchema(ddl('users'), 'public', 'users'),
    ddl('analytics'),
  ].join('\n');
  await db.exec(schemaSql);
  const tables: Array<{
    layout: TableLayout<any>;
    table: string;
    rows: () => Iterable<unknown>;
    total: number;
  }> = [
    {
      layout: SUBSCRIPTIONS,
      table: 'payments.subscriptions',
      rows: () => data.subscriptions(),
      total: data.counts.subscriptions,
    },
    { layout: EXPENSES, table: 'finance.expenses', rows: () => data.expenses(), total: data.counts.expenses },
    { layout: ACCOUNTS, table: 'users.accounts', rows: () => data.accounts(), total: data.counts.accounts },
    { layout: EVENTS, table: 'analytics.events', rows: () => data.events(), total: data.counts.events },
    {
      layout: SESSIONS,
      table: 'analytics.sessions',
      rows: () => data.sessions(),
      total: data.counts.sessions,
    },
  ];
  await db.exec(`TRUNCATE ${tables.map((t) => t.table).join(', ')}`);
  // As on a server: load without the secondary indexes, then let the DDL rebuild them.
  await dropSecondaryIndexes(
    db,
    tables.map((t) => t.table),
  );
  for (const { layout, table, rows, total } of tables) {
    const t0 = Date.now();
    let n = 0;
    const columns = layout.columns.map(([name]) => quoteIdentifier(name)).join(', ');
    const report = progress(table, total, log);
    for (const batch of batches(rows(), 10_000)) {
      const csv = `${batch.map((row) => csvLine(layout, row)).join('\n')}\n`;
      await db.query(`COPY ${table} (${columns}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
      n += batch.length;
      report(n);
    }
    log(`demo data: ${table}: ${rate(n, Date.now() - t0)}`);
  }
  await db.exec(schemaSql);
  await db.exec(
    `ANALYZE; ${MARKER_DDL.replaceAll('public.', 'payments.')} TRUNCATE payments._kpi_engine_demo;`,
  );
  await db.query(
    'INSERT INTO payments._kpi_engine_demo (scale, seed, version, ends_at) VALUES ($1, $2, $3, $4)',
    [data.scale, data.seed, GENERATOR_VERSION, new Date(data.end)],
  );
}
