/**
 * The embedded socket server frames the PostgreSQL wire protocol before PGlite sees it: a message longer
 * than one TCP chunk (a 66,000-character parameter) used to reach PGlite cut in two and kill the process
 * with `RuntimeError: unreachable`. Framing is checked as a seeded property over random chunkings, and
 * end to end with `pg` against the real PGlite build.
 */
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedSocket, serveEmbedded } from '../../src/store/embedded-socket.ts';
import { FrontendFramer } from '../../src/store/wire-framing.ts';
import { int32, startupMessage, typedMessage } from '../support/wire-messages.ts';

const startup = () => startupMessage();
const typed = typedMessage;

describe('FrontendFramer (seeded property; a failure prints its seed)', () => {
  it('hands out exactly the stream it was given, in whole messages, however it is chunked', () => {
    const message = fc
      .tuple(fc.constantFrom('P', 'B', 'E', 'S', 'Q', 'D'), fc.uint8Array({ maxLength: 3_000 }))
      .map(([type, body]) => typed(type, body));
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 4_000 }), { minLength: 1, maxLength: 40 }),
        (messages, cuts) => {
          const stream = Buffer.concat([startup(), ...messages]);
          const framer = new FrontendFramer();
          const out: Buffer[] = [];
          let offset = 0;
          let i = 0;
          while (offset < stream.length) {
            const size = cuts[i++ % cuts.length]!;
            for (const frame of framer.push(stream.subarray(offset, offset + size))) {
              expect(frame.kind).toBe('messages');
              if (frame.kind === 'messages') out.push(Buffer.from(frame.bytes));
            }
            offset += size;
          }
          expect(Buffer.concat(out).equals(stream)).toBe(true);
          expect(framer.buffered).toBe(0);
          // Every frame ends on a message boundary: its bytes parse as whole messages.
          for (const frame of out.slice(1)) {
            let at = 0;
            while (at < frame.length) at += 1 + frame.readInt32BE(at + 1);
            expect(at).toBe(frame.length);
          }
        },
      ),
      { seed: 1010, numRuns: 300 },
    );
  });

  it('answers an SSL request itself, and refuses oversized and malformed messages', () => {
    const ssl = Buffer.concat([int32(8), int32(80877103)]);
    const framer = new FrontendFramer(1_000);
    expect(framer.push(Buffer.concat([ssl, startup()])).map((f) => f.kind)).toEqual([
      'encryption-request',
      'messages',
    ]);
    expect(framer.push(typed('Q', new Uint8Array(2_000)).subarray(0, 10))).toEqual([
      { kind: 'too-large', bytes: 2_005 },
    ]);
    expect(new FrontendFramer().push(Buffer.concat([startup(), Buffer.from('Q'), int32(2)]))).toMatchObject([
      { kind: 'messages' },
      { kind: 'malformed' },
    ]);
  });
});

describe('the embedded socket server with large messages (real PGlite, pg client)', () => {
  let db: PGlite;
  let socket: EmbeddedSocket;
  let client: pg.Client;
  beforeAll(async () => {
    db = await PGlite.create();
    socket = await serveEmbedded(db);
    client = new pg.Client({ connectionString: socket.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await socket?.close();
    await db?.close();
  });

  it.each([60_000, 66_000, 1_000_000, 8_000_000])('binds a %i-character parameter', async (n) => {
    const value = 'é'.repeat(n / 2) + "x'".repeat(n / 4);
    const res = await client.query('SELECT length($1::text) AS n, md5($1::text) AS h, md5($2) AS h2', [
      value,
      value,
    ]);
    expect(res.rows[0]).toEqual({ n, h: res.rows[0].h2, h2: res.rows[0].h2 });
  });

  it('binds a 5,000-value IN list and keeps serving afterwards', async () => {
    const values = Array.from({ length: 5_000 }, (_, i) => `value-${i}-${'z'.repeat(20)}`);
    const placeholders = values.map((_, i) => `$${i + 2}`).join(', ');
    const res = await client.query(
      `SELECT count(*)::int AS n FROM unnest($1::text[]) AS v WHERE v IN (${placeholders})`,
      [values.concat(['not-in-the-list']), ...values],
    );
    expect(res.rows[0].n).toBe(5_000);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a message over its limit with an error, not a crash', async () => {
    // The main client holds the database while connected: free it for the second server.
    await client.end();
    const small = await serveEmbedded(db, { maxMessageBytes: 100_000 });
    const other = new pg.Client({ connectionString: small.url });
    other.on('error', () => {});
    try {
      await other.connect();
      await expect(other.query('SELECT length($1::text)', ['x'.repeat(200_000)])).rejects.toThrow(
        /exceeds the embedded server's limit/,
      );
    } finally {
      await other.end().catch(() => {});
      await small.close();
      client = new pg.Client({ connectionString: socket.url });
      await client.connect();
    }
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });
});
