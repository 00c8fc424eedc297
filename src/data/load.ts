/**
 * Loads the demo data set into the sources: PostgreSQL `payments` (public.subscriptions,
 * finance.expenses) and `users` (public.accounts) over pg, MongoDB `analytics` (events, sessions) over the
 * mongodb driver — or everything into one PostgreSQL-compatible database (the embedded default).
 * A marker table/collection `_kpi_engine_demo` records the scale and seed loaded.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdentifier } from '../emit/literal.ts';
import { ACCOUNTS, csvLine, EXPENSES, SUBSCRIPTIONS, type TableLayout } from './columns.ts';
import { batches, DemoDataSet } from './generate.ts';
import { ddl, dropSecondaryIndexes, MARKER_DDL, rate } from './load-common.ts';
import { loadMongo } from './load-mongo.ts';
import { progress } from './progress.ts';
import { DEMO_DATA, GENERATOR_VERSION } from './settings.ts';
import { describe, keep, type SourceState } from './source-state.ts';

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

/** Rows per CSV chunk written to a COPY stream. */
const CSV_CHUNK = 2_000;
function required(env: LoadOptions['env'], name: string): string {
  const value = env[name];
  if (!value) throw new Error(`demo data: ${name} is not set (run \`npm run stack:up\` or export it)`);
  return value;
}

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

export { type EmbeddedDatabase, loadDemoDataIntoPglite } from './load-embedded.ts';
