/**
 * Alerts through the app over PGlite: a streamed KPI with thresholds raises an `alert` event after the
 * value that crossed the line (the value equal to hand-written SQL), GET /api/alerts lists it, /metrics
 * counts it, and bad filters are 400.
 */
// @ts-nocheck

import { afterEach, describe, expect, it } from 'vitest';
import { sseReader } from '../support/sse.ts';
import { type Harness, harness, json, ordersRevenue, revenueDef } from './api-support.ts';

const RANGE = 'start=2025-01-01&end=2025-03-01';
// 200 in the range at first (hand-written SQL below): a warning above 205, critical above 1,000.
const watched = {
  ...revenueDef,
  schedule: { frequency: 'realtime' },
  thresholds: { warning: 205, critical: 1_000 },
};

describe('alerts (api)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const oracle = () => ordersRevenue(h.db, '2025-01-01', '2025-03-01');

  it('pushes an alert after the value that crossed the line, and lists it', async () => {
    h = await harness({ realtime: { intervalMs: 30 }, alerts: {} });
    expect((await h.app.request('/api/definitions', json(watched))).status).toBe(201);
    const events = sseReader(await h.app.request(`/api/metrics/revenue/stream?${RANGE}`));
    const first = await events.next();
    expect([first.event, JSON.parse(first.data!).value]).toEqual(['value', await oracle()]);

    await h.db.query(`INSERT INTO shop.orders VALUES (100, '2025-02-20T00:00:00Z', 'us', 10)`);
    const value = await events.next();
    expect([value.event, JSON.parse(value.data!).value]).toEqual(['value', await oracle()]);
    const alert = await events.next();
    expect(alert.event).toBe('alert');
    expect(Number(alert.id)).toBeGreaterThan(Number(value.id));
    const body = JSON.parse(alert.data!);
    expect(body).toMatchObject({ kpiId: 'revenue', from: 'ok', to: 'warning', value: await oracle() });
    expect(body.threshold).toEqual({ op: '>', value: 205 });
    await events.cancel();

    const listed = await (await h.app.request('/api/alerts?kpi=revenue')).json();
    expect(listed.alerts).toEqual([body]);
    expect((await (await h.app.request('/api/alerts?level=critical')).json()).alerts).toEqual([]);
    expect((await (await h.app.request('/api/alerts?since=2999-01-01T00:00:00Z')).json()).alerts).toEqual([]);
    const metrics = await (await h.app.request('/metrics')).text();
    expect(metrics).toMatch(/kpi_alerts_total\{kpi="revenue",level="warning"\} 1/);

    // A reconnecting client without an id gets the latest value, not the alert.
    const again = sseReader(await h.app.request(`/api/metrics/revenue/stream?${RANGE}`));
    expect((await again.next()).event).toBe('value');
    await again.cancel();
  });

  it('refuses bad filters with 400, and is 404 without the metrics store', async () => {
    h = await harness({ alerts: {} });
    for (const q of ['level=bogus', 'since=yesterday', 'limit=0', 'limit=1001', 'kpi=a-b', 'color=red']) {
      const res = await h.app.request(`/api/alerts?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.code).toBe('invalid-request');
    }
    await h.close();
    h = await harness();
    expect((await h.app.request('/api/alerts')).status).toBe(404);
  });
});
