/**
 * The embedded default end to end: `npm start` with nothing configured, then HTTP only. Numbers are
 * checked against hand-written SQL on an independent PGlite loaded with the same demo data (same
 * seed and scale give the same rows).
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { createEmbeddedDb } from '../../src/store/pglite-client.ts';
import {
  cacDefinition,
  NOTHING_CONFIGURED,
  postJson,
  type RunningService,
  startService,
} from './api-support.ts';

const cacDef = cacDefinition('cac_embedded');

describe('npm start with nothing configured', () => {
  let service: RunningService;
  let oracle: PGlite;
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-e2e-embedded-'));

  beforeAll(async () => {
    [service, oracle] = await Promise.all([
      startService({ ...NOTHING_CONFIGURED, DEMO_SCALE: '0.01', KPI_DATA_DIR: dataDir }),
      createEmbeddedDb(),
    ]);
    await loadDemoDataIntoPglite(oracle, { scale: 0.01 });
  });
  afterAll(async () => {
    await service?.stop();
    await oracle?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says auth is off, binds 127.0.0.1 and prints a curl line that works', async () => {
    const out = service.output();
    expect(out).toMatch(/embedded mode/);
    expect(out).toMatch(/auth is OFF .* 127\.0\.0\.1 only/);
    const curl = /try: curl '([^']+)'/.exec(out);
    expect(curl).not.toBeNull();
    const res = await fetch(curl![1]!.replace(/:\d+\//, `:${new URL(service.url).port}/`));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.history.length).toBeGreaterThan(0);
    expect(body.history.some((r: { value: number | null }) => r.value !== null)).toBe(true);
  });

  it("reports /health in the seed's shape with the embedded store and cache", async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      service: 'ok',
      storage: { timescale: 'ok', cache: 'ok', druid: 'not_configured' },
      scheduler: 'disabled',
      activeCalculations: 0,
    });
  });

  it('serves the demo KPIs and computes a new cross-source KPI as hand-written SQL does', async () => {
    const list = await (await fetch(`${service.url}/api/definitions`)).json();
    expect(list.definitions.length).toBeGreaterThan(0);
    expect((await postJson(`${service.url}/api/definitions`, cacDef)).status).toBe(201);
    const res = await fetch(
      `${service.url}/api/metrics/cac_embedded/history?aggregation=month&start=2025-01-01&end=2025-04-01`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('miss');
    const { history } = await res.json();
    const expected = await oracle.query<{ month: string; v: string | null }>(`
      WITH months AS (SELECT generate_series('2025-01-01'::timestamptz, '2025-03-01', '1 month') AS m)
      SELECT to_char(m AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
             (SELECT sum(amount) FROM finance.expenses WHERE spent_at >= m AND spent_at < m + interval '1 month')
             / NULLIF((SELECT count(id) FROM users.accounts WHERE created_at >= m AND created_at < m + interval '1 month'), 0) AS v
      FROM months ORDER BY m`);
    expect(history.map((r: { time: string }) => r.time.slice(0, 7))).toEqual(
      expected.rows.map((r) => r.month),
    );
    history.forEach((r: { value: number }, i: number) => {
      expect(r.value).toBeCloseTo(Number(expected.rows[i]!.v), 6);
    });
    const again = await fetch(
      `${service.url}/api/metrics/cac_embedded/history?aggregation=month&start=2025-01-01&end=2025-04-01`,
    );
    expect(again.headers.get('x-cache')).toBe('hit');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await service.stop(), service.output()).toBe(true);
    expect(service.output()).toMatch(/stopped/);
  });
});
