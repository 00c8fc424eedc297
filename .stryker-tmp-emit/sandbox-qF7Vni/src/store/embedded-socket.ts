/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol (127.0.0.1, a random port unless told),
 * so the engine reaches the embedded demo database through the same `pg` path it uses for a real server;
 * the local stack's metrics store (src/stack/timescale-server.ts) serves its PGlite the same way.
 * PGlite is one single-user backend: clients are served one at a time in arrival order, and the
 * session is reset between them so one client's SET or open transaction never leaks into the next.
 *
 * Connections are framed here (wire-framing.ts) rather than by pglite-socket's handler, which handed
 * PGlite raw TCP chunks: a message longer than one chunk crashed the WASM backend and the process.
 */
// @ts-nocheck

import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type FrontendFrame,
  FrontendFramer,
  fatalErrorResponse,
} from './wire-framing.ts';

export interface EmbeddedSocket {
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
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
}

const ENCRYPTION_REFUSED = new Uint8Array([0x4e]); // 'N': no SSL/GSS, continue in plain text

export async function serveEmbedded(db: PGlite, options: ServeOptions = {}): Promise<EmbeddedSocket> {
  const {
    host = '127.0.0.1',
    port: wantedPort = 0,
    log = () => {},
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    onBackendFailure = () => {},
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
  const waiting: Socket[] = [];
  let active: Socket | undefined;

  const serveNext = async (): Promise<void> => {
    if (active) return;
    const socket = waiting.shift();
    if (!socket) return;
    if (socket.destroyed) return serveNext();
    active = socket;
    try {
      await serveConnection(db, socket, maxMessageBytes, (error) => {
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
      active?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Serves one client while holding PGlite exclusively; resolves when the connection is gone. Frames are
 * executed strictly in order, one at a time, whatever the TCP chunking.
 */
async function serveConnection(
  db: PGlite,
  socket: Socket,
  maxMessageBytes: number,
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
    await new Promise<void>((done) => {
      const framer = new FrontendFramer(maxMessageBytes);
      const queue: FrontendFrame[] = [];
      let busy = false;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        socket.destroy();
        done();
      };
      const write = (bytes: Uint8Array) =>
        new Promise<void>((resolve) => {
          if (!socket.writable) return resolve();
          socket.write(bytes, () => resolve());
        });
      const refuse = async (code: string, message: string) => {
        await write(fatalErrorResponse(code, message));
        end();
      };
      const pump = async () => {
        if (busy) return;
        busy = true;
        try {
          while (queue.length > 0 && !ended) {
            const frame = queue.shift()!;
            switch (frame.kind) {
              case 'messages': {
                let reply: Uint8Array;
                try {
                  reply = await db.execProtocolRaw(frame.bytes);
                } catch (error) {
                  onBackendFailure(error);
                  end();
                  return;
                }
                if (reply.length > 0) await write(reply);
                break;
              }
              case 'encryption-request':
                await write(ENCRYPTION_REFUSED);
                break;
              case 'cancel-request':
                end();
                break;
              case 'too-large':
                await refuse(
                  '54000',
                  `message of ${frame.bytes} bytes exceeds the embedded server's limit of ${maxMessageBytes} bytes`,
                );
                break;
              case 'malformed':
                await refuse('08P01', `invalid message: ${frame.reason}`);
                break;
              default:
                frame satisfies never;
            }
          }
        } finally {
          busy = false;
        }
      };
      socket.on('data', (chunk: Buffer) => {
        queue.push(...framer.push(chunk));
        void pump();
      });
      socket.on('error', end);
      socket.on('close', end);
    });
  } finally {
    release();
  }
}
