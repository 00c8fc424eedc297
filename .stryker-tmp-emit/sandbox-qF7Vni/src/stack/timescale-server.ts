/**
 * The metrics store of the local stack: PGlite (PostgreSQL 17 in WASM) with TimescaleDB, persisted in a
 * data folder and served over the PostgreSQL wire protocol, run as its own detached process:
 *   node --import tsx src/stack/timescale-server.ts DATA_DIR HOST PORT
 *
 * PGlite is one single-user backend, so clients are served one at a time, in arrival order. Unlike
 * pglite-socket's own PGLiteSocketServer, a waiting client is never dropped after a fixed timeout (its
 * own connect timeout decides), and the session is reset between clients: one backend serves every
 * connection in turn, so an open transaction, SET, or prepared statement would otherwise leak into
 * the next client's session.
 */
// @ts-nocheck

import { PGlite } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import { serveEmbedded } from '../store/embedded-socket.ts';

async function main(): Promise<void> {
  const [dataDir, host = '127.0.0.1', portText = '55433'] = process.argv.slice(2);
  if (!dataDir) {
    console.error('usage: timescale-server.ts DATA_DIR [HOST] [PORT]');
    process.exit(2);
  }
  const started = Date.now();
  const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  // One client at a time, the session reset between clients: the same server as the embedded default's.
  const server = await serveEmbedded(db, {
    host,
    port: Number(portText),
    log: (message, error) => console.error(`timescale-server: ${message}:`, error),
  });

  const shutdown = async (signal: string) => {
    console.log(`timescale-server: ${signal}, closing`);
    await server.close();
    // A clean close checkpoints the data folder, so the next start needs no recovery.
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  console.log(
    `timescale-server: PGlite with TimescaleDB on ${host}:${portText} (${dataDir}), ready in ${Date.now() - started} ms`,
  );
}

await main();
