/**
 * Loads the demo data set into the sources: PostgreSQL `payments` (public.subscriptions,
 * finance.expenses) and `users` (public.accounts) over pg, MongoDB `analytics` (events, sessions) over the
 * mongodb driver — or everything into one PostgreSQL-compatible database (the embedded default).
 * A marker table/collection `_kpi_engine_demo` records the scale and seed loaded.
 */
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import {
  ACCOUNTS,
  csvLine,
  EVENTS,
  EXPENSES,
  pgText,
  SESSIONS,
  SUBSCRIPTIONS,
  type TableLayout,
} from './columns.ts';
import { batches, DemoDataSet } from './generate.ts';
import { DEMO_DATA } from './settings.ts';

export interface LoadOptions {
  readonly scale: number;
  readonly seed?: number;
  /** PAYMENTS_DB_URL, USERS_DB_URL, ANALYTICS_DB_URL. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Leave a source alone when it already holds rows (stack:up); otherwise replace its data. */
  readonly onlyIfEmpty?: boolean;
  readonly log?: (line: string) => void;
}

const BATCH = 5_000;
const ddl = (name: string) => readFileSync(new URL(`../../sql/sources/${name}.sql`, import.meta.url), 'utf8');
const MARKER_DDL =
  'CREATE TABLE IF NOT EXISTS public._kpi_engine_demo (scale double precision NOT NULL, seed integer NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())';

function required(env: LoadOptions['env'], name: string): string {
  const value = env[name];
  if (!value) throw new Error(`demo data: ${name} is not set (run \`npm run stack:up\` or export it)`);
  return value;
}

const rate = (rows: number, ms: number) =>
  `${rows} rows in ${(ms / 1000).toFixed(1)}s (${Math.round(rows / (ms / 1000 || 1e-3))}/s)`;

