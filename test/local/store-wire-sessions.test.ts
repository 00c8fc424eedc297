/**
 * The embedded socket server has one PGlite session and a queue of clients. These tests pin the rules
 * that keep the queue moving (a loaded e2e run once saw the stack's metrics store held by one idle
 * client while 167 clients that had given up sat unread in its queue):
 * - a waiting client that disconnects leaves the queue at once;
 * - a cancel request is answered at once, even while another client holds the session;
 * - a client holding the session idle (or idle in a transaction) past its limit while somebody waits is
 *   ended with PostgreSQL's FATAL code, and the next client gets a clean session;
 * - a client that is executing is never ended, and nobody is ended while nobody waits.
 */
import { connect, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transactionStatus } from '../../src/store/embedded-session.ts';
import { type EmbeddedSocket, serveEmbedded } from '../../src/store/embedded-socket.ts';
import { cancelRequest, startupMessage } from '../support/wire-messages.ts';

/** Resolves when `check` holds; polls the server's real state (no fixed sleeps). */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}
const closed = (s: Socket) =>
  new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', resolve)));
const portOf = (url: string) => Number(new URL(url).port);

describe('embedded socket server: one session, a queue that keeps moving', () => {
  let db: PGlite;
  let server: EmbeddedSocket | undefined;
  const clients: pg.Client[] = [];
  const client = async () => {
    const c = new pg.Client({ connectionString: server!.url });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await db.close();
  });

  it('drops waiting clients that disconnect, without waiting for their turn', async () => {
    server = await serveEmbedded(db, { idleInTransactionMs: 3_600_000 });
    const holder = await client();
    await holder.connect();
    await holder.query('BEGIN'); // holds the session; in a transaction, so it is not ended meanwhile
    const gaveUp = await Promise.all(Array.from({ length: 40 }, () => rawSocket(portOf(server!.url))));
    for (const s of gaveUp) s.write(startupMessage('database\0postgres\0'));
    await until(() => server!.clients().waiting === 40, '40 clients wait');
    for (const s of gaveUp) s.end(); // FIN only: the server must read it to notice
    await until(() => server!.clients().waiting === 0, 'the queue is empty');
    expect(server.clients().active).toBe(true);
    expect((await holder.query('SELECT 41 + 1 AS n')).rows[0].n).toBe(42);
  });

  it('answers a cancel request at once while another client holds the session', async () => {
    server = await serveEmbedded(db, { idleInTransactionMs: 3_600_000 });
    const holder = await client();
    await holder.connect();
    await holder.query('BEGIN');
    const canceller = await rawSocket(portOf(server.url));
    canceller.write(cancelRequest());
    await closed(canceller);
    // The holder was never disturbed: still in its transaction, still served.
    expect(server.clients().active).toBe(true);
    expect((await holder.query('SELECT 1 AS n')).rows[0].n).toBe(1);
    await holder.query('COMMIT');
  });

  it('ends an idle session when somebody waits, with 57P05; the next client is served', async () => {
    server = await serveEmbedded(db, { idleSessionMs: 200 });
    const idle = await client();
    await idle.connect();
    await idle.query("SET application_name = 'left behind'");
    const ended = new Promise<{ code?: string }>((resolve) => idle.once('error', resolve));
    const next = await client();
    await next.connect(); // resolves only once the idle session is ended
    expect((await ended).code).toBe('57P05');
    // The reset between clients: nothing of the idle client's session is left.
    expect((await next.query('SHOW application_name')).rows[0].application_name).not.toBe('left behind');
  });

  it('ends a session idle in a transaction when somebody waits, with 25P03, and rolls it back', async () => {
    server = await serveEmbedded(db, { idleSessionMs: 100, idleInTransactionMs: 400 });
    const setup = await client();
    await setup.connect();
    await setup.query('CREATE TABLE IF NOT EXISTS wire_session_t (n int)');
    await setup.query('TRUNCATE wire_session_t');
    await setup.end();
    const holder = await client();
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('INSERT INTO wire_session_t VALUES (1)');
    const ended = new Promise<{ code?: string }>((resolve) => holder.once('error', resolve));
    const next = await client();
    await next.connect();
    expect((await ended).code).toBe('25P03');
    expect((await next.query('SELECT count(*)::int AS n FROM wire_session_t')).rows[0].n).toBe(0);
  });

  it('keeps an idle session while nobody waits, and never ends one that is executing', async () => {
    server = await serveEmbedded(db, { idleSessionMs: 50 });
    const holder = await client();
    await holder.connect();
    let errors = 0;
    holder.on('error', () => errors++);
    await holder.query('SELECT 1');
    // Nobody waits: the session stays, however long it idles (a few check periods here).
    const idleSince = Date.now();
    await until(() => Date.now() - idleSince > 500, 'a few idle-check periods pass');
    expect(errors).toBe(0);
    expect((await holder.query('SELECT 2 AS n')).rows[0].n).toBe(2);
    // A query that runs longer than the idle limit, while another client waits, completes.
    const next = await client();
    const nextConnected = next.connect();
    await until(() => server!.clients().waiting === 1, 'the second client waits');
    const slow = await holder.query('SELECT count(*)::int AS n FROM generate_series(1, 1000000)');
    expect(slow.rows[0].n).toBe(1_000_000);
    await nextConnected;
    expect((await next.query('SELECT 3 AS n')).rows[0].n).toBe(3);
  });
});

describe('transactionStatus (the ReadyForQuery at the end of a reply)', () => {
  const ready = (status: string) => Buffer.from([0x5a, 0, 0, 0, 5, status.charCodeAt(0)]);
  it('reads I, T and E at the end of a reply, and nothing elsewhere', () => {
    const row = Buffer.from([0x44, 0, 0, 0, 6, 0, 0]);
    expect(transactionStatus(Buffer.concat([row, ready('I')]))).toBe('I');
    expect(transactionStatus(Buffer.concat([row, ready('T')]))).toBe('T');
    expect(transactionStatus(ready('E'))).toBe('E');
    expect(transactionStatus(Buffer.concat([ready('I'), row]))).toBeUndefined();
    expect(transactionStatus(Buffer.from([0x5a, 0, 0, 0, 6, 0x49]))).toBeUndefined();
    expect(transactionStatus(ready('X'))).toBeUndefined();
    expect(transactionStatus(new Uint8Array(0))).toBeUndefined();
  });
});
