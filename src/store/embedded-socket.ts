/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol (127.0.0.1, a random port unless told),
 * so the engine reaches the embedded demo database through the same `pg` path it uses for a real server;
 * the local stack's metrics store (src/stack/timescale-server.ts) serves its PGlite the same way.
 * PGlite is one single-user backend: clients are served one at a time in arrival order, and the
 * session is reset between them so one client's SET or open transaction never leaks into the next.
 * While others wait, a client may not hold the session idle for long: an idle session is ended after
 * `idleSessionMs`, one left in a transaction (or mid extended-protocol batch) after
 * `idleInTransactionMs`, with PostgreSQL's own FATAL codes (57P05, 25P03). Without that a pool's idle
 * connection, or a client that stopped reading a cursor, blocked every other client for minutes.
 *
 * Connections are framed here (wire-framing.ts) rather than by pglite-socket's handler, which handed
 * PGlite raw TCP chunks: a message longer than one chunk crashed the WASM backend and the process.
 */
import { createServer } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { WireSession } from './embedded-session.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from './wire-framing.ts';

export interface EmbeddedSocket {
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  /** Who holds the one session and how many wait (closed clients leave the queue at once). */
  clients(): { readonly active: boolean; readonly waiting: number };
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  /** A longer message is answered with a FATAL error (SQLSTATE 54000) and the connection closed. */
  readonly maxMessageBytes?: number;
  /** Where failures of a session reset or an attach are reported; silent by default. */
  readonly log?: (message: string, error: unknown) => void;
  /**
   * PGlite threw while executing a message: its WASM state can no longer be trusted. The connection is
   * closed; the owner decides what to do with the database (the embedded engine's worker restarts).
   */
  readonly onBackendFailure?: (error: unknown) => void;
  /** While another client waits: how long an idle session may stay open (default 2 s). */
  readonly idleSessionMs?: number;
  /** While another client waits: how long a session may sit in a transaction doing nothing (default 30 s). */
  readonly idleInTransactionMs?: number;
}

const IDLE_CHECK_MS = 100;

export async function serveEmbedded(db: PGlite, options: ServeOptions = {}): Promise<EmbeddedSocket> {
  const {
    host = '127.0.0.1',
    port: wantedPort = 0,
    log = () => {},
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    onBackendFailure = () => {},
    idleSessionMs = 2_000,
    idleInTransactionMs = 30_000,
  } = options;
  // PGlite sets some parameters for its session at boot (search_path = public); DISCARD ALL would
  // reset them to the command-line values, so they are put back after it (as src/stack does).
  const bootSettings = (
    await db.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE source = 'session'",
    )
  ).rows;
  const resetSession = async () => {
    try {
      // Separate calls: in one string they would form an implicit transaction, where DISCARD ALL fails.
      await db.exec('ROLLBACK');
      await db.exec('DISCARD ALL');
      for (const { name, setting } of bootSettings) {
        await db.query('SELECT set_config($1, $2, false)', [name, setting]);
      }
    } catch (error) {
      // The next client still gets a working session; at worst with a leftover setting.
      log('session reset failed', error);
    }
  };
  const waiting: WireSession[] = [];
  let active: WireSession | undefined;

  const serveNext = async (): Promise<void> => {
    if (active) return;
    const session = waiting.shift();
    if (!session) return;
    if (session.closed) return serveNext();
    active = session;
    try {
      await serveExclusively(db, session, (error) => {
        log('PGlite failed on a message', error);
        onBackendFailure(error);
      });
    } catch (error) {
      log('connection failed', error);
    }
    await resetSession();
    active = undefined;
    void serveNext();
  };

  // Ends the active session when it holds PGlite idle past its limit while somebody waits.
  const idleCheck = setInterval(() => {
    if (!active || !waiting.some((s) => !s.closed)) return;
    const idle = active.waitingOnClient;
    if (!idle) return;
    const idleFor = performance.now() - idle.since;
    if (idle.state === 'I' && idleFor >= idleSessionMs) {
      void active.terminate(
        '57P05',
        `terminating connection due to idle-session timeout (${idleSessionMs} ms; the embedded server has one session and another client is waiting)`,
      );
    } else if (idle.state !== 'I' && idleFor >= idleInTransactionMs) {
      void active.terminate(
        '25P03',
        `terminating connection due to idle-in-transaction timeout (${idleInTransactionMs} ms; the embedded server has one session and another client is waiting)`,
      );
    }
  }, IDLE_CHECK_MS);
  idleCheck.unref();

  const server = createServer((socket) => {
    const session = new WireSession(socket, maxMessageBytes);
    waiting.push(session);
    session.onClose(() => {
      const index = waiting.indexOf(session);
      if (index >= 0) waiting.splice(index, 1);
    });
    void serveNext();
  });
  await new Promise<void>((resolve) => server.listen(wantedPort, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgresql://postgres:postgres@${host}:${port}/postgres`,
    clients: () => ({ active: active !== undefined, waiting: waiting.length }),
    async close() {
      clearInterval(idleCheck);
      for (const session of [...waiting]) session.close();
      active?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves one client while holding PGlite exclusively; resolves when the connection is gone. */
async function serveExclusively(
  db: PGlite,
  session: WireSession,
  onBackendFailure: (error: unknown) => void,
): Promise<void> {
  await db.waitReady;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await new Promise<void>((acquired) => {
    db.runExclusive(() => {
      acquired();
      return held;
    }).catch(() => {});
  });
  try {
    await session.serve(db, onBackendFailure);
  } finally {
    release();
  }
}
