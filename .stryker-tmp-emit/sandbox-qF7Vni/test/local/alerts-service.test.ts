/**
 * AlertService on a PGlite metrics store with a real HTTP receiver: level changes become events once,
 * the webhook gets them signed (checked with node:crypto here), failed attempts are retried with
 * backoff and recorded, an owed delivery resumes after a restart, and two services sharing the store
 * record a change once.
 */
// @ts-nocheck

import { createHmac } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AlertOptions, AlertService } from '../../src/alerts/alerts.ts';
import type { Thresholds } from '../../src/ir/kpi.ts';
import { AlertStore } from '../../src/store/alerts-store.ts';
import { migrateStore } from '../../src/store/migrate.ts';
import { createEmbeddedDb, pgliteClient } from '../../src/store/pglite-client.ts';
import { webhookReceiver as receiver } from '../support/webhook-receiver.ts';

const T: Thresholds = { warning: { op: '>', value: 100 }, critical: { op: '>', value: 200 } };
const SECRET = 's3cret';

describe('alert service', () => {
  let db: PGlite;
  let store: AlertStore;
  const services: AlertService[] = [];
  const service = (o: Partial<AlertOptions> = {}) => {
    const s = new AlertService(store, { band: 0.02, ...o });
    services.push(s);
    return s;
  };
  const hook = (url: string, more: Partial<NonNullable<AlertOptions['webhook']>> = {}) => ({
    url,
    secret: SECRET,
    timeoutMs: 5_000,
    maxAttempts: 5,
    backoffMs: 20,
    maxBackoffMs: 100,
    ...more,
  });
  const stored = async () =>
    (
      await db.query<{ to_level: string; delivery: string; attempts: number }>(
        'SELECT to_level, delivery, attempts FROM kpi_store.alert_events ORDER BY id',
      )
    ).rows;
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 20));
  };

  beforeEach(async () => {
    db = await createEmbeddedDb();
    const sql = pgliteClient(db);
    await migrateStore(sql);
    store = new AlertStore(sql);
  }, 120_000);
  afterEach(async () => {
    for (const s of services.splice(0)) s.close();
    await db.close();
  });

  it('records one event per level change and none for values that change nothing', async () => {
    const alerts = service();
    const heard: string[] = [];
    alerts.listen((e) => heard.push(`${e.from}>${e.to}`));
    const values = [50, 60, 150, 160, 250, 240, 199, 150, 97, 50];
    const events = [];
    for (const value of values)
      events.push(await alerts.observe({ kpiId: 'k', subject: 's', thresholds: T, value }));
    const changes = events.filter((e) => e !== null).map((e) => `${e!.from}>${e!.to}`);
    // 199 is still inside critical's 2 % band (196); 97 is past warning's (98).
    expect(changes).toEqual(['ok>warning', 'warning>critical', 'critical>warning', 'warning>ok']);
    expect(heard).toEqual(changes);
    expect((await stored()).map((r) => r.to_level)).toEqual(['warning', 'critical', 'warning', 'ok']);
    expect((await stored()).every((r) => r.delivery === 'none')).toBe(true);
    const listed = await alerts.list({ kpiId: 'k', level: 'critical', limit: 10 });
    expect(listed.map((e) => [e.value, e.threshold])).toEqual([[250, { op: '>', value: 200 }]]);
    // A KPI without thresholds, or no value: nothing.
    expect(await alerts.observe({ kpiId: 'k', subject: 's', thresholds: undefined, value: 1e9 })).toBeNull();
    expect(await alerts.observe({ kpiId: 'k', subject: 's', thresholds: T, value: null })).toBeNull();
  });

  it('POSTs each event signed, retries failed attempts with backoff and records them', async () => {
    const r = await receiver(2);
    try {
      const alerts = service({ webhook: hook(r.url) });
      const event = await alerts.observe({ kpiId: 'mrr', subject: 'series:{}', thresholds: T, value: 150 });
      await r.count(3);
      await until(async () => (await stored())[0]?.delivery === 'delivered');
      expect(await stored()).toEqual([{ to_level: 'warning', delivery: 'delivered', attempts: 3 }]);
      for (const { body, headers } of r.received) {
        const ts = String(headers['x-kpi-timestamp']);
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
        expect(headers['x-kpi-signature']).toBe(expected);
        expect(headers['x-kpi-event-id']).toBe(String(event!.id));
        expect(JSON.parse(body)).toMatchObject({
          id: event!.id,
          kpiId: 'mrr',
          from: 'ok',
          to: 'warning',
          value: 150,
        });
      }
      // A tampered body no longer matches its signature.
      const { body, headers } = r.received[0]!;
      const forged = createHmac('sha256', SECRET).update(
        `${headers['x-kpi-timestamp']}.${body.replace('150', '151')}`,
      );
      expect(headers['x-kpi-signature']).not.toBe(`sha256=${forged.digest('hex')}`);
    } finally {
      await r.close();
    }
  });

  it('gives up after the last attempt and records the failure', async () => {
    const r = await receiver(100);
    try {
      const alerts = service({ webhook: hook(r.url, { maxAttempts: 3 }) });
      await alerts.observe({ kpiId: 'k', subject: 's', thresholds: T, value: 300 });
      await until(async () => (await stored())[0]?.delivery === 'failed');
      const [event] = await alerts.list({ limit: 1 });
      expect(event).toMatchObject({
        delivery: 'failed',
        attempts: 3,
        lastError: 'HTTP 503',
        deliveredAt: null,
      });
      expect(r.received).toHaveLength(3);
    } finally {
      await r.close();
    }
  });

  it('resumes an owed delivery after a restart', async () => {
    const r = await receiver(0);
    const down = await receiver(0);
    await down.close(); // a port nobody listens on any more
    try {
      const first = service({ webhook: hook(down.url, { backoffMs: 60_000, maxBackoffMs: 60_000 }) });
      await first.observe({ kpiId: 'k', subject: 's', thresholds: T, value: 300 });
      await until(async () => (await stored())[0]?.attempts === 1);
      first.close(); // the process ends with the delivery owed
      expect(await stored()).toEqual([{ to_level: 'critical', delivery: 'pending', attempts: 1 }]);
      await service({ webhook: hook(r.url) }).start();
      await r.count(1);
      await until(async () => (await stored())[0]?.delivery === 'delivered');
      expect(JSON.parse(r.received[0]!.body)).toMatchObject({ to: 'critical', value: 300 });
    } finally {
      await r.close();
    }
  });

  it('two services sharing the store record a change once', async () => {
    const a = service();
    const b = service();
    const results = await Promise.all([
      a.observe({ kpiId: 'k', subject: 's', thresholds: T, value: 150 }),
      b.observe({ kpiId: 'k', subject: 's', thresholds: T, value: 150 }),
    ]);
    expect(results.filter((e) => e !== null)).toHaveLength(1);
    expect(await stored()).toHaveLength(1);
    // b remembers the level it found under lock: the next value there changes nothing more.
    expect(await b.observe({ kpiId: 'k', subject: 's', thresholds: T, value: 160 })).toBeNull();
  });
});
