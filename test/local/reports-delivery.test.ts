/**
 * Scheduled reports on the app over PGlite with a real HTTP receiver and a real directory: a due run is
 * rendered over the period that just ended (numbers equal to hand-written SQL), POSTed signed and
 * written to REPORTS_DIR, recorded, sent once however often or by how many schedulers it is checked,
 * caught up within the horizon only, and sent on request through the API.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportScheduler } from '../../src/reports/report-scheduler.ts';
import type { SinkOptions } from '../../src/reports/sinks.ts';
import { parseHostAllowList } from '../../src/shared/host-allow-list.ts';
import { pgliteClient } from '../../src/store/pglite-client.ts';
import { ReportRunStore } from '../../src/store/report-runs-store.ts';
import { ReportStore } from '../../src/store/reports-store.ts';
import { webhookReceiver } from '../support/webhook-receiver.ts';
import { type Harness, harness, json, ordersRevenue, revenueDef } from './api-support.ts';

// Due daily at 06:00 UTC: the run of 2025-02-04 reports on 2025-02-03.
const DUE = new Date('2025-02-04T06:00:00Z');
const SECRET = 'report-secret';

describe('scheduled reports', () => {
  let h: Harness;
  let dir: string;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let now = DUE;
  const sinks = () => ({
    directory: dir,
    webhookSecret: SECRET,
    timeoutMs: 5_000,
    attempts: 2,
    backoffMs: 10,
    allowedHosts: null,
  });
  const scheduler = (catchUpMs = 86_400_000, options: SinkOptions = sinks()) =>
    new ReportScheduler({
      reports: new ReportStore(pgliteClient(h.db)),
      runs: new ReportRunStore(pgliteClient(h.db)),
      deps: { definitions: h.definitions, queries: h.queries },
      sinks: options,
      catchUpMs,
      now: () => now,
    });
  const oracle = (start: string, end: string) => ordersRevenue(h.db, start, end);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-reports-'));
    hook = await webhookReceiver(1);
    now = DUE;
    h = await harness({
      reportSinks: sinks(),
      now: () => now,
    });
    expect((await h.app.request('/api/definitions', json(revenueDef))).status).toBe(201);
    const report = {
      id: 'daily-revenue',
      name: 'Daily revenue',
      kpis: ['revenue'],
      format: 'csv',
      schedule: {
        frequency: 'daily',
        time: '06:00',
        timezone: 'UTC',
        recipients: [hook.url, 'cfo@example.com'],
      },
    };
    expect((await h.app.request('/api/reports', json(report))).status).toBe(201);
  }, 120_000);
  afterEach(async () => {
    await hook.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a due run once: rendered over the day before, POSTed signed, written to the directory, recorded', async () => {
    const a = scheduler();
    expect(await a.tick()).toBe(1);
    expect(await a.tick()).toBe(0);
    expect(await scheduler().tick()).toBe(0); // another instance finds it sent
    // The receiver failed the first attempt: two requests, the second delivered.
    expect(hook.received).toHaveLength(2);
    const { body, headers } = hook.received[1]!;
    const lines = body.trim().split('\n');
    expect(lines[0]).toBe('kpi_id,name,time,value');
    expect(lines[1]!.split(',')).toEqual([
      'revenue',
      'Revenue',
      '2025-02-03T00:00:00Z',
      String(await oracle('2025-02-03', '2025-02-04')),
    ]);
    const expected = createHmac('sha256', SECRET)
      .update(`${headers['x-kpi-timestamp']}.${body}`)
      .digest('hex');
    expect(headers['x-kpi-signature']).toBe(`sha256=${expected}`);
    expect(headers['content-type']).toMatch(/^text\/csv/);
    const files = readdirSync(join(dir, 'daily-revenue'));
    expect(files).toEqual(['2025-02-03T00-00-00Z_2025-02-04T00-00-00Z.csv']);
    expect(readFileSync(join(dir, 'daily-revenue', files[0]!), 'utf8')).toBe(body);

    const { runs } = await (await h.app.request('/api/reports/daily-revenue/deliveries')).json();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      scheduledFor: DUE.toISOString(),
      period: { start: '2025-02-03T00:00:00.000Z', end: '2025-02-04T00:00:00.000Z' },
      outcome: 'delivered',
    });
    expect(
      runs[0].deliveries.map((d: { sink: string; outcome: string }) => `${d.sink}:${d.outcome}`),
    ).toEqual(['webhook:delivered', 'email:skipped', 'directory:delivered']);
  });

  it('two schedulers racing send it once', async () => {
    const sent = await Promise.all([scheduler().tick(), scheduler().tick()]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(readdirSync(join(dir, 'daily-revenue'))).toHaveLength(1);
  });

  it('catches up the latest missed run within the horizon, and not beyond it', async () => {
    now = new Date(DUE.getTime() + 20 * 3_600_000); // 02:00 the next day: the run of the 4th was missed
    expect(await scheduler(24 * 3_600_000).tick()).toBe(1);
    const { runs } = await (await h.app.request('/api/reports/daily-revenue/deliveries')).json();
    expect(runs.map((r: { scheduledFor: string }) => r.scheduledFor)).toEqual([DUE.toISOString()]);
    now = new Date('2025-02-10T05:00:00Z'); // the run due at 06:00 on the 9th is 23 hours old
    expect(await scheduler(22 * 3_600_000).tick()).toBe(0);
  });

  it('sends on request through the API, and refuses unknown reports', async () => {
    now = new Date('2025-01-21T10:00:00Z');
    const res = await h.app.request('/api/reports/daily-revenue/deliver', { method: 'POST' });
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({
      outcome: 'delivered',
      period: { start: '2025-01-20T00:00:00.000Z', end: '2025-01-21T00:00:00.000Z' },
    });
    const sent = hook.received.at(-1)!.body.trim().split('\n')[1]!.split(',');
    expect(Number(sent[3])).toBe(await oracle('2025-01-20', '2025-01-21'));
    expect((await h.app.request('/api/reports/nosuch/deliver', { method: 'POST' })).status).toBe(404);
    expect((await h.app.request('/api/reports/daily-revenue/deliveries?limit=0')).status).toBe(400);
  });

  it('WEBHOOK_HOSTS: a delivery to a host outside the list is not sent, and says why', async () => {
    // The list changed after the report was saved: the delivery checks it again.
    const onlyElsewhere = { ...sinks(), allowedHosts: parseHostAllowList('hooks.example.com') };
    expect(await scheduler(86_400_000, onlyElsewhere).tick()).toBe(1);
    expect(hook.received).toHaveLength(0);
    const { runs } = await (await h.app.request('/api/reports/daily-revenue/deliveries')).json();
    const webhook = runs[0].deliveries.find((d: { sink: string }) => d.sink === 'webhook');
    expect(webhook).toMatchObject({ outcome: 'failed', bytes: 0 });
    expect(webhook.error).toBe(`host ${new URL(hook.url).host} is not in WEBHOOK_HOSTS`);
  });
});

describe('WEBHOOK_HOSTS at the API', () => {
  it('refuses a report whose recipient URL is outside the list (422 naming the recipient), accepts one inside', async () => {
    const allowed = parseHostAllowList('*.example.com,127.0.0.1:9');
    const dir = mkdtempSync(join(tmpdir(), 'kpi-reports-'));
    const h = await harness({
      reportSinks: {
        directory: dir,
        webhookSecret: '',
        timeoutMs: 1_000,
        attempts: 1,
        backoffMs: 10,
        allowedHosts: allowed,
      },
    });
    try {
      expect((await h.app.request('/api/definitions', json(revenueDef))).status).toBe(201);
      const report = (id: string, recipients: string[]) => ({
        id,
        name: id,
        kpis: ['revenue'],
        format: 'csv',
        schedule: { frequency: 'daily', time: '06:00', timezone: 'UTC', recipients },
      });
      // The cloud metadata address, spelled as a decimal number: URL normalizes it, the list still refuses.
      const refused = await h.app.request(
        '/api/reports',
        json(report('sneaky', ['cfo@example.com', 'http://2852039166/latest/meta-data/'])),
      );
      expect(refused.status).toBe(422);
      const problem = await refused.json();
      expect(problem.error.code).toBe('recipient-not-allowed');
      expect(JSON.stringify(problem)).toContain('169.254.169.254');
      expect(JSON.stringify(problem)).toContain('schedule.recipients.1');
      expect((await h.app.request('/api/reports/sneaky')).status).toBe(404);
      const accepted = await h.app.request(
        '/api/reports',
        json(report('fine', ['https://hooks.example.com/kpi', 'http://127.0.0.1:9/x', 'cfo@example.com'])),
      );
      expect(accepted.status).toBe(201);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
