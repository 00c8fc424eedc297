/**
 * The stream's WebSocket on a real HTTP server: a client gets the value, a client that sends a large
 * message is closed with 1009 (message too big) instead of being buffered, and a closed client is
 * unsubscribed (its question stops when nobody else listens); the server goes on.
 */
// @ts-nocheck


import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptWebSockets, WS_MAX_PAYLOAD_BYTES } from '../../src/api/routes/stream.ts';
import { type Harness, harness, json, ordersRevenue, revenueDef } from './api-support.ts';

const RANGE = 'start=2025-01-01&end=2025-03-01';

/** Polls real state (the test's timeout bounds it). */
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

describe('realtime stream (WebSocket)', () => {
  let h: Harness;
  let close = async () => {};
  afterEach(async () => {
    await close();
    await h?.close();
  });

  it('pushes the value, closes an oversized sender with 1009, and lets closed clients go', async () => {
    h = await harness({ realtime: { intervalMs: 50 } });
    expect(
      (await h.app.request('/api/definitions', json({ ...revenueDef, schedule: { frequency: 'realtime' } })))
        .status,
    ).toBe(201);
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    acceptWebSockets(h.app, server);
    await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
    close = () => new Promise<void>((r) => server.close(() => r()));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/metrics/revenue/stream?${RANGE}`;

    const ws = new WebSocket(url);
    const first = await new Promise<{ type: string; data: { value: number } }>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(String(m))));
      ws.once('error', reject);
    });
    expect(first.type).toBe('value');
    expect(first.data.value).toBe(await ordersRevenue(h.db, '2025-01-01', '2025-03-01'));

    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Buffer.alloc(WS_MAX_PAYLOAD_BYTES + 1, 97));
    expect(await closed).toBe(1009);
    // The closed client is no longer subscribed, and with nobody listening the question stops.
    await until(() => h.hub!.stats.subscribers === 0 && h.hub!.stats.topics === 0);

    // The service goes on: a new client still gets the value.
    const again = new WebSocket(url);
    const next = await new Promise<{ type: string }>((resolve, reject) => {
      again.once('message', (m) => resolve(JSON.parse(String(m))));
      again.once('error', reject);
    });
    expect(next.type).toBe('value');
    expect(h.hub!.stats.subscribers).toBe(1);
    again.close();
    await until(() => h.hub!.stats.subscribers === 0);
  });
});
