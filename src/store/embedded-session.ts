/**
 * One client connection of the embedded socket server (embedded-socket.ts), from accept to close.
 *
 * The socket is read from the moment it connects, also while it waits its turn: an unread socket never
 * sees its client's FIN, so a client that gave up would sit in the queue (CLOSE-WAIT) until its turn came,
 * and a cancel request (which PostgreSQL clients send on a new connection) would wait behind the very
 * session it means to cancel. Bytes read while waiting are framed and queued, and reading pauses once
 * `maxMessageBytes` are queued, so a waiting client costs bounded memory.
 */
import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { type FrontendFrame, FrontendFramer, fatalErrorResponse } from './wire-framing.ts';

const ENCRYPTION_REFUSED = new Uint8Array([0x4e]); // 'N': no SSL/GSS, continue in plain text
const READY_FOR_QUERY = 0x5a; // 'Z', length 5, then the transaction status byte

/**
 * Where the client left the session after the last reply: 'I' idle, 'T' in a transaction, 'E' in a
 * failed transaction, 'open' when the reply had no ReadyForQuery (startup, or an extended-protocol batch
 * whose Sync has not come yet).
 */
export type SessionState = 'I' | 'T' | 'E' | 'open';

export class WireSession {
  readonly #socket: Socket;
  readonly #framer: FrontendFramer;
  readonly #maxMessageBytes: number;
  readonly #frames: FrontendFrame[] = [];
  #queuedBytes = 0;
  #closed = false;
  #serving: { db: PGlite; onBackendFailure: (error: unknown) => void; done: () => void } | undefined;
  #pumping = false;
  #executing = false;
  #state: SessionState = 'open';
  #stateSince = performance.now();
  readonly #closeListeners: (() => void)[] = [];

  constructor(socket: Socket, maxMessageBytes: number) {
    this.#socket = socket;
    this.#maxMessageBytes = maxMessageBytes;
    this.#framer = new FrontendFramer(maxMessageBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.close());
    socket.on('end', () => this.close()); // the client half-closed: it sends nothing more
    socket.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * How the session waits for its client, and since when (performance.now()); undefined while PGlite
   * executes one of its messages or more of them are queued. For the server's idle rules.
   */
  get waitingOnClient(): { readonly state: SessionState; readonly since: number } | undefined {
    if (this.#executing || this.#frames.length > 0) return undefined;
    return { state: this.#state, since: this.#stateSince };
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  /** Serves the client with `db` (held exclusively by the caller); resolves when the connection is gone. */
  serve(db: PGlite, onBackendFailure: (error: unknown) => void): Promise<void> {
    return new Promise<void>((done) => {
      if (this.#closed) return done();
      this.#serving = { db, onBackendFailure, done };
      void this.#pump();
    });
  }

  /** Ends the session with a FATAL error the client can read (e.g. an idle timeout), then closes. */
  async terminate(code: string, message: string): Promise<void> {
    if (this.#closed) return;
    await this.#write(fatalErrorResponse(code, message));
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#frames.length = 0;
    this.#socket.destroy();
    this.#serving?.done();
    for (const listener of this.#closeListeners.splice(0)) listener();
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    for (const frame of this.#framer.push(chunk)) {
      // A cancel request is the whole of its connection; answered at once, whether served or waiting.
      if (frame.kind === 'cancel-request') {
        this.close();
        return;
      }
      this.#frames.push(frame);
      if (frame.kind === 'messages') this.#queuedBytes += frame.bytes.length;
    }
    if (!this.#serving && this.#queuedBytes + this.#framer.buffered >= this.#maxMessageBytes) {
      this.#socket.pause(); // resumed when its turn comes
    }
    void this.#pump();
  }

  #write(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.#socket.writable) return resolve();
      this.#socket.write(bytes, () => resolve());
    });
  }

  async #refuse(code: string, message: string): Promise<void> {
    await this.#write(fatalErrorResponse(code, message));
    this.close();
  }

  async #pump(): Promise<void> {
    const serving = this.#serving;
    if (!serving || this.#pumping) return;
    this.#pumping = true;
    this.#socket.resume();
    try {
      while (this.#frames.length > 0 && !this.#closed) {
        const frame = this.#frames.shift()!;
        switch (frame.kind) {
          case 'messages': {
            this.#queuedBytes -= frame.bytes.length;
            this.#executing = true;
            let reply: Uint8Array;
            try {
              reply = await serving.db.execProtocolRaw(frame.bytes);
            } catch (error) {
              serving.onBackendFailure(error);
              this.close();
              return;
            } finally {
              this.#executing = false;
            }
            if (reply.length > 0) await this.#write(reply);
            this.#state = transactionStatus(reply) ?? 'open';
            this.#stateSince = performance.now();
            break;
          }
          case 'encryption-request':
            await this.#write(ENCRYPTION_REFUSED);
            break;
          case 'cancel-request':
            this.close();
            break;
          case 'too-large':
            await this.#refuse(
              '54000',
              `message of ${frame.bytes} bytes exceeds the embedded server's limit of ${this.#maxMessageBytes} bytes`,
            );
            break;
          case 'malformed':
            await this.#refuse('08P01', `invalid message: ${frame.reason}`);
            break;
          default:
            frame satisfies never;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/**
 * The transaction status of a reply that ends with ReadyForQuery, else undefined (the client has more
 * to send, e.g. an extended-protocol batch before its Sync).
 */
export function transactionStatus(reply: Uint8Array): 'I' | 'T' | 'E' | undefined {
  const at = reply.length - 6;
  if (at < 0 || reply[at] !== READY_FOR_QUERY) return undefined;
  if (reply[at + 1] !== 0 || reply[at + 2] !== 0 || reply[at + 3] !== 0 || reply[at + 4] !== 5)
    return undefined;
  const status = String.fromCharCode(reply[at + 5]!);
  return status === 'I' || status === 'T' || status === 'E' ? status : undefined;
}
