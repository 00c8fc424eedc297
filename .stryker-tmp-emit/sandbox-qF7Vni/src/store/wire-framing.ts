/**
 * Cuts a PostgreSQL frontend byte stream into whole protocol messages.
 *
 * Why: PGlite's `execProtocolRaw` must be handed whole messages. pglite-socket's handler passes every
 * TCP chunk straight in, so a message longer than one chunk (a Bind with a 66,000-character
 * parameter: Node reads 64 KiB at a time) reached PGlite cut in two and the WASM backend trapped
 * (`RuntimeError: unreachable`), taking the process with it. Framing here means PGlite only ever sees
 * complete messages, whatever their size up to `maxMessageBytes`.
 *
 * Wire format (https://www.postgresql.org/docs/current/protocol-message-formats.html): the startup
 * phase's messages (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) are an Int32 length
 * (counting itself) and a body; every later message is a type byte, then an Int32 length counting
 * itself but not the type byte.
 */
// @ts-nocheck


/** PostgreSQL's own limit for one message (PQ_LARGE_MESSAGE_LIMIT is 1 GB); ours is lower, see below. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export type FrontendFrame =
  /** Whole messages, in order, ready for PGlite (several may share one buffer). */
  | { readonly kind: 'messages'; readonly bytes: Uint8Array }
  /** An SSLRequest or GSSENCRequest: answer 'N' (PGlite speaks plain TCP only) and wait for the startup. */
  | { readonly kind: 'encryption-request' }
  /** A CancelRequest: PGlite cannot cancel a running statement; the connection just closes. */
  | { readonly kind: 'cancel-request' }
  /** A length field out of bounds: the stream cannot be framed any further. */
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Accumulates chunks and hands out whole frames; one per connection. */
export class FrontendFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Chunks of a long message not yet joined onto `pending` (joined once, when it is complete). */
  private parked: Buffer[] = [];
  private parkedBytes = 0;
  /** Bytes `pending` must hold before framing can go on (0: unknown yet). */
  private awaiting = 0;
  private inStartup = true;
  private failed = false;

  constructor(private readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pending.length + this.parkedBytes;
  }

  /** Adds a chunk and returns every frame it completes (whole messages are batched together). */
  push(chunk: Uint8Array): FrontendFrame[] {
    if (this.failed) return [];
    // Joining every 64 KiB chunk onto the buffer would copy a long message quadratically: chunks wait
    // aside until the message they belong to is complete.
    this.parked.push(Buffer.from(chunk));
    this.parkedBytes += chunk.length;
    if (this.pending.length + this.parkedBytes < this.awaiting) return [];
    this.pending = Buffer.concat([this.pending, ...this.parked]);
    this.parked = [];
    this.parkedBytes = 0;
    this.awaiting = 0;
    const frames: FrontendFrame[] = [];
    let batchStart = 0;
    let offset = 0;
    const flushBatch = () => {
      if (offset > batchStart) {
        frames.push({ kind: 'messages', bytes: new Uint8Array(this.pending.subarray(batchStart, offset)) });
      }
    };
    while (true) {
      const headerBytes = this.inStartup ? 4 : 5;
      if (this.pending.length - offset < headerBytes) break;
      const length = this.pending.readInt32BE(offset + headerBytes - 4);
      const minimum = this.inStartup ? 8 : 4;
      if (length < minimum) {
        flushBatch();
        this.failed = true;
        frames.push({ kind: 'malformed', reason: `message length ${length} is below ${minimum}` });
        this.pending = Buffer.alloc(0);
        return frames;
      }
      const total = length + headerBytes - 4;
      if (total > this.maxMessageBytes) {
        flushBatch();
        this.failed = true;
        frames.push({ kind: 'too-large', bytes: total });
        this.pending = Buffer.alloc(0);
        return frames;
      }
      if (this.pending.length - offset < total) {
        this.awaiting = total;
        break;
      }
      if (this.inStartup) {
        const code = this.pending.readInt32BE(offset + 4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          flushBatch();
          frames.push({ kind: 'encryption-request' });
          offset += total;
          batchStart = offset;
          continue;
        }
        if (code === CANCEL_REQUEST) {
          flushBatch();
          frames.push({ kind: 'cancel-request' });
          this.failed = true;
          this.pending = Buffer.alloc(0);
          return frames;
        }
        // The StartupMessage: every message after it carries a type byte.
        this.inStartup = false;
      }
      offset += total;
    }
    flushBatch();
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }
}

/** An ErrorResponse (severity FATAL) a client shows as the server's message before the socket closes. */
export function fatalErrorResponse(code: string, message: string): Uint8Array {
  const fields = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', code),
    field('M', message),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(fields.length + 4, 1);
  return new Uint8Array(Buffer.concat([header, fields]));
}

const field = (type: string, value: string) =>
  Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(value, 'utf8'), Buffer.from([0])]);
