/**
 * The embedded default (`npm start`, nothing configured) against requests that used to crash, freeze or
 * forget: large bound parameters, a query longer than QUERY_TIMEOUT_MS, and a SIGKILL right after
 * acknowledged writes. Real process, real PGlite, HTTP only; the data folder is a temporary KPI_DATA_DIR.
 */
// @ts-nocheck

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_CONFIGURED, postJson, type RunningService, startService } from './api-support.ts';

const TIMEOUT_MS = 3_000;
const HISTORY = '/api/metrics/revenue/history?aggregation=month&start=2025-01-01&end=2025-07-01';
/** Hours over two years, each re-reading a year of events for a distinct count: minutes of work for PGlite. */
const SLOW_QUERY = {
  dsl: 'kpi slow_rolling = rolling(count(distinct analytics.events.account_id), 365 days)',
  grain: 'hour',
  start: '2024-06-01',
  end: '2026-06-01',
};

/** One POST on a fresh connection (node:http without an agent): nothing else shares its socket. */
const postOnce = (url: string, filters: unknown) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const body = JSON.stringify({
      kpi: 'revenue',
      grain: 'month',
      start: '2025-01-01',
      end: '2025-04-01',
      filters,
    });
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may close while the rest of the body is still being sent: that is the point.
    req.on('error', reject);
    req.end(body);
  });

const text = (url: string, body: string, method = 'POST', headers: Record<string, string> = {}) =>
  fetch(url, { method, headers: { 'content-type': 'text/plain', ...headers }, body });

describe('the embedded default survives hostile requests and crashes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-e2e-robust-'));
  const env = { ...NOTHING_CONFIGURED, KPI_DATA_DIR: dataDir, QUERY_TIMEOUT_MS: String(TIMEOUT_MS) };
  let service: RunningService;

  beforeAll(async () => {
    service = await startService(env);
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers filter values of 66,000 and 1,000,000 characters and a 5,000-value IN list', async () => {
    const query = (filters: unknown) =>
      postJson(`${service.url}/api/query`, {
        kpi: 'revenue',
        grain: 'month',
        start: '2025-01-01',
        end: '2025-04-01',
        filters,
      });
    for (const length of [66_000, 1_000_000]) {
      const res = await query({ region: 'x'.repeat(length) });
      expect(res.status).toBe(200);
      // No region is called that: every month is empty.
      expect((await res.json()).rows.every((r: { value: unknown }) => r.value === null)).toBe(true);
    }
    const regions = Array.from({ length: 5_000 }, (_, i) => (i === 4_999 ? 'eu' : `region-${i}`));
    const inList = await query({ region: regions });
    expect(inList.status).toBe(200);
    const euOnly = await (await query({ region: 'eu' })).json();
    expect((await inList.json()).rows).toEqual(euOnly.rows);
    // Past the body limit: refused before any work, in the error shape. On a connection of its own:
    // the server answers before reading the whole body and closes that connection.
    const tooLarge = await postOnce(`${service.url}/api/query`, { region: 'x'.repeat(1_100_000) });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('payload-too-large');
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('answers 504 at QUERY_TIMEOUT_MS while /health keeps answering, then serves again', async () => {
    const before = await (await fetch(`${service.url}${HISTORY}`)).json();
    let slowDone = false;
    const healthMs: number[] = [];
    const probe = (async () => {
      while (!slowDone) {
        const t0 = performance.now();
        const res = await fetch(`${service.url}/health`);
        expect(res.status).toBe(200);
        healthMs.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const t0 = performance.now();
    const slow = await postJson(`${service.url}/api/query`, SLOW_QUERY);
    const slowMs = performance.now() - t0;
    slowDone = true;
    await probe;
    expect(slow.status).toBe(504);
    expect((await slow.json()).error.code).toBe('query-timeout');
    expect(slowMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
    console.log(
      `slow query: 504 after ${Math.round(slowMs)} ms; /health answered ${healthMs.length} times, max ${Math.round(Math.max(...healthMs))} ms`,
    );
    // On the main thread the statement blocked /health for its whole run (minutes); now the loop is free.
    expect(healthMs.length).toBeGreaterThan(1);
    expect(Math.max(...healthMs)).toBeLessThan(TIMEOUT_MS);
    // The statement was stopped with its worker; the restarted worker answers the same numbers.
    let after: Response;
    for (;;) {
      after = await fetch(`${service.url}${HISTORY.replace('2025-07-01', '2025-07-02')}`);
      if (after.status !== 503) break;
      expect(after.headers.get('retry-after')).toBe('5');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(after.status).toBe(200);
    expect((await after.json()).history.slice(0, 6)).toEqual(before.history);
    expect(service.output()).toMatch(/restarting the worker/);
  });

  it('refuses to start a second service on the same KPI_DATA_DIR', async () => {
    await expect(startService(env)).rejects.toThrow(/KPI_DATA_DIR .* is in use by process/);
  });

  it('keeps every acknowledged write across a SIGKILL, and seeds demo KPIs only into an empty store', async () => {
    const base = service.url;
    const acknowledged: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await text(
        `${base}/api/definitions`,
        `kpi durable_${i} = sum(payments.subscriptions.amount)`,
      );
      expect(res.status).toBe(201);
      acknowledged.push(`durable_${i}`);
    }
    for (let i = 0; i < 6; i++) {
      const res = await text(
        `${base}/api/definitions/durable_${i}`,
        `kpi durable_${i} = sum(payments.subscriptions.amount) * ${i + 2}`,
        'PUT',
        { 'if-match': '"1"' },
      );
      expect(res.status).toBe(200);
    }
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${base}/api/reports`, {
        id: `durable-report-${i}`,
        name: `Report ${i}`,
        kpis: ['revenue'],
        format: 'json',
      });
      expect(res.status).toBe(201);
    }
    expect((await fetch(`${base}/api/definitions/cumulative_signups`, { method: 'DELETE' })).status).toBe(
      204,
    );
    // A crash right after the last acknowledgement: nothing gets to flush or close.
    await service.kill();
    expect(existsSync(join(dataDir, 'store'))).toBe(true);

    service = await startService(env);
    const ids = (await (await fetch(`${service.url}/api/definitions`)).json()).definitions.map(
      (d: { id: string }) => d.id,
    );
    expect(ids).toEqual(expect.arrayContaining(acknowledged));
    expect(ids).not.toContain('cumulative_signups');
    expect(service.output()).not.toMatch(/seeded/);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${service.url}/api/definitions/durable_${i}`);
      expect(res.headers.get('etag')).toBe('"2"');
      const versions = await (await fetch(`${service.url}/api/definitions/durable_${i}/versions`)).json();
      expect(versions.versions).toHaveLength(2);
    }
    for (let i = 0; i < 4; i++) {
      expect((await fetch(`${service.url}/api/reports/durable-report-${i}`)).status).toBe(200);
    }
  });

  it('stops cleanly on SIGTERM and releases the data folder', async () => {
    expect(await service.stop(), service.output()).toBe(true);
    expect(existsSync(join(dataDir, 'kpi-engine.pid'))).toBe(false);
  });
});
