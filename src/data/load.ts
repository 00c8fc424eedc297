/**
 * Loads the demo data set into the sources: PostgreSQL `payments` (public.subscriptions,
 * finance.expenses) and `users` (public.accounts) over pg, MongoDB `analytics` (events, sessions) over the
 * mongodb driver — or everything into one PostgreSQL-compatible database (the embedded default).
 * A marker table/collection `_kpi_engine_demo` records the scale and seed loaded.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdentifier } from '../emit/literal.ts';
import { assertNever } from '../ir/kpi.ts';
import { ACCOUNTS, csvLine, EVENTS, EXPENSES, SESSIONS, SUBSCRIPTIONS, type TableLayout } from './columns.ts';
import { batches, DemoDataSet } from './generate.ts';
import { progress } from './progress.ts';
import { DEMO_DATA, GENERATOR_VERSION } from './settings.ts';

export type DemoSource = 'payments' | 'users' | 'analytics';
export const DEMO_SOURCES: readonly DemoSource[] = ['payments', 'users', 'analytics'];

export interface LoadOptions {
  readonly scale: number;
  readonly seed?: number;
  /** Where the data ends (epoch ms): default the fixture's pinned end; callers pass settings.ts demoEnd(). */
  readonly end?: number;
  /** PAYMENTS_DB_URL, USERS_DB_URL, ANALYTICS_DB_URL. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Leave a source alone when it already holds this data set (same scale, seed and generator) or rows
   * the loader did not put there; an empty source, or another demo data set, is (re)loaded (stack:up).
   * Without it every source is truncated and loaded.
   */
  readonly onlyIfEmpty?: boolean;
  /** The sources to load (default: all three). */
  readonly sources?: readonly DemoSource[];
  readonly log?: (line: string) => void;
}

/** Documents per MongoDB insertMany. */
const BATCH = 5_000;
/** Rows per CSV chunk written to a COPY stream. */
const CSV_CHUNK = 2_000;
const ddl = (name: string) => readFileSync(new URL(`../../sql/sources/${name}.sql`, import.meta.url), 'utf8');
const MARKER_DDL = `CREATE TABLE IF NOT EXISTS public._kpi_engine_demo (scale double precision NOT NULL, seed integer NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE public._kpi_engine_demo ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;
ALTER TABLE public._kpi_engine_demo ADD COLUMN IF NOT EXISTS ends_at timestamptz;`;

function required(env: LoadOptions['env'], name: string): string {
  const value = env[name];
  if (!value) throw new Error(`demo data: ${name} is not set (run \`npm run stack:up\` or export it)`);
  return value;
}

const rate = (rows: number, ms: number) =>
  `${rows} rows in ${(ms / 1000).toFixed(1)}s (${Math.round(rows / (ms / 1000 || 1e-3))}/s)`;

/** Streams `rows` as CSV through `COPY … FROM STDIN`: the fastest path into a PostgreSQL server. */
async function copyRows<Row>(
  client: pg.ClientBase,
  layout: TableLayout<Row>,
  rows: Iterable<Row>,
  onProgress: (done: number) => void,
): Promise<number> {
  const names = layout.columns.map(([name]) => quoteIdentifier(name)).join(', ');
  let count = 0;
  function* chunks(): Generator<string> {
    for (const batch of batches(rows, CSV_CHUNK)) {
      count += batch.length;
      onProgress(count);
      yield `${batch.map((row) => csvLine(layout, row)).join('\n')}\n`;
    }
  }
  const sink = client.query(copyFrom(`COPY ${layout.table} (${names}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(chunks()), sink);
  return count;
}

async function dropSecondaryIndexes(
  client: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> },
  tables: readonly string[],
): Promise<void> {
  const { rows } = await client.query(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique`,
    [tables],
  );
  for (const row of rows) await client.query(`DROP INDEX ${(row as { name: string }).name}`);
}

/** What a source holds: nothing, the demo data at some scale and seed, or rows we did not load. */
type SourceState =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'demo';
      readonly scale: number;
      readonly seed: number;
      readonly version: number;
      /** Where the loaded data ends; markers written before ends were recorded held the pinned end. */
      readonly end: number;
    }
  /** A load that started and never finished (MongoDB has no transaction around it). */
  | { readonly kind: 'partial' }
  | { readonly kind: 'foreign' };

