/**
 * Realtime pushes on the real stack (`npm start` federated: MongoDB-wire server through Trino): a
 * `realtime` KPI over analytics.sessions, streamed over SSE and WebSocket while sessions are written to
 * MongoDB. Each pushed value equals the sum MongoDB itself computes (the oracle), in order, on both
 * transports; a client reconnecting with Last-Event-ID gets what it missed. The KPI's range is one of
 * its own (2031), where the demo data has no sessions, and the rows written are removed after.
 */
// @ts-nocheck

import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { sseReader } from '../support/sse.ts';
import { type RunningService, startService } from './api-support.ts';

const env = inject('stackEnv');
const KPI = `rt_${randomBytes(4).toString('hex')}`;
const RANGE = { start: '2031-01-01T00:00:00Z', end: '2031-02-01T00:00:00Z' };
const QUERY = `start=${RANGE.start}&end=${RANGE.end}&tz=UTC`;

interface Session {
  _id: string;
  account_id: number;
  started_at: Date;
  duration_s: number;
  device: string;
}

interface Pushed {
  id: number;
  type: string;
  value: number | null;
}

/** SSE value events from a fetch response, as they come. */
function sse(res: Response) {
  const events = sseReader(res);
  return {
    async next(): Promise<Pushed> {
      const e = await events.next();
      return { id: Number(e.id), type: e.event!, value: JSON.parse(e.data!).value };
    },
    cancel: () => events.cancel(),
  };
}

/** WebSocket messages, queued as they come. */
function socket(url: string) {
  const ws = new WebSocket(url);
  const queue: Pushed[] = [];
  const waiting: ((p: Pushed) => void)[] = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as { id: number; type: string; data: { value: number | null } };
    const p = { id: m.id, type: m.type, value: m.data.value };
    const w = waiting.shift();
    if (w) w(p);
    else queue.push(p);
  });
  return {
    next: () =>
      new Promise<Pushed>((resolve, reject) => {
        const p = queue.shift();
        if (p) return resolve(p);
        waiting.push(resolve);
        ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
      }),
    close: () => ws.close(),
  };
}

describe('realtime KPI streams on the real stack (SSE and WebSocket)', () => {
  let service: RunningService;
  let mongo: MongoClient;
  const ids: string[] = [];

  /** The oracle: MongoDB's own sum of the sessions in the range (null when there are none). */
  const oracle = async (): Promise<number | null> => {
    const [row] = await mongo
      .db()
      .collection('sessions')
      .aggregate([
        { $match: { started_at: { $gte: new Date(RANGE.start), $lt: new Date(RANGE.end) } } },
        { $group: { _id: null, v: { $sum: '$duration_s' }, n: { $sum: 1 } } },
      ])
      .toArray();
    return row && row.n > 0 ? Number(row.v) : null;
  };
  const addSession = async (duration: number, day: number) => {
    const id = `${KPI}-${ids.length}`;
    ids.push(id);
    await mongo
      .db()
      .collection<Session>('sessions')
      .insertOne({
        _id: id,
        account_id: 1,
        started_at: new Date(Date.UTC(2031, 0, day, 12)),
        duration_s: duration,
        device: 'web',
      });
  };

  beforeAll(async () => {
    mongo = new MongoClient(env.ANALYTICS_DB_URL!);
    await mongo.connect();
    service = await startService({
      ...(env as Record<string, string>),
      ENABLE_SCHEDULER: 'false',
      REALTIME_INTERVAL_MS: '250',
    });
    const created = await fetch(`${service.url}/api/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `kpi ${KPI} { formula: sum(analytics.sessions.duration_s)\n schedule: realtime }`,
    });
    expect(created.status).toBe(201);
  }, 600_000);

  afterAll(async () => {
    // The stack's definitions outlive this file: a realtime KPI left there would be caught up minute by
    // minute (SCHEDULER_CATCHUP_HOURS) by every later service started with the scheduler on.
    if (service)
      expect((await fetch(`${service.url}/api/definitions/${KPI}`, { method: 'DELETE' })).status).toBe(204);
    await mongo
      ?.db()
      .collection<Session>('sessions')
      .deleteMany({ _id: { $in: ids } });
    await mongo?.close();
    await service?.stop();
  }, 120_000);

  it('pushes each new value to SSE and WebSocket subscribers, in order, equal to MongoDB’s own sum', async () => {
    const events = sse(await fetch(`${service.url}/api/metrics/${KPI}/stream?${QUERY}`));
    const ws = socket(`${service.url.replace('http', 'ws')}/api/metrics/${KPI}/stream?${QUERY}`);
    const first = await events.next();
    expect(first).toMatchObject({ type: 'value', value: await oracle() });
    expect(await ws.next()).toEqual(first); // one computation, the same event for both

    await addSession(30, 5);
    const second = await events.next();
    expect(second.value).toBe(await oracle());
    expect(second.value).toBe(30);
    expect(await ws.next()).toEqual(second);

    await addSession(12, 20);
    const third = await events.next();
    expect(third.value).toBe(await oracle());
    expect(await ws.next()).toEqual(third);
    expect([first.id, second.id, third.id]).toEqual([first.id, second.id, third.id].sort((a, b) => a - b));

    // A client that saw only the first event reconnects: the two it missed, in order.
    const resumed = sse(
      await fetch(`${service.url}/api/metrics/${KPI}/stream?${QUERY}`, {
        headers: { 'Last-Event-ID': String(first.id) },
      }),
    );
    expect([await resumed.next(), await resumed.next()]).toEqual([second, third]);
    await Promise.all([events.cancel(), resumed.cancel()]);
    ws.close();
  });

  it('answers a stream of an unknown KPI or a bad parameter with a 4xx, on both transports', async () => {
    expect((await fetch(`${service.url}/api/metrics/nope_${KPI}/stream`)).status).toBe(404);
    const bad = await fetch(`${service.url}/api/metrics/${KPI}/stream?tz=Mars/Olympus`);
    expect(bad.status).toBe(400);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${service.url.replace('http', 'ws')}/api/metrics/nope_${KPI}/stream`);
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => {});
    });
    expect(refused).toBe('404');
  });
});
