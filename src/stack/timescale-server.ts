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
import { createServer, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const [dataDir, host = '127.0.0.1', portText = '55433'] = process.argv.slice(2);
  if (!dataDir) {
    console.error('usage: timescale-server.ts DATA_DIR [HOST] [PORT]');
    process.exit(2);
  }
  const started = Date.now();
  const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');

  // PGlite sets some parameters for its session at boot (search_path = public); DISCARD ALL would
  // reset them to the command-line values (search_path = pg_catalog), so they are put back after it.
  const bootSettings = (
    await db.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE source = 'session'",
    )
  ).rows;

  const waiting: Socket[] = [];
  let active: PGLiteSocketHandler | undefined;

  const resetSession = async () => {
    // ROLLBACK only warns when no transaction is open; DISCARD ALL drops prepared statements, temp
    // tables, SET values and advisory locks.
    // Two statements, two calls: in one string they would form an implicit transaction block, where
    // DISCARD ALL is not allowed.
    try {
      await db.exec('ROLLBACK');
      await db.exec('DISCARD ALL');
      for (const { name, setting } of bootSettings) {
        await db.query('SELECT set_config($1, $2, false)', [name, setting]);
      }
    } catch (error) {
      console.error('timescale-server: session reset failed:', error);
    }
  };

  const serveNext = async (): Promise<void> => {
    if (active) return;
    const socket = waiting.shift();
    if (!socket) return;
    if (socket.destroyed) return serveNext();
    const handler = new PGLiteSocketHandler({ db, closeOnDetach: true });
    active = handler;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      // The handler releases PGlite's exclusive lock right after this event; reset after it.
      setImmediate(async () => {
        await resetSession();
        active = undefined;
        void serveNext();
      });
    };
    handler.addEventListener('close', finish);
    handler.addEventListener('error', finish);
    try {
      await handler.attach(socket);
    } catch (error) {
      console.error('timescale-server: attach failed:', error);
      finish();
    }
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    waiting.push(socket);
    socket.once('close', () => {
      const index = waiting.indexOf(socket);
      if (index >= 0) waiting.splice(index, 1);
    });
    void serveNext();
  });

  const shutdown = async (signal: string) => {
    console.log(`timescale-server: ${signal}, closing`);
    server.close();
    for (const socket of waiting) socket.destroy();
    active?.detach(true);
    // A clean close checkpoints the data folder, so the next start needs no recovery.
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  server.listen(Number(portText), host, () => {
    console.log(
      `timescale-server: PGlite with TimescaleDB on ${host}:${portText} (${dataDir}), ready in ${Date.now() - started} ms`,
    );
  });
}

await main();