/** Whether `onlyIfEmpty` leaves a source alone: it holds this very data set, or data we did not load. */
function keep(state: SourceState, data: DemoDataSet): string | null {
  switch (state.kind) {
    case 'empty':
    case 'partial':
      return null;
    case 'demo':
      return state.scale === data.scale &&
        state.seed === data.seed &&
        state.version === GENERATOR_VERSION &&
        state.end === data.end
        ? `already hold the demo data at scale ${data.scale} (seed ${data.seed}, ending ${new Date(data.end).toISOString().slice(0, 10)}); left as they are`
        : null;
    case 'foreign':
      return 'hold rows not loaded by the demo data loader; left as they are';
    default:
      return assertNever(state);
  }
}

function describe(state: SourceState): string {
  switch (state.kind) {
    case 'empty':
      return 'are empty';
    case 'partial':
      return 'hold an interrupted load';
    case 'demo':
      return `hold the demo data at scale ${state.scale} (seed ${state.seed}, generator ${state.version}, ending ${new Date(state.end).toISOString().slice(0, 10)})`;
    case 'foreign':
      return 'hold rows not loaded by the demo data loader';
    default:
      return assertNever(state);
  }
}

async function postgresState(client: pg.ClientBase, tables: readonly string[]): Promise<SourceState> {
  let rows = false;
  for (const table of tables) {
    const exists = await client.query('SELECT to_regclass($1) AS t', [table]);
    if (exists.rows[0]?.t && (await client.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount! > 0)
      rows = true;
  }
  if (!rows) return { kind: 'empty' };
  const marker = await client.query(
    'SELECT scale, seed, version, ends_at FROM public._kpi_engine_demo ORDER BY loaded_at DESC LIMIT 1',
  );
  const row = marker.rows[0] as
    | { scale: number; seed: number; version: number; ends_at: Date | null }
    | undefined;
  return row
    ? {
        kind: 'demo',
        scale: Number(row.scale),
        seed: Number(row.seed),
        version: Number(row.version),
        end: row.ends_at ? row.ends_at.getTime() : DEMO_DATA.end,
      }
    : { kind: 'foreign' };
}

async function loadPostgres(
  url: string,
  schemaSql: string,
  tables: Array<{ layout: TableLayout<any>; rows: () => Iterable<unknown>; total: number }>,
  data: DemoDataSet,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(schemaSql);
    await client.query(MARKER_DDL);
    if (options.onlyIfEmpty) {
      const state = await postgresState(
        client,
        tables.map((t) => t.layout.table),
      );
      const what = tables.map((t) => t.layout.table).join(', ');
      const reason = keep(state, data);
      if (reason) {
        log(`demo data: ${what} ${reason}`);
        return false;
      }
      log(`demo data: ${what} ${describe(state)}; loading scale ${data.scale} (seed ${data.seed})`);
    }
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${tables.map((t) => t.layout.table).join(', ')}, public._kpi_engine_demo`);
    // Secondary indexes are dropped for the load and rebuilt by the DDL after it: measured 110k rows/s
    // for subscriptions against 60k/s with the indexes kept (and 40k/s with batched unnest INSERTs).
    // All inside the transaction, so no reader ever sees a table without its indexes.
    await dropSecondaryIndexes(
      client,
      tables.map((t) => t.layout.table),
    );
    for (const { layout, rows, total } of tables) {
      const t0 = Date.now();
      const n = await copyRows(client, layout, rows(), progress(layout.table, total, log));
      log(`demo data: ${layout.table}: ${rate(n, Date.now() - t0)}`);
    }
    await client.query(schemaSql);
    await client.query(
      'INSERT INTO public._kpi_engine_demo (scale, seed, version, ends_at) VALUES ($1, $2, $3, $4)',
      [data.scale, data.seed, GENERATOR_VERSION, new Date(data.end)],
    );
    await client.query('COMMIT');
    for (const { layout } of tables) await client.query(`ANALYZE ${layout.table}`);
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function loadMongo(
  url: string,
  data: DemoDataSet,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const client = new MongoClient(url);
  await client.connect();
  try {
    const db = client.db();
    const events = db.collection('events');
    const sessions = db.collection('sessions');
    const marker = db.collection('_kpi_engine_demo');
    if (options.onlyIfEmpty) {
      const held = (await events.findOne({})) !== null || (await sessions.findOne({})) !== null;
      const last = held ? await marker.findOne({}, { sort: { loaded_at: -1 } }) : null;
      const state: SourceState = !held
        ? { kind: 'empty' }
        : !last
          ? { kind: 'foreign' }
          : last.complete !== false // markers written before `complete` existed were complete
            ? {
                kind: 'demo',
                scale: Number(last.scale),
                seed: Number(last.seed),
                version: Number(last.version ?? 1),
                end: last.end instanceof Date ? last.end.getTime() : DEMO_DATA.end,
              }
            : { kind: 'partial' };
      const reason = keep(state, data);
      if (reason) {
        log(`demo data: analytics.events, analytics.sessions ${reason}`);
        return false;
      }
      log(
        `demo data: analytics.events, analytics.sessions ${describe(state)}; loading scale ${data.scale} (seed ${data.seed})`,
      );
    }
    // The marker says "loading" first and "complete" last, so an interrupted load is reloaded next time.
    await marker.deleteMany({});
    const { insertedId } = await marker.insertOne({
      scale: data.scale,
      seed: data.seed,
      version: GENERATOR_VERSION,
      end: new Date(data.end),
      complete: false,
      loaded_at: new Date(),
    });
    for (const [name, collection, rows] of [
      ['events', events, () => data.events()],
      ['sessions', sessions, () => data.sessions()],
    ] as const) {
      // Dropping is far faster than deleting documents one by one; the indexes are rebuilt below.
      await collection.drop().catch(() => false);
      const t0 = Date.now();
      let n = 0;
      // One insertMany at a time (mongo-java-server slows down under concurrent writes: measured 13k
      // docs/s with one in flight, 9k with three), but the next batch is generated while it runs.
      let pending: Promise<unknown> = Promise.resolve();
      const report = progress(`analytics.${name}`, data.counts[name], log);
      for (const batch of batches<any>(rows(), BATCH)) {
        await pending;
        report(n);
        pending = collection.insertMany(batch, { ordered: false });
        n += batch.length;
      }
      await pending;
      log(`demo data: analytics.${name}: ${rate(n, Date.now() - t0)}`);
    }
    await events.createIndex({ ts: 1 });
    await sessions.createIndex({ started_at: 1 });
    await marker.updateOne({ _id: insertedId }, { $set: { complete: true, loaded_at: new Date() } });
    return true;
  } finally {
    await client.close();
  }
}

/** The variable holding each demo source's URL: what a reload tells rollups built on it (rollup/reload.ts). */
export const DEMO_SOURCE_ENV: Readonly<Record<DemoSource, string>> = {
  payments: 'PAYMENTS_DB_URL',
  users: 'USERS_DB_URL',
  analytics: 'ANALYTICS_DB_URL',
};

/**
 * Loads every source named in `env`; the same seed and scale always give the same rows. Returns the
 * sources it (re)loaded — those `onlyIfEmpty` left alone are not among them.
 */
export async function loadDemoData(options: LoadOptions): Promise<DemoSource[]> {
  const log = options.log ?? (() => {});
  const data = new DemoDataSet({
    scale: options.scale,
    seed: options.seed ?? DEMO_DATA.seed,
    end: options.end,
  });
  const sources = new Set(options.sources ?? DEMO_SOURCES);
  const loaded: DemoSource[] = [];
  if (
    sources.has('payments') &&
    (await loadPostgres(
      required(options.env, 'PAYMENTS_DB_URL'),
      ddl('payments'),
      [
        { layout: SUBSCRIPTIONS, rows: () => data.subscriptions(), total: data.counts.subscriptions },
        { layout: EXPENSES, rows: () => data.expenses(), total: data.counts.expenses },
      ],
      data,
      options,
      log,
    ))
  )
    loaded.push('payments');
  if (
    sources.has('users') &&
    (await loadPostgres(
      required(options.env, 'USERS_DB_URL'),
      ddl('users'),
      [{ layout: ACCOUNTS, rows: () => data.accounts(), total: data.counts.accounts }],
      data,
      options,
      log,
    ))
  )
    loaded.push('users');
  if (
    sources.has('analytics') &&
    (await loadMongo(required(options.env, 'ANALYTICS_DB_URL'), data, options, log))
  )
    loaded.push('analytics');
  return loaded;
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
