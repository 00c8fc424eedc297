/**
 * GET /api/metrics/{kpiId}/stream (Server-Sent Events) on the real app over PGlite: the first event is
 * the value route's body, a change in the source is pushed with the number hand-written SQL gives, a
 * reconnecting client gets what it missed, many listeners share one computation, bad questions are 4xx
 * before any stream opens, and a client that stops reading is dropped.
 */
// @ts-nocheck

import { afterEach, describe, expect, it } from 'vitest';
import { sseReader as reader, type SseEvent } from '../support/sse.ts';
import { type Harness, harness, json, ordersRevenue, revenueDef } from './api-support.ts';

const RANGE = 'start=2025-01-01&end=2025-03-01';
const realtimeRevenue = { ...revenueDef, schedule: { frequency: 'realtime' } };

const kpiValue = (e: SseEvent) => (JSON.parse(e.data!) as { value: number }).value;

describe('realtime stream (SSE)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const oracle = () => ordersRevenue(h.db, '2025-01-01', '2025-03-01');

  it('pushes the value route’s body first, then every change, in order, equal to hand-written SQL', async () => {
    h = await harness({ realtime: { intervalMs: 30 } });
    expect((await h.app.request('/api/definitions', json(realtimeRevenue))).status).toBe(201);
    const res = await h.app.request(`/api/metrics/revenue/stream?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = reader(res);
    const first = await events.next();
    expect(first.event).toBe('value');
    const route = await (await h.app.request(`/api/metrics/revenue?${RANGE}`)).json();
    expect({ ...JSON.parse(first.data!), computedAt: null }).toEqual({ ...route, computedAt: null });
    expect(kpiValue(first)).toBe(await oracle());

    await h.db.query(`INSERT INTO shop.orders VALUES (100, '2025-02-20T00:00:00Z', 'us', 7)`);
    const second = await events.next();
    expect(kpiValue(second)).toBe(await oracle());
    await h.db.query(`INSERT INTO shop.orders VALUES (101, '2025-02-21T00:00:00Z', 'eu', 5)`);
    const third = await events.next();
    expect(kpiValue(third)).toBe(await oracle());
    expect(Number(second.id)).toBeGreaterThan(Number(first.id));
    expect(Number(third.id)).toBeGreaterThan(Number(second.id));

    // Reconnecting after the first event: the two missed come first, in order.
    const again = reader(
      await h.app.request(`/api/metrics/revenue/stream?${RANGE}`, {
        headers: { 'Last-Event-ID': first.id! },
      }),
    );
    expect([(await again.next()).id, (await again.next()).id]).toEqual([second.id, third.id]);
    await events.cancel();
    await again.cancel();
  });

  it('shares one computation among listeners of the same question', async () => {
    h = await harness({ realtime: { intervalMs: 60_000 } });
    await h.app.request('/api/definitions', json(realtimeRevenue));
    const streams = await Promise.all(
      Array.from({ length: 20 }, async () =>
        reader(await h.app.request(`/api/metrics/revenue/stream?${RANGE}`)),
      ),
    );
    const firsts = await Promise.all(streams.map((s) => s.next()));
    expect(new Set(firsts.map((e) => e.id)).size).toBe(1);
    // Two engine queries (the range and the range before, for the trend), for all twenty listeners.
    expect(h.engine.runs).toBe(2);
    await Promise.all(streams.map((s) => s.cancel()));
  });

  it('answers a bad question with a 4xx before any stream opens', async () => {
    h = await harness({ realtime: {} });
    await h.app.request('/api/definitions', json(realtimeRevenue));
    const unknown = await h.app.request(`/api/metrics/nope/stream?${RANGE}`);
    expect(unknown.status).toBe(404);
    const dimension = await h.app.request(
      `/api/metrics/revenue/stream?${RANGE}&filters=${encodeURIComponent('{"planet":"mars"}')}`,
    );
    expect(dimension.status).toBe(400);
    const typo = await h.app.request(`/api/metrics/revenue/stream?${RANGE}&lastEventID=3`);
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toMatch(/did you mean "lastEventId"/);
  });

  it('drops a client that stops reading, says why, and counts it', async () => {
    h = await harness({ realtime: { intervalMs: 20, maxBufferedBytes: 1024 } });
    await h.app.request('/api/definitions', json(realtimeRevenue));
    const res = await h.app.request(`/api/metrics/revenue/stream?${RANGE}`);
    // Nobody reads `res` while the value keeps changing.
    let dropped = '';
    for (let id = 200; !dropped; id++) {
      await h.db.query(`INSERT INTO shop.orders VALUES (${id}, '2025-02-01T00:00:00Z', 'eu', 1)`);
      const metrics = await (await h.app.request('/metrics')).text();
      dropped = /kpi_realtime_dropped_total\{reason="slow-client"\} (\d+)/.exec(metrics)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(dropped).toBe('1');
    const text = await res.text(); // what it had not read, then the reason, then the end
    expect(text.trimEnd().endsWith('event: dropped\ndata: {"reason":"slow-client"}')).toBe(true);
    expect(text.length).toBeLessThan(1024 + 4096);
  });
});