/** Batched `INSERT … SELECT * FROM unnest($1::t1[], …)`: parameters only, one round trip per batch. */
async function insertRows<Row>(
  client: pg.ClientBase,
  layout: TableLayout<Row>,
  rows: Iterable<Row>,
): Promise<number> {
  const names = layout.columns.map(([name]) => `"${name}"`).join(', ');
  const arrays = layout.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${layout.table} (${names}) SELECT * FROM unnest(${arrays})`;
  let count = 0;
  for (const batch of batches(rows, BATCH)) {
    const params = layout.columns.map(([name]) => batch.map((row) => pgText(row[name])));
    await client.query(sql, params);
    count += batch.length;
  }
  return count;
}

async function hasRows(client: pg.ClientBase, table: string): Promise<boolean> {
  const exists = await client.query('SELECT to_regclass($1) AS t', [table]);
  if (!exists.rows[0]?.t) return false;
  return (await client.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount! > 0;
}

async function loadPostgres(
  url: string,
  schemaSql: string,
  tables: Array<{ layout: TableLayout<any>; rows: () => Iterable<unknown> }>,
  data: DemoDataSet,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(schemaSql);
    if (options.onlyIfEmpty) {
      const full = await Promise.all(tables.map((t) => hasRows(client, t.layout.table)));
      if (full.some(Boolean)) {
        log(`demo data: ${tables.map((t) => t.layout.table).join(', ')} already hold rows; left as they are`);
        return;
      }
    }
    await client.query('BEGIN');
    await client.query(MARKER_DDL);
    await client.query(`TRUNCATE ${tables.map((t) => t.layout.table).join(', ')}, public._kpi_engine_demo`);
    for (const { layout, rows } of tables) {
      const t0 = Date.now();
      const n = await insertRows(client, layout, rows());
      log(`demo data: ${layout.table}: ${rate(n, Date.now() - t0)}`);
    }
    await client.query('INSERT INTO public._kpi_engine_demo (scale, seed) VALUES ($1, $2)', [
      data.scale,
      data.seed,
    ]);
    await client.query('COMMIT');
    for (const { layout } of tables) await client.query(`ANALYZE ${layout.table}`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function loadMongo(url: string, data: DemoDataSet, options: LoadOptions, log: (line: string) => void) {
  const client = new MongoClient(url);
  await client.connect();
  try {
    const db = client.db();
    const events = db.collection('events');
    const sessions = db.collection('sessions');
    if (options.onlyIfEmpty && ((await events.findOne({})) || (await sessions.findOne({})))) {
      log('demo data: analytics.events/sessions already hold documents; left as they are');
      return;
    }
    for (const [name, collection, rows] of [
      ['events', events, () => data.events()],
      ['sessions', sessions, () => data.sessions()],
    ] as const) {
      const t0 = Date.now();
      await collection.deleteMany({});
      let n = 0;
      for (const batch of batches<any>(rows(), BATCH)) {
        await collection.insertMany(batch, { ordered: false });
        n += batch.length;
      }
      log(`demo data: analytics.${name}: ${rate(n, Date.now() - t0)}`);
    }
    await events.createIndex({ ts: 1 });
    await sessions.createIndex({ started_at: 1 });
    const marker = db.collection('_kpi_engine_demo');
    await marker.deleteMany({});
    await marker.insertOne({ scale: data.scale, seed: data.seed, loaded_at: new Date() });
  } finally {
    await client.close();
  }
}

/** Loads every source named in `env`; the same seed and scale always give the same rows. */
export async function loadDemoData(options: LoadOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const data = new DemoDataSet({ scale: options.scale, seed: options.seed ?? DEMO_DATA.seed });
  await loadPostgres(
    required(options.env, 'PAYMENTS_DB_URL'),
    ddl('payments'),
    [
      { layout: SUBSCRIPTIONS, rows: () => data.subscriptions() },
      { layout: EXPENSES, rows: () => data.expenses() },
    ],
    data,
    options,
    log,
  );
  await loadPostgres(
    required(options.env, 'USERS_DB_URL'),
    ddl('users'),
    [{ layout: ACCOUNTS, rows: () => data.accounts() }],
    data,
    options,
    log,
  );
  await loadMongo(required(options.env, 'ANALYTICS_DB_URL'), data, options, log);
}

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
  options: { scale: number; seed?: number; log?: (line: string) => void },
): Promise<void> {
  const log = options.log ?? (() => {});
  const data = new DemoDataSet({ scale: options.scale, seed: options.seed ?? DEMO_DATA.seed });
  const inSchema = (sql: string, from: string, to: string) => sql.replaceAll(`${from}.`, `${to}.`);
  await db.exec('CREATE SCHEMA IF NOT EXISTS payments; CREATE SCHEMA IF NOT EXISTS users;');
  await db.exec(inSchema(ddl('payments'), 'public', 'payments'));
  await db.exec(inSchema(ddl('users'), 'public', 'users'));
  await db.exec(ddl('analytics'));
  const tables: Array<{ layout: TableLayout<any>; table: string; rows: () => Iterable<unknown> }> = [
    { layout: SUBSCRIPTIONS, table: 'payments.subscriptions', rows: () => data.subscriptions() },
    { layout: EXPENSES, table: 'finance.expenses', rows: () => data.expenses() },
    { layout: ACCOUNTS, table: 'users.accounts', rows: () => data.accounts() },
    { layout: EVENTS, table: 'analytics.events', rows: () => data.events() },
    { layout: SESSIONS, table: 'analytics.sessions', rows: () => data.sessions() },
  ];
  await db.exec(`TRUNCATE ${tables.map((t) => t.table).join(', ')}`);
  for (const { layout, table, rows } of tables) {
    const t0 = Date.now();
    let n = 0;
    const columns = layout.columns.map(([name]) => `"${name}"`).join(', ');
    for (const batch of batches(rows(), 50_000)) {
      const csv = `${batch.map((row) => csvLine(layout, row)).join('\n')}\n`;
      await db.query(`COPY ${table} (${columns}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
      n += batch.length;
    }
    log(`demo data: ${table}: ${rate(n, Date.now() - t0)}`);
  }
  await db.exec(`ANALYZE; ${MARKER_DDL.replace('public.', 'payments.')}`);
  await db.query('INSERT INTO payments._kpi_engine_demo (scale, seed) VALUES ($1, $2)', [
    data.scale,
    data.seed,
  ]);
}
