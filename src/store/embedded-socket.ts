/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol (127.0.0.1, a random port unless told),
 * so the engine reaches the embedded demo database through the same `pg` path it uses for a real server;
 * the local stack's metrics store (src/stack/timescale-server.ts) serves its PGlite the same way.
 * PGlite is one single-user backend: clients are served one at a time in arrival order, and the
 * session is reset between them so one client's SET or open transaction never leaks into the next.
 */
import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

export interface EmbeddedSocket {
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  /** Where failures of a session reset or an attach are reported; silent by default. */
  readonly log?: (message: string, error: unknown) => void;
}

export async function serveEmbedded(db: PGlite, options: ServeOptions = {}): Promise<EmbeddedSocket> {
  const { host = '127.0.0.1', port: wantedPort = 0, log = () => {} } = options;
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
  const waiting: Socket[] = [];
  let active: PGLiteSocketHandler | undefined;

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
      // The handler releases PGlite's exclusive lock right after its close event.
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
      log('attach failed', error);
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
  await new Promise<void>((resolve) => server.listen(wantedPort, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgresql://postgres:postgres@${host}:${port}/postgres`,
    async close() {
      for (const socket of waiting) socket.destroy();
      active?.detach(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
